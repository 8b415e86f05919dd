/**
 * verify as a whole. Property tests (fast-check): sign → verify round trips for random JSON
 * payloads, and verify / verifyJws / decode on arbitrary strings and on mutated valid tokens only
 * ever throw a JwtError (isJwtError true), never a raw TypeError/SyntaxError/RangeError. Runs are
 * seeded so a failure reproduces.
 * H48: the signature is checked before the claims. §3.3 (RFC 8725): nested JWTs are not unwrapped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decode,
  isJwtError,
  sign,
  signJws,
  verify,
  verifyJws,
  verifySync,
  type JwsAlgorithm,
  type VerifyOptions,
} from '../../src/index.js';
import { ALL_ALGS, expectCode, FAR_FUTURE, forge, keyPairFor, NOW_CLOCK, NOW_DATE, testKeys } from '../helpers/core.js';

const SEED = 20_260_101;
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });
const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
const HEADER = '{"alg":"HS256","typ":"JWT"}';
/** Arbitrary JSON values for claims (no -0, which JSON cannot round-trip). */
const jsonValue = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const claimsArb = fc.dictionary(
  fc.string({ maxLength: 12 }).filter((key) => !['exp', 'nbf', 'iat', 'iss', 'sub', 'aud', 'jti'].includes(key)),
  jsonValue,
  { maxKeys: 8 },
);

/** Runs `fn` and classifies the outcome; any non-JwtError throw fails the property. */
async function onlyJwtErrors(fn: () => unknown): Promise<'ok' | string> {
  try {
    await fn();
    return 'ok';
  } catch (error) {
    if (!isJwtError(error)) throw new Error(`a non-JwtError escaped: ${String(error)}`, { cause: error });
    return error.code;
  }
}
describe('sign → verify round trip', () => {
  const keys = testKeys();

  it('random claims survive HS256 sign → verify (async and sync) exactly', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), async (claims, subject) => {
        const token = await sign(claims, keys.hs256, { alg: 'HS256', expiresIn: '1h', subject, clock: NOW_CLOCK });
        const { payload } = await verify(token, keys.hs256, { algorithms: ['HS256'], clock: NOW_CLOCK });
        const expected = {
          ...claims,
          iat: NOW_DATE.getTime() / 1000,
          exp: NOW_DATE.getTime() / 1000 + 3600,
          ...(subject === undefined ? {} : { sub: subject }),
        };
        expect(payload).toEqual(expected);
        expect(verifySync(token, keys.hs256, { algorithms: ['HS256'], clock: NOW_CLOCK }).payload).toEqual(expected);
      }),
      params(300),
    );
  });

  it('random claims survive sign → verify for every algorithm', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.constantFrom(...ALL_ALGS), async (claims, alg) => {
        const { signKey, verifyKey } = keyPairFor(alg);
        const token = await sign(claims, signKey, { alg: alg as JwsAlgorithm, expiresIn: 60, clock: NOW_CLOCK });
        const { payload, header } = await verify(token, verifyKey, { algorithms: [alg as JwsAlgorithm], clock: NOW_CLOCK });
        expect(payload).toMatchObject(claims);
        expect(header).toEqual({ alg, typ: 'JWT' });
      }),
      params(150),
    );
  });

  it('random bytes survive signJws → verifyJws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom(...ALL_ALGS), async (bytes, alg) => {
        const { signKey, verifyKey } = keyPairFor(alg);
        const jws = await signJws(bytes, signKey, { alg: alg as JwsAlgorithm });
        const { payload } = await verifyJws(jws, verifyKey, { algorithms: [alg as JwsAlgorithm] });
        expect(Buffer.from(payload).equals(Buffer.from(bytes))).toBe(true);
      }),
      params(150),
    );
  });
});

describe('verify on hostile input only ever throws JwtError', () => {
  const keys = testKeys();
  const HS = { algorithms: ['HS256' as JwsAlgorithm], clock: NOW_CLOCK };

  it('arbitrary strings (and strings shaped like three segments)', async () => {
    const shaped = fc.tuple(fc.string(), fc.string(), fc.string()).map((segments) => segments.join('.'));
    const jsonShaped = fc
      .tuple(fc.jsonValue(), fc.jsonValue(), fc.uint8Array({ maxLength: 40 }))
      .map(
        ([h, p, s]) =>
          `${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.${Buffer.from(s).toString('base64url')}`,
      );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), shaped, jsonShaped), async (token) => {
        expect(await onlyJwtErrors(() => verify(token, keys.hs256, HS))).not.toBe('ok');
        await onlyJwtErrors(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }));
        await onlyJwtErrors(() => decode(token));
      }),
      params(2000),
    );
  });

  it('arbitrary non-string values as the token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything().filter((value) => typeof value !== 'string'),
        async (value) => {
          expect(await onlyJwtErrors(() => verify(value as string, keys.hs256, HS))).toBe('ERR_JWT_MALFORMED');
          expect(await onlyJwtErrors(() => decode(value as string))).toBe('ERR_JWT_MALFORMED');
        },
      ),
      params(300),
    );
  });

  it('arbitrary values as options or key never escape as a raw error', async () => {
    const token = await sign({ sub: 'a' }, keys.hs256, { alg: 'HS256', expiresIn: 60, clock: NOW_CLOCK });
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), async (key, options) => {
        await onlyJwtErrors(() => verify(token, key as never, options as never));
        await onlyJwtErrors(() =>
          verify(token, keys.hs256, { ...HS, ...(typeof options === 'object' && options !== null ? options : {}) } as never),
        );
        await onlyJwtErrors(() => sign({ sub: 'a' }, key as never, options as never));
      }),
      params(500),
    );
  });

  it('mutated valid tokens (every algorithm): character edits, insertions, deletions, segment swaps', async () => {
    const tokens = await Promise.all(
      ALL_ALGS.map(async (alg) => {
        const { signKey, verifyKey } = keyPairFor(alg);
        return { alg, verifyKey, token: await sign({ sub: 'u', n: 1 }, signKey, { alg, expiresIn: 600, clock: NOW_CLOCK }) };
      }),
    );
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), char: fc.constant('') }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), char: fc.constant('') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: tokens.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (index, edits) => {
        const { alg, verifyKey, token } = tokens[index] as (typeof tokens)[number];
        let mutated = token;
        for (const edit of edits) {
          const at = edit.at % (mutated.length + 1);
          if (edit.kind === 'replace') mutated = mutated.slice(0, at) + edit.char + mutated.slice(at + 1);
          else if (edit.kind === 'insert') mutated = mutated.slice(0, at) + edit.char + mutated.slice(at);
          else if (edit.kind === 'delete') mutated = mutated.slice(0, at) + mutated.slice(at + 1);
          else {
            const segments = mutated.split('.');
            mutated = [segments[1], segments[0], ...segments.slice(2)].join('.');
          }
        }
        const outcome = await onlyJwtErrors(() => verify(mutated, verifyKey, { algorithms: [alg], clock: NOW_CLOCK }));
        // A mutation can only verify if it is a no-op (e.g. replacing a character by itself).
        if (outcome === 'ok') expect(mutated).toBe(token);
      }),
      params(3000),
    );
  });
});

describe('H48. the signature is checked before the claims', () => {
  it('exp: 0 (expired) with a wrong signature → ERR_JWT_SIGNATURE_INVALID, not ERR_JWT_EXPIRED', async () => {
    const wrongKey = new Uint8Array(32).fill(9);
    const token = forge('HS256', HEADER, { sub: 'admin', exp: 0 }, wrongKey);
    await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('every claim failure (type, nbf, iat future, iss, aud, typ, missing exp) hides behind a bad signature', async () => {
    const wrongKey = new Uint8Array(32).fill(9);
    const payloads = [
      { exp: 'x' },
      { exp: FAR_FUTURE, nbf: FAR_FUTURE },
      { exp: FAR_FUTURE, iat: FAR_FUTURE },
      { exp: FAR_FUTURE, iss: 1 },
      {},
    ];
    for (const payload of payloads) {
      const token = forge('HS256', HEADER, payload, wrongKey);
      await expectCode(() => verify(token, keys.hs256, { ...HS, issuer: 'x', audience: 'y', typ: 'at+jwt' }), 'ERR_JWT_SIGNATURE_INVALID');
    }
  });

  it('a non-object payload with a bad signature is also ERR_JWT_SIGNATURE_INVALID (no parse oracle)', async () => {
    const token = forge('HS256', HEADER, '[1,2,3]', new Uint8Array(32).fill(9));
    await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_SIGNATURE_INVALID');
  });
});

describe('§3.3 nested JWTs are not unwrapped', () => {
  it('a JWS whose payload is another compact JWT (cty "JWT") fails as a JWT: the payload is not a JSON object', async () => {
    const inner = await sign({ sub: 'admin', exp: FAR_FUTURE }, keys.hs256, { alg: 'HS256' });
    const outer = await signJws(inner, keys.hs256, { alg: 'HS256', header: { cty: 'JWT' } });
    await expectCode(() => verify(outer, keys.hs256, HS), 'ERR_JWT_MALFORMED');
  });
});
