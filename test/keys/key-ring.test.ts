import { beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyRing,
  createLocalJWKS,
  exportJWK,
  generateKeyPair,
  generateSecret,
  importKey,
  sign,
  thumbprint,
  toVerificationKey,
  verify,
  type GeneratedKeyPair,
  type KeyRing,
} from '../../src/index.js';
import { NOW, expectCode, expectCodeSync, fakeClock, type FakeClock } from './helpers.js';

let a: GeneratedKeyPair;
let b: GeneratedKeyPair;
let c: GeneratedKeyPair;
let old: GeneratedKeyPair;

beforeAll(async () => {
  [a, b, c, old] = await Promise.all([
    generateKeyPair('ES256'),
    generateKeyPair('ES256'),
    generateKeyPair('EdDSA'),
    generateKeyPair('ES256'),
  ]);
});

const kids = (ring: KeyRing): (string | undefined)[] => ring.jwks().keys.map((key) => key.kid);

/** Signs with the ring's current key and verifies against the ring's published JWKS, as a resource server would. */
async function roundTrip(ring: KeyRing, clock: FakeClock, token?: string): Promise<string> {
  const signed = token ?? (await sign({ sub: 'u1' }, ring.signingKey, { alg: ring.signingKey.alg, expiresIn: '15m', clock }));
  await verify(signed, createLocalJWKS(ring.jwks()), { algorithms: ['ES256', 'EdDSA'], clock });
  return signed;
}

describe('createKeyRing', () => {
  it('signs with the current key and writes its kid; jwks() publishes public members with kid, alg, use', async () => {
    const clock = fakeClock();
    const ring = createKeyRing({ current: a.privateKey, next: b.privateKey, maxTokenLifetime: '15m', clock });
    expect(ring.signingKey).toBe(a.privateKey);
    const token = await roundTrip(ring, clock);
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid).toBe(a.publicKey.kid);
    expect(ring.jwks()).toEqual({
      keys: [
        { ...exportJWK(a.publicKey), use: 'sig' },
        { ...exportJWK(b.publicKey), use: 'sig' },
      ],
    });
    for (const key of ring.jwks().keys) expect(key.d).toBeUndefined();
    expect(ring.algorithms).toEqual(['ES256']);
  });

  it('rotate(): next becomes current; the old key stays published for maxTokenLifetime, then drops out', async () => {
    const clock = fakeClock();
    const ring = createKeyRing({ current: a.privateKey, next: b.privateKey, maxTokenLifetime: 900, clock });
    const tokenA = await roundTrip(ring, clock);
    clock.advance(3600);
    ring.rotate({ next: c.privateKey });
    expect(ring.signingKey).toBe(b.privateKey);
    expect(kids(ring)).toEqual([b.publicKey.kid, c.publicKey.kid, a.publicKey.kid]);
    expect(ring.algorithms).toEqual(['ES256', 'EdDSA']);
    await roundTrip(ring, clock);
    // A token signed by A just before the rotation still verifies until it expires...
    clock.advance(899);
    expect(kids(ring)).toContain(a.publicKey.kid);
    // ...and A is gone once every token it signed has expired.
    clock.advance(1);
    expect(kids(ring)).toEqual([b.publicKey.kid, c.publicKey.kid]);
    await expectCode(() => roundTrip(ring, clock, tokenA), 'ERR_JWKS_NO_MATCHING_KEY');
    // Rotating again without a staged key fails; with one it works.
    ring.rotate();
    expect(ring.signingKey).toBe(c.privateKey);
    expectCodeSync(() => ring.rotate(), 'ERR_INVALID_OPTION');
  });

  it('retired keys given at creation: published until retiredAt + maxTokenLifetime (default retiredAt: creation)', () => {
    const clock = fakeClock();
    const ring = createKeyRing({
      current: a.privateKey,
      retired: [{ key: old.publicKey, retiredAt: new Date((NOW - 600) * 1000) }, { key: b.privateKey }],
      maxTokenLifetime: '15m',
      clock,
    });
    expect(kids(ring)).toEqual([a.publicKey.kid, old.publicKey.kid, b.publicKey.kid]);
    clock.advance(300);
    expect(kids(ring)).toEqual([a.publicKey.kid, b.publicKey.kid]);
    clock.advance(600);
    expect(kids(ring)).toEqual([a.publicKey.kid]);
  });

  it('verificationKeys(): public halves of the published keys by kid', async () => {
    const clock = fakeClock();
    const ring = createKeyRing({ current: a.privateKey, next: b.privateKey, maxTokenLifetime: 60, clock });
    expect(ring.verificationKeys({ alg: 'ES256', kid: b.publicKey.kid as string })).toMatchObject({ type: 'public', kid: b.publicKey.kid });
    const token = await sign({ sub: 'u1' }, ring.signingKey, { alg: 'ES256', expiresIn: 60, clock });
    expect((await verify(token, ring.verificationKeys, { algorithms: ring.algorithms, clock })).payload.sub).toBe('u1');
    expectCodeSync(() => ring.verificationKeys({ alg: 'ES256' }), 'ERR_JWKS_NO_MATCHING_KEY');
    expectCodeSync(() => ring.verificationKeys({ alg: 'ES256', kid: 'nope' }), 'ERR_JWKS_NO_MATCHING_KEY');
    ring.rotate();
    clock.advance(61);
    expectCodeSync(() => ring.verificationKeys({ alg: 'ES256', kid: a.publicKey.kid as string }), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('gives a kid-less key its RFC 7638 thumbprint', () => {
    const { kid: _kid, alg: _alg, ...jwk } = exportJWK(a.privateKey, { private: true });
    const noKid = importKey(jwk, { alg: 'ES256' });
    expect(noKid.kid).toBeUndefined();
    const ring = createKeyRing({ current: noKid, maxTokenLifetime: 60 });
    expect(ring.signingKey.kid).toBe(thumbprint(exportJWK(toVerificationKey(noKid))));
  });

  it('refuses bad keys and options', () => {
    const base = { current: a.privateKey, maxTokenLifetime: 60 };
    expectCodeSync(() => createKeyRing({ ...base, current: a.publicKey }), 'ERR_KEY_INVALID');
    expectCodeSync(() => createKeyRing({ ...base, current: generateSecret('HS256', { kid: 's' }) }), 'ERR_KEY_INVALID');
    expectCodeSync(() => createKeyRing({ ...base, current: exportJWK(a.privateKey) as never }), 'ERR_KEY_INVALID');
    expectCodeSync(() => createKeyRing({ ...base, next: b.publicKey }), 'ERR_KEY_INVALID');
    expectCodeSync(() => createKeyRing({ ...base, retired: [{ key: generateSecret('HS256') }] }), 'ERR_KEY_INVALID');
    expectCodeSync(() => createKeyRing({ ...base, next: a.privateKey }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createKeyRing({ ...base, retired: [{ key: a.publicKey }] }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createKeyRing({ current: a.privateKey } as never), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createKeyRing({ ...base, maxTokenLifetime: '15' as never }), 'ERR_INVALID_OPTION');
    // 0 would drop a retired key the moment it retires, failing every token it signed.
    expectCodeSync(() => createKeyRing({ ...base, maxTokenLifetime: 0 }), 'ERR_INVALID_OPTION');
    expect(createKeyRing({ ...base, maxTokenLifetime: '15m' }).maxTokenLifetime).toBe(900);
    expectCodeSync(() => createKeyRing({ ...base, clock: 5 as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createKeyRing({ ...base, clock: null as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createKeyRing({ ...base, clock: () => new Date('x') }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createKeyRing({ ...base, retired: [{ key: old.publicKey, retiredAt: new Date('x') }] }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createKeyRing({ ...base, retired: {} as never }), 'ERR_INVALID_OPTION');
    const ring = createKeyRing({ ...base, next: b.privateKey });
    expectCodeSync(() => ring.rotate({ next: a.privateKey }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => ring.rotate({ next: c.publicKey }), 'ERR_KEY_INVALID');
    expect(ring.signingKey).toBe(a.privateKey);
  });
});
