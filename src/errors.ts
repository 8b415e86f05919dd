/**
 * Every failure jwtkit reports is a {@link JwtError} with a stable `code`. Codes never change
 * meaning; messages may be reworded, so programs branch on `code`, never on `message`.
 *
 * Messages never contain a token, a key or a secret.
 *
 * @module
 */

/** The stable error codes. See `docs/errors.md` for what each means and the HTTP status the adapters give. */
export const JWT_ERROR_CODES = [
  // Tokens (untrusted input)
  'ERR_JWT_MALFORMED',
  'ERR_JWT_TOO_LARGE',
  'ERR_JWT_ALG_NOT_ALLOWED',
  'ERR_JWT_SIGNATURE_INVALID',
  'ERR_JWT_UNSUPPORTED_HEADER',
  'ERR_JWT_TYPE_MISMATCH',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_NOT_YET_VALID',
  'ERR_JWT_CLAIM_INVALID',
  'ERR_JWT_REVOKED',
  'ERR_BASE64URL_INVALID',
  // Encrypted tokens (compact JWE, RFC 7516)
  'ERR_JWE_MALFORMED',
  'ERR_JWE_TOO_LARGE',
  'ERR_JWE_ALG_NOT_ALLOWED',
  'ERR_JWE_UNSUPPORTED_HEADER',
  'ERR_JWE_DECRYPTION_FAILED',
  // Keys and key sets
  'ERR_KEY_INVALID',
  'ERR_JWKS_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_FETCH',
  // Refresh tokens and stores
  'ERR_REFRESH_INVALID',
  'ERR_REFRESH_REUSED',
  'ERR_REFRESH_REVOKED',
  'ERR_REFRESH_EXPIRED',
  'ERR_STORE_UNAVAILABLE',
  // HTTP adapters
  'ERR_CSRF',
  'ERR_REQUEST_INVALID',
  'ERR_REQUEST_TIMEOUT',
  'ERR_CREDENTIALS_MISSING',
  'ERR_CREDENTIALS_INVALID',
  'ERR_INSUFFICIENT_SCOPE',
  // Sender-constrained tokens (DPoP proofs, RFC 9449; certificate-bound tokens, RFC 8705)
  'ERR_DPOP_PROOF_INVALID',
  'ERR_DPOP_NONCE_REQUIRED',
  'ERR_TOKEN_BINDING_MISMATCH',
  // Misuse by the calling program
  'ERR_INVALID_OPTION',
] as const;

/** One of {@link JWT_ERROR_CODES}. */
export type JwtErrorCode = (typeof JWT_ERROR_CODES)[number];

/**
 * Why a claim was rejected, on `ERR_JWT_CLAIM_INVALID`: `missing`, `type` (not of the registered
 * type), `mismatch` (not the expected value), `future` (`iat` in the future), `too_old`, or
 * `milliseconds` (an `exp`, `nbf` or `iat` of 10^11 or more: a time in milliseconds where JWT
 * counts seconds). The DPoP codes use the same reasons for the proof's claims, and `replayed` for
 * a proof whose `jti` was already seen; `rejected` is a claim or header parameter an application
 * check refused (the `validators` option of the adapters' authentication).
 */
export type JwtClaimFailureReason = 'missing' | 'type' | 'mismatch' | 'future' | 'too_old' | 'milliseconds' | 'replayed' | 'rejected';

/** Extra facts an error can carry. None of them is secret. */
export interface JwtErrorDetails {
  /** The claim or header parameter at fault (`ERR_JWT_CLAIM_INVALID`, `ERR_JWT_TYPE_MISMATCH`). */
  claim?: string;
  /** Why the claim was rejected (`ERR_JWT_CLAIM_INVALID`). */
  reason?: JwtClaimFailureReason;
  /** When the token expired (`ERR_JWT_EXPIRED`). */
  expiredAt?: Date;
  /** The underlying error, when one exists. It never holds key material. */
  cause?: unknown;
}

const CODE_SET: ReadonlySet<string> = new Set(JWT_ERROR_CODES);

/**
 * The one error class of jwtkit. Every entry point (`jwtkit`, `jwtkit/express`, ...) shares it;
 * use {@link isJwtError} rather than `instanceof` when both the ESM and the CommonJS copy of the
 * package may be loaded.
 *
 * @example
 * ```ts
 * import { verify, isJwtError } from 'jwtkit';
 * try {
 *   await verify(token, key, { algorithms: ['ES256'] });
 * } catch (error) {
 *   if (isJwtError(error, 'ERR_JWT_EXPIRED')) console.log('expired at', error.expiredAt);
 *   else throw error;
 * }
 * ```
 */
export class JwtError extends Error {
  /** The stable code: branch on this, never on `message`. */
  readonly code: JwtErrorCode;
  /** The claim or header parameter at fault, where one is. */
  readonly claim?: string;
  /** Why the claim was rejected, on `ERR_JWT_CLAIM_INVALID`. */
  readonly reason?: JwtClaimFailureReason;
  /** When the token expired, on `ERR_JWT_EXPIRED`. */
  readonly expiredAt?: Date;

  /**
   * @param code - the stable error code.
   * @param message - a human-readable explanation; must never contain a token or key material.
   * @param details - optional facts about the failure.
   * @example
   * ```ts
   * throw new JwtError('ERR_STORE_UNAVAILABLE', 'the token store did not answer', { cause: error });
   * ```
   * @throws never.
   */
  constructor(code: JwtErrorCode, message: string, details?: JwtErrorDetails) {
    super(message, details?.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'JwtError';
    this.code = code;
    if (details?.claim !== undefined) this.claim = details.claim;
    if (details?.reason !== undefined) this.reason = details.reason;
    if (details?.expiredAt !== undefined) this.expiredAt = details.expiredAt;
  }
}

/**
 * Tells whether a value is a jwtkit error, optionally of one code. It compares the `name` and the
 * `code`, so it also recognises errors thrown by the other (ESM or CommonJS) copy of the package.
 *
 * @param value - anything caught.
 * @param code - when given, the error must also have this code.
 * @returns `true` when `value` is a {@link JwtError} (of `code`, when given).
 * @example
 * ```ts
 * if (isJwtError(error, 'ERR_REFRESH_REUSED')) alertSecurityTeam(error);
 * ```
 * @throws never.
 */
export function isJwtError(value: unknown, code?: JwtErrorCode): value is JwtError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  if (candidate.name !== 'JwtError' || typeof candidate.code !== 'string') return false;
  if (!CODE_SET.has(candidate.code)) return false;
  return code === undefined || candidate.code === code;
}
