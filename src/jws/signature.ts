import { constants, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { encodeBase64url, encodeBinaryStringBase64url } from '../encoding/base64url.js';
import { hmacBinary, hmacMatches, type HmacHash } from './hmac.js';
import { ALGORITHMS, rsaSignatureLength, type AlgorithmSpec } from './algorithms.js';
import type { JwsAlgorithm } from './types.js';

type SignParameters = Parameters<typeof cryptoSign>[2];

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
    return cryptoVerify(spec.hash, bytes, cryptoKeyArgument(spec, key) as Parameters<typeof cryptoVerify>[2], signature);
  } catch {
    return false;
  }
}
