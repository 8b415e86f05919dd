/**
 * The reuse grace window seen through the cookie transport: two tabs refresh with one cookie at
 * the same moment. The loser must not clear the cookie, or its `Set-Cookie` (arriving after the
 * winner's) deletes the successor the winner just stored and logs the user out, which is exactly
 * what `reuseGrace` exists to prevent. Both adapters, on real servers on 127.0.0.1:0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEndpointsOptions } from '../../src/adapters/express/index.js';
import { createTokenService, generateKeyPair } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { ENDPOINT_SERVER_FACTORIES } from './helpers/endpoint-servers.js';
import type { RunningEndpoints } from './helpers/endpoint-servers.js';
import { call, jsonOf } from './helpers/http-client.js';
import type { Answer } from './helpers/http-client.js';

const COOKIE = '__Secure-jwtkit-refresh';
const CSRF = { 'x-requested-with': 'fetch' };

function refreshCookieOf(answer: Answer): string | undefined {
  const line = answer.setCookies.find((candidate) => candidate.startsWith(`${COOKIE}=`));
  return line?.slice(COOKIE.length + 1).split(';')[0];
}

describe.each(ENDPOINT_SERVER_FACTORIES)('refresh grace window with the cookie transport on %s', (_name, start) => {
  let server: RunningEndpoints;
  let url: string;

  beforeAll(async () => {
    const clock = createFakeClock();
    const { privateKey } = await generateKeyPair('ES256');
    const tokens = createTokenService({ key: privateKey, issuer: 'https://auth.test', audience: 'api', clock, reuseGrace: '30s' });
    const base: AuthEndpointsOptions = { tokens, verifyCredentials: () => ({ subject: 'alice' }) };
    server = await start({
      cookie: base,
      body: { ...base, refreshTokenTransport: 'body' },
      dev: { ...base, cookie: { path: '/dev', insecureLoopback: true } },
      jwks: { jwks: { keys: [] } },
    });
    url = server.url;
  });

  afterAll(async () => {
    await server.close();
  });

  const refreshWith = (cookie: string): Promise<Answer> =>
    call(`${url}/auth/refresh`, { method: 'POST', headers: { cookie: `${COOKIE}=${cookie}`, ...CSRF } });

  it('two concurrent refreshes: one new cookie, the loser gets 401 and leaves the cookie alone', async () => {
    const login = await call(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CSRF },
      body: '{}',
    });
    const first = refreshCookieOf(login) as string;
    const answers = await Promise.all([refreshWith(first), refreshWith(first)]);
    const winner = answers.find((answer) => answer.status === 200) as Answer;
    const loser = answers.find((answer) => answer.status !== 200) as Answer;
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    expect(jsonOf(loser)).toEqual({ error: 'invalid_grant' });
    expect(loser.setCookies).toEqual([]);
    // The cookie the browser keeps is the winner's successor, and the session is alive.
    const successor = refreshCookieOf(winner) as string;
    expect(successor).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect((await refreshWith(successor)).status).toBe(200);
  });
});
