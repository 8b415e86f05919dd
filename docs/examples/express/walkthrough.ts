// Both servers on loopback ports, and a client going through the whole workflow with fetch.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authApp } from './auth-server.js';
import { createApiApp } from './resource-server.js';

function listen(app: { listen(port: number, host: string, done: () => void): Server }): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections(); // fetch keeps connections alive
  return new Promise((resolve) => server.close(() => resolve()));
}

const auth = await listen(authApp);
const api = await listen(createApiApp(`${auth.url}/.well-known/jwks.json`));

// Browsers send this header from your pages' fetch calls; a cross-site form cannot.
const sameSite = { 'x-requested-with': 'fetch' };
const cookieOf = (response: Response): string => (response.headers.get('set-cookie') ?? '').split(';')[0] as string;

try {
  // Login: the access token in the body, the refresh token in an HttpOnly cookie.
  const login = await fetch(`${auth.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sameSite },
    body: JSON.stringify({ username: 'ada', password: 'correct horse battery staple' }),
  });
  assert.equal(login.status, 200);
  const { access_token: accessToken } = (await login.json()) as { access_token: string };
  let cookie = cookieOf(login);

  // An API call with the access token.
  const orders = await fetch(`${api.url}/api/orders`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(orders.status, 200);
  assert.deepEqual(await orders.json(), { user: 'user-1', orders: [] });

  // Without it: 401 and a Bearer challenge.
  const anonymous = await fetch(`${api.url}/api/orders`);
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm=/);

  // Refresh: the cookie is traded for a new pair and a new cookie.
  const refreshed = await fetch(`${auth.url}/auth/refresh`, { method: 'POST', headers: { cookie, ...sameSite } });
  assert.equal(refreshed.status, 200);
  const used = cookie;
  cookie = cookieOf(refreshed);

  // The used refresh token again: reuse, so the session is revoked.
  const replay = await fetch(`${auth.url}/auth/refresh`, { method: 'POST', headers: { cookie: used, ...sameSite } });
  assert.equal(replay.status, 401);
  assert.deepEqual(await replay.json(), { error: 'invalid_grant' });
  const revoked = await fetch(`${auth.url}/auth/refresh`, { method: 'POST', headers: { cookie, ...sameSite } });
  assert.equal(revoked.status, 401);

  // Logout: 204, and the cookie is cleared.
  const logout = await fetch(`${auth.url}/auth/logout`, { method: 'POST', headers: { cookie, ...sameSite } });
  assert.equal(logout.status, 204);
} finally {
  await Promise.all([close(api.server), close(auth.server)]);
}
