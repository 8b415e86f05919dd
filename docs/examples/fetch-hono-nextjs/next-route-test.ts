// Testing the route with jwtkit/testing: a test issuer signs the tokens and a loopback server
// publishes its JWKS, as the real auth server would.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeClock, createTestIssuer } from 'jwtkit/testing';

// The route checks tokens against the real time, so the test issuer's clock starts now.
const issuer = await createTestIssuer({
  issuer: 'https://auth.example.com',
  audience: 'https://api.example.com',
  clock: createFakeClock({ start: new Date() }),
});
const jwksServer = createServer((_request, response) =>
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks())),
);
await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
process.env.JWKS_URL = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;

try {
  const { GET } = await import('./next-route.js');

  const token = await issuer.sign({ scope: 'orders:read' }, { subject: 'user-1' });
  const ok = await GET(new Request('https://api.example.com/api/orders', { headers: { authorization: `Bearer ${token}` } }));
  assert.deepEqual(await ok.json(), { user: 'user-1', orders: [] });

  const noScope = await GET(
    new Request('https://api.example.com/api/orders', { headers: { authorization: `Bearer ${await issuer.sign({})}` } }),
  );
  assert.equal(noScope.status, 403);

  const expired = await GET(
    new Request('https://api.example.com/api/orders', { headers: { authorization: `Bearer ${await issuer.expiredToken()}` } }),
  );
  assert.equal(expired.status, 401);
} finally {
  jwksServer.closeAllConnections();
  await new Promise((resolve) => jwksServer.close(resolve));
}
