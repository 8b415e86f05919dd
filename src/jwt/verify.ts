import { bytesToText } from '../encoding/json.js';
import { JwtError } from '../errors.js';
import { readClock } from '../internal/duration.js';
import { parseCompact, type CompactParts } from '../jws/parse.js';
import type { KeyInput, KeyResolver } from '../jws/types.js';
import { checkAlgorithmsOption, checkMaxTokenLength, checkSignature, resolveKey } from '../jws/verify.js';
import { readClaimRules, validateClaims, type ClaimRules } from './claims.js';
import { parseClaimsSet } from './parse-claims.js';
import type { JwtClaims, VerifyOptions, VerifyResult } from './types.js';

interface PreparedVerification {
  readonly parts: CompactParts;
  readonly rules: ClaimRules;
  readonly now: number;
}

/** Option checks and parsing shared by both forms; throws before any key is touched. */
function prepareVerification(token: string, options: VerifyOptions): PreparedVerification & { allowed: VerifyOptions['algorithms'] } {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'verify needs options with "algorithms"');
  }
  const allowed = checkAlgorithmsOption(options.algorithms);
  const rules = readClaimRules(options);
  // Claims may be fractional (RFC 7519 §2 NumericDate): compare with the clock's milliseconds.
  const now = readClock(options.currentDate) / 1000;
  const parts = parseCompact(token, checkMaxTokenLength(options.maxTokenLength));
  return { parts, rules, now, allowed };
}

/** After the signature: parse the claims and check them. */
function finishVerification<Claims extends object>({ parts, rules, now }: PreparedVerification): VerifyResult<Claims> {
  const payload = parseClaimsSet(bytesToText(parts.payload));
  validateClaims(payload, parts.header, rules, now);
  return { payload: payload as Claims & JwtClaims, header: parts.header };
}

/**
 * Verifies a JWT: the signature first (with an algorithm from the mandatory allow-list that fits
 * the key), then the claims (`exp` required by default, `nbf`, `iat` not in the future, and the
 * expected `iss`, `sub`, `aud`, `typ`, `maxAge` and required claims).
 *
 * @typeParam Claims - the shape of your claims; the result's payload is `Claims & JwtClaims`.
 * Declaring it checks nothing at run time: validate application claims yourself.
 * @param token - the compact JWT, as received.
 * @param key - the verification key, or a resolver (e.g. `createRemoteJWKS(...)`) that picks one from the header.
 * @param options - see {@link VerifyOptions}; `algorithms` is required.
 * @returns the verified payload and protected header.
 * @example
 * ```ts
 * import { verify } from 'jwtkit';
 * const { payload } = await verify<{ scope: string }>(token, publicKey, {
 *   algorithms: ['ES256'],
 *   issuer: 'https://auth.example.com',
 *   audience: 'api',
 * });
 * ```
 * @throws `JwtError`: `ERR_INVALID_OPTION` (bad options, thrown before the token is read),
 * `ERR_JWT_TOO_LARGE`, `ERR_JWT_MALFORMED`, `ERR_JWT_UNSUPPORTED_HEADER`, `ERR_JWT_ALG_NOT_ALLOWED`,
 * `ERR_KEY_INVALID`, `ERR_JWT_SIGNATURE_INVALID`, then `ERR_JWT_TYPE_MISMATCH`, `ERR_JWT_EXPIRED`
 * (with `expiredAt`), `ERR_JWT_NOT_YET_VALID`, `ERR_JWT_CLAIM_INVALID` (with `claim` and `reason`);
 * and whatever `JwtError` a resolver throws.
 */
export async function verify<Claims extends object = Record<string, unknown>>(
  token: string,
  key: KeyInput | KeyResolver,
  options: VerifyOptions,
): Promise<VerifyResult<Claims>> {
  const prepared = prepareVerification(token, options);
  const keyInput = typeof key === 'function' ? await resolveKey(key, prepared.parts.header, token, prepared.allowed) : key;
  checkSignature(prepared.parts, keyInput, prepared.allowed);
  return finishVerification<Claims>(prepared);
}

/**
 * The synchronous form of {@link verify}, for a key given directly (a resolver needs {@link verify}).
 *
 * @example
 * ```ts
 * import { verifySync } from 'jwtkit';
 * const { payload } = verifySync(token, secret, { algorithms: ['HS256'], audience: 'api' });
 * ```
 * @throws the same codes as {@link verify}; `ERR_INVALID_OPTION` when given a resolver.
 */
export function verifySync<Claims extends object = Record<string, unknown>>(
  token: string,
  key: KeyInput,
  options: VerifyOptions,
): VerifyResult<Claims> {
  const prepared = prepareVerification(token, options);
  if (typeof key === 'function') throw new JwtError('ERR_INVALID_OPTION', 'verifySync takes a key, not a resolver: use verify');
  checkSignature(prepared.parts, key, prepared.allowed);
  return finishVerification<Claims>(prepared);
}
