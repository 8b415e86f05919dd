import { constants, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { encodeBase64url, encodeBinaryStringBase64url } from '../encoding/base64url.js';
import { hmacBinary, hmacMatches, type HmacHash } from './hmac.js';
import { ALGORITHMS, rsaSignatureLength, type AlgorithmSpec } from './algorithms.js';
import { runOnThreadPool, threadPoolEnabled } from './thread-pool.js';
import type { JwsAlgorithm } from './types.js';

type SignParameters = Parameters<typeof cryptoSign>[2];
type VerifyParameters = Parameters<typeof cryptoVerify>[2];

/** The `node:crypto` key argument for an algorithm: PSS padding and salt, P1363 ECDSA encoding. */
function cryptoKeyArgument(spec: AlgorithmSpec, key: KeyObject): SignParameters {
  switch (spec.family) {
    case 'rsa-pss':
      // Salt length = hash length, on signing and on verifying (RFC 7518 §3.5; Node's verify default is auto-detect).
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
    case 'ecdsa':
      return { key, dsaEncoding: 'ieee-p1363' };
    default:
      return key;
  }
}

/**
 * The signature of a JWS signing input, as Base64Url text (the third segment), with a key already
 * checked for `alg`. The signing input is ASCII; any string is taken as Latin-1 (one byte per
 * character), as {@link verifySignature} takes it.
 * @internal
 */
export function createSignatureSegment(alg: JwsAlgorithm, key: KeyObject, signingInput: string): string {
  const spec = ALGORITHMS[alg];
  if (spec.family === 'hmac') return encodeBinaryStringBase64url(hmacBinary(spec.hash as HmacHash, key, signingInput));
  return encodeBase64url(cryptoSign(spec.hash, Buffer.from(signingInput, 'latin1'), cryptoKeyArgument(spec, key)));
}

/**
 * Verifies a signature over `data` (a Latin-1 string: one byte per character; a JWS signing input
 * is ASCII) with a key already checked for `alg`. The signature must have the exact length the
 * algorithm and key fix (before `node:crypto` sees it); HMAC tags are compared in constant time.
 * Never throws: any failure is `false`.
 * @internal
 */
export function verifySignature(alg: JwsAlgorithm, key: KeyObject, data: string, signature: Uint8Array): boolean {
  const spec = ALGORITHMS[alg];
  const expectedLength = spec.signatureLength ?? rsaSignatureLength(key);
  if (signature.length !== expectedLength) return false;
  try {
    if (spec.family === 'hmac') return hmacMatches(spec.hash as HmacHash, key, data, signature);
    const bytes = Buffer.from(data, 'latin1');
    return cryptoVerify(spec.hash, bytes, cryptoKeyArgument(spec, key) as VerifyParameters, signature);
  } catch {
    return false;
  }
}

// The forms of the asynchronous API. An HMAC, or any signature while the pool is off
// (`configureThreadPool`), is computed here and returned as a value, not a promise: awaiting
// nothing would still cost the caller a turn of the microtask queue (bench: verify/HS256/async).

/**
 * {@link createSignatureSegment} for the asynchronous API: an RSA, ECDSA or EdDSA signature is
 * computed on libuv's thread pool while it is enabled (src/jws/thread-pool.ts), anything else
 * here. The same signature and the same errors as the synchronous form.
 * @internal
 */
export function createSignatureSegmentAsync(alg: JwsAlgorithm, key: KeyObject, signingInput: string): string | Promise<string> {
  const spec = ALGORITHMS[alg];
  if (spec.family === 'hmac' || !threadPoolEnabled()) return createSignatureSegment(alg, key, signingInput);
  const data = Buffer.from(signingInput, 'latin1');
  const argument = cryptoKeyArgument(spec, key);
  return runOnThreadPool<Buffer>((done) => cryptoSign(spec.hash, data, argument, done)).then(encodeBase64url);
}

/**
 * {@link verifySignature} for the asynchronous API: an RSA, ECDSA or EdDSA signature of the right
 * length is checked on libuv's thread pool while it is enabled, anything else here. Never
 * rejects: any failure is `false`.
 * @internal
 */
export function verifySignatureAsync(alg: JwsAlgorithm, key: KeyObject, data: string, signature: Uint8Array): boolean | Promise<boolean> {
  const spec = ALGORITHMS[alg];
  if (spec.family === 'hmac' || !threadPoolEnabled()) return verifySignature(alg, key, data, signature);
  if (signature.length !== (spec.signatureLength ?? rsaSignatureLength(key))) return false;
  const bytes = Buffer.from(data, 'latin1');
  const argument = cryptoKeyArgument(spec, key) as VerifyParameters;
  return runOnThreadPool<boolean>((done) => cryptoVerify(spec.hash, bytes, argument, signature, done)).catch(() => false);
}
