/**
 * RFC 7516 §11.5: when the encrypted key does not decrypt or unwrap, decryption goes on with a
 * random CEK, so content decryption runs (and fails with the one code) exactly as for a bad tag.
 * Shown by recording the node:crypto calls (not by timing); and RSA1_5 is refused before any key
 * operation, without relying on what the Node build does with PKCS#1 v1.5 padding.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => [] as string[]);

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  const record =
    (name: string, fn: (...args: any[]) => any, label: (...args: any[]) => string = () => name) =>
    (...args: any[]): any => {
      calls.push(label(...args));
      return fn(...args);
    };
  const wrapped = {
    ...original,
    createDecipheriv: record('createDecipheriv', original.createDecipheriv as any, (cipher: string) => `decipher ${cipher}`),
    createHmac: record('createHmac', original.createHmac as any, (hash: string) => `hmac ${hash}`),
    privateDecrypt: record('privateDecrypt', original.privateDecrypt),
    diffieHellman: record('diffieHellman', original.diffieHellman),
    randomBytes: record('randomBytes', original.randomBytes as any, (size: number) => `randomBytes ${size}`),
  };
  return { ...wrapped, default: wrapped };
});

const { decrypt, encrypt, generateKeyPair, generateSecret } = await import('../../src/index.js');

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeEach(() => {
  calls.length = 0;
});

describe('content decryption runs after a failed key decryption', () => {
  it('A256KW: an encrypted key that fails to unwrap is replaced by a random CEK, and the content decryption (HMAC) still runs', async () => {
    const key = generateSecret('A256KW');
    const parts = (await encrypt('secret', key, { enc: 'A256CBC-HS512' })).split('.');
    parts[1] = Buffer.alloc(72, 5).toString('base64url'); // a well-formed length, but not a wrap of anything
    calls.length = 0;
    await expect(
      decrypt(parts.join('.'), key, { keyManagementAlgorithms: ['A256KW'], contentEncryptionAlgorithms: ['A256CBC-HS512'] }),
    ).rejects.toMatchObject({ code: 'ERR_JWE_DECRYPTION_FAILED' });
    expect(calls).toEqual(['decipher id-aes256-wrap', 'randomBytes 64', 'hmac sha512']);
  });

  it('A128KW: an empty encrypted key (which node:crypto would unwrap to nothing) also goes on to content decryption', async () => {
    const key = generateSecret('A128KW');
    const parts = (await encrypt('secret', key, { enc: 'A128GCM' })).split('.');
    parts[1] = '';
    calls.length = 0;
    await expect(
      decrypt(parts.join('.'), key, { keyManagementAlgorithms: ['A128KW'], contentEncryptionAlgorithms: ['A128GCM'] }),
    ).rejects.toMatchObject({ code: 'ERR_JWE_DECRYPTION_FAILED' });
    expect(calls).toEqual(['randomBytes 16', 'decipher aes-128-gcm']);
  });

  it('RSA-OAEP-256: a failed OAEP decryption is followed by AES-GCM with a random CEK', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RSA-OAEP-256');
    const parts = (await encrypt('secret', publicKey, { enc: 'A256GCM' })).split('.');
    parts[1] = Buffer.alloc(256, 9).toString('base64url');
    calls.length = 0;
    await expect(
      decrypt(parts.join('.'), privateKey, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] }),
    ).rejects.toMatchObject({ code: 'ERR_JWE_DECRYPTION_FAILED' });
    expect(calls).toEqual(['privateDecrypt', 'randomBytes 32', 'decipher aes-256-gcm']);
  });
});

describe('RSA1_5 is refused by the algorithm check, before any key operation', () => {
  it('no private-key operation, no content decryption, even with an RSA key allowed for RSA-OAEP-256', async () => {
    const { privateKey } = await generateKeyPair('RSA-OAEP-256');
    const token = [
      b64({ alg: 'RSA1_5', enc: 'A128CBC-HS256' }),
      Buffer.alloc(256, 1).toString('base64url'),
      Buffer.alloc(16).toString('base64url'),
      Buffer.alloc(16).toString('base64url'),
      Buffer.alloc(16).toString('base64url'),
    ].join('.');
    calls.length = 0;
    await expect(
      decrypt(token, privateKey, { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A128CBC-HS256'] }),
    ).rejects.toMatchObject({ code: 'ERR_JWE_ALG_NOT_ALLOWED' });
    expect(calls).toEqual([]);
  });
});

describe('ECDH-ES: an ephemeral key of another curve is refused before any key agreement', () => {
  it('no diffieHellman call for a P-384 epk sent to a P-256 key (node:crypto would import it and fail only there)', async () => {
    const recipient = await generateKeyPair('ECDH-ES', { crv: 'P-256' });
    const other = await generateKeyPair('ECDH-ES', { crv: 'P-384' });
    const parts = (await encrypt('x', recipient.publicKey, { enc: 'A256GCM' })).split('.');
    const { x, y } = other.publicKey.keyObject.export({ format: 'jwk' });
    parts[0] = b64({ alg: 'ECDH-ES', enc: 'A256GCM', epk: { kty: 'EC', crv: 'P-384', x, y } });
    calls.length = 0;
    await expect(
      decrypt(parts.join('.'), recipient.privateKey, { keyManagementAlgorithms: ['ECDH-ES'], contentEncryptionAlgorithms: ['A256GCM'] }),
    ).rejects.toMatchObject({ code: 'ERR_JWE_MALFORMED' });
    expect(calls).not.toContain('diffieHellman');
  });
});
