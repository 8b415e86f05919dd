import { JwtError } from '../../errors.js';

/**
 * RFC 6750 §2.1 `b64token`: the only characters a bearer credential may hold. A compact JWS
 * (Base64url segments joined by dots) always fits; anything else is a malformed request.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** `Bearer`, any case, one or more spaces, one b64token, nothing else (RFC 6750 §2.1). */
const BEARER_CREDENTIAL = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** A header value that starts with `bearer` (any case), or holds a `bearer` credential after a comma. */
const MENTIONS_BEARER = /^bearer|,[ \t]*bearer(?:[ \t,]|$)/i;

/**
 * Reads the bearer credential from the `Authorization` header value, where every `Authorization`
 * header of the request has been joined with `", "` (what Fetch's `Headers.get` gives; the Node
 * adapter joins `rawHeaders` the same way, so both adapters see the same string).
 *
 * @returns the token; `undefined` when the header is absent or uses another scheme (`Basic ...`),
 *   which RFC 6750 §3.1 treats as "no credentials".
 * @throws ERR_REQUEST_INVALID when the header mentions `Bearer` but is not exactly
 *   `Bearer <b64token>` (no space, extra parts, several credentials or headers), or is empty.
 * @internal
 */
export function readBearerCredential(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const value = authorization.trim();
  if (value === '') throw new JwtError('ERR_REQUEST_INVALID', 'the Authorization header is empty');
  const match = BEARER_CREDENTIAL.exec(value);
  if (match !== null) return match[1];
  if (MENTIONS_BEARER.test(value)) {
    throw new JwtError('ERR_REQUEST_INVALID', 'the Authorization header is not a single "Bearer <token>" credential');
  }
  return undefined;
}

/** `DPoP`, any case, one or more spaces, one b64token, nothing else (RFC 9449 §7.1: token68). */
const DPOP_CREDENTIAL = /^dpop +([A-Za-z0-9\-._~+/]+=*)$/i;

/** A header value that starts with `dpop` (any case), or holds a `dpop` credential after a comma. */
const MENTIONS_DPOP = /^dpop|,[ \t]*dpop(?:[ \t,]|$)/i;

/** The credential of an `Authorization` header and the scheme it came with. @internal */
export interface AuthorizationCredential {
  readonly scheme: 'bearer' | 'dpop';
  readonly token: string;
}

/**
 * Reads a `Bearer` or (when `dpop` is true) a `DPoP` credential from the joined `Authorization`
 * header value, with the same strictness for both: exactly one credential, one b64token.
 *
 * @returns the credential; `undefined` when the header is absent or uses another scheme (with
 *   `dpop` false, `DPoP ...` is another scheme).
 * @throws ERR_REQUEST_INVALID when the header mentions a scheme read here but is not exactly one
 *   `<scheme> <b64token>` credential, or is empty.
 * @internal
 */
export function readAuthorizationCredential(authorization: string | undefined, dpop: boolean): AuthorizationCredential | undefined {
  if (!dpop || authorization === undefined) {
    const token = readBearerCredential(authorization);
    return token === undefined ? undefined : { scheme: 'bearer', token };
  }
  const value = authorization.trim();
  if (value === '') throw new JwtError('ERR_REQUEST_INVALID', 'the Authorization header is empty');
  const match = DPOP_CREDENTIAL.exec(value);
  if (match !== null) return { scheme: 'dpop', token: match[1] as string };
  if (MENTIONS_DPOP.test(value)) {
    throw new JwtError('ERR_REQUEST_INVALID', 'the Authorization header is not a single "DPoP <token>" credential');
  }
  const token = readBearerCredential(value);
  return token === undefined ? undefined : { scheme: 'bearer', token };
}

/**
 * Checks that a credential taken from a cookie, a query parameter or a JSON body is one b64token.
 *
 * @throws ERR_REQUEST_INVALID when it is empty or holds other characters.
 * @internal
 */
export function assertB64Token(value: string, where: string): string {
  if (!B64TOKEN.test(value)) throw new JwtError('ERR_REQUEST_INVALID', `the ${where} is not a well-formed token`);
  return value;
}
