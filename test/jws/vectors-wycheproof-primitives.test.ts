/**
 * Wycheproof primitive vectors (ECDSA P1363 P-256/384/521, RSASSA-PKCS1-v1_5 2048/SHA-256,
 * RSASSA-PSS 2048/SHA-256/salt 32, Ed25519, HMAC-SHA-256) run through jwtkit's JWS layer.
 *
 * A JWS signs `b64u(header) + "." + b64u(payload)`, so a vector over an arbitrary `msg` cannot be
 * wrapped in a compact token. Each vector instead goes through the two functions every compact
 * JWS verification uses: `bindKey` (key import and the key-for-algorithm checks) and
 * `verifySignature` (length checks, PSS salt length, P1363 encoding, constant-time HMAC compare),
 * which takes the message as a Latin-1 string (one character per byte).
 *
 * Source: test/fixtures/vectors/wycheproof/*.json (C2SP/wycheproof @ dac1dd4, Apache-2.0).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bindKey } from '../../src/jws/key.js';
import { verifySignature } from '../../src/jws/signature.js';
import type { Jwk, JwsAlgorithm } from '../../src/jws/types.js';
import { isJwtError } from '../../src/index.js';
import { loadVectors } from '../helpers/core.js';

interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  msg: string;
  sig?: string;
  tag?: string;
  key?: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WycheproofGroup {
  type: string;
  publicKeyJwk?: Jwk;
  keyJwk?: Jwk;
  publicKeyDer?: string;
  keySize?: number;
  tagSize?: number;
  sLen?: number;
  tests: WycheproofTest[];
}
interface WycheproofFile {
  numberOfTests: number;
  testGroups: WycheproofGroup[];
}

const hex = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, 'hex'));

/** The key of a group: its JWK when it has one, else its SPKI DER (9 ECDSA groups per curve have no JWK). */
function groupKey(group: WycheproofGroup): Jwk | KeyObject {
  const jwk = group.publicKeyJwk ?? group.keyJwk;
  if (jwk !== undefined) return jwk;
  return createPublicKey({ key: Buffer.from(group.publicKeyDer as string, 'hex'), format: 'der', type: 'spki' });
}

/** Verifies one vector through bindKey + verifySignature; a thrown JwtError counts as "rejected". */
function jwsVerdict(alg: JwsAlgorithm, key: Jwk | KeyObject | Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  try {
    const bound = bindKey(key, alg);
    return verifySignature(alg, bound.keyObject, Buffer.from(msg).toString('latin1'), sig);
  } catch (error) {
    if (isJwtError(error)) return false;
    throw error;
  }
}

const SIGNATURE_FILES: ReadonlyArray<{ file: string; alg: JwsAlgorithm; tests: number }> = [
  { file: 'ecdsa_secp256r1_sha256_p1363_test.json', alg: 'ES256', tests: 262 },
  { file: 'ecdsa_secp384r1_sha384_p1363_test.json', alg: 'ES384', tests: 280 },
  { file: 'ecdsa_secp521r1_sha512_p1363_test.json', alg: 'ES512', tests: 318 },
  { file: 'rsa_signature_2048_sha256_test.json', alg: 'RS256', tests: 259 },
  { file: 'rsa_pss_2048_sha256_mgf1_32_test.json', alg: 'PS256', tests: 108 },
  { file: 'ed25519_test.json', alg: 'EdDSA', tests: 151 },
];

describe('Wycheproof signature primitives through bindKey + verifySignature', () => {
  for (const { file, alg, tests } of SIGNATURE_FILES) {
    it(`${file} (${alg}): every valid vector verifies, every invalid one is rejected`, () => {
      const data = loadVectors<WycheproofFile>(`wycheproof/${file}`);
      expect(data.numberOfTests).toBe(tests);
      const wrong: string[] = [];
      let seen = 0;
      for (const group of data.testGroups) {
        if (group.sLen !== undefined) expect(Number(group.sLen)).toBe(32);
        const key = groupKey(group);
        for (const test of group.tests) {
          seen++;
          const verdict = jwsVerdict(alg, key, hex(test.msg), hex(test.sig as string));
          // "acceptable" (RSA tcId 8, missing NULL in DigestInfo) may go either way.
          if (test.result === 'acceptable') continue;
          if (verdict !== (test.result === 'valid')) wrong.push(`tcId ${test.tcId} (${test.result}, ${test.comment})`);
        }
      }
      expect(seen).toBe(tests);
      expect(wrong).toEqual([]);
    });
  }

  it('hmac_sha256_test.json (HS256): full-tag vectors with keys of >= 32 bytes as labelled; short keys refused; truncated tags never valid', () => {
    const data = loadVectors<WycheproofFile>('wycheproof/hmac_sha256_test.json');
    expect(data.numberOfTests).toBe(174);
    const wrong: string[] = [];
    const counts = { direct: 0, shortKey: 0, truncated: 0 };
    for (const group of data.testGroups) {
      const keyBits = Number(group.keySize);
      const tagBits = Number(group.tagSize);
      for (const test of group.tests) {
        const key = hex(test.key as string);
        const msg = hex(test.msg);
        const tag = hex(test.tag as string);
        if (keyBits < 256) {
          // RFC 7518 §3.2: an HS256 key shorter than 32 bytes MUST NOT be used.
          counts.shortKey++;
          let code: string | undefined;
          try {
            bindKey(key, 'HS256');
          } catch (error) {
            code = isJwtError(error) ? error.code : 'not a JwtError';
          }
          if (code !== 'ERR_KEY_INVALID') wrong.push(`tcId ${test.tcId}: ${keyBits}-bit key not refused (${code})`);
          continue;
        }
        const verdict = jwsVerdict('HS256', key, msg, tag);
        if (tagBits !== 256) {
          // A JWS HS256 tag is always the full 32 bytes: a truncated tag never verifies.
          counts.truncated++;
          if (verdict) wrong.push(`tcId ${test.tcId}: truncated ${tagBits}-bit tag accepted`);
          continue;
        }
        counts.direct++;
        if (verdict !== (test.result === 'valid')) wrong.push(`tcId ${test.tcId} (${test.result}, ${test.comment})`);
      }
    }
    expect(counts.direct + counts.shortKey + counts.truncated).toBe(174);
    expect(counts.direct).toBeGreaterThan(0);
    expect(counts.shortKey).toBeGreaterThan(0);
    expect(counts.truncated).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });
});
