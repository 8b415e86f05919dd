/**
 * The auth endpoints (login, refresh, logout, logout-everywhere, JWKS) through both adapters on
 * real servers (Express 5, Express 4 with express.json(), node:http, Hono with jwtkit/fetch) on
 * 127.0.0.1:0, called with fetch. Covers the refresh cookie and CSRF on cookie refresh and logout
 * (docs/security.md "Where to keep tokens in a browser"), rotation and replay (RFC 9700 §4.14) seen
 * over HTTP, store outages (503), and that no answer ever carries a refresh token in cookie mode or
 * a stack trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEndpointsOptions, LoginIdentity } from '../../src/adapters/express/index.js';
import {
  createAuthEndpoints as createExpressEndpoints,
  createJWKSEndpoint as createExpressJwks,
} from '../../src/adapters/express/index.js';
import { createAuthEndpoints as createFetchEndpoints, createJWKSEndpoint as createFetchJwks } from '../../src/adapters/fetch/index.js';
import {
  JwtError,
  MemoryRefreshTokenStore,
  createKeyRing,
  createTokenService,
  decode,
  generateKeyPair,
  isJwtError,
} from '../../src/index.js';
import type { KeyRing, RefreshTokenStore, TokenService } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { ENDPOINT_SERVER_FACTORIES } from './helpers/endpoint-servers.js';
import type { RunningEndpoints } from './helpers/endpoint-servers.js';
import { call, findLeaks, jsonOf, rawCall, recordedAnswers } from './helpers/http-client.js';
import type { Answer } from './helpers/http-client.js';

const ISSUER = 'https://auth.test';
const AUDIENCE = 'api';
const REFRESH_TTL = 30 * 86_400;
const COOKIE = '__Secure-jwtkit-refresh';
const CSRF = { 'x-requested-with': 'fetch' };
const JSON_HEADERS = { 'content-type': 'application/json', ...CSRF };

/** A store that can be switched off: every call then fails as a driver outage would. */
class SwitchableStore extends MemoryRefreshTokenStore {
  down = false;
  private check(): void {
    if (this.down) throw new JwtError('ERR_STORE_UNAVAILABLE', 'connection refused');
  }
  override async insert(...args: Parameters<RefreshTokenStore['insert']>): ReturnType<RefreshTokenStore['insert']> {
    this.check();
    return super.insert(...args);
  }
  override async find(familyId: string): ReturnType<RefreshTokenStore['find']> {
    this.check();
    return super.find(familyId);
  }
  override async rotate(...args: Parameters<RefreshTokenStore['rotate']>): ReturnType<RefreshTokenStore['rotate']> {
    this.check();
    return super.rotate(...args);
  }
  override async revokeFamily(...args: Parameters<RefreshTokenStore['revokeFamily']>): Promise<void> {
    this.check();
    return super.revokeFamily(...args);
  }
  override async revokeSubject(...args: Parameters<RefreshTokenStore['revokeSubject']>): ReturnType<RefreshTokenStore['revokeSubject']> {
    this.check();
    return super.revokeSubject(...args);
  }
}

const issuedRefreshTokens: string[] = [];
/** The codes the endpoints without the custom CSRF header reported through `onError`. */
const noHeaderCodes: string[] = [];

async function verifyCredentials(credentials: Record<string, unknown>): Promise<LoginIdentity | null> {
  if (credentials['username'] === 'crash') throw new TypeError('db driver exploded at /srv/app/users.js:3:7');
  if (credentials['username'] === 'store') throw new JwtError('ERR_STORE_UNAVAILABLE', 'user store down');
  if (credentials['username'] === 'odd') return { subject: '' };
  const ok = typeof credentials['username'] === 'string' && credentials['password'] === 'correct horse';
  return ok ? { subject: credentials['username'] as string, claims: { scope: 'read' } } : null;
}

function cookieOf(answer: Answer, name = COOKIE): string | undefined {
  const line = answer.setCookies.find((candidate) => candidate.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}

function attributesOf(answer: Answer, name = COOKIE): string[] {
  const line = answer.setCookies.find((candidate) => candidate.startsWith(`${name}=`)) ?? '';
  return line.split('; ').slice(1);
}

describe.each(ENDPOINT_SERVER_FACTORIES)('auth endpoints on %s', (_name, start) => {
  let server: RunningEndpoints;
  let url: string;
  let store: SwitchableStore;
  let tokens: TokenService;
  let ring: KeyRing;

  async function login(username = 'alice', prefix = '/auth', extra: Record<string, string> = {}): Promise<Answer> {
    return call(`${url}${prefix}/login`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...extra },
      body: JSON.stringify({ username, password: 'correct horse' }),
    });
  }

  async function refreshWith(cookie: string, extra: Record<string, string> = {}): Promise<Answer> {
    return call(`${url}/auth/refresh`, { method: 'POST', headers: { cookie: `${COOKIE}=${cookie}`, ...CSRF, ...extra } });
  }

  beforeAll(async () => {
    const clock = createFakeClock();
    ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '15m', clock });
    store = new SwitchableStore();
    tokens = createTokenService({
      key: ring,
      issuer: ISSUER,
      audience: AUDIENCE,
      store,
      clock,
      refreshTokenTtl: REFRESH_TTL,
      accessTokenTtl: '5m',
    });
    const base: AuthEndpointsOptions = { tokens, verifyCredentials };
    server = await start({
      cookie: base,
      body: { ...base, refreshTokenTransport: 'body' },
      dev: { ...base, cookie: { path: '/dev', secure: false } },
      legacy: { ...base, cookie: { path: '/legacy', insecureLoopback: true } },
      noHeader: {
        ...base,
        cookie: { path: '/no-header' },
        csrf: { requiredHeader: false },
        onError: (error) => noHeaderCodes.push(isJwtError(error) ? error.code : 'not a JwtError'),
      },
      jwks: { jwks: () => ring.jwks() },
    });
    url = server.url;
  });

  afterAll(async () => {
    await server.close();
  });

  describe('login', () => {
    it('issues the access token in the body and the refresh token in a hardened cookie only', async () => {
      const answer = await login();
      expect(answer.status).toBe(200);
      const body = jsonOf(answer);
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(body['token_type']).toBe('Bearer');
      expect(body['expires_in']).toBe(300);
      expect(decode(body['access_token'] as string).payload).toMatchObject({ sub: 'alice', scope: 'read', iss: ISSUER });
      const refresh = cookieOf(answer) as string;
      expect(refresh).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
      issuedRefreshTokens.push(refresh);
      expect(attributesOf(answer)).toEqual(['Path=/auth', `Max-Age=${REFRESH_TTL}`, 'HttpOnly', 'Secure', 'SameSite=Strict']);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('pragma')).toBe('no-cache');
    });

    it('refuses wrong credentials with 401 invalid_credentials and sets no cookie', async () => {
      const answer = await call(`${url}/auth/login`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ username: 'alice', password: 'wrong' }),
      });
      expect(answer.status).toBe(401);
      expect(jsonOf(answer)).toEqual({ error: 'invalid_credentials' });
      expect(answer.setCookies).toEqual([]);
    });

    it('refuses cross-site logins (login CSRF) and accepts the own origin', async () => {
      const noHeader = await call(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'correct horse' }),
      });
      expect(noHeader.status).toBe(403);
      expect(jsonOf(noHeader)).toEqual({ error: 'access_denied', error_description: 'Cross-site request refused' });
      expect((await login('alice', '/auth', { origin: 'https://evil.test' })).status).toBe(403);
      expect((await login('alice', '/auth', { origin: 'null' })).status).toBe(403);
      const own = await login('alice', '/auth', { origin: url });
      expect(own.status).toBe(200);
      issuedRefreshTokens.push(cookieOf(own) as string);
    });

    it('answers malformed requests itself: 405, 415, 400, 413', async () => {
      const get = await call(`${url}/auth/login`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      const form = await call(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...CSRF },
        body: 'username=alice&password=correct+horse',
      });
      expect(form.status).toBe(415);
      const notJson = await call(`${url}/auth/login`, { method: 'POST', headers: JSON_HEADERS, body: '{"username":' });
      expect(notJson.status).toBe(400);
      const array = await call(`${url}/auth/login`, { method: 'POST', headers: JSON_HEADERS, body: '["alice"]' });
      expect(array.status).toBe(400);
      const huge = await call(`${url}/auth/login`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ username: 'alice', password: 'x'.repeat(200_000) }),
      });
      expect(huge.status).toBe(413);
      // The same without a Content-Length (chunked): stopped while reading.
      const chunked = await rawCall(
        `${url}/auth/login`,
        'POST',
        [
          ['Content-Type', 'application/json'],
          ['Transfer-Encoding', 'chunked'],
          ['X-Requested-With', 'fetch'],
        ],
        JSON.stringify({ username: 'alice', password: 'x'.repeat(200_000) }),
      );
      expect(chunked.status).toBe(413);
      for (const answer of [notJson, array]) expect(jsonOf(answer)['error']).toBe('invalid_request');
    });

    it('a failing verifyCredentials: 500 without detail, or 503 for a store outage', async () => {
      const crash = await login('crash');
      expect(crash.status).toBe(500);
      expect(jsonOf(crash)).toEqual({ error: 'server_error' });
      const odd = await login('odd');
      expect(odd.status).toBe(500);
      const down = await login('store');
      expect(down.status).toBe(503);
      expect(jsonOf(down)).toEqual({ error: 'temporarily_unavailable' });
    });
  });

  describe('refresh', () => {
    it('rotates: a new access token and a new cookie; the replayed old token revokes the family', async () => {
      const first = cookieOf(await login()) as string;
      const rotated = await refreshWith(first);
      expect(rotated.status).toBe(200);
      expect(Object.keys(jsonOf(rotated)).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(rotated.headers.get('cache-control')).toBe('no-store');
      expect(rotated.headers.get('pragma')).toBe('no-cache');
      const second = cookieOf(rotated) as string;
      expect(second).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
      expect(second).not.toBe(first);
      issuedRefreshTokens.push(first, second);

      const replay = await refreshWith(first);
      expect(replay.status).toBe(401);
      expect(jsonOf(replay)).toEqual({ error: 'invalid_grant' });
      // A reused token leaves the cookie alone (a concurrent winner may just have replaced it).
      expect(replay.setCookies).toEqual([]);

      const afterReplay = await refreshWith(second);
      expect(afterReplay.status).toBe(401);
      expect(jsonOf(afterReplay)).toEqual({ error: 'invalid_grant' });
      // The revoked family's token is cleared, with the cookie's own path.
      expect(cookieOf(afterReplay)).toBe('');
      expect(attributesOf(afterReplay)).toEqual([
        'Path=/auth',
        'Max-Age=0',
        'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
        'HttpOnly',
        'Secure',
        'SameSite=Strict',
      ]);
    });

    it('refuses cross-site refreshes with 403 and rotates nothing (docs/security.md "Where to keep tokens in a browser")', async () => {
      const current = cookieOf(await login()) as string;
      issuedRefreshTokens.push(current);
      const attempts: Array<Record<string, string>> = [
        { cookie: `${COOKIE}=${current}`, origin: 'https://evil.test', ...CSRF },
        { cookie: `${COOKIE}=${current}`, 'sec-fetch-site': 'cross-site', ...CSRF },
        { cookie: `${COOKIE}=${current}`, 'content-type': 'application/x-www-form-urlencoded' },
      ];
      for (const headers of attempts) {
        const answer = await call(`${url}/auth/refresh`, { method: 'POST', headers, body: headers['content-type'] ? 'a=b' : null });
        expect(answer.status).toBe(403);
        expect(answer.setCookies).toEqual([]);
      }
      const get = await call(`${url}/auth/refresh`, { headers: { cookie: `${COOKIE}=${current}`, ...CSRF } });
      expect(get.status).toBe(405);
      // Nothing was consumed: the token still rotates once.
      const answer = await refreshWith(current);
      expect(answer.status).toBe(200);
      issuedRefreshTokens.push(cookieOf(answer) as string);
    });

    it('no cookie, a garbage cookie, or two cookies of that name', async () => {
      const none = await call(`${url}/auth/refresh`, { method: 'POST', headers: CSRF });
      expect(none.status).toBe(401);
      expect(jsonOf(none)).toEqual({ error: 'invalid_grant' });
      const garbage = await refreshWith('not a token; x');
      expect(garbage.status).toBe(401);
      const twice = await call(`${url}/auth/refresh`, {
        method: 'POST',
        headers: { cookie: `${COOKIE}=aaaaaaaaaaaaaaaaaaaaaa; ${COOKIE}=bbbbbbbbbbbbbbbbbbbbbbb`, ...CSRF },
      });
      expect(twice.status).toBe(400);
    });

    it('a comma is part of a cookie value: a planted "pref=x,<refresh cookie>=..." is never read as the refresh cookie', async () => {
      const attackers = cookieOf(await login('mallory')) as string;
      const victims = cookieOf(await login('alice')) as string;
      issuedRefreshTokens.push(attackers, victims);
      // Planted alone (login CSRF): no refresh cookie, so nothing rotates and the attacker's session is untouched.
      const plantedAlone = await call(`${url}/auth/refresh`, {
        method: 'POST',
        headers: { cookie: `pref=dark,${COOKIE}=${attackers}`, ...CSRF },
      });
      expect(plantedAlone.status).toBe(401);
      expect(jsonOf(plantedAlone)).toEqual({ error: 'invalid_grant' });
      expect(cookieOf(plantedAlone) ?? '').toBe('');
      // Planted beside the real cookie: the real one is read, not refused as a duplicate.
      const beside = await call(`${url}/auth/refresh`, {
        method: 'POST',
        headers: { cookie: `pref=dark,${COOKIE}=${attackers}; ${COOKIE}=${victims}; theme="a,b"`, ...CSRF },
      });
      expect(beside.status).toBe(200);
      expect(decode(jsonOf(beside)['access_token'] as string).payload.sub).toBe('alice');
      issuedRefreshTokens.push(cookieOf(beside) as string);
      // The attacker's token was never consumed: it still rotates once, for the attacker.
      const attackerRefresh = await refreshWith(attackers);
      expect(attackerRefresh.status).toBe(200);
      expect(decode(jsonOf(attackerRefresh)['access_token'] as string).payload.sub).toBe('mallory');
      issuedRefreshTokens.push(cookieOf(attackerRefresh) as string);
    });

    it('a store outage: 503, the cookie is kept, and the token still works afterwards', async () => {
      const current = cookieOf(await login()) as string;
      issuedRefreshTokens.push(current);
      store.down = true;
      try {
        const answer = await refreshWith(current);
        expect(answer.status).toBe(503);
        expect(jsonOf(answer)).toEqual({ error: 'temporarily_unavailable' });
        expect(answer.setCookies).toEqual([]);
      } finally {
        store.down = false;
      }
      const retried = await refreshWith(current);
      expect(retried.status).toBe(200);
      issuedRefreshTokens.push(cookieOf(retried) as string);
    });
  });

  describe('logout', () => {
    it('revokes the session and clears the cookie with the same path', async () => {
      const current = cookieOf(await login()) as string;
      issuedRefreshTokens.push(current);
      const answer = await call(`${url}/auth/logout`, { method: 'POST', headers: { cookie: `${COOKIE}=${current}`, ...CSRF } });
      expect(answer.status).toBe(204);
      expect(answer.body).toBe('');
      expect(cookieOf(answer)).toBe('');
      expect(attributesOf(answer)).toContain('Path=/auth');
      expect(attributesOf(answer)).toContain('Max-Age=0');
      expect((await refreshWith(current)).status).toBe(401);
    });

    it('is idempotent without a cookie, refuses cross-site requests, and 503 on outage', async () => {
      const without = await call(`${url}/auth/logout`, { method: 'POST', headers: CSRF });
      expect(without.status).toBe(204);
      const current = cookieOf(await login()) as string;
      issuedRefreshTokens.push(current);
      const crossSite = await call(`${url}/auth/logout`, {
        method: 'POST',
        headers: { cookie: `${COOKIE}=${current}`, origin: 'https://evil.test', ...CSRF },
      });
      expect(crossSite.status).toBe(403);
      store.down = true;
      try {
        const down = await call(`${url}/auth/logout`, { method: 'POST', headers: { cookie: `${COOKIE}=${current}`, ...CSRF } });
        expect(down.status).toBe(503);
        expect(down.setCookies).toEqual([]);
      } finally {
        store.down = false;
      }
      expect((await refreshWith(current)).status).toBe(200);
    });

    it('logout-everywhere revokes every session of the subject, with a Bearer access token', async () => {
      const one = await login('bob');
      const two = await login('bob');
      const other = await login('carol');
      issuedRefreshTokens.push(...[one, two, other].map((answer) => cookieOf(answer) as string));
      const accessToken = jsonOf(one)['access_token'] as string;
      const missing = await call(`${url}/auth/logout-everywhere`, { method: 'POST' });
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      const bad = await call(`${url}/auth/logout-everywhere`, { method: 'POST', headers: { authorization: 'Bearer abc' } });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const answer = await call(`${url}/auth/logout-everywhere`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
      expect(answer.status).toBe(204);
      expect(cookieOf(answer)).toBe('');
      expect((await refreshWith(cookieOf(two) as string)).status).toBe(401);
      expect((await refreshWith(cookieOf(other) as string)).status).toBe(200);
    });
  });

  describe('body transport (non-browser clients)', () => {
    it('login, refresh, replay and logout with refresh_token in the JSON bodies; no cookie, no CSRF header needed', async () => {
      const loggedIn = await call(`${url}/body/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dave', password: 'correct horse' }),
      });
      expect(loggedIn.status).toBe(200);
      expect(loggedIn.setCookies).toEqual([]);
      const body = jsonOf(loggedIn);
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_expires_in', 'refresh_token', 'token_type']);
      const first = body['refresh_token'] as string;
      const refreshBody = (token: unknown): RequestInit => ({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      });
      expect(loggedIn.headers.get('pragma')).toBe('no-cache');
      const rotated = await call(`${url}/body/refresh`, refreshBody(first));
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get('cache-control')).toBe('no-store');
      expect(rotated.headers.get('pragma')).toBe('no-cache');
      const second = jsonOf(rotated)['refresh_token'] as string;
      expect((await call(`${url}/body/refresh`, refreshBody(first))).status).toBe(401);
      expect((await call(`${url}/body/refresh`, refreshBody(second))).status).toBe(401);
      expect((await call(`${url}/body/refresh`, refreshBody(42))).status).toBe(400);
      expect((await call(`${url}/body/refresh`, { method: 'POST' })).status).toBe(401);
      const third = jsonOf(
        await call(`${url}/body/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'dave', password: 'correct horse' }),
        }),
      )['refresh_token'] as string;
      expect((await call(`${url}/body/logout`, refreshBody(third))).status).toBe(204);
      expect((await call(`${url}/body/refresh`, refreshBody(third))).status).toBe(401);
    });
  });

  describe('Secure is decided by configuration, never by the Host header', () => {
    function loginWithHost(prefix: string, host: string): Promise<Answer> {
      return rawCall(
        `${url}${prefix}/login`,
        'POST',
        [
          ['Host', host],
          ['Content-Type', 'application/json'],
          ['X-Requested-With', 'fetch'],
        ],
        JSON.stringify({ username: 'erin', password: 'correct horse' }),
      );
    }

    it('secure: false (development over plain http) leaves out Secure on every host and drops the __Secure- prefix', async () => {
      const answer = await login('erin', '/dev');
      expect(attributesOf(answer, 'jwtkit-refresh')).toEqual(['Path=/dev', `Max-Age=${REFRESH_TTL}`, 'HttpOnly', 'SameSite=Strict']);
      issuedRefreshTokens.push(cookieOf(answer, 'jwtkit-refresh') as string);
      const publicHost = await loginWithHost('/dev', 'auth.example.com');
      expect(publicHost.status).toBe(200);
      expect(attributesOf(publicHost, 'jwtkit-refresh')).not.toContain('Secure');
      issuedRefreshTokens.push(cookieOf(publicHost, 'jwtkit-refresh') as string);
    });

    it('a loopback Host (a reverse proxy forwarding to 127.0.0.1) still gets Secure, with the deprecated insecureLoopback too', async () => {
      for (const host of [new URL(url).host, 'localhost', '[::1]:8080']) {
        const answer = await loginWithHost('/auth', host);
        expect(answer.status).toBe(200);
        expect(attributesOf(answer)).toContain('Secure');
        issuedRefreshTokens.push(cookieOf(answer) as string);
        // insecureLoopback: true now only keeps its unprefixed default name.
        const legacy = await loginWithHost('/legacy', host);
        expect(legacy.status).toBe(200);
        expect(attributesOf(legacy, 'jwtkit-refresh')).toEqual([
          'Path=/legacy',
          `Max-Age=${REFRESH_TTL}`,
          'HttpOnly',
          'Secure',
          'SameSite=Strict',
        ]);
        const token = cookieOf(legacy, 'jwtkit-refresh') as string;
        issuedRefreshTokens.push(token);
        const logout = await rawCall(`${url}/legacy/logout`, 'POST', [
          ['Host', host],
          ['Cookie', `jwtkit-refresh=${token}`],
          ['X-Requested-With', 'fetch'],
        ]);
        expect(logout.status).toBe(204);
        expect(attributesOf(logout, 'jwtkit-refresh')).toContain('Secure');
      }
    });
  });

  describe('without the custom CSRF header (csrf.requiredHeader: false)', () => {
    it('Origin, else a Referer of the own origin; none of the three: 403 ERR_CSRF, no cookie set, nothing rotated', async () => {
      const json = { 'content-type': 'application/json' };
      const credentials = JSON.stringify({ username: 'frank', password: 'correct horse' });
      noHeaderCodes.length = 0;
      for (const headers of [json, { ...json, referer: 'https://evil.test/sign-in' }, { ...json, referer: 'not a url' }]) {
        const answer = await call(`${url}/no-header/login`, { method: 'POST', headers, body: credentials });
        expect(answer.status, JSON.stringify(headers)).toBe(403);
        expect(jsonOf(answer)['error']).toBe('access_denied');
        expect(answer.setCookies).toEqual([]);
      }
      const viaReferer = await call(`${url}/no-header/login`, {
        method: 'POST',
        headers: { ...json, referer: `${url}/sign-in` },
        body: credentials,
      });
      expect(viaReferer.status).toBe(200);
      const current = cookieOf(viaReferer) as string;
      issuedRefreshTokens.push(current);
      const cookie = `${COOKIE}=${current}`;
      const refreshes: Array<Record<string, string>> = [
        { cookie },
        { cookie, referer: 'https://evil.test/' },
        { cookie, origin: 'https://evil.test', referer: `${url}/` },
      ];
      for (const headers of refreshes) {
        const answer = await call(`${url}/no-header/refresh`, { method: 'POST', headers });
        expect(answer.status, JSON.stringify(Object.keys(headers))).toBe(403);
        expect(answer.setCookies).toEqual([]);
      }
      expect(noHeaderCodes).toEqual(Array(6).fill('ERR_CSRF'));
      // Nothing was consumed: the token still rotates once, from the own origin.
      const refreshed = await call(`${url}/no-header/refresh`, { method: 'POST', headers: { cookie, origin: url } });
      expect(refreshed.status).toBe(200);
      issuedRefreshTokens.push(cookieOf(refreshed) as string);
    });
  });

  describe('JWKS document', () => {
    it('serves the public keys with Cache-Control, and only GET/HEAD', async () => {
      const answer = await call(`${url}/.well-known/jwks.json`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/jwk-set+json; charset=utf-8');
      expect(answer.headers.get('cache-control')).toBe('public, max-age=300');
      const jwks = jsonOf(answer) as { keys: Array<Record<string, unknown>> };
      expect(jwks).toEqual(ring.jwks());
      expect(jwks.keys.every((key) => !('d' in key))).toBe(true);
      const head = await call(`${url}/.well-known/jwks.json`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
      const post = await call(`${url}/.well-known/jwks.json`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    });
  });
});

describe('endpoint construction refuses misuse at once', () => {
  it('token service, verifyCredentials, transport, cookie and body-limit options', async () => {
    const tokens = createTokenService({ key: (await generateKeyPair('ES256')).privateKey, issuer: ISSUER, audience: AUDIENCE });
    const bad: Array<Partial<AuthEndpointsOptions>> = [
      { verifyCredentials },
      { tokens, verifyCredentials: undefined as never },
      { tokens, verifyCredentials, refreshTokenTransport: 'header' as never },
      { tokens, verifyCredentials, cookie: { name: 'bad name' } },
      { tokens, verifyCredentials, cookie: { path: 'auth' } },
      { tokens, verifyCredentials, cookie: { path: '/auth;Domain=evil' } },
      { tokens, verifyCredentials, cookie: { name: '__Host-rt', path: '/auth' } },
      { tokens, verifyCredentials, cookie: { name: '__Secure-rt', secure: false } },
      { tokens, verifyCredentials, cookie: { name: '__Host-rt', path: '/', secure: false } },
      { tokens, verifyCredentials, cookie: { secure: 'no' as never } },
      { tokens, verifyCredentials, cookie: { insecureLoopback: 'yes' as never } },
      // The deprecated name together with the new one, whatever the values.
      { tokens, verifyCredentials, cookie: { secure: false, insecureLoopback: true } },
      { tokens, verifyCredentials, cookie: { secure: true, insecureLoopback: false } },
      { tokens, verifyCredentials, csrf: { allowedOrigins: ['https://app.test/path'] } },
      { tokens, verifyCredentials, csrf: { requiredHeader: 'bad header' } },
      { tokens, verifyCredentials, maxBodyBytes: 0 },
      { tokens, verifyCredentials, realm: 'line\nbreak' },
    ];
    for (const options of bad) {
      let caught: unknown;
      try {
        createExpressEndpoints(options as AuthEndpointsOptions);
      } catch (error) {
        caught = error;
      }
      expect(isJwtError(caught, 'ERR_INVALID_OPTION'), JSON.stringify(Object.keys(options))).toBe(true);
    }
  });

  it('a JWKS document with private or symmetric keys is refused at construction, and 500 when it comes from a function', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const privateJwk = { ...privateKey.keyObject.export({ format: 'jwk' }), kid: 'k' };
    for (const create of [createExpressJwks, createFetchJwks]) {
      expect(() => create({ jwks: { keys: [privateJwk as never] } })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
      expect(() => create({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } })).toThrow(
        expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
      );
      expect(() => create({ jwks: 'nope' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
    const errors: unknown[] = [];
    const handler = createFetchJwks({ jwks: () => ({ keys: [privateJwk as never] }), onError: (error) => errors.push(error) });
    const response = await handler(new Request('http://127.0.0.1/.well-known/jwks.json'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toBe('{"error":"server_error"}');
    expect(isJwtError(errors[0], 'ERR_KEY_INVALID')).toBe(true);
  });
});

describe('a verifyCredentials that breaks its contract', () => {
  it('returning undefined or a bare value: 500, and onError gets ERR_INVALID_OPTION rather than a TypeError', async () => {
    const tokens = createTokenService({ key: (await generateKeyPair('ES256')).privateKey, issuer: ISSUER, audience: AUDIENCE });
    for (const identity of [undefined, 'alice', { subject: 7 }]) {
      const errors: unknown[] = [];
      const endpoints = createFetchEndpoints({
        tokens,
        verifyCredentials: () => identity as never,
        onError: (error) => errors.push(error),
      });
      const response = await endpoints.login(
        new Request('https://auth.test/auth/login', { method: 'POST', headers: JSON_HEADERS, body: '{}' }),
      );
      expect(response.status).toBe(500);
      expect(errors.map((error) => (isJwtError(error) ? error.code : error))).toEqual(['ERR_INVALID_OPTION']);
    }
  });
});

describe('no endpoint answer leaks', () => {
  it('no refresh token in any body or non-cookie header in cookie mode, and no stack trace anywhere', () => {
    expect(issuedRefreshTokens.length).toBeGreaterThan(40);
    const cookieModeAnswers = recordedAnswers.filter((answer) => !answer.body.includes('refresh_token'));
    const bodiesAndHeaders = cookieModeAnswers.map((answer) => ({ ...answer, setCookies: [] }));
    expect(findLeaks(bodiesAndHeaders, issuedRefreshTokens)).toEqual([]);
    expect(findLeaks(recordedAnswers, [])).toEqual([]);
  });
});
