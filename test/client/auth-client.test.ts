/**
 * jwtkit/client in Node 20 (no Web Locks, no IndexedDB, no cookie jar: the body transport, the
 * DPoP key in memory, refreshes serialised in the process) against the real jwtkit/fetch auth
 * endpoints and a `withAuth` resource server on 127.0.0.1. The same behaviours in Chromium:
 * test/e2e/client-browser.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthClient } from '../../src/client/index.js';
import type { AuthClient, AuthClientOptions } from '../../src/client/index.js';
import { MemoryDPoPReplayCache } from '../../src/dpop/memory-replay-cache.js';
import { verifyDPoPProof } from '../../src/dpop/verify-proof.js';
import { isJwtError } from '../../src/errors.js';
import { decode } from '../../src/jwt/decode.js';
import { startTestServers, type ServerSetup, type TestServers } from './servers.js';

let servers: TestServers | undefined;
afterEach(async () => {
  await servers?.close();
  servers = undefined;
});

async function setUp(setup: ServerSetup = {}, options: Partial<AuthClientOptions> = {}): Promise<{ s: TestServers; client: AuthClient }> {
  servers = await startTestServers(setup);
  const s = servers;
  const client = createAuthClient({
    loginUrl: `${s.authUrl}/auth/login`,
    refreshUrl: `${s.authUrl}/auth/refresh`,
    logoutUrl: `${s.authUrl}/auth/logout`,
    logoutEverywhereUrl: `${s.authUrl}/auth/logout-everywhere`,
    origins: [s.authUrl, s.apiUrl],
    dpop: setup.dpop ?? true,
    ...options,
  });
  return { s, client };
}

async function loggedIn(setup: ServerSetup = {}, options: Partial<AuthClientOptions> = {}) {
  const set = await setUp(setup, options);
  expect(await set.client.login({ username: 'alice', password: 'wonderland' })).toEqual({ ok: true, status: 200 });
  return set;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function invalidOption(make: () => unknown): string | undefined {
  try {
    make();
  } catch (error) {
    return isJwtError(error) ? error.code : 'other';
  }
  return undefined;
}

describe('jwtkit/client in Node', () => {
  it('logs in with a DPoP proof and calls the resource server with Authorization: DPoP and a fresh proof (with ath) each time', async () => {
    const { s, client } = await loggedIn();
    for (let i = 0; i < 2; i += 1) {
      const response = await client(`${s.apiUrl}/api/profile`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ subject: 'alice' });
    }
    const calls = s.log.filter((entry) => entry.path === '/api/profile');
    expect(calls.map((call) => call.authorization?.split(' ')[0])).toEqual(['DPoP', 'DPoP']);
    expect(calls[0]?.dpop).not.toBe(calls[1]?.dpop);
    expect(s.log.find((entry) => entry.path === '/auth/login')?.dpop).toEqual(expect.any(String));
  });

  it("signs proofs the server's verifyDPoPProof accepts, for the key the access token is bound to (cnf.jkt)", async () => {
    const seen: Request[] = [];
    const { s, client } = await loggedIn({}, { fetch: (request) => (seen.push(request.clone()), fetch(request)) });
    const url = `${s.apiUrl}/api/profile?page=2`;
    await client(url, { method: 'GET' });
    const sent = seen.at(-1) as Request;
    const accessToken = (sent.headers.get('authorization') as string).slice('DPoP '.length);
    const { payload, header, thumbprint } = await verifyDPoPProof(sent.headers.get('dpop') as string, {
      method: 'GET',
      url,
      accessToken,
      replayCache: new MemoryDPoPReplayCache(),
    });
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(Object.keys(header.jwk as object).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(payload).toMatchObject({ htm: 'GET', htu: `${s.apiUrl}/api/profile`, ath: expect.any(String) });
    expect((decode(accessToken).payload['cnf'] as { jkt: string }).jkt).toBe(thumbprint);
  });

  it('single flight: 50 concurrent calls after the token is known to have expired cause exactly one refresh', async () => {
    const { s, client } = await loggedIn({ accessTokenTtl: 2 });
    await sleep(2_100);
    const responses = await Promise.all(Array.from({ length: 50 }, () => client(`${s.apiUrl}/api/profile`)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(s.count('/auth/refresh')).toBe(1);
    expect(s.count('/api/profile', 401)).toBe(0);
    expect(s.events.filter((event) => event.type === 'reuse_detected')).toEqual([]);
  });

  it('single flight: 50 concurrent calls refused with 401 invalid_token cause exactly one refresh, and each is retried once', async () => {
    const { s, client } = await loggedIn();
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(200);
    s.revokeAccessTokens();
    const responses = await Promise.all(Array.from({ length: 50 }, () => client(`${s.apiUrl}/api/profile`)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    expect(s.count('/auth/refresh')).toBe(1);
    expect(s.count('/api/profile', 401)).toBeLessThanOrEqual(50);
    expect(s.count('/api/profile', 200)).toBe(51);
  });

  it('retries once only: a resource server that keeps refusing gets two attempts and one refresh, and its 401 is returned', async () => {
    const { s, client } = await loggedIn();
    const response = await client(`${s.apiUrl}/api/always-refused`);
    expect(response.status).toBe(401);
    expect(s.count('/api/always-refused')).toBe(2);
    expect(s.count('/auth/refresh')).toBe(1);
  });

  it('resends the request body on the retry (copied before the first attempt), for a string and a stream body', async () => {
    const { s, client } = await loggedIn();
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(200);
    s.revokeAccessTokens();
    const first = await client(`${s.apiUrl}/api/profile`, { method: 'POST', body: 'order #1' });
    expect(await first.json()).toMatchObject({ body: 'order #1' });
    s.revokeAccessTokens();
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('order #2'));
        controller.close();
      },
    });
    const second = await client(new Request(`${s.apiUrl}/api/profile`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit));
    expect(await second.json()).toMatchObject({ body: 'order #2' });
    expect(s.log.filter((entry) => entry.path === '/api/profile').map((entry) => entry.status)).toEqual([200, 401, 200, 401, 200]);
    expect(s.count('/auth/refresh')).toBe(2);
  });

  it("retries once with the token endpoint's nonce (400 use_dpop_nonce, RFC 9449 §8) at login and refresh", async () => {
    const { s, client } = await loggedIn({ nonces: ['auth'] });
    expect(s.log.filter((entry) => entry.path === '/auth/login').map((entry) => entry.status)).toEqual([400, 200]);
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(200);
    s.revokeAccessTokens();
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(200);
    // The token response carried a fresh nonce (§8.2): the refresh needs no retry.
    expect(s.log.filter((entry) => entry.path === '/auth/refresh').map((entry) => entry.status)).toEqual([200]);
  });

  it("retries once with the resource server's nonce (401 use_dpop_nonce challenge, RFC 9449 §9)", async () => {
    const { s, client } = await loggedIn({ nonces: ['api'] });
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(200);
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(200);
    expect(s.log.filter((entry) => entry.path === '/api/profile').map((entry) => entry.status)).toEqual([401, 200, 200]);
    expect(s.count('/auth/refresh')).toBe(0);
  });

  it('sends Authorization: Bearer without DPoP, and no proof', async () => {
    const { s, client } = await loggedIn({ dpop: false }, { dpop: false });
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(200);
    const call = s.log.find((entry) => entry.path === '/api/profile');
    expect(call?.authorization).toMatch(/^Bearer /);
    expect(call?.dpop).toBeNull();
  });

  it('leaves requests to other origins untouched', async () => {
    const { s, client } = await loggedIn({}, { origins: ['https://api.example.com'] });
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(401);
    expect(s.log.find((entry) => entry.path === '/api/profile')?.authorization).toBeNull();
  });

  it('serialises the refreshes of the process: two sessions expiring together never refresh at the same time', async () => {
    const { s, client } = await loggedIn({ accessTokenTtl: 2 });
    const other = createAuthClient({
      loginUrl: `${s.authUrl}/auth/login`,
      refreshUrl: `${s.authUrl}/auth/refresh`,
      logoutUrl: `${s.authUrl}/auth/logout`,
      origins: [s.apiUrl],
      dpop: true,
    });
    expect((await other.login({ username: 'bob', password: 'wonderland' })).ok).toBe(true);
    await sleep(2_100);
    const responses = await Promise.all([client(`${s.apiUrl}/api/profile`), other(`${s.apiUrl}/api/profile`)]);
    expect(await Promise.all(responses.map(async (response) => ((await response.json()) as { subject: string }).subject))).toEqual([
      'alice',
      'bob',
    ]);
    expect(s.count('/auth/refresh', 200)).toBe(2);
    expect(s.maxConcurrentRefreshes).toBe(1);
  });

  it('reports refusals, ends the session at logout, and logs out everywhere with the DPoP-bound token', async () => {
    const { s, client } = await setUp();
    expect(await client.login({ username: 'alice', password: 'guess' })).toEqual({ ok: false, status: 401, error: 'invalid_credentials' });
    expect(await client.login({ username: 'alice', password: 'wonderland' })).toEqual({ ok: true, status: 200 });
    expect(await client.logoutEverywhere()).toEqual({ ok: true, status: 204 });
    // Nothing to send: the next call goes without a token, and no refresh is attempted.
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(401);
    expect(s.log.at(-1)?.authorization).toBeNull();
    expect(await client.login({ username: 'alice', password: 'wonderland' })).toEqual({ ok: true, status: 200 });
    expect(await client.logout()).toEqual({ ok: true, status: 204 });
    expect(s.count('/auth/refresh')).toBe(0);
    expect((await client(`${s.apiUrl}/api/profile`)).status).toBe(401);
  });

  it('refuses bad options with ERR_INVALID_OPTION', () => {
    const base = {
      loginUrl: 'https://a.example/auth/login',
      refreshUrl: 'https://a.example/auth/refresh',
      logoutUrl: 'https://a.example/auth/logout',
    };
    expect(invalidOption(() => createAuthClient(base))).toBeUndefined();
    expect(invalidOption(() => createAuthClient({ ...base, loginUrl: '/auth/login' }))).toBe('ERR_INVALID_OPTION');
    expect(invalidOption(() => createAuthClient({ ...base, tokenStorage: 'localStorage' } as AuthClientOptions))).toBe(
      'ERR_INVALID_OPTION',
    );
    expect(invalidOption(() => createAuthClient({ ...base, transport: 'header' } as unknown as AuthClientOptions))).toBe(
      'ERR_INVALID_OPTION',
    );
    expect(invalidOption(() => createAuthClient({ ...base, csrfHeader: 'bad header' }))).toBe('ERR_INVALID_OPTION');
    expect(invalidOption(() => createAuthClient({ ...base, dpop: 'yes' } as unknown as AuthClientOptions))).toBe('ERR_INVALID_OPTION');
    expect(invalidOption(() => createAuthClient({ ...base, origins: 'https://api.example' } as unknown as AuthClientOptions))).toBe(
      'ERR_INVALID_OPTION',
    );
    expect(invalidOption(() => createAuthClient(null as unknown as AuthClientOptions))).toBe('ERR_INVALID_OPTION');
  });

  it('refuses an origin that is not absolute, even on a page (where it would name the page itself)', () => {
    const base = {
      loginUrl: 'https://a.example/auth/login',
      refreshUrl: 'https://a.example/auth/refresh',
      logoutUrl: 'https://a.example/auth/logout',
    };
    const page = globalThis as { location?: unknown };
    page.location = { href: 'https://a.example/app/' };
    try {
      expect(invalidOption(() => createAuthClient({ ...base, origins: ['api.example.com'] }))).toBe('ERR_INVALID_OPTION');
      expect(invalidOption(() => createAuthClient({ ...base, origins: ['ftp://api.example.com'] }))).toBe('ERR_INVALID_OPTION');
      expect(invalidOption(() => createAuthClient({ ...base, origins: ['https://api.example.com'] }))).toBeUndefined();
    } finally {
      delete page.location;
    }
  });
});
