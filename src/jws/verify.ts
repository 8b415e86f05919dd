import { JwtError, isJwtError } from '../errors.js';
import { checkOptionNamesMemoised, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { isJwsAlgorithm } from './algorithms.js';
import { prepareKey, selectVerificationAlgorithm } from './key.js';
import { takeTrialResult } from './key-trial.js';
import { DEFAULT_MAX_TOKEN_LENGTH, parseCompact, type CompactParts } from './parse.js';
import { verifySignature, verifySignatureAsync } from './signature.js';
import { threadPoolEnabled } from './thread-pool.js';
import type { JwsAlgorithm, JwsHeader, KeyInput, KeyResolver } from './types.js';

/**
 * Options of {@link verifyJws}. Any other member is refused with `ERR_INVALID_OPTION`; as for
 * `verify`, the names of an options object are checked in its first uses (then it is remembered by
 * identity), its values at every call.
 */
export interface VerifyJwsOptions {
  /** The algorithms accepted, e.g. `['EdDSA']`. Required and non-empty; `none` is never accepted. */
  algorithms: readonly JwsAlgorithm[];
  /** Longest accepted token, in characters, checked before anything else. Default: `8192`. */
  maxTokenLength?: number;
}

const VERIFY_JWS_OPTION_NAMES = optionNames<VerifyJwsOptions>(
  { algorithms: true, maxTokenLength: true },
  { algorithm: 'use "algorithms", a non-empty list such as ["EdDSA"]' },
);

/** What {@link verifyJws} returns. */
export interface VerifyJwsResult {
  /** The verified payload bytes. */
  payload: Uint8Array;
  /** The verified protected header (frozen). */
  header: JwsHeader;
}

/** Checks the options every verification shares. Throws `ERR_INVALID_OPTION`. @internal */
export function checkAlgorithmsOption(algorithms: unknown): readonly JwsAlgorithm[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', '"algorithms" is required: a non-empty list such as ["ES256"]');
  }
  for (const alg of algorithms) {
    if (!isJwsAlgorithm(alg)) throw new JwtError('ERR_INVALID_OPTION', '"algorithms" lists an unsupported algorithm');
  }
  return algorithms as readonly JwsAlgorithm[];
}

/** Checks `maxTokenLength`. Throws `ERR_INVALID_OPTION`. @internal */
export function checkMaxTokenLength(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_TOKEN_LENGTH;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new JwtError('ERR_INVALID_OPTION', '"maxTokenLength" must be a positive integer');
  }
  return value;
}

/**
 * Checks the signature of parsed parts with a resolved key: the algorithm selection rules of
 * {@link selectVerificationAlgorithm}, then the signature, unless the resolver already computed
 * it with this key while choosing it (`firstVerifyingKey`). Throws `ERR_JWT_SIGNATURE_INVALID`.
 * @internal
 */
export function checkSignature(parts: CompactParts, keyInput: unknown, allowed: readonly JwsAlgorithm[]): void {
  const key = prepareKey(keyInput, 'verify', allowed);
  const alg = selectVerificationAlgorithm(key, parts.header.alg, allowed);
  assertValid(takeTrialResult(key.keyObject, alg, parts) ?? verifySignature(alg, key.keyObject, parts.signingInput, parts.signature));
}

/**
 * {@link checkSignature} for the asynchronous API: the key and algorithm checks here and now (they
 * throw as in the synchronous form), the signature of an RSA, ECDSA or EdDSA key on the thread pool
 * while it is enabled; then a promise, otherwise `undefined` (an HMAC, or the pool off).
 * @internal
 */
export function checkSignatureAsync(parts: CompactParts, keyInput: unknown, allowed: readonly JwsAlgorithm[]): Promise<void> | undefined {
  const key = prepareKey(keyInput, 'verify', allowed);
  const alg = selectVerificationAlgorithm(key, parts.header.alg, allowed);
  const valid = takeTrialResult(key.keyObject, alg, parts) ?? verifySignatureAsync(alg, key.keyObject, parts.signingInput, parts.signature);
  if (typeof valid !== 'boolean') return valid.then(assertValid);
  assertValid(valid);
  return undefined;
}

/**
 * Whether {@link checkSignatureAsync} checks signatures with this key on the calling thread: an
 * HMAC secret, or any key while the thread pool is off (`configureThreadPool`). The adapters then
 * verify with the synchronous form, in the same tick. `false` for a resolver or a key that cannot
 * verify (the asynchronous form reports it).
 * @internal
 */
export function verifiesOnCallingThread(keyInput: unknown): boolean {
  if (typeof keyInput === 'function') return false;
  if (!threadPoolEnabled()) return true;
  try {
    return prepareKey(keyInput, 'verify').keyObject.type === 'secret';
  } catch {
    return false;
  }
}

function assertValid(valid: boolean): void {
  if (!valid) throw new JwtError('ERR_JWT_SIGNATURE_INVALID', 'the signature is not valid');
}

/**
 * Runs a key resolver and turns its failures into `JwtError`s: a `JwtError` it throws passes
 * through; anything else becomes `ERR_KEY_INVALID` (with the original as `cause`). A token whose
 * `alg` is not allowed is refused first, so it never makes a key set fetch or try keys.
 * @internal
 */
export async function resolveKey(
  resolver: KeyResolver,
  header: Readonly<JwsHeader>,
  token: string,
  allowed: readonly JwsAlgorithm[],
): Promise<KeyInput> {
  if (!allowed.includes(header.alg as JwsAlgorithm)) {
    throw new JwtError('ERR_JWT_ALG_NOT_ALLOWED', 'the token\'s "alg" is not an allowed algorithm');
  }
  try {
    return await resolver(header, token);
  } catch (error) {
    if (isJwtError(error)) throw error;
    throw new JwtError('ERR_KEY_INVALID', 'the key resolver failed', { cause: error });
  }
}

/**
 * Verifies a compact JWS over arbitrary bytes (RFC 7515) and returns its payload bytes. The layer
 * under {@link verify}: use it for JWS payloads that are not JWT claims.
 *
 * The key comes from the caller, or from a resolver that sees the frozen protected header, never
 * from the token (`jwk`, `jku`, `x5u`, `x5c` headers are ignored). The signature is checked before
 * the payload is returned.
 *
 * @param token - the compact JWS.
 * @param key - the verification key, or a resolver that picks one from the header.
 * @param options - see {@link VerifyJwsOptions}.
 * @returns the payload bytes and the protected header.
 * @example
 * ```ts
 * import { verifyJws } from 'jwtkit';
 * const { payload } = await verifyJws(jws, publicKey, { algorithms: ['EdDSA'] });
 * new TextDecoder().decode(payload);
 * ```
 * @throws `JwtError`: `ERR_INVALID_OPTION` (bad options, an unknown option name), `ERR_JWT_TOO_LARGE`, `ERR_JWT_MALFORMED`,
 * `ERR_JWT_UNSUPPORTED_HEADER`, `ERR_JWT_ALG_NOT_ALLOWED`, `ERR_KEY_INVALID`, `ERR_JWT_SIGNATURE_INVALID`,
 * and whatever `JwtError` the resolver throws (e.g. `ERR_JWKS_NO_MATCHING_KEY`).
 */
export async function verifyJws(token: string, key: KeyInput | KeyResolver, options: VerifyJwsOptions): Promise<VerifyJwsResult> {
  checkOptionNamesMemoised(options, VERIFY_JWS_OPTION_NAMES, 'verifyJws');
  // Only own members are options (test/jwt/prototype-pollution.test.ts).
  const allowed = checkAlgorithmsOption(ownValue(options, 'algorithms', options?.algorithms));
  const parts = parseCompact(token, checkMaxTokenLength(ownValue(options, 'maxTokenLength', options.maxTokenLength)));
  const keyInput = typeof key === 'function' ? await resolveKey(key, parts.header, token, allowed) : key;
  const pending = checkSignatureAsync(parts, keyInput, allowed);
  if (pending !== undefined) await pending;
  return { payload: toUint8Array(parts.payload), header: parts.header };
}

/**
 * The synchronous form of {@link verifyJws}, for a key given directly (no resolver).
 *
 * @example
 * ```ts
 * const { payload } = verifyJwsSync(jws, secret, { algorithms: ['HS256'] });
 * ```
 * @throws the same codes as {@link verifyJws}.
 */
export function verifyJwsSync(token: string, key: KeyInput, options: VerifyJwsOptions): VerifyJwsResult {
  checkOptionNamesMemoised(options, VERIFY_JWS_OPTION_NAMES, 'verifyJws');
  // Only own members are options (test/jwt/prototype-pollution.test.ts).
  const allowed = checkAlgorithmsOption(ownValue(options, 'algorithms', options?.algorithms));
  const parts = parseCompact(token, checkMaxTokenLength(ownValue(options, 'maxTokenLength', options.maxTokenLength)));
  if (typeof key === 'function') throw new JwtError('ERR_INVALID_OPTION', 'verifyJwsSync takes a key, not a resolver: use verifyJws');
  checkSignature(parts, key, allowed);
  return { payload: toUint8Array(parts.payload), header: parts.header };
}

function toUint8Array(bytes: Buffer): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
