/**
 * jwtkit/hono beyond the shared route tables (test/adapters/helpers/hono-servers.ts): `getAuth` and
 * its codes, an `auth` variable that `authenticate` did not make, the documented pattern with a
 * sub-app (`app.route`), the refusal events, the 413 of the endpoints (the connection is not kept),
 * and the options refused at construction. Through Hono's `app.request`.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import * as honoAdapter from '../../../src/adapters/hono/index.js';
import type { AuthenticateOptions, AuthEvent, JwtAuthEnv } from '../../../src/adapters/hono/index.js';
import { MemoryRefreshTokenStore, createTokenService, generateKeyPair, isJwtError, sign } from '../../../src/index.js';

let options: AuthenticateOptions;
let token: string;
const events: AuthEvent[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  options = { key: pair.publicKey, verify: { algorithms: ['EdDSA'], audience: 'api' }, onAuthEvent: (event) => events.push(event) };
  token = await sign({ sub: 'user-1', scope: 'read' }, pair.privateKey, { alg: 'EdDSA', audience: 'api', expiresIn: '5m' });
});

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'returned';
  } catch (error) {
    return isJwtError(error) ? error.code : 'not a JwtError';
  }
}

const forge: MiddlewareHandler<JwtAuthEnv> = async (c, next) => {
  c.set('auth', { payload: { sub: 'admin', scope: 'read write' }, header: { alg: 'none' }, token: 'x' });
  await next();
};

const bearer = (): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

describe('getAuth and c.get("auth")', () => {
  it('returns the auth authenticate set; throws with a code where it did not run, for an anonymous request, and for a replaced auth', async () => {
    const app = new Hono<JwtAuthEnv<{ scope: string }>>();
    const answer = (c: Parameters<MiddlewareHandler<JwtAuthEnv<{ scope: string }>>>[0]): Response => {
      const code = codeOf(() => honoAdapter.getAuth(c));
      if (code !== 'returned') return c.json({ code });
      const auth = honoAdapter.getAuth<{ scope: string }>(c);
      return c.json({ sub: auth.payload.sub, scope: auth.payload.scope, same: auth === c.get('auth') });
    };
    app.get('/api/early', answer);
    app.use('/api/*', honoAdapter.authenticate(options));
    app.get('/api/me', answer);
    app.get('/optional', honoAdapter.authenticate({ ...options, credentialsRequired: false }), answer);
    app.get('/replaced', honoAdapter.authenticate(options), forge, answer);
    app.get('/forged', forge, answer);
    expect(await (await app.request('/api/me', bearer())).json()).toEqual({ sub: 'user-1', scope: 'read', same: true });
    expect(await (await app.request('/api/early', bearer())).json()).toEqual({ code: 'ERR_INVALID_OPTION' });
    expect(await (await app.request('/optional')).json()).toEqual({ code: 'ERR_CREDENTIALS_MISSING' });
    expect(await (await app.request('/optional', bearer())).json()).toMatchObject({ sub: 'user-1' });
    expect(await (await app.request('/replaced', bearer())).json()).toEqual({ code: 'ERR_INVALID_OPTION' });
    expect(await (await app.request('/forged')).json()).toEqual({ code: 'ERR_INVALID_OPTION' });
    expect(codeOf(() => honoAdapter.getAuth(undefined as never))).toBe('ERR_INVALID_OPTION');
  });

  it('the requirement middleware refuses an auth that authenticate did not make (401)', async () => {
    const app = new Hono<JwtAuthEnv>();
    app.get('/forged', forge, honoAdapter.requireScopes(['write']), (c) => c.json({ ok: true }));
    const refused = await app.request('/forged');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });
});

describe('the documented pattern', () => {
  it('a sub-app under app.route: authenticate on its routes, requireScopes on one, events with the full path', async () => {
    const api = new Hono<JwtAuthEnv<{ scope: string }>>();
    api.use('*', honoAdapter.authenticate(options));
    api.get('/me', (c) => c.json({ user: c.get('auth').payload.sub }));
    api.post('/orders', honoAdapter.requireScopes(['orders:write']), (c) => c.json({ created: true }, 201));
    const app = new Hono();
    app.route('/api', api);
    expect(await (await app.request('/api/me', bearer())).json()).toEqual({ user: 'user-1' });
    events.length = 0;
    const anonymous = await app.request('/api/me');
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="api"']);
    const scope = await app.request('/api/orders', { method: 'POST', ...bearer() });
    expect(scope.status).toBe(403);
    expect(scope.headers.get('www-authenticate')).toContain('scope="orders:write"');
    expect(events.map((event) => [event.type, 'source' in event ? event.source : '', 'path' in event ? event.path : ''])).toEqual([
      ['request_refused', 'authenticate', '/api/me'],
      ['request_refused', 'requirement', '/api/orders'],
    ]);
  });
});

describe('the endpoints', () => {
  it('answer a body over maxBodyBytes with 413 and Connection: close (the rest of the body is not read)', async () => {
    const tokens = createTokenService({
      key: (await generateKeyPair('EdDSA')).privateKey,
      issuer: 'https://auth.test',
      audience: 'api',
      store: new MemoryRefreshTokenStore(),
    });
    const auth = honoAdapter.createAuthEndpoints({
      tokens,
      verifyCredentials: () => null,
      refreshTokenTransport: 'body',
      maxBodyBytes: 1024,
      onAuthEvent: () => undefined,
    });
    const app = new Hono();
    app.post('/auth/login', auth.login);
    const big = await app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada', password: 'x'.repeat(4096) }),
    });
    expect([big.status, big.headers.get('connection')]).toEqual([413, 'close']);
    const small = await app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada', password: 'x' }),
    });
    expect([small.status, small.headers.get('connection')]).toEqual([401, null]);
  });
});

describe('construction', () => {
  it('refuses passErrors (Hono answers with a Response), allowBodyToken (no parsed body) and unknown options at once', () => {
    expect(codeOf(() => honoAdapter.authenticate({ ...options, passErrors: true }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => honoAdapter.authenticate({ ...options, allowBodyToken: true }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => honoAdapter.authenticate({ ...options, secret: 'x' } as AuthenticateOptions))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => honoAdapter.requireScopes([]))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => honoAdapter.createAuthEndpoints({} as never))).toBe('ERR_INVALID_OPTION');
  });
});
