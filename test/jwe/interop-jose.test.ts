/**
 * Interop with panva/jose (v6, the one peer with JWE): for every key management × content
 * encryption pair jwtkit supports (ECDH-ES* on every curve), a jwtkit JWE decrypts with jose and a
 * jose JWE decrypts with jwtkit; nested JWTs made by each side open on the other.
 */
import { CompactEncrypt, EncryptJWT, SignJWT, compactDecrypt, jwtDecrypt, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decrypt,
  decryptJwt,
  decryptThenVerify,
  encrypt,
  encryptJwt,
  generateKeyPair,
  generateSecret,
  JWE_CONTENT_ENCRYPTION_ALGORITHMS,
  signThenEncrypt,
  type JweKey,
  type JweKeyManagementAlgorithm,
} from '../../src/index.js';

const NOW = 1_800_000_000;
const clock = (): Date => new Date(NOW * 1000);
const PLAINTEXT = new TextEncoder().encode('interop “payload” ✓');

interface Recipient {
  name: string;
  alg: JweKeyManagementAlgorithm;
  decryptionKey: JweKey;
  encryptionKey: JweKey;
}

const recipients: Recipient[] = [];
beforeAll(async () => {
  for (const alg of ['A128KW', 'A192KW', 'A256KW'] as const) {
    const secret = generateSecret(alg);
    recipients.push({ name: alg, alg, decryptionKey: secret, encryptionKey: secret });
  }
  for (const alg of ['RSA-OAEP', 'RSA-OAEP-256'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    recipients.push({ name: alg, alg, decryptionKey: privateKey, encryptionKey: publicKey });
  }
  for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'] as const) {
    for (const crv of ['P-256', 'P-384', 'P-521', 'X25519'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { crv });
      recipients.push({ name: `${alg} (${crv})`, alg, decryptionKey: privateKey, encryptionKey: publicKey });
    }
  }
});

/** The key as jose takes it: secret bytes for oct keys, the KeyObject otherwise. */
const joseKey = (key: JweKey) => (key.type === 'secret' ? new Uint8Array(key.keyObject.export()) : key.keyObject);

describe('jose ↔ jwtkit, every alg × enc', () => {
  for (const enc of JWE_CONTENT_ENCRYPTION_ALGORITHMS) {
    it(`${enc}: each key management algorithm both ways (and dir)`, async () => {
      const dir = generateSecret('dir', { enc });
      const all = [...recipients, { name: 'dir', alg: 'dir' as const, decryptionKey: dir, encryptionKey: dir }];
      for (const { name, alg, decryptionKey, encryptionKey } of all) {
        const ours = await encrypt(PLAINTEXT, encryptionKey, { enc, allowRsaOaepSha1: true, kid: 'k1' });
        const opened = await compactDecrypt(ours, joseKey(decryptionKey), {
          keyManagementAlgorithms: [alg],
          contentEncryptionAlgorithms: [enc],
        });
        expect(opened.plaintext, `jwtkit → jose ${name} ${enc}`).toEqual(PLAINTEXT);
        expect(opened.protectedHeader).toMatchObject({ alg, enc, kid: 'k1' });

        const theirs = await new CompactEncrypt(PLAINTEXT).setProtectedHeader({ alg, enc, kid: 'k2' }).encrypt(joseKey(encryptionKey));
        const result = await decrypt(theirs, decryptionKey, {
          keyManagementAlgorithms: [alg],
          contentEncryptionAlgorithms: [enc],
          allowRsaOaepSha1: true,
        });
        expect(result.plaintext, `jose → jwtkit ${name} ${enc}`).toEqual(PLAINTEXT);
        expect(result.header).toMatchObject({ alg, enc, kid: 'k2' });
      }
    });
  }
});

describe('encrypted JWTs', () => {
  it('jose EncryptJWT (dir + A256CBC-HS512, the sealed-cookie shape) opens with decryptJwt, and encryptJwt with jwtDecrypt', async () => {
    const key = generateSecret('dir', { enc: 'A256CBC-HS512' });
    const theirs = await new EncryptJWT({ sub: 'u1', cart: [1] })
      .setProtectedHeader({ alg: 'dir', enc: 'A256CBC-HS512' })
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .encrypt(joseKey(key));
    const { payload } = await decryptJwt(theirs, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256CBC-HS512'],
      clock,
    });
    expect(payload).toEqual({ sub: 'u1', cart: [1], iat: NOW, exp: NOW + 60 });

    const ours = await encryptJwt({ sub: 'u2' }, key, { expiresIn: 60, clock });
    const opened = await jwtDecrypt(ours, joseKey(key), { currentDate: clock() });
    expect(opened.payload).toEqual({ sub: 'u2', iat: NOW, exp: NOW + 60 });
    expect(opened.protectedHeader).toEqual({ alg: 'dir', enc: 'A256CBC-HS512', typ: 'JWT' });
  });
});

describe('nested JWTs', () => {
  it('a jwtkit nested JWT (ES256 inside ECDH-ES+A256KW) opens with jose; a jose one opens with decryptThenVerify', async () => {
    const signer = await generateKeyPair('ES256');
    const recipient = await generateKeyPair('ECDH-ES+A256KW', { crv: 'X25519' });

    const ours = await signThenEncrypt(
      { sub: 'u1' },
      { signingKey: signer.privateKey, encryptionKey: recipient.publicKey },
      { sign: { alg: 'ES256', expiresIn: 60, clock }, encrypt: { enc: 'A256GCM' } },
    );
    const outer = await compactDecrypt(ours, recipient.privateKey.keyObject, {
      keyManagementAlgorithms: ['ECDH-ES+A256KW'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    expect(outer.protectedHeader.cty).toBe('JWT');
    const inner = await jwtVerify(new TextDecoder().decode(outer.plaintext), signer.publicKey.keyObject, {
      algorithms: ['ES256'],
      currentDate: clock(),
    });
    expect(inner.payload).toMatchObject({ sub: 'u1', iat: NOW, exp: NOW + 60 });

    const innerJws = await new SignJWT({ sub: 'u2' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .sign(signer.privateKey.keyObject);
    const theirs = await new CompactEncrypt(new TextEncoder().encode(innerJws))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT' })
      .encrypt(recipient.publicKey.keyObject);
    const result = await decryptThenVerify(
      theirs,
      { decryptionKey: recipient.privateKey, verificationKey: signer.publicKey },
      {
        decrypt: { keyManagementAlgorithms: ['ECDH-ES+A256KW'], contentEncryptionAlgorithms: ['A256GCM'] },
        verify: { algorithms: ['ES256'], clock },
      },
    );
    expect(result.payload).toEqual({ sub: 'u2', iat: NOW, exp: NOW + 60 });
  });
});
