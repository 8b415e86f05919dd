import { JwtError } from '../../errors.js';
import { peekOwnDataProperty } from '../../jws/jwk.js';
import { assertB64Token } from './credential-syntax.js';
import { isFormMediaType } from './form-body.js';
import type { HttpRequestFacts } from './http-exchange.js';

/**
 * The access token in a form-encoded body (RFC 6750 §2.2), the `allowBodyToken` option: read from
 * a body the framework already parsed, never from the request stream.
 *
 * @internal
 * @module
 */

/**
 * The methods whose request body has defined semantics (RFC 6750 §2.2: "the GET method MUST NOT
 * be used"; RFC 9110 §9.3 gives no meaning to the content of HEAD, DELETE, OPTIONS, ...).
 */
const BODY_TOKEN_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** The `access_token` values of a parsed body: a form, `FormData`, or an object of strings. */
function accessTokenValues(body: unknown): readonly unknown[] {
  if (body instanceof URLSearchParams) return body.getAll('access_token');
  if (typeof FormData !== 'undefined' && body instanceof FormData) return body.getAll('access_token');
  if (typeof body !== 'object' || body === null) return [];
  // Own members only (a polluted Object.prototype adds no token); a repeated parameter is an array.
  const value = peekOwnDataProperty(body, 'access_token');
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The access token of a form-encoded body (RFC 6750 §2.2): only for POST, PUT and PATCH with
 * `Content-Type: application/x-www-form-urlencoded`, and only from a body already parsed
 * (`request.parsedBody()`); any other request has none here.
 *
 * @returns the token, or `undefined` when the request has none in its body.
 * @throws ERR_REQUEST_INVALID when `access_token` is repeated, not a string, or not a b64token.
 * @internal
 */
export function readBodyToken(request: HttpRequestFacts): string | undefined {
  if (!BODY_TOKEN_METHODS.has(request.method) || !isFormMediaType(request.header('content-type'))) return undefined;
  const values = accessTokenValues(request.parsedBody?.());
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new JwtError('ERR_REQUEST_INVALID', 'the access_token body parameter is repeated');
  const value = values[0];
  if (typeof value !== 'string') throw new JwtError('ERR_REQUEST_INVALID', 'the access_token body parameter is not a string');
  return assertB64Token(value, 'access_token body parameter');
}
