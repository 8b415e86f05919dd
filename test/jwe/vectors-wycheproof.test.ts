/**
 * Wycheproof vectors (C2SP/wycheproof @ dac1dd47, testvectors_v1/, copied under
 * test/fixtures/vectors/wycheproof/): json_web_encryption_test.json through `decrypt`, and the
 * primitive files through the internal primitives `decrypt` calls (arbitrary AAD, IV lengths or
 * OAEP labels cannot be written as compact tokens). Each file is one test that lists every
 * disagreement, so a failure names the tcIds.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decrypt,
  importKey,
  isJwtError,
  JWE_CONTENT_ENCRYPTION_ALGORITHMS,
  JWE_KEY_MANAGEMENT_ALGORITHMS,
  type JweKey,
  type JweKeyManagementAlgorithm,
  type JwtErrorCode,
} from '../../src/index.js';
import { CONTENT_ENCRYPTION, type ContentEncryptionSpec } from '../../src/jwe/algorithms.js';
import { aesUnwrap, aesWrap } from '../../src/jwe/aes-kw.js';
import { decryptContent, encryptContent } from '../../src/jwe/content.js';
import { readEphemeralKey, sharedSecret } from '../../src/jwe/ecdh.js';
import { rsaOaepDecrypt } from '../../src/jwe/rsa-oaep.js';
import type { JweCurve } from '../../src/jwe/types.js';

const load = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/vectors/wycheproof/${name}`, import.meta.url), 'utf8'));
const hex = (text: string): Buffer => Buffer.from(text, 'hex');

function* cases(file: any): Generator<[any, any]> {
  for (const group of file.testGroups) for (const test of group.tests) yield [group, test];
}

/**
 * Valid tests of json_web_encryption_test.json that a strict decrypter refuses by policy (see
 * test/fixtures/vectors/README.md), with the code it gives. Every other valid test decrypts to
 * its `pt`; every invalid test is refused.
 */
const POLICY_REFUSALS: ReadonlyMap<number, { code: JwtErrorCode | 'key refused'; reason: string }> = new Map([
  ...[100, 101, 102, 103, 104, 105, 112].map(
    (tcId) => [tcId, { code: 'key refused' as const, reason: 'RSA1_5 key (RFC 8725 §3.2)' }] as const,
  ),
  [128, { code: 'key refused', reason: 'RFC 7520 §5.1: an RSA1_5 key' }],
  [132, { code: 'key refused', reason: 'RFC 7520 §5.6: the dir key\'s "alg" is "A128GCM" (the enc), not "dir"' }],
  [135, { code: 'ERR_JWE_UNSUPPORTED_HEADER', reason: 'RFC 7520 §5.9: zip' }],
]);
/** Valid tests refused because their algorithm is not implemented (A*GCMKW): filled from the group keys. */
const UNIMPLEMENTED = new Set(['A128GCMKW', 'A192GCMKW', 'A256GCMKW']);

describe('json_web_encryption_test.json through decrypt', () => {
  const file = load('json_web_encryption_test.json');
  const options = {
    keyManagementAlgorithms: JWE_KEY_MANAGEMENT_ALGORITHMS,
    contentEncryptionAlgorithms: JWE_CONTENT_ENCRYPTION_ALGORITHMS,
    allowRsaOaepSha1: true,
    maxTokenLength: 16384,
  };

  it('agrees with every verdict, except the listed policy refusals', async () => {
    const disagreements: string[] = [];
    const refusedByPolicy: number[] = [];
    let decrypted = 0;
    for (const [group, test] of cases(file)) {
      let key: JweKey | undefined;
      try {
        key = importKey(group.private, { alg: group.private.alg as JweKeyManagementAlgorithm });
      } catch (error) {
        if (!isJwtError(error)) throw error;
      }
      let outcome: string;
      let plaintext: Buffer | undefined;
      if (key === undefined) {
        outcome = 'key refused';
      } else {
        try {
          plaintext = Buffer.from((await decrypt(test.jwe, key, options)).plaintext);
          outcome = 'decrypted';
        } catch (error) {
          if (!isJwtError(error)) throw error;
          outcome = error.code;
        }
      }
      const policy = POLICY_REFUSALS.get(test.tcId);
      if (test.result === 'valid') {
        if (policy !== undefined || UNIMPLEMENTED.has(group.private.alg)) {
          refusedByPolicy.push(test.tcId);
          const expected = policy?.code ?? 'key refused';
          if (outcome !== expected)
            disagreements.push(`tcId ${test.tcId}: expected ${expected} (${policy?.reason ?? 'A*GCMKW'}), got ${outcome}`);
        } else if (outcome !== 'decrypted' || plaintext?.toString('hex') !== test.pt) {
          disagreements.push(`tcId ${test.tcId} (valid): ${outcome}`);
        } else {
          decrypted++;
        }
      } else if (outcome === 'decrypted') {
        disagreements.push(`tcId ${test.tcId} (invalid, ${test.comment}): decrypted`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(file.numberOfTests).toBe(139);
    expect(decrypted + refusedByPolicy.length).toBe(65);
    expect(refusedByPolicy.filter((tcId) => POLICY_REFUSALS.has(tcId)).sort((a, b) => a - b)).toEqual(
      [...POLICY_REFUSALS.keys()].sort((a, b) => a - b),
    );
  });

  it('refuses the RSA1_5 tokens sent to RSA-OAEP-256 keys (tcIds 122-127) by the algorithm check', async () => {
    for (const [group, test] of cases(file)) {
      if (test.tcId < 122 || test.tcId > 127) continue;
      const key = importKey(group.private, { alg: group.private.alg as JweKeyManagementAlgorithm });
      await expect(decrypt(test.jwe, key, options)).rejects.toMatchObject({ code: 'ERR_JWE_ALG_NOT_ALLOWED' });
    }
  });
});

function cbcOrGcmCases(name: string, specFor: (group: any) => ContentEncryptionSpec | undefined): void {
  it(`${name}: valid cases decrypt and re-encrypt exactly, invalid ones fail with ERR_JWE_DECRYPTION_FAILED`, () => {
    const disagreements: string[] = [];
    let checked = 0;
    let outOfProfile = 0;
    for (const [group, test] of cases(load(name))) {
      const spec = specFor(group);
      const attempt = (s: ContentEncryptionSpec): Buffer | string => {
        try {
          return decryptContent(s, hex(test.key), hex(test.iv), hex(test.ct), hex(test.tag), hex(test.aad));
        } catch (error) {
          return (error as { code: string }).code;
        }
      };
      if (spec === undefined) {
        // IV or tag sizes JWE never uses: the primitive refuses them whatever the verdict.
        outOfProfile++;
        const result = attempt(
          Object.values(CONTENT_ENCRYPTION).find(
            (s) => s.cipher.endsWith('gcm') && s.keyLength * 8 === Number(group.keySize),
          ) as ContentEncryptionSpec,
        );
        if (result !== 'ERR_JWE_DECRYPTION_FAILED') disagreements.push(`tcId ${test.tcId}: out-of-profile case not refused`);
        continue;
      }
      checked++;
      const result = attempt(spec);
      if (test.result === 'valid') {
        if (!(result instanceof Buffer) || result.toString('hex') !== test.msg)
          disagreements.push(`tcId ${test.tcId} (valid): ${String(result)}`);
        const sealed = encryptContent(spec, hex(test.key), hex(test.iv), hex(test.msg), hex(test.aad));
        if (sealed.ciphertext.toString('hex') !== test.ct || sealed.tag.toString('hex') !== test.tag)
          disagreements.push(`tcId ${test.tcId}: re-encryption differs`);
      } else if (result !== 'ERR_JWE_DECRYPTION_FAILED') {
        disagreements.push(`tcId ${test.tcId} (invalid): ${result instanceof Buffer ? 'decrypted' : result}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(checked).toBeGreaterThan(0);
    if (name === 'aes_gcm_test.json') {
      expect(checked).toBe(197);
      expect(outOfProfile).toBe(316 - 197);
    }
  });
}

describe('content encryption primitives', () => {
  cbcOrGcmCases('a128cbc_hs256_test.json', () => CONTENT_ENCRYPTION['A128CBC-HS256']);
  cbcOrGcmCases('a192cbc_hs384_test.json', () => CONTENT_ENCRYPTION['A192CBC-HS384']);
  cbcOrGcmCases('a256cbc_hs512_test.json', () => CONTENT_ENCRYPTION['A256CBC-HS512']);
  cbcOrGcmCases('aes_gcm_test.json', (group) =>
    group.ivSize === 96 && group.tagSize === 128 ? CONTENT_ENCRYPTION[`A${group.keySize}GCM` as 'A128GCM'] : undefined,
  );
});

describe('AES key wrap (aes_wrap_test.json)', () => {
  it('unwraps every valid case and re-wraps it exactly; refuses every invalid and acceptable (8-byte key) case', () => {
    const disagreements: string[] = [];
    for (const [, test] of cases(load('aes_wrap_test.json'))) {
      const unwrapped = aesUnwrap(hex(test.key), hex(test.ct));
      if (test.result === 'valid') {
        if (unwrapped?.toString('hex') !== test.msg) disagreements.push(`tcId ${test.tcId} (valid): not unwrapped`);
        if (aesWrap(hex(test.key), hex(test.msg)).toString('hex') !== test.ct) disagreements.push(`tcId ${test.tcId}: re-wrap differs`);
      } else if (unwrapped !== undefined) {
        disagreements.push(`tcId ${test.tcId} (${test.result}, ${test.flags.join(',')}): unwrapped`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('refuses an empty wrapped key itself (node:crypto returns an empty key: tcIds 22, 64, 119)', () => {
    const file = load('aes_wrap_test.json');
    for (const [, test] of cases(file)) {
      if (![22, 64, 119].includes(test.tcId)) continue;
      expect(test.ct).toBe('');
      expect(aesUnwrap(hex(test.key), hex(test.ct))).toBeUndefined();
    }
  });
});

describe('RSA-OAEP', () => {
  for (const [name, hash] of [
    ['rsa_oaep_2048_sha1_mgf1sha1_test.json', 'sha1'],
    ['rsa_oaep_2048_sha256_mgf1sha256_test.json', 'sha256'],
    ['rsa_oaep_3072_sha256_mgf1sha256_test.json', 'sha256'],
    ['rsa_oaep_4096_sha256_mgf1sha256_test.json', 'sha256'],
  ] as const) {
    it(`${name}: every verdict (labelled cases through the label parameter JWE never uses)`, () => {
      const disagreements: string[] = [];
      for (const [group, test] of cases(load(name))) {
        const key = createPrivateKey({ key: hex(group.privateKeyPkcs8), format: 'der', type: 'pkcs8' });
        const label = test.label === '' ? undefined : hex(test.label);
        const result = rsaOaepDecrypt(key, hash, hex(test.ct), label);
        if (test.result === 'valid' ? result?.toString('hex') !== test.msg : result !== undefined) {
          disagreements.push(`tcId ${test.tcId} (${test.result})`);
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});

/** The ECDH a decrypter runs: the `epk` read for the recipient key's curve, then Z. */
function agree(publicJwk: unknown, privateKey: ReturnType<typeof createPrivateKey>, curve: JweCurve): Buffer | string {
  try {
    return sharedSecret(privateKey, readEphemeralKey(publicJwk, curve), 'ERR_JWE_MALFORMED');
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** The public JWK as an `epk` carries it: Wycheproof adds `"kid":"none"`, which an epk does not have. */
function asEpk(jwk: unknown): unknown {
  if (typeof jwk !== 'object' || jwk === null) return jwk;
  const { kid: _kid, ...rest } = jwk as Record<string, unknown>;
  return rest;
}

describe('ECDH (webcrypto JWK files)', () => {
  for (const [name, curve] of [
    ['ecdh_secp256r1_webcrypto_test.json', 'P-256'],
    ['ecdh_secp384r1_webcrypto_test.json', 'P-384'],
    ['ecdh_secp521r1_webcrypto_test.json', 'P-521'],
  ] as const) {
    it(`${name}: valid cases give the shared secret, invalid ones (off-curve, wrong curve, malformed) are refused before deriving`, () => {
      const disagreements: string[] = [];
      for (const [, test] of cases(load(name))) {
        let privateKey;
        try {
          privateKey = createPrivateKey({ key: test.private, format: 'jwk' });
        } catch {
          if (test.result === 'valid') disagreements.push(`tcId ${test.tcId}: private key refused`);
          continue;
        }
        const result = agree(asEpk(test.public), privateKey, curve);
        if (
          test.result === 'valid' ? !(result instanceof Buffer) || result.toString('hex') !== test.shared : result !== 'ERR_JWE_MALFORMED'
        ) {
          disagreements.push(`tcId ${test.tcId} (${test.result}, ${test.comment}): ${result instanceof Buffer ? 'agreed' : result}`);
        }
      }
      expect(disagreements).toEqual([]);
    });
  }
});

describe('X25519', () => {
  const PKCS8_PREFIX = '302e020100300506032b656e04220420';
  it('x25519_test.json: valid cases agree; acceptable cases either agree or are refused, and an all-zero secret is always refused', () => {
    const disagreements: string[] = [];
    let zeroRefused = 0;
    for (const [, test] of cases(load('x25519_test.json'))) {
      const privateKey = createPrivateKey({ key: hex(PKCS8_PREFIX + test.private), format: 'der', type: 'pkcs8' });
      const result = agree({ kty: 'OKP', crv: 'X25519', x: hex(test.public).toString('base64url') }, privateKey, 'X25519');
      if (/^0+$/.test(test.shared)) {
        if (result === 'ERR_JWE_MALFORMED') zeroRefused++;
        else disagreements.push(`tcId ${test.tcId}: all-zero secret not refused`);
      } else if (test.result === 'valid' && (!(result instanceof Buffer) || result.toString('hex') !== test.shared)) {
        disagreements.push(`tcId ${test.tcId} (valid): ${String(result)}`);
      } else if (result instanceof Buffer && result.toString('hex') !== test.shared) {
        disagreements.push(`tcId ${test.tcId}: wrong secret`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(zeroRefused).toBe(31);
  });

  it('x25519_jwk_test.json: the same through JWK keys, and the 13 invalid JWKs are refused', () => {
    const disagreements: string[] = [];
    for (const [, test] of cases(load('x25519_jwk_test.json'))) {
      let privateKey;
      try {
        privateKey = createPrivateKey({ key: test.private, format: 'jwk' });
      } catch {
        if (test.result !== 'invalid') disagreements.push(`tcId ${test.tcId}: private key refused`);
        continue;
      }
      const result = agree(asEpk(test.public), privateKey, 'X25519');
      if (test.result === 'invalid') {
        if (result instanceof Buffer) disagreements.push(`tcId ${test.tcId} (invalid, ${test.comment}): agreed`);
      } else if (/^0+$/.test(test.shared)) {
        if (result !== 'ERR_JWE_MALFORMED') disagreements.push(`tcId ${test.tcId}: all-zero secret not refused`);
      } else if (test.result === 'valid' && (!(result instanceof Buffer) || result.toString('hex') !== test.shared)) {
        disagreements.push(`tcId ${test.tcId} (valid): ${String(result)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});
