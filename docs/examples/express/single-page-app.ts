// The auth endpoints for a single-page app on another origin of the same site (a dev server on
// http://localhost:5173, or https://app.example.com in front of https://api.example.com): CORS
// with credentials, the custom header, and the app's origin in csrf.allowedOrigins.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTokenService, generateSecret } from 'jwtkit';
import { createAuthEndpoints, type AuthEvent } from 'jwtkit/express';

const APP_ORIGIN = 'http://localhost:5173'; // where the single-page app is served from

const refusals: AuthEvent[] = [];
const auth = createAuthEndpoints({
  tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://auth.example.com', audience: 'https://api.example.com' }),
  verifyCredentials: ({ username, password }) =>
    username === 'ada' && password === 'correct horse battery staple' ? { subject: 'user-1' } : null,
  cookie: { path: '/auth', secure: false }, // plain http in development only: see "An auth server"
  csrf: { allowedOrigins: [APP_ORIGIN] }, // the app's origin, not this server's own
  // Behind a proxy that terminates TLS, also: trustedProxies: { addresses: ['10.0.0.0/8'] }
  onAuthEvent: (event) => refusals.push(event),
});

// CORS for the app's origin alone, with credentials (the refresh cookie) and the custom header.
const cors: express.RequestHandler = (req, res, next) => {
  if (req.headers.origin !== APP_ORIGIN) return next();
  res.setHeader('Access-Control-Allow-Origin', APP_ORIGIN); // never "*" with credentials
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
  if (req.method !== 'OPTIONS') return next();
  // The preflight of a POST with JSON and X-Requested-With.
  res.setHeader('Access-Control-Allow-Methods', 'POST');
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Requested-With');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
};

const app = express();
app.use('/auth', cors);
app.post('/auth/login', auth.login);
app.post('/auth/refresh', auth.refresh);
app.post('/auth/logout', auth.logout);

const server: Server = await new Promise((resolve) => {
  const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

try {
  // What the browser sends for the app's fetch(`${url}/auth/login`, { method: 'POST',
  // credentials: 'include', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'fetch' } }):
  // first the preflight, then the request with the app's Origin.
  const preflight = await fetch(`${url}/auth/login`, {
    method: 'OPTIONS',
    headers: {
      origin: APP_ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-requested-with',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');

  const body = JSON.stringify({ username: 'ada', password: 'correct horse battery staple' });
  const headers = { origin: APP_ORIGIN, 'content-type': 'application/json', 'x-requested-with': 'fetch' };
  const login = await fetch(`${url}/auth/login`, { method: 'POST', headers, body });
  assert.equal(login.status, 200);
  assert.equal(login.headers.get('access-control-allow-origin'), APP_ORIGIN);

  // A page on any other origin is refused, and the server's event says which option allows an origin.
  const elsewhere = await fetch(`${url}/auth/login`, { method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body });
  assert.equal(elsewhere.status, 403);
  const refused = refusals.find((event) => event.type === 'request_refused');
  assert.ok(refused?.type === 'request_refused');
  assert.equal(refused.code, 'ERR_CSRF');
  assert.match(refused.reason, /csrf\.allowedOrigins/);
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
