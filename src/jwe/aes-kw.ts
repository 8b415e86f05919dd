import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';

/** The default initial value of RFC 3394 §2.2.3.1. */
const DEFAULT_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

function cipherName(kek: KeyObject | Buffer): string {
  const length = Buffer.isBuffer(kek) ? kek.length : ((kek as KeyObject).symmetricKeySize ?? 0);
  return `id-aes${length * 8}-wrap`;
}

/** Wraps a key with AES key wrap (RFC 3394; RFC 7518 §4.4). The key is 16 bytes or more, a multiple of 8. @internal */
export function aesWrap(kek: KeyObject | Buffer, key: Buffer): Buffer {
  const cipher = createCipheriv(cipherName(kek), kek, DEFAULT_IV);
  return Buffer.concat([cipher.update(key), cipher.final()]);
}

/**
 * Unwraps a key, or returns `undefined` when the wrapped key is not at least 24 bytes and a
 * multiple of 8 (node:crypto itself returns an empty key for an empty input: Wycheproof
 * aes_wrap tcIds 22, 64, 119) or fails the integrity check. @internal
 */
export function aesUnwrap(kek: KeyObject | Buffer, wrapped: Buffer): Buffer | undefined {
  if (wrapped.length < 24 || wrapped.length % 8 !== 0) return undefined;
  try {
    const decipher = createDecipheriv(cipherName(kek), kek, DEFAULT_IV);
    return Buffer.concat([decipher.update(wrapped), decipher.final()]);
  } catch {
    return undefined;
  }
}
