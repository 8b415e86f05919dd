import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { createTokenService, generateKeyPair } from 'jwtkit';
import { authenticateRequest, createAuthEndpoints, getAuth, requireScopes, withAuth, type RequiredAuthenticateOptions } from 'jwtkit/fetch';

const { privateKey, publicKey } = await generateKeyPair('EdDSA');
const tokens = createTokenService<{ scope: string }>({
  key: privateKey,
  issuer: 'https://example.com',
  audience: 'https://example.com/api',
});

const auth = createAuthEndpoints({
  tokens,
  verifyCredentials: ({ username, password }) =>
    username === 'ada' && password === 'correct horse battery staple' ? { subject: 'user-1', claims: { scope: 'orders:read' } } : null,
});

const authOptions: RequiredAuthenticateOptions = {
  key: publicKey, // one service here; a separate API would use createRemoteJWKS(url)
  verify: { algorithms: ['EdDSA'], issuer: 'https://example.com', audience: 'https://example.com/api', typ: 'at+jwt' },
};
const listOrders = withAuth<{ scope: string }>(
  authOptions,
  requireScopes(['orders:read'], (_request, { payload }) => Response.json({ user: payload.sub, orders: [] })),
);

const app = new Hono();
app.post('/auth/login', (c) => auth.login(c.req.raw));
app.post('/auth/refresh', (c) => auth.refresh(c.req.raw));
app.post('/auth/logout', (c) => auth.logout(c.req.raw));
app.get('/api/orders', (c) => listOrders(c.req.raw));

// Or one middleware for a group of routes, and getAuth in their handlers (same c.req.raw object).
app.use('/api/v2/*', async (c, next) => {
  const auth = await authenticateRequest(c.req.raw, authOptions);
  if (auth instanceof Response) return auth;
  return next();
});
app.get('/api/v2/me', (c) => c.json({ user: getAuth(c.req.raw).payload.sub }));

// Try it without a server: Hono's app.request() takes a Request and returns the Response.
const login = await app.request('https://example.com/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-requested-with': 'fetch' },
  body: JSON.stringify({ username: 'ada', password: 'correct horse battery staple' }),
});
assert.equal(login.status, 200);
assert.match(login.headers.get('set-cookie') ?? '', /^__Secure-jwtkit-refresh=.+; Path=\/auth;.*HttpOnly/);
const { access_token: accessToken } = (await login.json()) as { access_token: string };

const orders = await app.request('https://example.com/api/orders', { headers: { authorization: `Bearer ${accessToken}` } });
assert.deepEqual(await orders.json(), { user: 'user-1', orders: [] });

const me = await app.request('https://example.com/api/v2/me', { headers: { authorization: `Bearer ${accessToken}` } });
assert.deepEqual(await me.json(), { user: 'user-1' });
assert.equal((await app.request('https://example.com/api/v2/me')).status, 401);
