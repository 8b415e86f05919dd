import { bytesToText, deepFreeze } from '../encoding/json.js';
import { JwtError } from '../errors.js';
import { readCallTime } from '../internal/clock.js';
import { checkOptionNamesMemoised } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { prepareKey, selectVerificationAlgorithm } from '../jws/key.js';
import { parseCompact, type CompactParts } from '../jws/parse.js';
import type { JwsAlgorithm, KeyInput, KeyResolver } from '../jws/types.js';
import { checkAlgorithmsOption, checkMaxTokenLength, checkSignature, checkSignatureAsync, resolveKey } from '../jws/verify.js';
import { readClaimRules, validateClaims, type ClaimRules } from './claims.js';
import { parseClaimsSet } from './parse-claims.js';
import { VERIFY_OPTION_NAMES, type JwtClaims, type VerifyOptions, type VerifyResult } from './types.js';
import {
  checkCacheOption,
  findVerified,
  rememberVerified,
  type CachedVerification,
  type VerifiedTokenCache,
} from './verified-token-cache.js';

/** The options of one call, checked. @internal */
export interface VerifyContext {
  readonly allowed: readonly JwsAlgorithm[];
  readonly rules: ClaimRules;
  /** This call's clock, in epoch seconds. */
  readonly now: number;
  readonly maxLength: number;
  readonly cache: VerifiedTokenCache | undefined;
}

/**
 * The one check of {@link VerifyOptions}, shared by both forms and by the adapters (which run it once
 * when a middleware is made): it throws before any token or key is touched, and reads the clock once.
 * Only own members are options (here and in `readClaimRules`): an inherited one is never read.
 *
 * @throws `ERR_INVALID_OPTION` for options `verify` refuses.
 * @internal
 */
export function readVerifyOptions(options: VerifyOptions): VerifyContext {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'verify needs options with "algorithms"');
  }
  checkOptionNamesMemoised(options, VERIFY_OPTION_NAMES, 'verify');
  const allowed = checkAlgorithmsOption(ownValue(options, 'algorithms', options.algorithms));
  const rules = readClaimRules(options);
  // Claims may be fractional (RFC 7519 §2 NumericDate): compare with the clock's milliseconds.
  const clock = ownValue(options, 'clock', options.clock);
  const now = readCallTime(clock, ownValue(options, 'currentDate', options.currentDate)) / 1000;
  const maxLength = checkMaxTokenLength(ownValue(options, 'maxTokenLength', options.maxTokenLength));
  return { allowed, rules, now, maxLength, cache: checkCacheOption(ownValue(options, 'cache', options.cache)) };
}

/** Checks the signature, then parses and checks the claims, and remembers the result when there is a cache. */
function verifyParts<Claims extends object>(
  context: VerifyContext,
  token: string,
  parts: CompactParts,
  keyInput: unknown,
): VerifyResult<Claims> {
  checkSignature(parts, keyInput, context.allowed);
  return checkClaims<Claims>(context, token, parts, keyInput);
}

/**
 * {@link verifyParts} for {@link verify}: the signature of an RSA, ECDSA or EdDSA key is checked on
 * the thread pool while it is enabled (`checkSignatureAsync`), then the claims.
 */
function verifyPartsAsync<Claims extends object>(
  context: VerifyContext,
  token: string,
  parts: CompactParts,
  keyInput: unknown,
): VerifyResult<Claims> | Promise<VerifyResult<Claims>> {
  const pending = checkSignatureAsync(parts, keyInput, context.allowed);
  if (pending === undefined) return checkClaims<Claims>(context, token, parts, keyInput);
  return pending.then(() => checkClaims<Claims>(context, token, parts, keyInput));
}

/** Parses and checks the claims of parts whose signature verified, and remembers the result when there is a cache. */
function checkClaims<Claims extends object>(
  context: VerifyContext,
  token: string,
  parts: CompactParts,
  keyInput: unknown,
): VerifyResult<Claims> {
  const payload = parseClaimsSet(bytesToText(parts.payload));
  validateClaims(payload, parts.header, context.rules, context.now);
  if (context.cache !== undefined) {
    deepFreeze(payload);
    rememberVerified(context.cache, token, { key: keyInput, header: parts.header, payload }, context.now);
  }
  return { payload: payload as Claims & JwtClaims, header: parts.header };
}

/** The cache entry of `token` for this call, if any (the token must also pass `maxTokenLength`). */
function cachedEntry(context: VerifyContext, token: unknown): CachedVerification | undefined {
  if (context.cache === undefined || typeof token !== 'string' || token.length > context.maxLength) return undefined;
  return findVerified(context.cache, token, context.now);
}

/**
 * A cache hit, re-checked for this call: the same key input as the entry's, the algorithm
 * selection rules for this call's allow-list, and every claim check at this call's clock. Only
 * the parsing and the signature computation are skipped. `undefined` when the key differs.
 */
function reuseEntry<Claims extends object>(
  context: VerifyContext,
  entry: CachedVerification,
  keyInput: unknown,
): VerifyResult<Claims> | undefined {
  if (entry.key !== keyInput) return undefined;
  selectVerificationAlgorithm(prepareKey(keyInput, 'verify', context.allowed), entry.header.alg, context.allowed);
  validateClaims(entry.payload, entry.header, context.rules, context.now);
  return { payload: entry.payload as Claims & JwtClaims, header: entry.header };
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
 * @throws `JwtError`: `ERR_INVALID_OPTION` (bad options or an unknown option name, thrown before the token is read),
 * `ERR_JWT_TOO_LARGE`, `ERR_JWT_MALFORMED`, `ERR_JWT_UNSUPPORTED_HEADER`, `ERR_JWT_ALG_NOT_ALLOWED`,
 * `ERR_KEY_INVALID`, `ERR_JWT_SIGNATURE_INVALID`, then `ERR_JWT_TYPE_MISMATCH`, `ERR_JWT_EXPIRED`
 * (with `expiredAt`), `ERR_JWT_NOT_YET_VALID`, `ERR_JWT_CLAIM_INVALID` (with `claim` and `reason`;
 * reason `milliseconds` for an `exp`, `nbf` or `iat` of 10^11 or more);
 * and whatever `JwtError` a resolver throws.
 */
export async function verify<Claims extends object = Record<string, unknown>>(
  token: string,
  key: KeyInput | KeyResolver,
  options: VerifyOptions,
): Promise<VerifyResult<Claims>> {
  const context = readVerifyOptions(options);
  const entry = cachedEntry(context, token);
  if (entry !== undefined) {
    // A resolver still runs on a hit: a key it no longer returns no longer verifies the token.
    const keyInput = typeof key === 'function' ? await resolveKey(key, entry.header, token, context.allowed) : key;
    const hit = reuseEntry<Claims>(context, entry, keyInput);
    if (hit !== undefined) return hit;
    return verifyPartsAsync<Claims>(context, token, parseCompact(token, context.maxLength), keyInput);
  }
  const parts = parseCompact(token, context.maxLength);
  const keyInput = typeof key === 'function' ? await resolveKey(key, parts.header, token, context.allowed) : key;
  return verifyPartsAsync<Claims>(context, token, parts, keyInput);
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
  const context = readVerifyOptions(options);
  const entry = cachedEntry(context, token);
  const hit = entry === undefined ? undefined : reuseEntry<Claims>(context, entry, key);
  if (hit !== undefined) return hit;
  const parts = parseCompact(token, context.maxLength);
  if (typeof key === 'function') throw new JwtError('ERR_INVALID_OPTION', 'verifySync takes a key, not a resolver: use verify');
  return verifyParts<Claims>(context, token, parts, key);
}
