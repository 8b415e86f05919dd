import assert from 'node:assert/strict';
import { createRevocationCheck, createTokenService, generateKeyPair } from 'jwtkit';
import { authenticateRequest, type AuthenticateOptions } from 'jwtkit/fetch';
import { RedisRefreshTokenStore, RedisRevocationStore } from 'jwtkit/redis';
import { createClient } from 'redis';

const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true });
client.on('error', (error) => console.error('redis', error));
await client.connect();

try {
  // The auth server: its token service writes revocations to Redis.
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const tokens = createTokenService({
    key: privateKey,
    issuer: 'https://auth.example.com',
    audience: 'https://api.example.com',
    store: new RedisRefreshTokenStore({ client }),
    revocationStore: new RedisRevocationStore({ client }),
  });

  // A resource server (another process in production): the same Redis, read through one hook.
  const options: AuthenticateOptions = {
    key: publicKey, // in production: createRemoteJWKS('https://auth.example.com/.well-known/jwks.json')
    verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'https://api.example.com' },
    isRevoked: createRevocationCheck(new RedisRevocationStore({ client })),
  };
  const call = (accessToken: string) =>
    authenticateRequest(new Request('https://api.example.com/orders', { headers: { authorization: `Bearer ${accessToken}` } }), options);

  const session = await tokens.issue('user-1');
  assert.ok(!((await call(session.accessToken)) instanceof Response)); // accepted: the request's auth

  await tokens.revoke(session.refreshToken); // logout: the session's access tokens stop at once
  assert.equal(((await call(session.accessToken)) as Response).status, 401);
} finally {
  client.destroy();
}
