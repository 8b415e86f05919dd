import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { JwtError } from '../errors.js';
import type { ContentEncryptionSpec } from './algorithms.js';

/** Ciphertext and authentication tag of one content encryption. @internal */
export interface SealedContent {
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** The one failure of content decryption: the same code and message whatever went wrong (RFC 7516 §11.4). @internal */
export function decryptionFailed(): JwtError {
  return new JwtError('ERR_JWE_DECRYPTION_FAILED', 'the token could not be decrypted');
}

/** `AL` of RFC 7518 §5.2.2.1: the AAD length in bits as a 64-bit big-endian integer. */
function aadLengthBits(aad: Buffer): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(aad.length) * 8n);
  return length;
}

/** The truncated HMAC tag of AES-CBC-HMAC-SHA2 (RFC 7518 §5.2.2.1 step 5-6). */
function cbcHmacTag(spec: ContentEncryptionSpec, macKey: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const hmac = createHmac(spec.hash as string, macKey);
  hmac.update(aad).update(iv).update(ciphertext).update(aadLengthBits(aad));
  return hmac.digest().subarray(0, spec.tagLength);
}

/**
 * Encrypts content with a CEK (RFC 7518 §5.2 AES-CBC-HMAC-SHA2, §5.3 AES-GCM). The CEK and IV
 * lengths must be the algorithm's; the caller makes them. @internal
 */
export function encryptContent(spec: ContentEncryptionSpec, cek: Buffer, iv: Buffer, plaintext: Uint8Array, aad: Buffer): SealedContent {
  if (cek.length !== spec.keyLength || iv.length !== spec.ivLength)
    throw new JwtError('ERR_KEY_INVALID', 'the content key or IV has the wrong length');
  if (spec.kind === 'gcm') {
    const cipher = createCipheriv(spec.cipher as 'aes-256-gcm', cek, iv, { authTagLength: 16 });
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext, tag: cipher.getAuthTag() };
  }
  const half = spec.keyLength / 2;
  const cipher = createCipheriv(spec.cipher, cek.subarray(half), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cbcHmacTag(spec, cek.subarray(0, half), aad, iv, ciphertext) };
}

/**
 * Decrypts content with a CEK. Any failure (lengths, tag, padding) throws the one
 * `ERR_JWE_DECRYPTION_FAILED`. GCM: a 12-byte IV and a full 16-byte tag only. CBC-HMAC: a 16-byte IV,
 * the exact truncated tag length, and the tag compared in constant time before anything is
 * decrypted (RFC 7518 §5.2.2.2). @internal
 */
export function decryptContent(spec: ContentEncryptionSpec, cek: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  if (cek.length !== spec.keyLength || iv.length !== spec.ivLength || tag.length !== spec.tagLength) throw decryptionFailed();
  if (spec.kind === 'gcm') {
    try {
      const decipher = createDecipheriv(spec.cipher as 'aes-256-gcm', cek, iv, { authTagLength: 16 });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw decryptionFailed();
    }
  }
  const half = spec.keyLength / 2;
  const expected = cbcHmacTag(spec, cek.subarray(0, half), aad, iv, ciphertext);
  if (!timingSafeEqual(expected, tag)) throw decryptionFailed();
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw decryptionFailed();
  try {
    const decipher = createDecipheriv(spec.cipher, cek.subarray(half), iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw decryptionFailed();
  }
}
