/**
 * RFC vectors through jwtkit's JWE: RFC 7516 Appendix A.1 (with the RSA-OAEP SHA-1 opt-in), A.2
 * refused (RSA1_5), A.3; RFC 7518 Appendix C (ECDH-ES Concat KDF); every RFC 7520 §5 example with
 * a compact form, supported ones decrypted and the others refused with their code; RFC 7520 §6
 * (nested JWT); the cookbook's X25519 ECDH-ES example.
 *
 * Sources (copied under test/fixtures/vectors/, see its README): rfc7516.json, rfc7518-c.json,
 * rfc7520/5_*.json, rfc7520/6.*.json, rfc7520/curve25519/ecdh-es.json.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decrypt,
  decryptThenVerify,
  importKey,
  type DecryptOptions,
  type JweContentEncryptionAlgorithm,
  type JweKeyManagementAlgorithm,
  type JwtErrorCode,
} from '../../src/index.js';
import { CONTENT_ENCRYPTION } from '../../src/jwe/algorithms.js';
import { aesWrap } from '../../src/jwe/aes-kw.js';
import { encryptContent } from '../../src/jwe/content.js';
import { concatKdf, sharedSecret } from '../../src/jwe/ecdh.js';

const fixtures = new URL('../fixtures/vectors/', import.meta.url);
const json = (path: string): any => JSON.parse(readFileSync(new URL(path, fixtures), 'utf8'));
const b64u = (text: string): Buffer => Buffer.from(text, 'base64url');
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

const ALL_ENC: JweContentEncryptionAlgorithm[] = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
const only = (alg: JweKeyManagementAlgorithm, extra: Partial<DecryptOptions> = {}): DecryptOptions => ({
  keyManagementAlgorithms: [alg],
  contentEncryptionAlgorithms: ALL_ENC,
  ...extra,
});

async function codeOf(promise: Promise<unknown>): Promise<JwtErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return (error as { code: JwtErrorCode }).code;
  }
}

const rfc7516 = json('rfc7516.json').vectors as Array<Record<string, any>>;
const vector = (id: string): Record<string, any> => rfc7516.find((entry) => entry.id === id) as Record<string, any>;

describe('RFC 7516 Appendix A', () => {
  it('A.1 (RSA-OAEP + A256GCM) decrypts with the SHA-1 opt-in', async () => {
    const a1 = vector('RFC7516-A.1');
    const key = importKey(a1.jwk, { alg: 'RSA-OAEP' });
    const { plaintext, header } = await decrypt(a1.compact, key, only('RSA-OAEP', { allowRsaOaepSha1: true }));
    expect(text(plaintext)).toBe(a1.plaintext_utf8);
    expect(header).toEqual({ alg: 'RSA-OAEP', enc: 'A256GCM' });
  });

  it('A.1 content encryption is reproduced from its CEK and IV', () => {
    const a1 = vector('RFC7516-A.1');
    const sealed = encryptContent(
      CONTENT_ENCRYPTION.A256GCM,
      b64u(a1.cek_b64u),
      b64u(a1.iv_b64u),
      Buffer.from(a1.plaintext_utf8),
      Buffer.from(a1.aad_ascii),
    );
    expect(sealed.ciphertext.toString('base64url')).toBe(a1.ciphertext_b64u);
    expect(sealed.tag.toString('base64url')).toBe(a1.tag_b64u);
  });

  it('A.1 without the opt-in: RSA-OAEP in the allow-list is misuse, and an RSA-OAEP-256 policy refuses the token', async () => {
    const a1 = vector('RFC7516-A.1');
    const key = importKey(a1.jwk, { alg: 'RSA-OAEP' });
    expect(await codeOf(decrypt(a1.compact, key, only('RSA-OAEP')))).toBe('ERR_INVALID_OPTION');
    const key256 = importKey(a1.jwk, { alg: 'RSA-OAEP-256' });
    expect(await codeOf(decrypt(a1.compact, key256, only('RSA-OAEP-256')))).toBe('ERR_JWE_ALG_NOT_ALLOWED');
  });

  it('A.2 (RSA1_5) is refused by the algorithm check, whatever the key', async () => {
    const a2 = vector('RFC7516-A.2');
    expect(() => importKey(a2.jwk, { alg: 'RSA1_5' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    for (const alg of ['RSA-OAEP-256', 'RSA-OAEP'] as const) {
      const key = importKey(a2.jwk, { alg });
      expect(await codeOf(decrypt(a2.compact, key, only(alg, { allowRsaOaepSha1: true })))).toBe('ERR_JWE_ALG_NOT_ALLOWED');
    }
    expect(
      await codeOf(
        decrypt(a2.compact, importKey(a2.jwk, { alg: 'RSA-OAEP-256' }), {
          ...only('RSA-OAEP-256'),
          keyManagementAlgorithms: ['RSA1_5' as never],
        }),
      ),
    ).toBe('ERR_INVALID_OPTION');
  });

  it('A.3 (A128KW + A128CBC-HS256) decrypts, and key wrap and content encryption are reproduced', async () => {
    const a3 = vector('RFC7516-A.3');
    const key = importKey(a3.jwk, { alg: 'A128KW' });
    const { plaintext } = await decrypt(a3.compact, key, only('A128KW'));
    expect(text(plaintext)).toBe(a3.plaintext_utf8);
    expect(aesWrap(b64u(a3.jwk.k), b64u(a3.cek_b64u)).toString('base64url')).toBe(a3.encrypted_key_b64u);
    const sealed = encryptContent(
      CONTENT_ENCRYPTION['A128CBC-HS256'],
      b64u(a3.cek_b64u),
      b64u(a3.iv_b64u),
      Buffer.from(a3.plaintext_utf8),
      Buffer.from(a3.aad_ascii),
    );
    expect(sealed.ciphertext.toString('base64url')).toBe(a3.ciphertext_b64u);
    expect(sealed.tag.toString('base64url')).toBe(a3.tag_b64u);
  });
});

describe('RFC 7518 Appendix C (ECDH-ES key agreement)', () => {
  const c = json('rfc7518-c.json').vector;
  it('gives Z from either side and the printed derived key through the Concat KDF', () => {
    const alice = createPrivateKey({ key: c.alice_ephemeral_private_jwk, format: 'jwk' });
    const bob = createPrivateKey({ key: c.bob_private_jwk, format: 'jwk' });
    const z1 = sharedSecret(bob, createPublicKey(alice), 'ERR_JWE_MALFORMED');
    const z2 = sharedSecret(alice, createPublicKey(bob), 'ERR_JWE_MALFORMED');
    expect(z1.toString('base64url')).toBe(c.z_b64u);
    expect(z2).toEqual(z1);
    const derived = concatKdf(z1, 16, c.algorithm_id, Buffer.from(c.apu_utf8), Buffer.from(c.apv_utf8));
    expect(derived.toString('base64url')).toBe(c.derived_key_b64u);
  });
});

interface Cookbook {
  file: string;
  alg?: JweKeyManagementAlgorithm;
  /** The code a strict decrypter gives, or undefined when it decrypts. */
  refused?: JwtErrorCode;
  reason?: string;
  options?: Partial<DecryptOptions>;
  importEnc?: JweContentEncryptionAlgorithm;
}

const COOKBOOK: Cookbook[] = [
  {
    file: '5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json',
    alg: 'RSA-OAEP-256',
    refused: 'ERR_JWE_ALG_NOT_ALLOWED',
    reason: 'RSA1_5 (RFC 8725 §3.2)',
  },
  { file: '5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json', alg: 'RSA-OAEP', options: { allowRsaOaepSha1: true } },
  {
    file: '5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json',
    refused: 'ERR_JWE_ALG_NOT_ALLOWED',
    reason: 'PBES2 is not implemented',
  },
  { file: '5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json', alg: 'ECDH-ES+A128KW' },
  { file: '5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json', alg: 'ECDH-ES' },
  { file: '5_6.direct_encryption_using_aes-gcm.json', alg: 'dir', importEnc: 'A128GCM' },
  {
    file: '5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json',
    refused: 'ERR_JWE_ALG_NOT_ALLOWED',
    reason: 'A256GCMKW is not implemented',
  },
  { file: '5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json', alg: 'A128KW' },
  { file: '5_9.compressed_content.json', alg: 'A128KW', refused: 'ERR_JWE_UNSUPPORTED_HEADER', reason: 'zip' },
];

describe('RFC 7520 §5 (JOSE cookbook JWE examples, compact serialization)', () => {
  for (const example of COOKBOOK) {
    const data = json(`rfc7520/${example.file}`);
    it(`${example.file}: ${example.refused === undefined ? 'decrypts' : `refused (${example.reason}) with ${example.refused}`}`, async () => {
      const compact = data.output.compact as string;
      if (example.alg === undefined) {
        // No key of an unimplemented algorithm can be made: any policy refuses the header's alg.
        const key = importKey({ kty: 'oct', k: Buffer.alloc(32, 1).toString('base64url') }, { alg: 'A256KW' });
        expect(await codeOf(decrypt(compact, key, only('A256KW')))).toBe(example.refused);
        return;
      }
      // The file's key has no "alg" or names the enc (5.6): the algorithm is given explicitly.
      const { alg: _ignored, ...jwk } = data.input.key as Record<string, unknown>;
      const key = importKey(jwk as never, { alg: example.alg, ...(example.importEnc === undefined ? {} : { enc: example.importEnc }) });
      const result = decrypt(compact, key, only(example.alg, example.options));
      if (example.refused !== undefined) {
        expect(await codeOf(result)).toBe(example.refused);
        return;
      }
      const { plaintext, header } = await result;
      expect(text(plaintext)).toBe(data.input.plaintext);
      expect(header).toEqual(data.encrypting_content.protected);
    });
  }

  it('5.6: the file\'s key, whose "alg" names the enc (A128GCM), is refused as a "dir" key', () => {
    const data = json('rfc7520/5_6.direct_encryption_using_aes-gcm.json');
    expect(() => importKey(data.input.key, { alg: 'dir', enc: 'A128GCM' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });

  it('the JSON serializations (5.10-5.13 have no compact form) are refused as malformed', async () => {
    const data = json('rfc7520/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json');
    const key = importKey(data.input.key, { alg: 'A128KW' });
    for (const file of [
      '5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json',
      '5_10.including_additional_authentication_data.json',
      '5_11.protecting_specific_header_fields.json',
      '5_12.protecting_content_only.json',
    ]) {
      const output = json(`rfc7520/${file}`).output;
      for (const serialization of [output.json, output.json_flat]) {
        expect(await codeOf(decrypt(JSON.stringify(serialization), key, only('A128KW')))).toBe('ERR_JWE_MALFORMED');
      }
    }
  });

  it('the cookbook X25519 ECDH-ES example decrypts (only its key, plaintext and output are used: see the fixtures README)', async () => {
    const data = json('rfc7520/curve25519/ecdh-es.json');
    const { alg: _ignored, ...jwk } = data.input.key as Record<string, unknown>;
    const key = importKey(jwk as never, { alg: 'ECDH-ES' });
    const { plaintext } = await decrypt(data.output.compact, key, only('ECDH-ES'));
    expect(text(plaintext)).toBe(data.input.plaintext);
  });
});

describe('RFC 7520 §6 (nested JWT: PS256 inside RSA-OAEP + A128GCM)', () => {
  const data = json('rfc7520/6.nesting_signatures_and_encryption.json');
  const decryptionKey = importKey(data.encrypt.input.key, { alg: 'RSA-OAEP' });
  const { alg: _ignored, ...signingJwk } = data.sign.input.key as Record<string, unknown>;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = signingJwk;
  const verificationKey = importKey(publicJwk as never, { alg: 'PS256' });

  it('decrypts with the RSA-OAEP opt-in and verifies the inner PS256 JWS with its own allow-list', async () => {
    const { plaintext, header } = await decrypt(data.encrypt.output.compact, decryptionKey, only('RSA-OAEP', { allowRsaOaepSha1: true }));
    expect(header.cty).toBe('JWT');
    expect(text(plaintext)).toBe(data.sign.output.compact);
    const opened = await decryptThenVerify(
      data.encrypt.output.compact,
      { decryptionKey, verificationKey },
      {
        decrypt: only('RSA-OAEP', { allowRsaOaepSha1: true }),
        // The inner claims expire in 2011 (exp 1300819380): check them at that time.
        verify: { algorithms: ['PS256'], issuer: 'hobbiton.example', clock: () => new Date(1300819000 * 1000) },
      },
    );
    expect(opened.payload).toEqual({ iss: 'hobbiton.example', exp: 1300819380, 'http://example.com/is_root': true });
    expect(opened.header.alg).toBe('PS256');
    expect(opened.encryptionHeader.cty).toBe('JWT');
    expect(
      await codeOf(
        decryptThenVerify(
          data.encrypt.output.compact,
          { decryptionKey, verificationKey },
          {
            decrypt: only('RSA-OAEP', { allowRsaOaepSha1: true }),
            verify: { algorithms: ['RS256'] },
          },
        ),
      ),
    ).toBe('ERR_JWT_ALG_NOT_ALLOWED');
  });
});
