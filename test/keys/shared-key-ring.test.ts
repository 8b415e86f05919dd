import { randomBytes, sign as cryptoSign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRemoteSigner,
  createSharedKeyRing,
  createTokenService,
  exportJWK,
  generateKeyPair,
  MemoryKeyRingStore,
  sign,
  toVerificationKey,
  verify,
  type BoundKey,
  type KeyRingStore,
  type SharedKeyRing,
  type SharedKeyRingOptions,
} from '../../src/index.js';
import { macState } from '../../src/keys/key-encryption.js';
import { createFakeClock, type FakeClock } from '../../src/testing/index.js';
import { expectCode, expectCodeSync } from './helpers.js';

const kekA = { id: 'kek-a', key: randomBytes(32) };
const kekB = { id: 'kek-b', key: randomBytes(32) };

/** Second-scale settings: refresh 1 s, JWKS cached 2 s, next key published 5 s ahead, rotation every 10 s, tokens 20 s. */
const TIMING = { refreshEvery: 1, jwksCacheMaxAge: 2, publishBefore: 5, maxTokenLifetime: 20 } as const;

const opened: SharedKeyRing[] = [];
afterEach(() => {
  for (const ring of opened.splice(0)) ring.close();
});

async function ringOn(
  store: KeyRingStore,
  clock: FakeClock | undefined,
  options: Partial<SharedKeyRingOptions> = {},
): Promise<SharedKeyRing> {
  const ring = await createSharedKeyRing({
    store,
    ringId: 'auth',
    kek: kekA,
    alg: 'ES256',
    ...(clock === undefined ? {} : { clock }),
    ...TIMING,
    ...options,
  });
  opened.push(ring);
  return ring;
}

/** The stored state document of ring `auth`, parsed. */
async function storedState(store: KeyRingStore, ringId = 'auth'): Promise<any> {
  return JSON.parse((await store.load(ringId))!.state);
}

/**
 * The text of a changed state document with its MAC made again under `kek` for `ringId`: what only
 * a holder of the KEK can do. It lets a test reach the checks behind the state MAC (each key's tag
 * and additional authenticated data, the generation).
 */
function withMac(state: any, kek = kekA, ringId = 'auth'): string {
  const { mac: _mac, ...body } = state;
  return JSON.stringify({ ...body, mac: macState(kek, ringId, JSON.stringify(body)) });
}

/** Writes `text` over the state of ring `auth` in `store` (as a writer of the store can). */
async function overwrite(store: KeyRingStore, text: string): Promise<void> {
  const { version } = (await store.load('auth'))!;
  expect(await store.compareAndSet('auth', version, text)).toBe(true);
}

/** A store that counts the writes it accepted. */
function countingStore(): KeyRingStore & { written: number } {
  const inner = new MemoryKeyRingStore();
  return {
    written: 0,
    load: (ringId) => inner.load(ringId),
    async compareAndSet(ringId, expectedVersion, state) {
      const done = await inner.compareAndSet(ringId, expectedVersion, state);
      if (done) this.written += 1;
      return done;
    },
  };
}

describe('createSharedKeyRing: the timeline rule', () => {
  it('refuses publishBefore not above refreshEvery + jwksCacheMaxAge, at construction', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    await expectCode(() => ringOn(store, clock, { refreshEvery: 2, jwksCacheMaxAge: 3, publishBefore: 5 }), 'ERR_INVALID_OPTION');
    await expectCode(
      () => ringOn(store, clock, { refreshEvery: '30s', jwksCacheMaxAge: '10m', publishBefore: '10m' }),
      'ERR_INVALID_OPTION',
    );
    // Nothing was written by a refused ring.
    expect(await store.load('auth')).toBeUndefined();
    await ringOn(store, clock, { refreshEvery: 2, jwksCacheMaxAge: 3, publishBefore: 5.5 });
  });

  it('refuses rotateEvery below publishBefore, and defaults publishBefore to twice refreshEvery + jwksCacheMaxAge', async () => {
    const clock = createFakeClock();
    await expectCode(() => ringOn(new MemoryKeyRingStore(), clock, { rotateEvery: 4 }), 'ERR_INVALID_OPTION');
    // Default publishBefore = 2 × (1 + 2) = 6 s: a rotation every 5 s is refused, every 6 s accepted.
    const defaults = { publishBefore: undefined };
    await expectCode(() => ringOn(new MemoryKeyRingStore(), clock, { ...defaults, rotateEvery: 5 }), 'ERR_INVALID_OPTION');
    await ringOn(new MemoryKeyRingStore(), clock, { ...defaults, rotateEvery: 6 });
  });

  it('refuses bad options with ERR_INVALID_OPTION', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    await expectCode(() => ringOn(store, clock, { alg: 'HS256' }), 'ERR_INVALID_OPTION');
    await expectCode(() => ringOn(store, clock, { ringId: 'a{b}' }), 'ERR_INVALID_OPTION');
    await expectCode(() => ringOn(store, clock, { kek: undefined }), 'ERR_INVALID_OPTION');
    await expectCode(() => ringOn(store, clock, { kek: { id: 'k', key: randomBytes(16) } }), 'ERR_INVALID_OPTION');
    await expectCode(() => ringOn(store, clock, { kek: [kekA, { ...kekB, id: 'kek-a' }] }), 'ERR_INVALID_OPTION');
    await expectCode(() => ringOn(store, clock, { current: kekA } as never), 'ERR_INVALID_OPTION');
    await expectCode(() => ringOn(store, clock, { store: {} as KeyRingStore }), 'ERR_INVALID_OPTION');
  });

  it('publishes a next key at least publishBefore before it signs, and keeps a retired key until its tokens expired', async () => {
    const clock = createFakeClock();
    const ring = await ringOn(new MemoryKeyRingStore(), clock, { rotateEvery: 10 });
    const first = ring.signingKey.kid;
    const kids = () => ring.jwks().keys.map((key) => key.kid);
    expect(kids()).toHaveLength(2);
    const next = kids()[1];
    expect(kids()[0]).toBe(first);
    // Not due before rotateEvery.
    clock.advance(9);
    await ring.refresh();
    expect(ring.signingKey.kid).toBe(first);
    clock.advance(1);
    await ring.refresh();
    // The next key (published at the start, 10 s ≥ publishBefore ago) signs; the old one is retired, still published.
    expect(ring.signingKey.kid).toBe(next);
    expect(kids()).toHaveLength(3);
    expect(kids()).toContain(first);
    const signedAt = clock.seconds();
    // Retention: maxTokenLifetime (20 s) + the longest a snapshot serves (publishBefore - jwksCacheMaxAge = 3 s).
    clock.set(signedAt + 22.9);
    await ring.refresh();
    expect(kids()).toContain(first);
    clock.set(signedAt + 23);
    expect(kids()).not.toContain(first);
  });

  it('serves a snapshot no older than publishBefore - jwksCacheMaxAge: then signingKey and jwks() fail with ERR_STORE_UNAVAILABLE', async () => {
    const clock = createFakeClock();
    const inner = new MemoryKeyRingStore();
    let down = false;
    const store: KeyRingStore = {
      load: async (ringId) => {
        if (down) throw new Error('down');
        return inner.load(ringId);
      },
      compareAndSet: (ringId, version, state) => inner.compareAndSet(ringId, version, state),
    };
    const ring = await ringOn(store, clock);
    down = true;
    clock.advance(3);
    await expect(ring.refresh()).rejects.toThrow();
    expect(ring.signingKey.kid).toBeDefined();
    clock.advance(0.001);
    expectCodeSync(() => ring.signingKey, 'ERR_STORE_UNAVAILABLE');
    expectCodeSync(() => ring.jwks(), 'ERR_STORE_UNAVAILABLE');
    // Its own tokens still verify: the published keys are known.
    expect(ring.algorithms).toEqual(['ES256']);
    down = false;
    await ring.refresh();
    expect(ring.jwks().keys).toHaveLength(2);
  });
});

describe('createSharedKeyRing: one ring for every instance', () => {
  it('refreshes on its own every refreshEvery, reports failed refreshes to onError, and stops on close()', async () => {
    const inner = new MemoryKeyRingStore();
    let down = false;
    const store: KeyRingStore = {
      load: async (ringId) => {
        if (down) throw new Error('down');
        return inner.load(ringId);
      },
      compareAndSet: (ringId, version, state) => inner.compareAndSet(ringId, version, state),
    };
    const errors: unknown[] = [];
    // The system clock, and 50 ms refreshes.
    const timing = { refreshEvery: 0.05, jwksCacheMaxAge: 0.05, publishBefore: 0.2 };
    const a = await ringOn(store, undefined, timing);
    const b = await ringOn(store, undefined, { ...timing, onError: (error) => errors.push(error) });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await a.rotate()).toBe(true);
    await expect.poll(() => b.signingKey.kid, { timeout: 2000, interval: 20 }).toBe(a.signingKey.kid);
    down = true;
    await expect.poll(() => errors.length, { timeout: 2000, interval: 20 }).toBeGreaterThan(0);
    b.close();
    await expectCode(() => b.refresh(), 'ERR_INVALID_OPTION');
    const seen = errors.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors.length).toBe(seen);
  });

  it('a second instance loads the ring the first created; a restart keeps it', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const a = await ringOn(store, clock);
    const b = await ringOn(store, clock);
    expect(b.signingKey.kid).toBe(a.signingKey.kid);
    expect(b.jwks()).toEqual(a.jwks());
    a.close();
    const restarted = await ringOn(store, clock);
    expect(restarted.jwks()).toEqual(a.jwks());
    expect((await store.load('auth'))!.version).toBe(1);
  });

  it('instances starting together create one ring (compare-and-set)', async () => {
    const clock = createFakeClock();
    const store = countingStore();
    const rings = await Promise.all([1, 2, 3, 4, 5].map(() => ringOn(store, clock)));
    expect(store.written).toBe(1);
    expect(new Set(rings.map((ring) => ring.signingKey.kid)).size).toBe(1);
  });

  it('a scheduled rotation is made by exactly one instance per period', async () => {
    const clock = createFakeClock();
    const store = countingStore();
    const rings = await Promise.all([1, 2, 3].map(() => ringOn(store, clock, { rotateEvery: 10 })));
    const next = rings[0]!.jwks().keys[1]!.kid;
    for (let period = 1; period <= 3; period += 1) {
      clock.advance(10);
      await Promise.all(rings.map((ring) => ring.refresh()));
      expect(store.written).toBe(1 + period);
      expect((await store.load('auth'))!.version).toBe(1 + period);
      expect(new Set(rings.map((ring) => ring.signingKey.kid)).size).toBe(1);
    }
    expect(rings[0]!.jwks().keys.map((key) => key.kid)).toContain(next);
  });

  it('rotate() on one instance is followed by the others at their next refresh; a too-young next key is refused', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const [a, b] = await Promise.all([ringOn(store, clock), ringOn(store, clock)]);
    const next = a.jwks().keys[1]!.kid;
    clock.advance(4.9);
    await expectCode(() => a.rotate(), 'ERR_INVALID_OPTION');
    clock.advance(0.1);
    await b.refresh();
    expect(await a.rotate()).toBe(true);
    expect(a.signingKey.kid).toBe(next);
    expect(b.signingKey.kid).not.toBe(next);
    await b.refresh();
    expect(b.signingKey.kid).toBe(next);
    // Both at once after publishBefore: exactly one rotates.
    clock.advance(5);
    const done = await Promise.all([a.rotate(), b.rotate()]);
    expect(done.filter(Boolean)).toHaveLength(1);
    await Promise.all([a.refresh(), b.refresh()]);
    expect(a.signingKey.kid).toBe(b.signingKey.kid);
  });

  it('the token service signs with the shared ring and verifies every published key', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const [a, b] = await Promise.all([ringOn(store, clock), ringOn(store, clock)]);
    const serviceOf = (ring: SharedKeyRing) =>
      createTokenService({ key: ring, issuer: 'https://auth.example', audience: 'api', accessTokenTtl: 15, clock });
    const before = await serviceOf(a).issue('u1');
    clock.advance(5);
    await a.rotate();
    await b.refresh();
    const after = await serviceOf(b).issue('u1');
    for (const token of [before.accessToken, after.accessToken]) {
      expect((await serviceOf(a).verifyAccessToken(token)).payload.sub).toBe('u1');
    }
    // A retired key drops out after maxTokenLifetime: longer-lived tokens are refused at construction.
    expectCodeSync(
      () => createTokenService({ key: a, issuer: 'https://auth.example', audience: 'api', accessTokenTtl: 21 }),
      'ERR_INVALID_OPTION',
    );
  });
});

describe('createSharedKeyRing: private keys encrypted at rest', () => {
  it('stores no private key in the clear, and no private half of a retired key', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const ring = await ringOn(store, clock, { rotateEvery: 10 });
    clock.advance(10);
    await ring.refresh();
    const text = (await store.load('auth'))!.state;
    expect(text).not.toMatch(/"d"/);
    const state = JSON.parse(text);
    expect(state.current.sealed.kek).toBe('kek-a');
    expect(state.retired).toHaveLength(1);
    expect(state.retired[0].sealed).toBeUndefined();
  });

  it('a wrong KEK fails at start with ERR_KEY_INVALID, and no key is made in place of the stored ones', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    await ringOn(store, clock);
    const before = await store.load('auth');
    await expectCode(() => ringOn(store, clock, { kek: { id: 'kek-a', key: randomBytes(32) } }), 'ERR_KEY_INVALID');
    await expectCode(() => ringOn(store, clock, { kek: kekB }), 'ERR_KEY_INVALID');
    expect(await store.load('auth')).toEqual(before);
  });

  it('the additional authenticated data binds the kid, the alg, the public key and the ring id; no key can be slipped in', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    await ringOn(store, clock);
    const state = await storedState(store);
    // Each change gets a valid state MAC: what is tested here is each key's own seal.
    const write = async (ringId: string, changed: unknown) => {
      const scratch = new MemoryKeyRingStore();
      await scratch.compareAndSet(ringId, 0, withMac(changed, kekA, ringId));
      return scratch;
    };
    // The same document under another ring id.
    await expectCode(async () => ringOn(await write('other', state), clock, { ringId: 'other' }), 'ERR_KEY_INVALID');
    // The current and next sealed keys swapped between kids (public keys left in place).
    const swapped = structuredClone(state);
    [swapped.current.sealed, swapped.next.sealed] = [state.next.sealed, state.current.sealed];
    await expectCode(async () => ringOn(await write('auth', swapped), clock), 'ERR_KEY_INVALID');
    // The kid renamed everywhere (public JWK too).
    const renamed = structuredClone(state);
    renamed.current.kid = renamed.current.jwk.kid = 'renamed';
    await expectCode(async () => ringOn(await write('auth', renamed), clock), 'ERR_KEY_INVALID');
    // The alg changed (ES256 -> ES384 would not fit a P-256 key anyway; the AAD refuses before).
    const realg = structuredClone(state);
    realg.current.alg = realg.current.jwk.alg = 'ES384';
    await expectCode(async () => ringOn(await write('auth', realg), clock), 'ERR_KEY_INVALID');
    // A public key slipped in as a retired key, with the tag of another key: never published.
    const { publicKey } = await generateKeyPair('ES256');
    const injected = structuredClone(state);
    const jwk = { ...exportJWK(publicKey), kid: 'attacker', alg: 'ES256' };
    injected.retired = [{ kid: 'attacker', alg: 'ES256', jwk, tag: state.next.tag, retiredAt: Date.now() }];
    await expectCode(async () => ringOn(await write('auth', injected), clock), 'ERR_KEY_INVALID');
    // Another public key put in place of the current one (its tag and sealed private key left).
    const replaced = structuredClone(state);
    replaced.current.jwk = { ...exportJWK(publicKey), kid: state.current.kid, alg: 'ES256' };
    await expectCode(async () => ringOn(await write('auth', replaced), clock), 'ERR_KEY_INVALID');
    // Untouched, it opens.
    await ringOn(await write('auth', state), clock);
  });

  it('rotates the KEK: new keys are sealed with the first, old ones still open by id until they have left the ring', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const first = await ringOn(store, clock, { kek: kekA, rotateEvery: 10 });
    first.close();
    const ring = await ringOn(store, clock, { kek: [kekB, kekA], rotateEvery: 10 });
    await expectCode(() => ringOn(store, clock, { kek: kekB }), 'ERR_KEY_INVALID');
    clock.advance(10);
    await ring.refresh();
    let state = await storedState(store);
    expect([state.current.sealed.kek, state.next.sealed.kek]).toEqual(['kek-a', 'kek-b']);
    clock.advance(10);
    await ring.refresh();
    state = await storedState(store);
    expect([state.current.sealed.kek, state.next.sealed.kek]).toEqual(['kek-b', 'kek-b']);
    // Every key under kek-a has retired, but the retired ones are still published (and authenticated by kek-a).
    await expectCode(() => ringOn(store, clock, { kek: kekB, rotateEvery: 10 }), 'ERR_KEY_INVALID');
    // Once the last of them has left the set (maxTokenLifetime + publishBefore - jwksCacheMaxAge = 23 s), kek-a can go.
    clock.advance(23);
    await ring.refresh();
    const withoutA = await ringOn(store, clock, { kek: kekB, rotateEvery: 10 });
    expect(withoutA.signingKey.kid).toBe(ring.signingKey.kid);
  });
});

describe('createSharedKeyRing: remote signers', () => {
  it('makes and opens its keys with `signers`, storing only their public halves', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const kms = new Map<string, BoundKey>();
    const wrap = (key: BoundKey) =>
      createRemoteSigner({
        alg: 'ES256',
        publicKey: toVerificationKey(key),
        signatureFormat: 'raw',
        sign: (input) => cryptoSign('sha256', input, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }),
      });
    const signers = {
      create: async () => {
        const { privateKey } = await generateKeyPair('ES256');
        kms.set(privateKey.kid!, privateKey);
        return wrap(privateKey);
      },
      open: async (kid: string) => wrap(kms.get(kid)!),
    };
    const a = await ringOn(store, clock, { signers });
    const b = await ringOn(store, clock, { signers });
    expect(JSON.stringify(await storedState(store))).not.toMatch(/sealed/); // only the tags of their public keys
    const token = await sign({ sub: 'u1' }, a.signingKey, { alg: 'ES256', expiresIn: 10 });
    const { payload } = await verify(token, (header) => b.verificationKeys(header), { algorithms: ['ES256'] });
    expect(payload.sub).toBe('u1');
    // Without `signers`, a ring of remote keys cannot open.
    await expectCode(() => ringOn(store, clock), 'ERR_KEY_INVALID');
  });
});

describe('createSharedKeyRing: a writer of the store without the KEK', () => {
  for (const role of ['next', 'current'] as const) {
    /** Puts an attacker's public key in place of the `role` key of ring `auth`, keeping its kid and tag. */
    async function swapPublicKey(store: KeyRingStore, remac: boolean) {
      const state = await storedState(store);
      const kid: string = state[role].kid;
      const attacker = await generateKeyPair('ES256');
      state[role].jwk = { ...exportJWK(attacker.publicKey), kid, alg: 'ES256' };
      await overwrite(store, remac ? withMac(state) : JSON.stringify(state));
      return { kid, attacker };
    }

    /** Whether a token the attacker signs under `kid` verifies with the ring's published keys. */
    async function forgedVerifies(ring: SharedKeyRing, kid: string, attacker: { privateKey: BoundKey }) {
      const forged = await sign({ sub: 'admin' }, attacker.privateKey, { alg: 'ES256', expiresIn: 10, kid } as never);
      return verify(forged, (header) => ring.verificationKeys(header), { algorithms: ['ES256'] }).then(
        () => true,
        () => false,
      );
    }

    it(`a running ring refuses a new state whose ${role} key has another public key under the same kid and tag`, async () => {
      const store = new MemoryKeyRingStore();
      const ring = await ringOn(store, undefined);
      const published = ring.jwks();
      const { kid, attacker } = await swapPublicKey(store, false);
      let refused = '';
      await ring.refresh().catch((error: { code?: string }) => (refused = String(error.code)));
      expect({ refused, accepted: await forgedVerifies(ring, kid, attacker) }).toEqual({ refused: 'ERR_KEY_INVALID', accepted: false });
      expect(ring.jwks()).toEqual(published);
    });

    it(`checks the tag of every published key at every new state, even under a valid state MAC (${role} key swapped)`, async () => {
      const store = new MemoryKeyRingStore();
      const ring = await ringOn(store, undefined);
      const published = ring.jwks();
      const { kid, attacker } = await swapPublicKey(store, true);
      let refused = '';
      await ring.refresh().catch((error: { code?: string }) => (refused = String(error.code)));
      expect({ refused, accepted: await forgedVerifies(ring, kid, attacker) }).toEqual({ refused: 'ERR_KEY_INVALID', accepted: false });
      expect(ring.jwks()).toEqual(published);
    });
  }

  it('a running ring never goes back to a key it retired (rollback by a store writer)', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const ring = await ringOn(store, clock);
    const old = (await store.load('auth'))!;
    const retiredKid = ring.signingKey.kid;
    clock.advance(6);
    expect(await ring.rotate()).toBe(true);
    const signing = ring.signingKey.kid;
    // Later, the writer puts the old document back (as a new version): its MAC is genuine.
    await overwrite(store, old.state);
    await expectCode(() => ring.refresh(), 'ERR_KEY_INVALID');
    expect(ring.signingKey.kid).not.toBe(retiredKid);
    expect(ring.signingKey.kid).toBe(signing);
  });

  it('a rotation never makes a key sign that was published for less than publishBefore (publishedAt moved back)', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const ring = await ringOn(store, clock);
    clock.advance(6);
    expect(await ring.rotate()).toBe(true);
    const state = await storedState(store);
    const fresh: string = state.next.kid; // published just now
    state.next.publishedAt = 0;
    await overwrite(store, JSON.stringify(state));
    await expectCode(() => ring.refresh(), 'ERR_KEY_INVALID');
    const rotated = await ring.rotate().catch(() => false);
    expect(rotated && ring.signingKey.kid === fresh).toBe(false);
    // Nor does an instance starting now take it.
    await expectCode(() => ringOn(store, clock), 'ERR_KEY_INVALID');
  });

  it('a refused state is reported to onError; the snapshot serves on until it is too old, then signing stops', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const errors: unknown[] = [];
    // 50 ms refreshes (real timers); the snapshot serves publishBefore - jwksCacheMaxAge = 0.15 s of the fake clock.
    const timing = { refreshEvery: 0.05, jwksCacheMaxAge: 0.05, publishBefore: 0.2 };
    const ring = await ringOn(store, clock, { ...timing, onError: (error) => errors.push(error) });
    const old = (await store.load('auth'))!;
    clock.advance(0.2);
    expect(await ring.rotate()).toBe(true);
    const signing = ring.signingKey.kid;
    await overwrite(store, old.state);
    await expect
      .poll(() => errors.some((error) => (error as { code?: string }).code === 'ERR_KEY_INVALID'), { timeout: 2000, interval: 20 })
      .toBe(true);
    clock.advance(0.15);
    expect(ring.signingKey.kid).toBe(signing);
    clock.advance(0.001);
    expectCodeSync(() => ring.signingKey, 'ERR_STORE_UNAVAILABLE');
    expectCodeSync(() => ring.jwks(), 'ERR_STORE_UNAVAILABLE');
  });

  it('the state MAC is made with the first KEK and checked with any by id; every write raises the generation by one', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    const first = await ringOn(store, clock, { kek: kekA });
    first.close();
    let state = await storedState(store);
    expect([state.mac.kek, state.generation]).toEqual(['kek-a', 1]);
    const ring = await ringOn(store, clock, { kek: [kekB, kekA] });
    clock.advance(5);
    expect(await ring.rotate()).toBe(true);
    state = await storedState(store);
    expect([state.mac.kek, state.generation]).toEqual(['kek-b', 2]);
    // Under kek-a only, the state no longer authenticates (nor do the new keys).
    await expectCode(() => ringOn(store, clock, { kek: kekA }), 'ERR_KEY_INVALID');
    // The MAC of one KEK relabelled as another's.
    const relabelled = await storedState(store);
    relabelled.mac.kek = 'kek-a';
    await overwrite(store, JSON.stringify(relabelled));
    await expectCode(() => ringOn(store, clock, { kek: [kekB, kekA] }), 'ERR_KEY_INVALID');
  });

  it('refuses at start a state without its MAC, with the MAC of another ring, or with any member changed', async () => {
    const clock = createFakeClock();
    const store = new MemoryKeyRingStore();
    await ringOn(store, clock);
    const state = await storedState(store);
    const opens = async (text: string, ringId = 'auth') => {
      const scratch = new MemoryKeyRingStore();
      await scratch.compareAndSet(ringId, 0, text);
      return ringOn(scratch, clock, { ringId });
    };
    const { mac: _mac, ...unsigned } = state;
    await expectCode(() => opens(JSON.stringify(unsigned)), 'ERR_KEY_INVALID');
    await expectCode(() => opens(JSON.stringify(state), 'other'), 'ERR_KEY_INVALID');
    for (const change of [
      (changed: any) => (changed.current.since -= 1000),
      (changed: any) => (changed.generation += 1),
      (changed: any) => ([changed.current, changed.next] = [changed.next, changed.current]),
    ]) {
      const changed = structuredClone(state);
      change(changed);
      await expectCode(() => opens(JSON.stringify(changed)), 'ERR_KEY_INVALID');
    }
    await opens(JSON.stringify(state));
  });
});
