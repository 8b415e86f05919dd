import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';

/** Encrypts a CEK with RSAES-OAEP (RFC 7518 §4.3), MGF1 with the same hash, no label. @internal */
export function rsaOaepEncrypt(publicKey: KeyObject, hash: 'sha1' | 'sha256', cek: Buffer): Buffer {
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, cek);
}

/**
 * Decrypts an encrypted CEK with RSAES-OAEP, or returns `undefined` when it does not decrypt
 * (the caller then goes on with a random CEK: RFC 7516 §11.5). An empty input is not decrypted. @internal
 */
export function rsaOaepDecrypt(privateKey: KeyObject, hash: 'sha1' | 'sha256', encrypted: Buffer, label?: Buffer): Buffer | undefined {
  if (encrypted.length === 0) return undefined;
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash, ...(label === undefined ? {} : { oaepLabel: label }) },
      encrypted,
    );
  } catch {
    return undefined;
  }
}
