/**
 * All 26 cases of Wycheproof json_web_key_test.json, run through createLocalJWKS and verifyJws
 * (the payloads are not JWT claims). HS key sets run with allowSymmetric: true; the key set of a
 * group is its `public` set when it has one, its `private` set otherwise (the HMAC groups).
 */
import { describe, expect, it } from 'vitest';
import { createLocalJWKS, isJwtError, verifyJws, type JwsAlgorithm } from '../../src/index.js';
import { loadFixture } from './helpers.js';

const file = loadFixture('wycheproof/json_web_key_test.json');

/** Cases node:crypto cannot decide, with the reason. */
const KNOWN_GAPS: Record<number, string> = {
  7: 'ROCA (CVE-2017-15361) detection needs a fingerprint test of the modulus that node:crypto does not offer; the key is 2048-bit and otherwise valid',
};

interface Case {
  tcId: number;
  comment: string;
  jws: string;
  result: 'valid' | 'invalid';
  keys: { keys: unknown[] };
}

const cases: Case[] = file.testGroups.flatMap((group: any) =>
  group.tests.map((test: any) => ({ ...test, keys: group.public ?? group.private })),
);

/** The outcome: 'valid', or the error code of the rejection. */
async function run(test: Case): Promise<string> {
  const header = JSON.parse(Buffer.from(test.jws.split('.')[0] as string, 'base64url').toString());
  try {
    const resolver = createLocalJWKS(test.keys as never, { allowSymmetric: true });
    await verifyJws(test.jws, resolver, { algorithms: [header.alg as JwsAlgorithm] });
    return 'valid';
  } catch (error) {
    if (!isJwtError(error)) throw error;
    return error.code;
  }
}

/** The code each invalid case is rejected with (so a rejection for the wrong reason fails). */
const EXPECTED_CODES: Record<number, string> = {
  1: 'ERR_JWKS_INVALID', // oct and EC keys in one set
  3: 'ERR_JWT_SIGNATURE_INVALID',
  4: 'ERR_JWKS_INVALID', // duplicate kid
  6: 'ERR_JWKS_NO_MATCHING_KEY', // the only key is use: enc, alg RSA1_5
  8: 'ERR_KEY_INVALID', // 1024-bit RSA
  9: 'ERR_KEY_INVALID', // e = 1
  10: 'ERR_KEY_INVALID', // 31-byte HS256 key
  11: 'ERR_KEY_INVALID',
  12: 'ERR_KEY_INVALID',
  16: 'ERR_KEY_INVALID', // empty k
  17: 'ERR_KEY_INVALID',
  18: 'ERR_KEY_INVALID',
  19: 'ERR_JWKS_NO_MATCHING_KEY', // alg ES521 is not a JWS algorithm: not a signature key
  20: 'ERR_JWKS_NO_MATCHING_KEY', // alg ES224 likewise
  21: 'ERR_JWKS_NO_MATCHING_KEY', // use: enc
  22: 'ERR_KEY_INVALID', // point not on the curve
  23: 'ERR_KEY_INVALID', // P-384 coordinates of P-256 size
  24: 'ERR_KEY_INVALID', // kty RSA with EC members
  25: 'ERR_JWKS_NO_MATCHING_KEY', // alg A256GCM
  26: 'ERR_JWKS_NO_MATCHING_KEY', // alg A256KW
};

describe('Wycheproof json_web_key_test.json', () => {
  it('has the 26 cases this suite expects', () => {
    expect(file.numberOfTests).toBe(26);
    expect(cases.map((test) => test.tcId)).toEqual(Array.from({ length: 26 }, (_, index) => index + 1));
  });

  for (const test of cases) {
    const gap = KNOWN_GAPS[test.tcId];
    const title = `tcId ${test.tcId} ${test.comment}: ${test.result}`;
    if (gap !== undefined) {
      it(`${title} (known gap: accepted)`, async () => {
        // Documents the gap: if this starts failing, ROCA detection exists and the gap can go.
        expect(test.result).toBe('invalid');
        expect(await run(test)).toBe('valid');
      });
      continue;
    }
    it(title, async () => {
      const outcome = await run(test);
      if (test.result === 'valid') expect(outcome).toBe('valid');
      else expect(outcome).toBe(EXPECTED_CODES[test.tcId]);
    });
  }
});
