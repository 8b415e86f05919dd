/**
 * The opt-in verified-token cache (`createVerifiedTokenCache`, src/jwt/verified-token-cache.ts;
 * E32 in test/jws/parse.test.ts shows a token string has one meaning): keyed by the
 * exact token and the key it was verified with; an entry never outlives `exp` or `ttl`; clock- and
 * option-dependent checks are redone on every hit; failures are never cached. A hit is recognised
 * by identity: it hands out the very payload object of the first verification. A cache hit skips
 * only parsing and the signature check: a revocation check that runs after verification (here the
 * adapters' `isRevoked` hook) still runs on every hit.
 */
import { createSecretKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/adapters/fetch/index.js';
import { createVerifiedTokenCache, importKey, verify, verifySync, type KeyResolver, type VerifyOptions } from '../../src/index.js';
import { NOW, OTHER_SECRET, SECRET, at, claims, expectCode, hs256 } from '../helpers/verified-token-cache.js';

const base = { algorithms: ['HS256'], issuer: 'https://issuer.example', audience: 'api', clock: () => at(0) } satisfies VerifyOptions;

describe('createVerifiedTokenCache options', () => {
  it('defaults to 1000 entries and starts empty', () => {
    const cache = createVerifiedTokenCache();
    expect(cache.max).toBe(1000);
    expect(cache.size).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', null])('refuses max = %s', async (max) => {
    await expectCode(() => createVerifiedTokenCache({ max: max as number }), 'ERR_INVALID_OPTION');
  });

  it.each(['60', -1, Number.NaN, '1y', {}])('refuses ttl = %s', async (ttl) => {
    await expectCode(() => createVerifiedTokenCache({ ttl: ttl as never }), 'ERR_INVALID_OPTION');
  });

  it('refuses options that are not an object', async () => {
    await expectCode(() => createVerifiedTokenCache(null as never), 'ERR_INVALID_OPTION');
  });

  it('refuses a look-alike cache object, before reading the token', async () => {
    const fake = { max: 10, size: 0, clear() {} };
    await expectCode(() => verifySync('not a token', SECRET, { ...base, cache: fake }), 'ERR_INVALID_OPTION');
    await expectCode(() => verify('not a token', SECRET, { ...base, cache: fake }), 'ERR_INVALID_OPTION');
  });
});

describe('hits', () => {
  it('a second verification of the same token with the same key is a hit (same frozen payload)', async () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims({ roles: ['admin'], profile: { name: 'Ada' } }));
    const first = verifySync(token, SECRET, { ...base, cache });
    const second = verifySync(token, SECRET, { ...base, cache });
    const third = await verify(token, SECRET, { ...base, cache });
    expect(cache.size).toBe(1);
    expect(second.payload).toBe(first.payload);
    expect(third.payload).toBe(first.payload);
    expect(second.header).toBe(first.header);
    expect(first.payload.sub).toBe('user-1');
    expect(Object.isFrozen(first.payload)).toBe(true);
    expect(Object.isFrozen(first.payload['roles'])).toBe(true);
    expect(Object.isFrozen(first.payload['profile'])).toBe(true);
  });

  it('without a cache nothing is frozen or shared (the default is unchanged)', () => {
    const token = hs256(claims());
    const first = verifySync(token, SECRET, base);
    const second = verifySync(token, SECRET, base);
    expect(second.payload).not.toBe(first.payload);
    expect(Object.isFrozen(first.payload)).toBe(false);
  });

  it('returns a new result object on each hit (callers may reassign its members)', () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims());
    const first = verifySync(token, SECRET, { ...base, cache });
    const second = verifySync(token, SECRET, { ...base, cache });
    expect(second).not.toBe(first);
    expect(Object.isFrozen(second)).toBe(false);
  });

  it('clear() forgets every token', () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims());
    const first = verifySync(token, SECRET, { ...base, cache });
    cache.clear();
    expect(cache.size).toBe(0);
    expect(verifySync(token, SECRET, { ...base, cache }).payload).not.toBe(first.payload);
  });
});

describe('an entry never outlives exp or ttl', () => {
  it('after exp the token is expired even though it was cached', async () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims({ exp: NOW + 60 }));
    verifySync(token, SECRET, { ...base, cache, clockTolerance: 0 });
    const error = await expectCode(
      () => verifySync(token, SECRET, { ...base, cache, clockTolerance: 0, clock: () => at(61) }),
      'ERR_JWT_EXPIRED',
    );
    expect((error as { expiredAt: Date }).expiredAt.getTime()).toBe((NOW + 60) * 1000);
    expect(cache.size).toBe(0);
  });

  it('within the clock tolerance after exp the token verifies in full and is not cached again', () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims({ exp: NOW + 60 }));
    const first = verifySync(token, SECRET, { ...base, cache });
    const late = verifySync(token, SECRET, { ...base, cache, clockTolerance: 5, clock: () => at(62) });
    expect(late.payload).not.toBe(first.payload);
    expect(late.payload.exp).toBe(NOW + 60);
    expect(cache.size).toBe(0);
  });

  it('an entry is dropped after ttl, though the token lives on', () => {
    const cache = createVerifiedTokenCache({ ttl: '10s' });
    const token = hs256(claims());
    const first = verifySync(token, SECRET, { ...base, cache });
    expect(verifySync(token, SECRET, { ...base, cache, clock: () => at(9) }).payload).toBe(first.payload);
    expect(verifySync(token, SECRET, { ...base, cache, clock: () => at(10) }).payload).not.toBe(first.payload);
  });

  it('a token without exp (requireExp: false) is kept for ttl only', () => {
    const cache = createVerifiedTokenCache({ ttl: 30 });
    const { exp: _exp, ...withoutExp } = claims();
    const token = hs256(withoutExp);
    const first = verifySync(token, SECRET, { ...base, cache, requireExp: false });
    expect(verifySync(token, SECRET, { ...base, cache, requireExp: false, clock: () => at(29) }).payload).toBe(first.payload);
    expect(verifySync(token, SECRET, { ...base, cache, requireExp: false, clock: () => at(30) }).payload).not.toBe(first.payload);
  });
});

describe('every check that depends on the call is redone on a hit', () => {
  const cache = createVerifiedTokenCache();
  const token = hs256(claims());
  verifySync(token, SECRET, { ...base, cache });

  it('the cached token is still there for these tests', () => {
    expect(cache.size).toBe(1);
  });

  it("maxAge against this call's clock", async () => {
    expect(verifySync(token, SECRET, { ...base, cache, maxAge: 60, clock: () => at(30) }).payload.sub).toBe('user-1');
    await expectCode(() => verifySync(token, SECRET, { ...base, cache, maxAge: 60, clock: () => at(100) }), 'ERR_JWT_EXPIRED');
  });

  it('audience, issuer and subject', async () => {
    const audience = await expectCode(() => verifySync(token, SECRET, { ...base, cache, audience: 'other' }), 'ERR_JWT_CLAIM_INVALID');
    expect(audience).toMatchObject({ claim: 'aud', reason: 'mismatch' });
    const issuer = await expectCode(
      () => verifySync(token, SECRET, { ...base, cache, issuer: 'https://evil.example' }),
      'ERR_JWT_CLAIM_INVALID',
    );
    expect(issuer).toMatchObject({ claim: 'iss', reason: 'mismatch' });
    await expectCode(() => verifySync(token, SECRET, { ...base, cache, subject: 'user-2' }), 'ERR_JWT_CLAIM_INVALID');
  });

  it('typ and required claims', async () => {
    await expectCode(() => verifySync(token, SECRET, { ...base, cache, typ: 'at+jwt' }), 'ERR_JWT_TYPE_MISMATCH');
    const missing = await expectCode(
      () => verifySync(token, SECRET, { ...base, cache, requiredClaims: ['scope'] }),
      'ERR_JWT_CLAIM_INVALID',
    );
    expect(missing).toMatchObject({ claim: 'scope', reason: 'missing' });
  });

  it('the algorithm allow-list and maxTokenLength', async () => {
    await expectCode(() => verifySync(token, SECRET, { ...base, cache, algorithms: ['HS512'] }), 'ERR_JWT_ALG_NOT_ALLOWED');
    await expectCode(() => verifySync(token, SECRET, { ...base, cache, maxTokenLength: token.length - 1 }), 'ERR_JWT_TOO_LARGE');
  });

  it('an unbound key that fits several allowed algorithms is still refused as ambiguous', async () => {
    await expectCode(() => verifySync(token, SECRET, { ...base, cache, algorithms: ['HS256', 'HS384'] }), 'ERR_KEY_INVALID');
  });

  it('and a hit still works after all those refusals', () => {
    const again = verifySync(token, SECRET, { ...base, cache });
    expect(again.payload.sub).toBe('user-1');
    expect(cache.size).toBe(1);
  });
});

describe('the entry belongs to one token and one key', () => {
  it('another key does not reuse the entry: the signature is checked again', async () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims());
    verifySync(token, SECRET, { ...base, cache });
    await expectCode(() => verifySync(token, OTHER_SECRET, { ...base, cache }), 'ERR_JWT_SIGNATURE_INVALID');
    await expectCode(() => verify(token, OTHER_SECRET, { ...base, cache }), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('another key object holding the same secret verifies in full (a miss), then has its own entry', () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims());
    const first = verifySync(token, SECRET, { ...base, cache });
    const twin = createSecretKey(SECRET.export());
    const second = verifySync(token, twin, { ...base, cache });
    expect(second.payload).not.toBe(first.payload);
    expect(verifySync(token, twin, { ...base, cache }).payload).toBe(second.payload);
  });

  it('a string secret is the same key when it is the same string', () => {
    const cache = createVerifiedTokenCache();
    const secret = 'a string secret of at least thirty-two bytes!';
    const token = hs256(claims(), createSecretKey(Buffer.from(secret)));
    const first = verifySync(token, secret, { ...base, cache });
    expect(verifySync(token, `${secret}`, { ...base, cache }).payload).toBe(first.payload);
  });

  it('two tokens differing only in sub, or in the encoding of the signature, never share an entry', async () => {
    const cache = createVerifiedTokenCache();
    const alice = hs256(claims({ sub: 'alice' }));
    const bob = hs256(claims({ sub: 'bob' }));
    expect(verifySync(alice, SECRET, { ...base, cache }).payload.sub).toBe('alice');
    expect(verifySync(bob, SECRET, { ...base, cache }).payload.sub).toBe('bob');
    expect(verifySync(alice, SECRET, { ...base, cache }).payload.sub).toBe('alice');
    // The 43rd character of an HS256 signature carries 2 unused bits: flipping one gives a
    // different text for the same bytes, which the strict parser refuses even after a hit.
    const last = alice.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alice.slice(0, -1) + (alphabet[alphabet.indexOf(last) ^ 1] as string);
    await expectCode(() => verifySync(twin, SECRET, { ...base, cache }), 'ERR_JWT_MALFORMED');
  });
});

describe('failures are never cached', () => {
  it('a token with a bad signature fails every time and leaves no entry', async () => {
    const cache = createVerifiedTokenCache();
    const forged = hs256(claims(), OTHER_SECRET);
    await expectCode(() => verifySync(forged, SECRET, { ...base, cache }), 'ERR_JWT_SIGNATURE_INVALID');
    await expectCode(() => verifySync(forged, SECRET, { ...base, cache }), 'ERR_JWT_SIGNATURE_INVALID');
    expect(cache.size).toBe(0);
  });

  it('a token that is not valid yet is not cached, and verifies once its nbf has come', async () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims({ nbf: NOW + 100 }));
    await expectCode(() => verifySync(token, SECRET, { ...base, cache }), 'ERR_JWT_NOT_YET_VALID');
    expect(cache.size).toBe(0);
    expect(verifySync(token, SECRET, { ...base, cache, clock: () => at(100) }).payload.sub).toBe('user-1');
    expect(cache.size).toBe(1);
  });

  it('a token refused for an option is not cached either', async () => {
    const cache = createVerifiedTokenCache();
    const token = hs256(claims());
    await expectCode(() => verifySync(token, SECRET, { ...base, cache, audience: 'other' }), 'ERR_JWT_CLAIM_INVALID');
    expect(cache.size).toBe(0);
  });
});

describe('bounded LRU', () => {
  it('keeps at most max entries and forgets the least recently used', () => {
    const cache = createVerifiedTokenCache({ max: 2 });
    const [t1, t2, t3] = ['a', 'b', 'c'].map((sub) => hs256(claims({ sub }))) as [string, string, string];
    const p1 = verifySync(t1, SECRET, { ...base, cache }).payload;
    const p2 = verifySync(t2, SECRET, { ...base, cache }).payload;
    expect(verifySync(t1, SECRET, { ...base, cache }).payload).toBe(p1); // t1 is now the most recent
    verifySync(t3, SECRET, { ...base, cache }); // pushes out t2
    expect(cache.size).toBe(2);
    expect(verifySync(t1, SECRET, { ...base, cache }).payload).toBe(p1);
    expect(verifySync(t2, SECRET, { ...base, cache }).payload).not.toBe(p2);
  });
});

describe('with a key resolver (verify)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const es256 = (payload: Record<string, unknown>): string => {
    const input = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  const bound = importKey(publicKey, { alg: 'ES256', kid: 'k1' });
  const options = { ...base, algorithms: ['ES256'] } satisfies VerifyOptions;

  it('runs the resolver on every hit, and reuses the entry when it returns the same key', async () => {
    const cache = createVerifiedTokenCache();
    const token = es256(claims());
    let calls = 0;
    const resolver: KeyResolver = (header) => {
      calls++;
      expect(header.kid).toBe('k1');
      return bound;
    };
    const first = await verify(token, resolver, { ...options, cache });
    const second = await verify(token, resolver, { ...options, cache });
    expect(second.payload).toBe(first.payload);
    expect(calls).toBe(2);
  });

  it('a key the resolver no longer returns no longer verifies the cached token', async () => {
    const cache = createVerifiedTokenCache();
    const token = es256(claims());
    await verify(token, () => bound, { ...options, cache });
    const rotated = importKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, { alg: 'ES256', kid: 'k1' });
    await expectCode(() => verify(token, () => rotated, { ...options, cache }), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('what the resolver throws on a hit reaches the caller', async () => {
    const cache = createVerifiedTokenCache();
    const token = es256(claims());
    await verify(token, () => bound, { ...options, cache });
    const failing: KeyResolver = () => {
      throw new Error('key set unreachable');
    };
    await expectCode(() => verify(token, failing, { ...options, cache }), 'ERR_KEY_INVALID');
  });

  it('a disallowed alg is refused on a hit before the resolver runs', async () => {
    const cache = createVerifiedTokenCache();
    const token = es256(claims());
    await verify(token, () => bound, { ...options, cache });
    let calls = 0;
    await expectCode(() => verify(token, () => (calls++, bound), { ...options, cache, algorithms: ['RS256'] }), 'ERR_JWT_ALG_NOT_ALLOWED');
    expect(calls).toBe(0);
  });

  it('verifySync still refuses a resolver, cache or not', async () => {
    const cache = createVerifiedTokenCache();
    await expectCode(() => verifySync(es256(claims()), (() => bound) as never, { ...options, cache }), 'ERR_INVALID_OPTION');
  });
});

describe('revocation with the verified-token cache', () => {
  it('a revoked token is refused although its verification is cached', async () => {
    const cache = createVerifiedTokenCache();
    const revoked = new Set<string>();
    const checked: string[] = [];
    const options = {
      key: SECRET,
      verify: { algorithms: ['HS256' as const], issuer: 'https://issuer.example', audience: 'api', clock: () => at(0), cache },
      isRevoked: (payload: { jti?: string }) => {
        checked.push(payload.jti as string);
        return revoked.has(payload.jti as string);
      },
    };
    const token = hs256(claims({ jti: 'token-1' }));
    const request = (): Request => new Request('http://127.0.0.1/api', { headers: { authorization: `Bearer ${token}` } });

    const first = await authenticateRequest(request(), options);
    expect(first).not.toBeInstanceOf(Response);
    expect((first as { payload: { jti: string } }).payload.jti).toBe('token-1');
    expect(cache.size).toBe(1);

    revoked.add('token-1');
    const second = await authenticateRequest(request(), options);
    expect(second).toBeInstanceOf(Response);
    expect((second as Response).status).toBe(401);
    expect(checked).toEqual(['token-1', 'token-1']);
    expect(cache.size).toBe(1);
  });
});
