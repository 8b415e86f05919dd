import { JwtError, isJwtError } from '../../errors.js';
import type { JwtErrorCode } from '../../errors.js';
import { ownValue } from '../../internal/own-member.js';
import { jsonReply } from './http-exchange.js';
import type { HttpReply } from './http-exchange.js';

/**
 * The HTTP side of jwtkit's error codes (RFC 6750 §3 for protected resources; docs/errors.md).
 * Replies say which RFC 6750 class of failure happened and nothing more: never the token, a key
 * id, a stack trace, or which check failed (except "expired", which RFC 6750 itself shows and the
 * holder of the token can read from it anyway).
 *
 * @internal
 * @module
 */

/** Codes that mean "a dependency (token store, key set) is down": 503, no detail. */
const UNAVAILABLE: ReadonlySet<JwtErrorCode> = new Set(['ERR_STORE_UNAVAILABLE', 'ERR_JWKS_FETCH', 'ERR_JWKS_INVALID']);

/** Codes of a refresh token the endpoints refuse: 401 `invalid_grant`. */
const REFRESH_REFUSED: ReadonlySet<JwtErrorCode> = new Set([
  'ERR_REFRESH_INVALID',
  'ERR_REFRESH_REUSED',
  'ERR_REFRESH_REVOKED',
  'ERR_REFRESH_EXPIRED',
]);

const statusHints = new WeakMap<JwtError, number>();

const REQUEST_DESCRIPTIONS: Readonly<Record<number, string>> = {
  413: 'The request body is too large',
  415: 'The request body must be application/json',
};

/**
 * An `ERR_REQUEST_INVALID` error answered with `status` (400 unless told: 413, 415).
 *
 * @internal
 */
export function requestError(message: string, status = 400): JwtError {
  const error = new JwtError('ERR_REQUEST_INVALID', message);
  statusHints.set(error, status);
  return error;
}

/**
 * Escapes a value for an HTTP quoted-string (RFC 9110 §5.6.4): `\` and `"` are escaped, and any
 * character that is not printable ASCII is replaced, so a value can never break the header.
 *
 * @internal
 */
export function quoteHeaderValue(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&')}"`;
}

/** The attributes of a `WWW-Authenticate: Bearer` challenge. @internal */
export interface BearerChallenge {
  realm: string;
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  description?: string;
  scope?: string;
}

/**
 * Builds a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3) with every value quoted and escaped.
 *
 * @internal
 */
export function bearerChallenge(challenge: BearerChallenge): string {
  const { error, description, scope } = ownAttributes(challenge);
  const parts = [`realm=${quoteHeaderValue(challenge.realm)}`];
  if (error !== undefined) parts.push(`error=${quoteHeaderValue(error)}`);
  if (description !== undefined) parts.push(`error_description=${quoteHeaderValue(description)}`);
  if (scope !== undefined) parts.push(`scope=${quoteHeaderValue(scope)}`);
  return `Bearer ${parts.join(', ')}`;
}

/** The optional attributes, read as own properties: a polluted `Object.prototype` adds none. */
function ownAttributes(challenge: BearerChallenge): Omit<BearerChallenge, 'realm'> {
  return {
    error: ownValue(challenge, 'error', challenge.error),
    description: ownValue(challenge, 'description', challenge.description),
    scope: ownValue(challenge, 'scope', challenge.scope),
  };
}

/**
 * The authorization schemes a protected resource reads, for its challenges (RFC 9449 §7.1: a
 * `DPoP` challenge beside the `Bearer` one when both are accepted), and the scheme the refused
 * request used. Without it, the challenge is `Bearer` alone.
 * @internal
 */
export interface ChallengeSchemes {
  /** Whether the `Bearer` scheme is read (a `Bearer` challenge is sent). */
  readonly bearer: boolean;
  /** The `algs` of the `DPoP` challenge, when the `DPoP` scheme is read. */
  readonly dpopAlgs: string | undefined;
  /** The scheme of the refused credential: the error goes into its challenge. */
  readonly used: 'bearer' | 'dpop' | undefined;
  /**
   * A fresh server nonce: sent as `DPoP-Nonce` with a `use_dpop_nonce` answer (RFC 9449 §9);
   * `undefined` when none could be issued (the answer then has no `DPoP-Nonce`).
   */
  readonly nonce?: (() => string | undefined) | undefined;
}

/** The error codes of a `DPoP` challenge (RFC 9449 §7.1, §9) beside those of RFC 6750 §3.1. */
type ChallengeError = NonNullable<BearerChallenge['error']> | 'invalid_dpop_proof' | 'use_dpop_nonce';

/** A `DPoP` challenge (RFC 9449 §7.1): `realm`, then the error, then `algs`. */
function dpopChallenge(challenge: BearerChallenge, error: ChallengeError | undefined, algs: string): string {
  const { description, scope } = ownAttributes(challenge);
  const parts = [`realm=${quoteHeaderValue(challenge.realm)}`];
  if (error !== undefined) parts.push(`error=${quoteHeaderValue(error)}`);
  if (description !== undefined) parts.push(`error_description=${quoteHeaderValue(description)}`);
  if (scope !== undefined) parts.push(`scope=${quoteHeaderValue(scope)}`);
  parts.push(`algs=${quoteHeaderValue(algs)}`);
  return `DPoP ${parts.join(', ')}`;
}

/**
 * The `WWW-Authenticate` value: the challenge of each scheme read, the error in the one the
 * request used (`errorScheme` overrides it: DPoP proof errors belong to the `DPoP` challenge).
 */
function challengeHeader(
  challenge: BearerChallenge,
  error: ChallengeError | undefined,
  schemes: ChallengeSchemes | undefined,
  errorScheme?: 'dpop',
): string {
  if (schemes === undefined || schemes.dpopAlgs === undefined)
    return bearerChallenge({ ...challenge, error: error as BearerChallenge['error'] });
  const inScheme = errorScheme ?? schemes.used ?? (schemes.bearer ? 'bearer' : 'dpop');
  const challenges: string[] = [];
  if (schemes.bearer) {
    challenges.push(
      inScheme === 'bearer'
        ? bearerChallenge({ ...challenge, error: error as BearerChallenge['error'] })
        : bearerChallenge({ realm: challenge.realm }),
    );
  }
  challenges.push(
    inScheme === 'dpop'
      ? dpopChallenge(challenge, error, schemes.dpopAlgs)
      : dpopChallenge({ realm: challenge.realm }, undefined, schemes.dpopAlgs),
  );
  return challenges.join(', ');
}

function challengeReply(
  status: number,
  challenge: BearerChallenge,
  schemes?: ChallengeSchemes,
  dpopError?: 'invalid_dpop_proof' | 'use_dpop_nonce',
): HttpReply {
  const { description, scope } = ownAttributes(challenge);
  const error: ChallengeError | undefined = dpopError ?? ownAttributes(challenge).error;
  const body: Record<string, string> = { error: error ?? 'unauthorized' };
  if (description !== undefined) body['error_description'] = description;
  if (scope !== undefined) body['scope'] = scope;
  const headers: Array<[string, string]> = [['WWW-Authenticate', challengeHeader(challenge, error, schemes, dpopError && 'dpop')]];
  const nonce = dpopError === 'use_dpop_nonce' ? schemes?.nonce?.() : undefined;
  if (nonce !== undefined) headers.push(['DPoP-Nonce', nonce]);
  return jsonReply(status, body, headers);
}

function unavailableReply(): HttpReply {
  return jsonReply(503, { error: 'temporarily_unavailable' });
}

function invalidRequestReply(error: JwtError, realm: string | undefined, schemes?: ChallengeSchemes): HttpReply {
  const status = statusHints.get(error) ?? 400;
  const description = REQUEST_DESCRIPTIONS[status] ?? 'The request is malformed';
  if (realm === undefined || status !== 400) {
    return jsonReply(status, { error: 'invalid_request', error_description: description });
  }
  return challengeReply(400, { realm, error: 'invalid_request', description }, schemes);
}

/** The answer to a request whose body did not arrive within `bodyTimeout`. */
function requestTimeoutReply(): HttpReply {
  return jsonReply(408, { error: 'invalid_request', error_description: 'The request body did not arrive in time' });
}

function csrfReply(): HttpReply {
  return jsonReply(403, { error: 'access_denied', error_description: 'Cross-site request refused' });
}

/**
 * The error of a token that lacks a required scope, role or claim, naming the scopes needed when
 * it is a scope that is missing (for the refusal's reason; the answer names them in `scope`).
 * `anyOf`: any one of the scopes would do (`requireAnyScope`).
 *
 * @internal
 */
export function insufficientScopeError(scope: string | undefined, anyOf = false): JwtError {
  let message = 'the access token lacks a required role or claim';
  if (scope !== undefined) {
    message = anyOf
      ? `the access token grants none of the scopes the resource accepts: "${scope}" (from the "scope" or "scp" claim)`
      : `the access token lacks a required scope: the resource needs "${scope}" (from the "scope" or "scp" claim)`;
  }
  return new JwtError('ERR_INSUFFICIENT_SCOPE', message);
}

/**
 * The 403 `insufficient_scope` answer (RFC 6750 §3.1), with `scope` naming the scopes the
 * resource needs when it is a scope that is missing.
 *
 * @internal
 */
export function insufficientScopeReply(realm: string, scope: string | undefined, schemes?: ChallengeSchemes): HttpReply {
  const challenge: BearerChallenge = {
    realm,
    error: 'insufficient_scope',
    description: 'The access token does not grant access to this resource',
  };
  if (scope !== undefined) challenge.scope = scope;
  return challengeReply(403, challenge, schemes);
}

/**
 * The answer to a request to a protected resource that failed authentication.
 *
 * - no credentials → 401, `Bearer realm="..."`, no error code;
 * - malformed request → 400 `invalid_request`;
 * - cookie credential on a cross-site state change → 403;
 * - token store, key set or DPoP replay cache down → 503 without detail;
 * - a DPoP proof that fails a check (RFC 9449 §4.3) → 401 `invalid_dpop_proof` in the `DPoP`
 *   challenge; a proof without a current server nonce → 401 `use_dpop_nonce` in the `DPoP`
 *   challenge, with a `DPoP-Nonce` header (RFC 9449 §9);
 * - anything else (bad, expired or revoked token; a token not used with the key or certificate it
 *   is bound to; a resolver that threw) → 401 `invalid_token` in the challenge of the scheme used.
 *
 * @param schemes - the schemes read and the one used; without it, `Bearer` alone.
 * @internal
 */
export function authenticationErrorReply(error: unknown, realm: string, schemes?: ChallengeSchemes): HttpReply {
  if (isJwtError(error)) {
    if (error.code === 'ERR_CREDENTIALS_MISSING') return challengeReply(401, { realm }, schemes);
    if (error.code === 'ERR_REQUEST_INVALID') return invalidRequestReply(error, realm, schemes);
    if (error.code === 'ERR_CSRF') return csrfReply();
    if (error.code === 'ERR_INSUFFICIENT_SCOPE') return insufficientScopeReply(realm, undefined, schemes);
    if (UNAVAILABLE.has(error.code)) return unavailableReply();
    if (error.code === 'ERR_JWT_EXPIRED') {
      return challengeReply(401, { realm, error: 'invalid_token', description: 'The access token expired' }, schemes);
    }
    if (error.code === 'ERR_DPOP_PROOF_INVALID' && schemes?.dpopAlgs !== undefined) {
      return challengeReply(401, { realm, description: 'The DPoP proof is not valid' }, schemes, 'invalid_dpop_proof');
    }
    if (error.code === 'ERR_DPOP_NONCE_REQUIRED' && schemes?.dpopAlgs !== undefined) {
      return challengeReply(401, { realm, description: 'The DPoP proof must carry the server nonce' }, schemes, 'use_dpop_nonce');
    }
  }
  return challengeReply(401, { realm, error: 'invalid_token', description: 'The access token is not valid' }, schemes);
}

/** The `error` of an OAuth 2.0 token request refused as malformed, other than `invalid_request` (RFC 6749 §5.2). */
export type TokenRequestError = 'unsupported_grant_type' | 'invalid_scope';

const tokenRequestErrors = new WeakMap<JwtError, TokenRequestError>();

const TOKEN_REQUEST_DESCRIPTIONS: Readonly<Record<TokenRequestError, string>> = {
  unsupported_grant_type: 'The grant type is not supported here',
  invalid_scope: 'The scope of a refresh cannot be changed here',
};

/**
 * An `ERR_REQUEST_INVALID` error answered 400 with the OAuth 2.0 `error` given (RFC 6749 §5.2)
 * instead of `invalid_request`.
 *
 * @internal
 */
export function tokenRequestError(message: string, error: TokenRequestError): JwtError {
  const jwtError = new JwtError('ERR_REQUEST_INVALID', message);
  tokenRequestErrors.set(jwtError, error);
  return jwtError;
}

/** What an auth endpoint's answer to a failure depends on besides the error. @internal */
export interface EndpointReplyContext {
  /**
   * The status of `invalid_grant` for a refused refresh token: 400 for the RFC 6749 §6 form grant
   * (RFC 6749 §5.2); 401 (the default) for the JSON and cookie refresh, as since jwtkit 0.1.
   */
  readonly grantStatus?: 400 | 401;
  /** A fresh server nonce for a `use_dpop_nonce` answer (RFC 9449 §8); none when absent or `undefined`. */
  readonly nonce?: (() => string | undefined) | undefined;
}

/** The 400 `use_dpop_nonce` answer of a token endpoint (RFC 9449 §8), with `DPoP-Nonce` when one could be issued. */
function useDPoPNonceReply(context: EndpointReplyContext): HttpReply {
  const nonce = context.nonce?.();
  const body = { error: 'use_dpop_nonce', error_description: 'The DPoP proof must carry the server nonce' };
  return jsonReply(400, body, nonce === undefined ? [] : [['DPoP-Nonce', nonce]]);
}

/**
 * The answer of an auth endpoint (login, refresh, logout) to a failure.
 *
 * - malformed request → 400 `invalid_request` (413 for a body over the limit, 415 for a body that
 *   is not JSON or, at the refresh endpoint, a form); a token request with another grant type →
 *   400 `unsupported_grant_type`, with a `scope` → 400 `invalid_scope` (RFC 6749 §5.2);
 * - a body that did not arrive within `bodyTimeout` → 408 `invalid_request` (the Node side also
 *   closes the connection: see `writeNodeReply`);
 * - wrong login credentials → 401 `invalid_credentials`;
 * - refused refresh token → 401 `invalid_grant` (400 for the form grant: `context.grantStatus`);
 * - a session bound to a DPoP key refreshed without a proof of that key → 400 `invalid_grant`;
 * - a DPoP proof that fails a check → 400 `invalid_dpop_proof`; a proof without a current server
 *   nonce → 400 `use_dpop_nonce` with a `DPoP-Nonce` header (RFC 9449 §5, §8). No
 *   `WWW-Authenticate`: a token endpoint answers in its body (RFC 6749 §5.2);
 * - cross-site request → 403;
 * - token store, key set or DPoP replay cache down → 503;
 * - anything else → 500 `server_error`, without detail.
 *
 * @internal
 */
export function endpointErrorReply(error: unknown, context: EndpointReplyContext = {}): HttpReply {
  if (isJwtError(error)) {
    if (error.code === 'ERR_REQUEST_INVALID') {
      const oauthError = tokenRequestErrors.get(error);
      if (oauthError !== undefined) return jsonReply(400, { error: oauthError, error_description: TOKEN_REQUEST_DESCRIPTIONS[oauthError] });
      return invalidRequestReply(error, undefined);
    }
    if (error.code === 'ERR_REQUEST_TIMEOUT') return requestTimeoutReply();
    if (error.code === 'ERR_CREDENTIALS_INVALID') return jsonReply(401, { error: 'invalid_credentials' });
    if (REFRESH_REFUSED.has(error.code)) return jsonReply(context.grantStatus ?? 401, { error: 'invalid_grant' });
    if (error.code === 'ERR_TOKEN_BINDING_MISMATCH') return jsonReply(400, { error: 'invalid_grant' });
    if (error.code === 'ERR_DPOP_PROOF_INVALID') {
      return jsonReply(400, { error: 'invalid_dpop_proof', error_description: 'The DPoP proof is not valid' });
    }
    if (error.code === 'ERR_DPOP_NONCE_REQUIRED') return useDPoPNonceReply(context);
    if (error.code === 'ERR_CSRF') return csrfReply();
    if (UNAVAILABLE.has(error.code)) return unavailableReply();
  }
  return jsonReply(500, { error: 'server_error' });
}
