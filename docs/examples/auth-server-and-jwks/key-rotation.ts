import assert from 'node:assert/strict';
import { createKeyRing, createLocalJWKS, generateKeyPair, sign, verify } from 'jwtkit';
import { createFakeClock } from 'jwtkit/testing';

const clock = createFakeClock({ start: new Date() }); // time moves only when told, for the example

// The auth server's keys: one signs now, the next one is already published.
const ring = createKeyRing({
  current: (await generateKeyPair('ES256')).privateKey,
  next: (await generateKeyPair('ES256')).privateKey,
  maxTokenLifetime: '16m', // the tokens' 15 minutes, plus the verifiers' clock tolerance (5 s by default)
  clock,
});
assert.equal(ring.jwks().keys.length, 2); // serve this at /.well-known/jwks.json

const signToken = () => sign({ sub: 'user-1' }, ring.signingKey, { alg: ring.signingKey.alg, expiresIn: '15m', clock });
const verifyWithPublishedKeys = (token: string) => verify(token, createLocalJWKS(ring.jwks()), { algorithms: ['ES256'], clock });

const before = await signToken();

// Rotation: `next` starts signing; the old key retires but stays published for maxTokenLifetime,
// so tokens it signed keep verifying. Stage a new `next` at the same time.
ring.rotate({ next: (await generateKeyPair('ES256')).privateKey });
const after = await signToken();
await verifyWithPublishedKeys(before);
await verifyWithPublishedKeys(after);
assert.equal(ring.jwks().keys.length, 3); // current, next, retired

// Once every token of the retired key has expired, it leaves the key set.
clock.advance('16m');
assert.equal(ring.jwks().keys.length, 2);
