import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  createLocalJWKS,
  createSharedKeyRing,
  createTokenService,
  isJwtError,
  MemoryKeyRingStore,
  verify,
  type SharedKeyRing,
  type SharedKeyRingOptions,
} from 'jwtkit';
import { createFakeClock } from 'jwtkit/testing';

const clock = createFakeClock({ start: new Date() }); // time moves only when told, for the example

// One store for every instance: RedisKeyRingStore (jwtkit/redis) or PostgresKeyRingStore
// (jwtkit/postgres) in production; the memory store shares the ring within this process only.
const store = new MemoryKeyRingStore();
// The key-encryption key: 32 bytes from your secret manager, the same for every instance (made
// here so that the example runs). Its id is stored with each key it encrypts, so it can rotate.
const kek = { id: 'kek-2026-12', key: randomBytes(32) };

const options: SharedKeyRingOptions = {
  store,
  ringId: 'auth',
  kek,
  alg: 'ES256',
  maxTokenLifetime: '16m', // the tokens' 15 minutes, plus the verifiers' clock tolerance
  jwksCacheMaxAge: '5m', // the JWKS endpoint's cacheMaxAge
  refreshEvery: '30s', // each instance reloads the ring this often
  publishBefore: '15m', // a next key is published this long before it signs: > 30 s + 5 min
  rotateEvery: '30d',
  clock,
};

// Each instance at startup: the first creates the ring in the store, the others load it.
const [a, b] = await Promise.all([createSharedKeyRing(options), createSharedKeyRing(options)]);
assert.equal(a.signingKey.kid, b.signingKey.kid);
assert.deepEqual(a.jwks(), b.jwks()); // the current key and the next one, already published

const tokensOf = (ring: SharedKeyRing) =>
  createTokenService({ key: ring, issuer: 'https://auth.example.com', audience: 'api', accessTokenTtl: '15m', clock });
const { accessToken } = await tokensOf(a).issue('user-1');
// Whichever instance serves the JWKS, it verifies the tokens of every instance.
await verify(accessToken, createLocalJWKS(b.jwks()), { algorithms: ['ES256'], audience: 'api', clock });

// A rotation is due: the first instance to refresh makes it, by compare-and-set; the others follow
// at their next refresh (each does it every refreshEvery on its own; here, by hand).
clock.advance('30d');
await Promise.all([a.refresh(), b.refresh()]);
assert.equal(a.signingKey.kid, b.signingKey.kid);
assert.equal(a.jwks().keys.length, 3); // current, next, and the retired key until its tokens expired

// A wrong KEK fails at start: no key is ever made in place of the stored ones.
await assert.rejects(createSharedKeyRing({ ...options, kek: { id: 'kek-2026-12', key: randomBytes(32) } }), (error) =>
  isJwtError(error, 'ERR_KEY_INVALID'),
);
// A timeline that would let a key sign before every verifier holds it is refused.
await assert.rejects(createSharedKeyRing({ ...options, publishBefore: '5m' }), (error) => isJwtError(error, 'ERR_INVALID_OPTION'));

a.close(); // stops the refresh timer (unref'd: it never keeps a process alive)
b.close();
