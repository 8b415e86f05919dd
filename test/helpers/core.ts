/**
 * Shared fixtures of the tests of layers 0-2 (test/encoding, test/jws, test/jwt) and of test/dpop:
 * the frozen clock, fixture loading, an independent (node:crypto) token forger for attack inputs,
 * and assertions on JwtError codes.
 *
 * The forger is deliberately NOT jwtkit: attack tokens must be built by a second implementation,
 * so a bug in jwtkit's signer cannot hide a bug in its verifier.
 */
import { readFileSync } from 'node:fs';
import { createHmac, generateKeyPairSync, randomBytes, sign as cryptoSign, constants, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import { isJwtError, type JwtErrorCode } from '../../src/index.js';

/** The frozen clock of the tests (2023-11-14T22:13:20Z), in seconds. */
export const NOW = 1_700_000_000;
/** {@link NOW} as a Date. */
export const NOW_DATE = new Date(NOW * 1000);
/** A clock standing at {@link NOW}, for the `clock` option of `sign` and `verify`. */
export const NOW_CLOCK = (): Date => new Date(NOW * 1000);
/** An `exp` far in the future (2100-01-01). */
export const FAR_FUTURE = 4_102_444_800;

/** Reads a JSON fixture from `test/fixtures/vectors/`. */
export function loadVectors<T = unknown>(relativePath: string): T {
  const url = new URL(`../fixtures/vectors/${relativePath}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** Unpadded Base64url with Buffer: an independent oracle, never jwtkit's codec. */
export function b64u(value: string | Uint8Array): string {
  return Buffer.from(typeof value === 'string' ? Buffer.from(value, 'utf8') : value).toString('base64url');
}

/** Decodes Base64url with Buffer (lenient; only for inputs known to be valid). */
export function fromB64u(value: string): Buffer {
  return Buffer.from(value, 'base64url');
}

export type ForgeAlg =
  'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

const HASH: Record<ForgeAlg, string | null> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};
const HASH_BYTES: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** Signs `signingInput` with node:crypto the way RFC 7518 defines `alg`. */
export function rawSign(alg: ForgeAlg, signingInput: string | Uint8Array, key: KeyObject | Uint8Array): Buffer {
  const data = typeof signingInput === 'string' ? Buffer.from(signingInput, 'ascii') : Buffer.from(signingInput);
  const hash = HASH[alg];
  if (alg.startsWith('HS'))
    return createHmac(hash as string, key as KeyObject | Uint8Array)
      .update(data)
      .digest();
  const keyObject = key as KeyObject;
  if (alg.startsWith('RS')) return cryptoSign(hash, data, keyObject);
  if (alg.startsWith('PS')) {
    return cryptoSign(hash, data, {
      key: keyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: HASH_BYTES[hash as string] as number,
    });
  }
  if (alg.startsWith('ES')) return cryptoSign(hash, data, { key: keyObject, dsaEncoding: 'ieee-p1363' });
  return cryptoSign(null, data, keyObject);
}

/**
 * Builds a compact JWS from the exact header and payload text (not re-serialized), signed with
 * node:crypto. `header`/`payload` may be objects (JSON.stringify'd) or raw strings/bytes.
 */
export function forge(alg: ForgeAlg, header: string | object, payload: string | object | Uint8Array, key: KeyObject | Uint8Array): string {
  const headerText = typeof header === 'string' ? header : JSON.stringify(header);
  const payloadPart = payload instanceof Uint8Array ? b64u(payload) : b64u(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const signingInput = `${b64u(headerText)}.${payloadPart}`;
  return `${signingInput}.${b64u(rawSign(alg, signingInput, key))}`;
}

/** Replaces the signature segment of a token. */
export function withSignature(token: string, signature: string): string {
  return `${token.slice(0, token.lastIndexOf('.'))}.${signature}`;
}

/** Splits a compact token into its three segments. */
export function parts(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}

/** Keys made once per test file (RSA generation is slow). */
export interface TestKeys {
  hs256: Uint8Array;
  hs384: Uint8Array;
  hs512: Uint8Array;
  rsa: { privateKey: KeyObject; publicKey: KeyObject };
  rsa2: { privateKey: KeyObject; publicKey: KeyObject };
  p256: { privateKey: KeyObject; publicKey: KeyObject };
  p384: { privateKey: KeyObject; publicKey: KeyObject };
  p521: { privateKey: KeyObject; publicKey: KeyObject };
  ed25519: { privateKey: KeyObject; publicKey: KeyObject };
}

let cachedKeys: TestKeys | undefined;

/** Returns the shared test keys, generating them on first use. */
export function testKeys(): TestKeys {
  cachedKeys ??= {
    hs256: new Uint8Array(randomBytes(32)),
    hs384: new Uint8Array(randomBytes(48)),
    hs512: new Uint8Array(randomBytes(64)),
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    rsa2: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    p384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    p521: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
    ed25519: generateKeyPairSync('ed25519'),
  };
  return cachedKeys;
}

/** The signing key and the verification key for `alg` among {@link testKeys}. */
export function keyPairFor(alg: ForgeAlg): { signKey: KeyObject | Uint8Array; verifyKey: KeyObject | Uint8Array } {
  const keys = testKeys();
  switch (alg) {
    case 'HS256':
      return { signKey: keys.hs256, verifyKey: keys.hs256 };
    case 'HS384':
      return { signKey: keys.hs384, verifyKey: keys.hs384 };
    case 'HS512':
      return { signKey: keys.hs512, verifyKey: keys.hs512 };
    case 'RS256':
    case 'RS384':
    case 'RS512':
    case 'PS256':
    case 'PS384':
    case 'PS512':
      return { signKey: keys.rsa.privateKey, verifyKey: keys.rsa.publicKey };
    case 'ES256':
      return { signKey: keys.p256.privateKey, verifyKey: keys.p256.publicKey };
    case 'ES384':
      return { signKey: keys.p384.privateKey, verifyKey: keys.p384.publicKey };
    case 'ES512':
      return { signKey: keys.p521.privateKey, verifyKey: keys.p521.publicKey };
    case 'EdDSA':
      return { signKey: keys.ed25519.privateKey, verifyKey: keys.ed25519.publicKey };
  }
}

export const ALL_ALGS: readonly ForgeAlg[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Runs `fn` (sync or async) and returns what it threw, or fails the test if it did not throw. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected a JwtError, but the call succeeded');
  return undefined;
}

/** Runs `fn` (sync) and returns what it threw, or fails the test if it did not throw. */
export function caughtSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected a JwtError, but the call succeeded');
  return undefined;
}

/** Describes a thrown value for assertion messages (never a token or key). */
function describeThrown(error: unknown): string {
  if (isJwtError(error)) return `JwtError(${error.code})`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Asserts that `fn` throws (or rejects with) a JwtError with one of `codes`; returns the error. */
export async function expectCode(
  fn: () => unknown,
  ...codes: [JwtErrorCode, ...JwtErrorCode[]]
): Promise<{ code: JwtErrorCode; claim?: string; reason?: string; expiredAt?: Date; message: string }> {
  const error = await caught(fn);
  expect(isJwtError(error), `expected a JwtError, got ${describeThrown(error)}`).toBe(true);
  const jwtError = error as { code: JwtErrorCode; claim?: string; reason?: string; expiredAt?: Date; message: string };
  expect(codes, `unexpected code ${jwtError.code}`).toContain(jwtError.code);
  return jwtError;
}

/** Sync variant of {@link expectCode}: the call must throw synchronously. */
export function expectCodeSync(
  fn: () => unknown,
  ...codes: [JwtErrorCode, ...JwtErrorCode[]]
): { code: JwtErrorCode; claim?: string; reason?: string; message: string } {
  const error = caughtSync(fn);
  expect(isJwtError(error), `expected a JwtError, got ${describeThrown(error)}`).toBe(true);
  const jwtError = error as { code: JwtErrorCode; claim?: string; reason?: string; message: string };
  expect(codes, `unexpected code ${jwtError.code}`).toContain(jwtError.code);
  return jwtError;
}

/** PEM text of a key, for tests that feed PEM strings where keys are expected. */
export function pemOf(key: KeyObject): string {
  return key.type === 'private'
    ? (key.export({ type: 'pkcs8', format: 'pem' }) as string)
    : (key.export({ type: 'spki', format: 'pem' }) as string);
}
