import { isJwtError } from '../../errors.js';
import type { JwtError } from '../../errors.js';

/**
 * The `reason` of a refusal event: what the error says, then what a server operator can change,
 * where the usual cause is a configuration mistake (an audience or `typ` that does not match, a key
 * set that cannot be fetched, a cookie path). It never holds a token: error messages never do
 * (src/errors.ts), and the request facts it may name (a header name, an origin, a path) are not
 * credentials.
 *
 * @internal
 * @module
 */

/** What the adapter knows of its configuration, for the hints. @internal */
export interface RefusalContext {
  /** The access-token cookie `authenticate` reads, if any. */
  readonly accessCookie?: string | undefined;
  /** Whether `authenticate` reads the `DPoP` scheme only. */
  readonly dpopRequired?: boolean;
}

/** The most characters of a cause's message a reason repeats. */
const MAX_CAUSE = 200;

/** The messages of an error's causes (at most three), for network failures. */
function causes(error: JwtError): string {
  const parts: string[] = [];
  try {
    let cause: unknown = error.cause;
    for (let depth = 0; depth < 3 && cause instanceof Error; depth++) {
      const text = String(cause.message).replace(/[^\x20-\x7e]/g, '?');
      if (text !== '' && !parts.includes(text)) parts.push(text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE)}…` : text);
      cause = cause.cause;
    }
  } catch {
    // A cause whose members cannot be read adds nothing.
  }
  return parts.length === 0 ? '' : ` (cause: ${parts.join(': ')})`;
}

function missingCredentialsHint(context: RefusalContext): string {
  if (context.dpopRequired === true) return 'send the access token as "Authorization: DPoP <token>" with its DPoP proof';
  const cookie = context.accessCookie === undefined ? '' : ` or in the "${context.accessCookie}" cookie`;
  return `send the access token as "Authorization: Bearer <token>"${cookie}`;
}

function claimHint(error: JwtError): string | undefined {
  switch (error.claim) {
    case 'aud':
      return 'the token was issued for another audience: "verify.audience" must be the identifier this API has at the issuer (the audience of its token service)';
    case 'iss':
      return '"verify.issuer" must be the issuer\'s identifier exactly as it writes it in "iss" (scheme, host, trailing slash)';
    default:
      return undefined;
  }
}

/** What to change, per code, where a configuration is the usual cause. */
function hint(error: JwtError, context: RefusalContext): string | undefined {
  switch (error.code) {
    case 'ERR_CREDENTIALS_MISSING':
      return missingCredentialsHint(context);
    case 'ERR_JWT_EXPIRED':
      return `expired at ${error.expiredAt?.toISOString() ?? 'an unknown time'}: the client should refresh its access token (compare the clocks if this is unexpected; "verify.clockTolerance")`;
    case 'ERR_JWT_NOT_YET_VALID':
      return 'compare the clocks of the issuer and this server ("verify.clockTolerance")';
    case 'ERR_JWT_TYPE_MISMATCH':
      return 'the "typ" header is missing or not "verify.typ": access tokens are "at+jwt" (RFC 9068); check that the client sends an access token, not an ID or refresh token, and that the issuer sets "typ"';
    case 'ERR_JWT_CLAIM_INVALID':
      return claimHint(error);
    case 'ERR_JWT_ALG_NOT_ALLOWED':
      return 'the token\'s "alg" must be in "verify.algorithms" and match the key';
    case 'ERR_JWT_SIGNATURE_INVALID':
      return 'the token was not signed by a key this server trusts: check "key" (the issuer\'s JWKS URL or public key)';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no key of the key set fits the token\'s "kid": check that "key" points at the key set of the issuer that signed it';
    case 'ERR_JWKS_FETCH':
    case 'ERR_JWKS_INVALID':
      return `the key set could not be used: check the URL given to createRemoteJWKS and that the issuer is reachable${causes(error)}`;
    case 'ERR_KEY_INVALID':
      return `the key resolver failed or returned an unusable key${causes(error)}`;
    case 'ERR_STORE_UNAVAILABLE':
      return 'the token store or the revocation check ("isRevoked") failed: see the error\'s cause';
    case 'ERR_REFRESH_REUSED':
      return 'a copied token replayed, or two tabs refreshing at once: the session is revoked unless within the token service\'s "reuseGrace"';
    case 'ERR_REFRESH_EXPIRED':
      return 'the session ended: the user logs in again';
    case 'ERR_TOKEN_BINDING_MISMATCH':
      return error.claim === 'cnf.jkt' && error.reason === 'mismatch'
        ? 'the token is bound to another DPoP key: a copied token used from another device (a theft signal; at the refresh endpoint the session is ended), or a client that lost its key'
        : undefined;
    case 'ERR_DPOP_PROOF_INVALID':
      return error.claim === 'htu'
        ? 'the proof\'s "htu" must be the URL the client addressed: list its origin in "dpop.origins" (behind a proxy, see "trustedProxies"; for the auth endpoints behind a proxy that strips a path, "publicPathPrefix")'
        : undefined;
    default:
      return undefined;
  }
}

/**
 * The reason of a refusal: the error's message, then the hint for its code.
 *
 * @internal
 */
export function refusalReason(error: unknown, context: RefusalContext = {}): string {
  if (!isJwtError(error)) return "the application's callback threw something that is not a JwtError: see the event's error";
  const extra = hint(error, context);
  return extra === undefined ? error.message : `${error.message}; ${extra}`;
}
