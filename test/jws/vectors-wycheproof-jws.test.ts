/**
 * All 401 cases of Wycheproof `json_web_signature_test.json` through `verifyJws`, each verdict
 * asserted per tcId, with the expected error code for every rejection.
 *
 * Each case runs twice:
 * - "strict": the verifier allows only the algorithm of the group's key (its JWK `alg`, or the
 *   token's `alg` when the key names none), as an application configures it;
 * - "permissive": the verifier allows every algorithm jwtkit supports, so only the key's own
 *   binding (JWK `alg`, `use`, `key_ops`, type) stands between the token and acceptance
 *   (RFC 8725 §3.1; the Wycheproof form of test A5 in test/jws/algorithms.test.ts: tcIds 332, 334,
 *   336, 338, 340).
 *
 * Source: test/fixtures/vectors/wycheproof/json_web_signature_test.json (C2SP/wycheproof @ dac1dd4,
 * Apache-2.0). The known mislabelled cases are listed in {@link MISLABELLED} with their reason.
 */
import { describe, expect, it } from 'vitest';
import { JWS_ALGORITHMS, verifyJws, type JwtErrorCode } from '../../src/index.js';
import type { Jwk, JwsAlgorithm } from '../../src/jws/types.js';
import { expectCode, fromB64u, loadVectors } from '../helpers/core.js';

interface JwsCase {
  tcId: number;
  comment: string;
  flags: string[];
  jws: string | object;
  result: 'valid' | 'invalid';
}
interface JwsGroup {
  comment: string;
  private?: Jwk;
  public?: Jwk;
  tests: JwsCase[];
}

const data = loadVectors<{ numberOfTests: number; testGroups: JwsGroup[] }>('wycheproof/json_web_signature_test.json');

/**
 * Labelling errors in the file itself (present upstream in C2SP and google/wycheproof alike).
 * `verdict` is what a correct strict verifier does; `codes` the accepted rejection codes.
 */
const MISLABELLED: Readonly<Record<number, { reason: string; verdict: 'valid' | 'invalid'; codes?: JwtErrorCode[] }>> = {
  367: {
    reason: 'labelled invalid ("invalidBase64Padding") but byte-identical to the valid tcId 357: the padding it meant to add was stripped',
    verdict: 'valid',
  },
  370: {
    reason: 'labelled invalid ("invalidBase64PaddingInPayload") but byte-identical to the valid tcId 357',
    verdict: 'valid',
  },
  372: {
    reason: 'labelled valid but its header segment contains "?", which is not Base64url (RFC 7515 §2)',
    verdict: 'invalid',
    codes: ['ERR_JWT_MALFORMED'],
  },
  373: {
    reason: 'labelled valid but its payload segment contains "?", which is not Base64url (RFC 7515 §2)',
    verdict: 'invalid',
    codes: ['ERR_JWT_MALFORMED'],
  },
  346: {
    reason:
      'RFC 7520 Figure 20: the token is PS384 but the group key says "alg":"PS256"; a key is used with exactly one algorithm (RFC 8725 §3.1)',
    verdict: 'invalid',
    codes: ['ERR_JWT_ALG_NOT_ALLOWED'],
  },
  350: {
    reason: 'as 346, with key_ops ["verify"]: token PS384, key "alg":"PS256"',
    verdict: 'invalid',
    codes: ['ERR_JWT_ALG_NOT_ALLOWED'],
  },
  347: {
    reason: 'RFC 7520 Figure 27: the token is ES512 but the group key says "alg":"ES521", which is not a JWS algorithm',
    verdict: 'invalid',
    codes: ['ERR_KEY_INVALID'],
  },
  351: {
    reason: 'as 347, with key_ops ["verify"]: key "alg":"ES521"',
    verdict: 'invalid',
    codes: ['ERR_KEY_INVALID'],
  },
};

const MAL: JwtErrorCode = 'ERR_JWT_MALFORMED';
const SIG: JwtErrorCode = 'ERR_JWT_SIGNATURE_INVALID';
const ALG: JwtErrorCode = 'ERR_JWT_ALG_NOT_ALLOWED';
const KEY: JwtErrorCode = 'ERR_KEY_INVALID';

/** Expected rejection codes by the case's `comment` (the Wycheproof test name). */
const CODES_BY_COMMENT: Readonly<Record<string, JwtErrorCode[]>> = {
  rejectsModifiedSignature: [SIG],
  rejectsModifiedPayload: [SIG],
  rejectsModifiedHeader: [SIG],
  // `header.payload.` : an empty signature segment (tests A2 and E27 accept either code).
  rejectsMissingSignature: [SIG, MAL],
  rejectsMissingSignatureAndSeparator: [MAL],
  // `header..signature` : an empty payload is legal JWS, so the signature fails.
  rejectsMissingPayload: [SIG, MAL],
  rejectsMissingPayloadAndSeparator: [MAL],
  rejectsMissingHeader: [MAL],
  rejectsMissingHeaderAndSeparator: [MAL],
  rejectsMissingHeaderAndSignature: [MAL],
  rejectsMissingHeaderSignatureAndSeparator: [MAL],
  rejectsMissingHeaderSignatureAndSeparators: [MAL],
  rejectsEmptyString: [MAL],
  rejectsExtraEmptyComponent: [MAL],
  rejectsExtraComponent: [MAL],
  rejectsNoneAlgorithmAndMissingSignature: [ALG],
  rejectsValidJsonSerialization: [MAL],
  // An HS256 token against an EC key: the key type does not fit HS256.
  rejectsSymmetryConfusionAttacks_aesKeyFromEcVerificationKeyBytes: [ALG, KEY],
  rejectsAttackerProvidedEmbeddedJwk: [SIG],
  algIsNone: [ALG],
  rejectWrongUse: [KEY],
  rejectWrongKeyOps: [KEY],
};

function expectedCodes(group: JwsGroup, test: JwsCase, headerAlg: string | undefined, keyAlg: string | undefined): JwtErrorCode[] {
  const mislabelled = MISLABELLED[test.tcId];
  if (mislabelled?.codes !== undefined) return mislabelled.codes;
  const byComment = CODES_BY_COMMENT[test.comment];
  if (byComment !== undefined) return byComment;
  if (test.flags.includes('WrongPrimitive')) {
    // Header says PS512 (the key's alg) over an RS256/.../PS384 signature: the signature fails.
    // Header says RS256/.../PS384 against the PS512-bound key: the algorithm is refused.
    return headerAlg === keyAlg ? [SIG] : [ALG];
  }
  if (group.comment === 'base64') return [MAL];
  // ModifiedPadding (RSA DigestInfo games), ModifiedSignature (PSS), SpecialCaseEs256 (r/s edge
  // values, wrong lengths): all well-formed tokens with a bad signature.
  return [SIG];
}

function headerAlgOf(jws: string | object): string | undefined {
  if (typeof jws !== 'string') return undefined;
  try {
    const header = JSON.parse(fromB64u(jws.split('.')[0] ?? '').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' ? header.alg : undefined;
  } catch {
    return undefined;
  }
}

const isAlg = (value: unknown): value is JwsAlgorithm => typeof value === 'string' && (JWS_ALGORITHMS as readonly string[]).includes(value);

describe('Wycheproof json_web_signature_test.json', () => {
  it('has 401 cases, each with a unique tcId', () => {
    const ids = data.testGroups.flatMap((group) => group.tests.map((test) => test.tcId));
    expect(data.numberOfTests).toBe(401);
    expect(ids).toHaveLength(401);
    expect(new Set(ids).size).toBe(401);
  });

  it('lists exactly the 8 known mislabelled tcIds', () => {
    expect(
      Object.keys(MISLABELLED)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([346, 347, 350, 351, 367, 370, 372, 373]);
  });

  for (const mode of ['strict', 'permissive'] as const) {
    describe(`${mode} verifier`, () => {
      for (const group of data.testGroups) {
        // The verification key: the group's public JWK, or its oct JWK for HMAC groups.
        const key = (group.public ?? group.private) as Jwk;
        const keyAlg = typeof key.alg === 'string' ? key.alg : undefined;
        for (const test of group.tests) {
          const headerAlg = headerAlgOf(test.jws);
          const algorithms: JwsAlgorithm[] =
            mode === 'permissive' ? [...JWS_ALGORITHMS] : [isAlg(keyAlg) ? keyAlg : isAlg(headerAlg) ? headerAlg : 'HS256'];
          const verdict = MISLABELLED[test.tcId]?.verdict ?? test.result;
          it(`tcId ${test.tcId} ${test.comment}: ${verdict}${MISLABELLED[test.tcId] ? ' (mislabelled upstream)' : ''}`, async () => {
            if (verdict === 'valid') {
              const token = test.jws as string;
              const result = await verifyJws(token, key, { algorithms });
              expect(result.header.alg).toBe(headerAlg);
              expect(Buffer.from(result.payload).equals(fromB64u(token.split('.')[1] as string))).toBe(true);
            } else {
              // tcId 17's `jws` is a JSON object: it reaches verifyJws as the JSON text, and as the object.
              const inputs = typeof test.jws === 'string' ? [test.jws] : [JSON.stringify(test.jws), test.jws];
              for (const input of inputs) {
                await expectCode(
                  () => verifyJws(input as string, key, { algorithms }),
                  ...(expectedCodes(group, test, headerAlg, keyAlg) as [JwtErrorCode, ...JwtErrorCode[]]),
                );
              }
            }
          });
        }
      }
    });
  }
});
