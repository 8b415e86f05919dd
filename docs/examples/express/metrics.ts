// Counting jwtkit's events for Prometheus without a client library: a map of counters, served in
// the Prometheus text format at /metrics. With OpenTelemetry, call counter.add(1, labels) in
// count() instead; with prom-client, counter.inc(labels).
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTokenService, generateKeyPair, type TokenServiceEvent } from 'jwtkit';
import { authenticate, createAuthEndpoints, getAuth, type AuthEvent } from 'jwtkit/express';

/** metric name → label set (already rendered) → count. */
const counters = new Map<string, Map<string, number>>();

function count(metric: string, labels: Record<string, string>): void {
  // Label values escaped as the text format wants: backslash, double quote, newline.
  const rendered = Object.entries(labels)
    .map(([name, value]) => `${name}="${value.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n')}"`)
    .join(',');
  const series = counters.get(metric) ?? new Map<string, number>();
  series.set(rendered, (series.get(rendered) ?? 0) + 1);
  counters.set(metric, series);
}

function prometheusText(): string {
  const lines: string[] = [];
  for (const [metric, series] of counters) {
    lines.push(`# TYPE ${metric} counter`);
    for (const [labels, value] of series) lines.push(`${metric}${labels === '' ? '' : `{${labels}}`} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

// The adapters' events: refusals by where, code and status; logins by outcome.
function onAuthEvent(event: AuthEvent): void {
  switch (event.type) {
    case 'request_refused':
      count('jwtkit_requests_refused_total', { source: event.source, code: event.code ?? 'none', status: String(event.status) });
      break;
    case 'login_succeeded':
    case 'login_failed':
      count('jwtkit_logins_total', { outcome: event.type === 'login_succeeded' ? 'success' : 'failure' });
      break;
    default:
      // cookie_path_mismatch, and the types later versions add.
      count('jwtkit_auth_events_total', { type: event.type });
  }
}

// The token service's events: issued, refreshed, refresh_failed, reuse_detected, family_revoked, ...
function onEvent(event: TokenServiceEvent): void {
  count('jwtkit_token_events_total', { type: event.type });
  if (event.type === 'reuse_detected' && !event.withinGrace) count('jwtkit_refresh_token_replays_total', {}); // alert on this one
}

const { privateKey, publicKey } = await generateKeyPair('ES256');
const tokens = createTokenService({ key: privateKey, issuer: 'https://auth.example.com', audience: 'https://api.example.com', onEvent });
const auth = createAuthEndpoints({
  tokens,
  refreshTokenTransport: 'body',
  verifyCredentials: ({ password }) => (password === 'correct horse battery staple' ? { subject: 'user-1' } : null),
  onAuthEvent,
});

const app = express();
app.post('/auth/login', auth.login);
app.post('/auth/refresh', auth.refresh);
app.use(
  '/api',
  authenticate({
    key: publicKey,
    verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'https://api.example.com', typ: 'at+jwt' },
    onAuthEvent,
  }),
);
app.get('/api/me', (req, res) => {
  res.json({ user: getAuth(req).payload.sub });
});
// Keep /metrics off the public internet (a separate port, or your proxy's rules).
app.get('/metrics', (_req, res) => {
  res.type('text/plain; version=0.0.4').send(prometheusText());
});

const server: Server = await new Promise((resolve) => {
  const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
});
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

try {
  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const login = await post('/auth/login', { password: 'correct horse battery staple' });
  const { refresh_token: refreshToken } = (await login.json()) as { refresh_token: string };
  assert.equal((await post('/auth/login', { password: 'wrong' })).status, 401);
  assert.equal((await post('/auth/refresh', { refresh_token: refreshToken })).status, 200);
  assert.equal((await post('/auth/refresh', { refresh_token: refreshToken })).status, 401); // replayed: the session is revoked
  assert.equal((await fetch(`${url}/api/me`)).status, 401);

  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /^jwtkit_logins_total\{outcome="success"\} 1$/m);
  assert.match(metrics, /^jwtkit_logins_total\{outcome="failure"\} 1$/m);
  assert.match(metrics, /^jwtkit_requests_refused_total\{source="authenticate",code="ERR_CREDENTIALS_MISSING",status="401"\} 1$/m);
  assert.match(metrics, /^jwtkit_requests_refused_total\{source="refresh",code="ERR_REFRESH_REUSED",status="401"\} 1$/m);
  assert.match(metrics, /^jwtkit_token_events_total\{type="issued"\} 1$/m);
  assert.match(metrics, /^jwtkit_token_events_total\{type="reuse_detected"\} 1$/m);
  assert.match(metrics, /^jwtkit_refresh_token_replays_total 1$/m);
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
