import { JwtError } from '../../errors.js';
import { tokenRequestError } from './error-replies.js';

/**
 * The refresh token of a token request in the form of RFC 6749 §6 (`grant_type=refresh_token`,
 * `refresh_token=...`), which standard OAuth 2.0 clients send. `client_id` is accepted and
 * ignored (the auth endpoints serve public clients: the refresh token is the credential), as is
 * any other parameter (RFC 6749 §3.1), except `scope`.
 *
 * @internal
 * @module
 */

/** The parameters read; a `scope` is refused. */
const GRANT_TYPE = 'grant_type';
const REFRESH_TOKEN = 'refresh_token';
const SCOPE = 'scope';

/**
 * Reads the refresh token of an RFC 6749 §6 token request.
 *
 * @returns the `refresh_token` parameter, as sent (its syntax is checked by the caller).
 * @throws ERR_REQUEST_INVALID answered 400 `invalid_request` for no parameters, a repeated
 *   parameter (RFC 6749 §3.1), no `grant_type` or no `refresh_token`; `unsupported_grant_type`
 *   for a `grant_type` other than `refresh_token`; `invalid_scope` for a `scope` (the access token
 *   of a refresh carries the session's claims: a narrower scope cannot be granted, and ignoring it
 *   would answer with more than was asked, RFC 6749 §6).
 * @internal
 */
export function readRefreshGrantForm(params: URLSearchParams | undefined): string {
  if (params === undefined) throw new JwtError('ERR_REQUEST_INVALID', 'the token request has no parameters (grant_type, refresh_token)');
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) {
      throw new JwtError('ERR_REQUEST_INVALID', `the token request repeats the parameter "${shown(name)}" (RFC 6749 §3.1)`);
    }
  }
  const grantType = params.get(GRANT_TYPE);
  if (grantType === null || grantType === '') throw new JwtError('ERR_REQUEST_INVALID', 'the token request has no "grant_type"');
  if (grantType !== 'refresh_token') {
    throw tokenRequestError('the refresh endpoint accepts "grant_type=refresh_token" only', 'unsupported_grant_type');
  }
  if (params.has(SCOPE)) {
    throw tokenRequestError('"scope" is not supported: a refresh gives an access token with the session\'s claims', 'invalid_scope');
  }
  const refreshToken = params.get(REFRESH_TOKEN);
  if (refreshToken === null || refreshToken === '') throw new JwtError('ERR_REQUEST_INVALID', 'the token request has no "refresh_token"');
  return refreshToken;
}

/** A parameter name for a reason: printable ASCII, at most 40 characters. */
function shown(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
