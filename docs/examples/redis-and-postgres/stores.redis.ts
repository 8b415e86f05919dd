import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSharedKeyRing, createTokenService, isJwtError } from 'jwtkit';
import { RedisKeyRingStore, RedisRefreshTokenStore, RedisRevocationStore } from 'jwtkit/redis';
import { createClient } from 'redis';

// Your application's client (node-redis 4+ here; an ioredis client works the same way).
const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
client.on('error', (error) => console.error('redis', error)); // keep the process alive on outages
await client.connect();

// Every instance signs with the same keys: a shared key ring in the same Redis, its private keys
// encrypted under a KEK from your secret manager (32 bytes; made here so that the example runs).
const ring = await createSharedKeyRing({
  store: new RedisKeyRingStore({ client, keyPrefix: 'myapp:jwtkit:' }),
  ringId: 'auth',
  kek: { id: 'kek-1', key: randomBytes(32) },
  alg: 'ES256',
  maxTokenLifetime: '16m',
});

try {
  const tokens = createTokenService({
    key: ring,
    issuer: 'https://auth.example.com',
    audience: 'https://api.example.com',
    store: new RedisRefreshTokenStore({ client, keyPrefix: 'myapp:jwtkit:' }),
    revocationStore: new RedisRevocationStore({ client, keyPrefix: 'myapp:jwtkit:' }),
  });

  const login = await tokens.issue('user-1');
  const next = await tokens.refresh(login.refreshToken); // one Lua script: atomic across processes
  await assert.rejects(tokens.refresh(login.refreshToken), (error) => isJwtError(error, 'ERR_REFRESH_REUSED'));
  await assert.rejects(tokens.refresh(next.refreshToken), (error) => isJwtError(error, 'ERR_REFRESH_REVOKED'));
} finally {
  ring.close();
  client.destroy();
}
