/**
 * DPoP proofs for the tests, made with node:crypto (the forger of test/helpers/core.ts), never
 * with jwtkit: a proof built by a second implementation keeps a bug in the verifier from hiding
 * behind the same bug in a signer. Every header member and claim can be replaced or removed, so
 * each check of RFC 9449 §4.3 can be broken one at a time.
 */
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import { isJwtError, type JwtErrorCode } from '../../src/index.js';
import { b64u, NOW, rawSign, testKeys, type ForgeAlg } from '../helpers/core.js';

export { NOW, NOW_CLOCK, caught } from '../helpers/core.js';

/** The URL the tests' requests go to. */
export const REQUEST_URL = 'https://api.example/orders';

/** An access token (RFC 6750 b64token characters). */
export const ACCESS_TOKEN = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';

/** The proof algorithms the tests sign with; `Ed25519` is signed as EdDSA (RFC 9864). */
export type ProofAlg = 'RS256' | 'PS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519';

/** The test key pair for a proof algorithm. */
export function proofKeyPair(alg: ProofAlg): { privateKey: KeyObject; publicKey: KeyObject } {
  const keys = testKeys();
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return keys.rsa;
    case 'ES256':
      return keys.p256;
    case 'ES384':
      return keys.p384;
    case 'ES512':
      return keys.p521;
    case 'EdDSA':
    case 'Ed25519':
      return keys.ed25519;
  }
}

/** The public JWK of a key, as node:crypto exports it. */
export function publicJwk(key: KeyObject): Record<string, unknown> {
  return key.export({ format: 'jwk' }) as Record<string, unknown>;
}

/** Base64Url(SHA-256(ASCII(token))), computed here with Buffer, not with jwtkit. */
export function tokenHash(token: string): string {
  return b64u(createHash('sha256').update(Buffer.from(token, 'ascii')).digest());
}

/** What to change in a proof: members set to `undefined` are removed. */
export interface ProofSpec {
  /** The header `alg` and the algorithm signed with. Default: `ES256`. */
  alg?: ProofAlg;
  /** Header members to set or (with `undefined`) remove; `alg` here changes the header only. */
  header?: Record<string, unknown>;
  /** Claims to set or remove. */
  claims?: Record<string, unknown>;
  /** The private key that signs. Default: the test key of `alg`. */
  signWith?: KeyObject;
}

function merged(base: Record<string, unknown>, changes: Record<string, unknown> | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base, ...changes };
  for (const [name, value] of Object.entries(result)) if (value === undefined) delete result[name];
  return result;
}

/** A DPoP proof for GET {@link REQUEST_URL} at {@link NOW}, with the changes of `spec`. */
export function makeProof(spec: ProofSpec = {}): string {
  const alg = spec.alg ?? 'ES256';
  const { privateKey, publicKey } = proofKeyPair(alg);
  const header = merged({ typ: 'dpop+jwt', alg, jwk: publicJwk(publicKey) }, spec.header);
  const claims = merged({ jti: randomUUID(), htm: 'GET', htu: REQUEST_URL, iat: NOW }, spec.claims);
  return sign(header, claims, alg === 'Ed25519' ? 'EdDSA' : alg, spec.signWith ?? privateKey);
}

/** Signs a header and claims as given (the header's `alg` is not looked at). */
export function sign(header: object, claims: object, signAlg: ForgeAlg, key: KeyObject | Uint8Array): string {
  const signingInput = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${signingInput}.${b64u(rawSign(signAlg, signingInput, key))}`;
}

/** Asserts a JwtError of `code` with the `claim` and `reason` given (`undefined`: absent). */
export function expectError(error: unknown, code: JwtErrorCode, claim?: string, reason?: string): void {
  expect(isJwtError(error), `expected a JwtError, got ${String(error)}`).toBe(true);
  const jwtError = error as { code: string; claim?: string; reason?: string };
  expect({ code: jwtError.code, claim: jwtError.claim, reason: jwtError.reason }).toEqual({ code, claim, reason });
}

/** The code of a JwtError's cause. */
export function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return isJwtError(cause) ? cause.code : undefined;
}
