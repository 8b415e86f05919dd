// Both servers on loopback ports, and a client going through the whole workflow with fetch.
import assert from 'node:assert/strict';
import { authApp } from './auth-server.js';
import { createApiApp } from './resource-server.js';

const authUrl = await authApp.listen({ port: 0, host: '127.0.0.1' });
const apiApp = createApiApp(`${authUrl}/.well-known/jwks.json`);
const apiUrl = await apiApp.listen({ port: 0, host: '127.0.0.1' });

// Browsers send this header from your pages' fetch calls; a cross-site form cannot.
const sameSite = { 'x-requested-with': 'fetch' };
const cookieOf = (response: Response): string => (response.headers.get('set-cookie') ?? '').split(';')[0] as string;

try {
  const login = await fetch(`${authUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sameSite },
    body: JSON.stringify({ username: 'ada', password: 'correct horse battery staple' }),
  });
  assert.equal(login.status, 200);
  const { access_token: accessToken } = (await login.json()) as { access_token: string };

  const orders = await fetch(`${apiUrl}/api/orders`, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.deepEqual(await orders.json(), { user: 'user-1', orders: [] });
  const anonymous = await fetch(`${apiUrl}/api/orders`);
  assert.equal(anonymous.status, 401);
  assert.equal((await fetch(`${apiUrl}/health`)).status, 200);

  const refreshed = await fetch(`${authUrl}/auth/refresh`, { method: 'POST', headers: { cookie: cookieOf(login), ...sameSite } });
  assert.equal(refreshed.status, 200);
  const logout = await fetch(`${authUrl}/auth/logout`, { method: 'POST', headers: { cookie: cookieOf(refreshed), ...sameSite } });
  assert.equal(logout.status, 204);
} finally {
  await Promise.all([apiApp.close(), authApp.close()]);
}
