import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKeyRing, createRemoteJWKS, generateKeyPair, sign, verify, type JWKSCacheSnapshot, type VerifyOptions } from 'jwtkit';

// An auth server publishing its key ring, with Cache-Control (what createJWKSEndpoint sends).
const ring = createKeyRing({ current: (await generateKeyPair('EdDSA')).privateKey, maxTokenLifetime: '15m' });
let fetches = 0;
const authServer = createServer((_request, response) => {
  fetches += 1;
  response
    .writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=600' })
    .end(JSON.stringify(ring.jwks()));
});
await new Promise<void>((resolve) => authServer.listen(0, '127.0.0.1', resolve));
const jwksUrl = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}/.well-known/jwks.json`;

try {
  // The resource server: one remote key set per process, shared by every request.
  const jwks = createRemoteJWKS(jwksUrl, {
    timeout: '5s', // per fetch (the defaults are shown)
    cooldown: '30s', // at most one refetch per 30 s for unknown kids
    staleIfError: '1h', // keep using the last good set while the auth server is down
  });
  const options: VerifyOptions = { algorithms: ['EdDSA'], issuer: 'https://auth.example.com', audience: 'api' };

  const token = await sign({ sub: 'user-1' }, ring.signingKey, {
    alg: 'EdDSA',
    issuer: 'https://auth.example.com',
    audience: 'api',
    expiresIn: '5m',
  });
  await verify(token, jwks, options);
  await verify(token, jwks, options);
  assert.equal(fetches, 1); // cached for max-age=600

  // Serverless cold starts: save the cache, and seed a new instance with it (no fetch to start).
  const snapshot: JWKSCacheSnapshot | undefined = jwks.snapshot();
  assert.ok(snapshot);
  const seeded = createRemoteJWKS(jwksUrl, { seed: snapshot });
  await verify(token, seeded, options);
  assert.equal(fetches, 1);
} finally {
  authServer.closeAllConnections();
  await new Promise((resolve) => authServer.close(resolve));
}
