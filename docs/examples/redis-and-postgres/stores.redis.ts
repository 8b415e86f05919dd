import assert from 'node:assert/strict';
import { createTokenService, generateKeyPair, isJwtError } from 'jwtkit';
import { RedisRefreshTokenStore, RedisRevocationStore } from 'jwtkit/redis';
import { createClient } from 'redis';

// Your application's client (node-redis 4+ here; an ioredis client works the same way).
const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
client.on('error', (error) => console.error('redis', error)); // keep the process alive on outages
await client.connect();

try {
  const tokens = createTokenService({
    key: (await generateKeyPair('ES256')).privateKey,
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
  client.destroy();
}
