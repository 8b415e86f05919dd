/**
 * The cost of choosing a key for a token without `kid` (local and remote sets), counted in
 * signature computations: `verifySignature` and `verifySignatureAsync` (the asynchronous API's,
 * on the thread pool) are wrapped to count their calls, so no timing is
 * involved. At most 3 fitting keys are tried, each once; the chosen key is not checked again by
 * the verifier. Also the `maxKeys` cap of local sets.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifySignature, verifySignatureAsync } from '../../src/jws/signature.js';
import {
  createLocalJWKS,
  createRemoteJWKS,
  exportJWK,
  generateKeyPair,
  verify,
  verifyJws,
  type GeneratedKeyPair,
  type Jwk,
  type JsonWebKeySet,
  type KeyResolver,
} from '../../src/index.js';
import { NOW, expectCode, expectCodeSync, fakeClock, forgeJws } from './helpers.js';

vi.mock('../../src/jws/signature.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/jws/signature.js')>();
  return {
    ...original,
    verifySignature: vi.fn(original.verifySignature),
    verifySignatureAsync: vi.fn(original.verifySignatureAsync),
  };
});

const syncChecks = vi.mocked(verifySignature);
const asyncChecks = vi.mocked(verifySignatureAsync);
/** The signature computations since the last {@link clearChecks}, by either form. */
const signatureChecks = (): number => syncChecks.mock.calls.length + asyncChecks.mock.calls.length;
const clearChecks = (): void => {
  syncChecks.mockClear();
  asyncChecks.mockClear();
};
const currentDate = new Date(NOW * 1000);
const claims = { sub: 'u1', exp: NOW + 600 };

let es: GeneratedKeyPair[];
let rs: GeneratedKeyPair;

beforeAll(async () => {
  [rs, ...es] = await Promise.all([generateKeyPair('RS256'), ...Array.from({ length: 5 }, () => generateKeyPair('ES256'))]);
});
beforeEach(() => {
  clearChecks();
});

const kidless = (pair: GeneratedKeyPair): Jwk => {
  const { kid: _kid, ...jwk } = exportJWK(pair.publicKey);
  return jwk as Jwk;
};
const setOf = (...pairs: GeneratedKeyPair[]): JsonWebKeySet => ({ keys: pairs.map(kidless) });
const tokenWithoutKid = (pair: GeneratedKeyPair): string => forgeJws({ alg: pair.privateKey.alg }, claims, pair.privateKey.keyObject);
const verifyWith = (token: string, keys: KeyResolver) => verify(token, keys, { algorithms: ['ES256', 'RS256'], currentDate });

/** The number of signature computations `action` makes. */
async function checksOf(action: () => Promise<unknown>): Promise<number> {
  clearChecks();
  await action();
  return signatureChecks();
}

describe('createLocalJWKS: a token without kid', () => {
  it('more than 3 fitting keys: ERR_JWKS_NO_MATCHING_KEY before any signature is computed', async () => {
    const [a, b, c, d] = es as [GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair];
    const jwks = createLocalJWKS(setOf(a, b, c, d));
    await expectCode(() => verifyWith(tokenWithoutKid(a), jwks), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(signatureChecks()).toBe(0);
    // The resolver itself refuses, synchronously.
    expectCodeSync(() => jwks({ alg: 'ES256' }, tokenWithoutKid(d)), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(signatureChecks()).toBe(0);
  });

  it('3 fitting keys, the right one last: accepted with 3 signature computations', async () => {
    const [a, b, c] = es as [GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair];
    const jwks = createLocalJWKS(setOf(a, b, c));
    expect(await checksOf(async () => expect((await verifyWith(tokenWithoutKid(c), jwks)).payload.sub).toBe('u1'))).toBe(3);
  });

  it('the first fitting key verifies: exactly 1 signature computation (the verifier does not repeat it)', async () => {
    const [a, b, c] = es as [GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair];
    const jwks = createLocalJWKS(setOf(a, b, c));
    expect(await checksOf(async () => expect((await verifyWith(tokenWithoutKid(a), jwks)).payload.sub).toBe('u1'))).toBe(1);
    expect(await checksOf(() => verifyWith(tokenWithoutKid(b), jwks))).toBe(2);
    expect(await checksOf(() => verifyJws(tokenWithoutKid(a), jwks, { algorithms: ['ES256'] }))).toBe(1);
  });

  it('no fitting key verifies: ERR_JWT_SIGNATURE_INVALID, each key computed once', async () => {
    const [a, b, c, stranger] = es as [GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair];
    const jwks = createLocalJWKS(setOf(a, b, c));
    await expectCode(() => verifyWith(tokenWithoutKid(stranger), jwks), 'ERR_JWT_SIGNATURE_INVALID');
    expect(signatureChecks()).toBe(3);
  });

  it('only fitting keys count: one ES256 key among 5 RSA keys serves a kid-less ES256 token with 1 computation', async () => {
    const [a] = es as [GeneratedKeyPair];
    const rsaKeys = Array.from({ length: 5 }, () => kidless(rs));
    const jwks = createLocalJWKS({ keys: [...rsaKeys, kidless(a)] });
    expect(await checksOf(() => verifyWith(tokenWithoutKid(a), jwks))).toBe(1);
    clearChecks();
    await expectCode(() => verifyWith(tokenWithoutKid(rs), jwks), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(signatureChecks()).toBe(0);
  });

  it('a token with kid is checked once against a large set', async () => {
    const pairs = es.slice(0, 4);
    const jwks = createLocalJWKS({ keys: pairs.map((pair) => exportJWK(pair.publicKey)) });
    const last = pairs[3] as GeneratedKeyPair;
    const token = forgeJws({ alg: 'ES256', kid: last.publicKey.kid }, claims, last.privateKey.keyObject);
    expect(await checksOf(() => verifyWith(token, jwks))).toBe(1);
  });

  it('a remembered trial is used only for the same key, algorithm, signing input and signature', async () => {
    const [a, b] = es as [GeneratedKeyPair, GeneratedKeyPair];
    const jwks = createLocalJWKS(setOf(a, b));
    const token = tokenWithoutKid(a);
    const chosen = jwks({ alg: 'ES256' }, token) as Exclude<ReturnType<KeyResolver>, Promise<unknown>>;
    expect(signatureChecks()).toBe(1);
    // Same signature, other payload: computed again, and refused.
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${signature}`;
    await expectCode(() => verifyWith(tampered, () => chosen), 'ERR_JWT_SIGNATURE_INVALID');
    expect(signatureChecks()).toBe(2);
    // The trial's own token: taken from the trial once, then computed again.
    expect(await checksOf(() => verifyWith(token, () => chosen))).toBe(0);
    expect(await checksOf(() => verifyWith(token, () => chosen))).toBe(1);
  });
});

describe('createLocalJWKS: maxKeys', () => {
  const many = (count: number): JsonWebKeySet => ({
    keys: Array.from({ length: count }, (_, i) => ({ ...exportJWK((es[0] as GeneratedKeyPair).publicKey), kid: `k${i}` })),
  });

  it('refuses a set of more than 100 keys by default, or more than maxKeys', () => {
    expect(typeof createLocalJWKS(many(100))).toBe('function');
    expectCodeSync(() => createLocalJWKS(many(101)), 'ERR_JWKS_INVALID');
    expectCodeSync(() => createLocalJWKS(many(3), { maxKeys: 2 }), 'ERR_JWKS_INVALID');
    expect(typeof createLocalJWKS(many(101), { maxKeys: 101 })).toBe('function');
  });

  it.each([0, -1, 1.5, Number.POSITIVE_INFINITY, '10', true])('refuses maxKeys %s', (maxKeys) => {
    expectCodeSync(() => createLocalJWKS(many(1), { maxKeys: maxKeys as never }), 'ERR_INVALID_OPTION');
  });
});

describe('createRemoteJWKS: a token without kid', () => {
  /** A remote set served by an injected fetch that counts its calls. */
  function remoteSet(set: JsonWebKeySet) {
    const clock = fakeClock();
    let fetches = 0;
    const fetch = (): Promise<Response> => {
      fetches++;
      return Promise.resolve(Response.json(set));
    };
    const jwks = createRemoteJWKS('https://auth.example/.well-known/jwks.json', { fetch, clock });
    const check = (token: string) => verify(token, jwks, { algorithms: ['ES256'], currentDate: clock() });
    return { jwks, clock, check, fetches: () => fetches };
  }

  it('more than 3 fitting keys: ERR_JWKS_NO_MATCHING_KEY, no signature computed, no refetch', async () => {
    const [a, b, c, d] = es as [GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair];
    const remote = remoteSet(setOf(a, b, c, d));
    await expectCode(() => remote.check(tokenWithoutKid(a)), 'ERR_JWKS_NO_MATCHING_KEY');
    remote.clock.advance(60); // past the cooldown, still fresh
    await expectCode(() => remote.check(tokenWithoutKid(b)), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(signatureChecks()).toBe(0);
    expect(remote.fetches()).toBe(1);
  });

  it('3 fitting keys: the right one last costs 3 computations, the first 1', async () => {
    const [a, b, c] = es as [GeneratedKeyPair, GeneratedKeyPair, GeneratedKeyPair];
    const remote = remoteSet(setOf(a, b, c));
    expect(await checksOf(() => remote.check(tokenWithoutKid(c)))).toBe(3);
    expect(await checksOf(() => remote.check(tokenWithoutKid(a)))).toBe(1);
    expect(remote.fetches()).toBe(1);
  });
});
