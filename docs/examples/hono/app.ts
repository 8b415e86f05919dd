// One Hono app that is both the auth server (login, refresh, logout, JWKS) and a resource server.
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { createKeyRing, createTokenService, generateKeyPair } from 'jwtkit';
import {
  authenticate,
  createAuthEndpoints,
  createJWKSEndpoint,
  requireScopes,
  type AuthenticateOptions,
  type JwtAuthEnv,
} from 'jwtkit/hono';

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

// JwtAuthEnv types c.get('auth') (and c.var.auth) in every handler of the app.
const app = new Hono<JwtAuthEnv<{ scope: string }>>();
app.post('/auth/login', auth.login);
app.post('/auth/refresh', auth.refresh);
app.post('/auth/logout', auth.logout);
app.post('/auth/logout-everywhere', auth.logoutEverywhere);
app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks() }));

app.use('/api/*', authenticate(authOptions));
app.get('/api/me', (c) => c.json({ user: c.get('auth').payload.sub }));
app.get('/api/orders', requireScopes(['orders:read']), (c) => c.json({ user: c.var.auth.payload.sub, orders: [] }));
app.delete('/api/orders/:id', requireScopes(['orders:write']), (c) => c.body(null, 204));

// Try it without a server: Hono's app.request() takes a Request and returns the Response.
const login = await app.request('https://example.com/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-requested-with': 'fetch' },
  body: JSON.stringify({ username: 'ada', password: 'correct horse battery staple' }),
});
assert.equal(login.status, 200);
assert.match(login.headers.get('set-cookie') ?? '', /^__Secure-jwtkit-refresh=.+; Path=\/auth;.*HttpOnly/);
const { access_token: accessToken } = (await login.json()) as { access_token: string };
const bearer = { headers: { authorization: `Bearer ${accessToken}` } };

assert.deepEqual(await (await app.request('https://example.com/api/me', bearer)).json(), { user: 'user-1' });
assert.deepEqual(await (await app.request('https://example.com/api/orders', bearer)).json(), { user: 'user-1', orders: [] });

const anonymous = await app.request('https://example.com/api/me');
console.log(anonymous.status, anonymous.headers.get('www-authenticate')); // 401 Bearer realm="api"
const notAllowed = await app.request('https://example.com/api/orders/7', { method: 'DELETE', ...bearer });
console.log(notAllowed.status, ((await notAllowed.json()) as { error: string }).error); // 403 insufficient_scope
