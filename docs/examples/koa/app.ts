// One Koa app that is both the auth server (login, refresh, logout, JWKS) and a resource server.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import { createKeyRing, createTokenService, generateKeyPair } from 'jwtkit';
import {
  authenticate,
  createAuthEndpoints,
  createJWKSEndpoint,
  requireScopes,
  type AuthenticateOptions,
  type JwtAuthState,
} from 'jwtkit/koa';

const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '16m' });
const tokens = createTokenService<{ scope: string }>({ key: ring, issuer: 'https://example.com', audience: 'https://example.com/api' });

const auth = createAuthEndpoints({
  tokens,
  verifyCredentials: ({ username, password }) =>
    username === 'ada' && password === 'correct horse battery staple' ? { subject: 'user-1', claims: { scope: 'orders:read' } } : null,
});

const authOptions: AuthenticateOptions = {
  key: (header) => ring.verificationKeys(header), // a separate API would use createRemoteJWKS(url)
  verify: { algorithms: ['ES256'], issuer: 'https://example.com', audience: 'https://example.com/api', typ: 'at+jwt' },
};

// JwtAuthState types ctx.state.auth in every middleware of the app.
const app = new Koa<JwtAuthState<{ scope: string }>>();

// The endpoints answer the request themselves. With @koa/router: router.post('/auth/login', auth.login), ...
const endpoints: Record<string, Middleware> = {
  'POST /auth/login': auth.login,
  'POST /auth/refresh': auth.refresh,
  'POST /auth/logout': auth.logout,
  'POST /auth/logout-everywhere': auth.logoutEverywhere,
  'GET /.well-known/jwks.json': createJWKSEndpoint({ jwks: () => ring.jwks() }),
};
app.use((ctx, next) => (endpoints[`${ctx.method} ${ctx.path}`] ?? ((_, rest) => rest()))(ctx, next));

// Everything below needs an access token that grants orders:read.
app.use(authenticate(authOptions));
app.use(requireScopes(['orders:read']));
app.use((ctx) => {
  ctx.body = { user: ctx.state.auth.payload.sub, orders: [] };
});

const server = createServer(app.callback()).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
try {
  const login = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'fetch' },
    body: JSON.stringify({ username: 'ada', password: 'correct horse battery staple' }),
  });
  assert.equal(login.status, 200);
  assert.match(login.headers.get('set-cookie') ?? '', /^__Secure-jwtkit-refresh=.+; Path=\/auth;.*HttpOnly/);
  const { access_token: accessToken } = (await login.json()) as { access_token: string };

  const orders = await fetch(`${url}/api/orders`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.deepEqual(await orders.json(), { user: 'user-1', orders: [] });

  const anonymous = await fetch(`${url}/api/orders`);
  console.log(anonymous.status, anonymous.headers.get('www-authenticate')); // 401 Bearer realm="api"
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
