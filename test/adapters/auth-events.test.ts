/**
 * `onAuthEvent` on every adapter (src/adapters/core/auth-events.ts): a refused request leaves a
 * trace on the server, with the code, a reason that names the fix, the status, the method and the
 * path without its query string, and never the token; the deprecated `onError` alias; the default
 * log when no hook is set (one line per refusal, rate-limited per code in production); Express's
 * `passErrors`; the refresh-cookie path warning of the auth endpoints. Reasons are checked only for
 * the names they must carry (an option, a header, an origin, a path), never for their wording.
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as expressAdapter from '../../src/adapters/express/index.js';
import type { AuthEndpointsOptions, AuthEvent, AuthenticateOptions, RequestRefusedEvent } from '../../src/adapters/express/index.js';
import * as fetchAdapter from '../../src/adapters/fetch/index.js';
import type { RequiredAuthenticateOptions } from '../../src/adapters/fetch/index.js';
import { createRemoteJWKS, createTokenService, generateKeyPair, generateSecret, isJwtError, JwtError, sign } from '../../src/index.js';
import type { BoundKey, KeyInput } from '../../src/index.js';
import { call } from './helpers/http-client.js';

const AUDIENCE = 'api';
const SECRET_QUERY = 'query-secret-value';
let privateKey: BoundKey;
let publicKey: KeyInput;
/** A valid access token (`typ: at+jwt`, audience `api`, scope `read`). */
let token: string;
/** Tokens that fail one check each. */
let otherAudience: string;
let untyped: string;

async function accessToken(audience: string, typ: string | undefined, scope = 'read'): Promise<string> {
  return sign({ sub: 'user-1', scope }, privateKey, { alg: 'EdDSA', audience, expiresIn: '5m', ...(typ === undefined ? {} : { typ }) });
}

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
  token = await accessToken(AUDIENCE, 'at+jwt');
  otherAudience = await accessToken('another-api', 'at+jwt');
  untyped = await accessToken(AUDIENCE, undefined);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function authOptions(events: AuthEvent[], extra: Partial<AuthenticateOptions> = {}): AuthenticateOptions {
  return {
    key: publicKey,
    verify: { algorithms: ['EdDSA'], audience: AUDIENCE, typ: 'at+jwt' },
    onAuthEvent: (event) => events.push(event),
    ...extra,
  };
}

/** The refusal events of a list, asserting that nothing else is in it. */
function refusals(events: readonly AuthEvent[]): RequestRefusedEvent[] {
  for (const event of events) expect(event.type).toBe('request_refused');
  return events as RequestRefusedEvent[];
}

/** An event without its `error`, as text: what a logger would write of its fields. */
function fieldsText(event: AuthEvent): string {
  const { error: _error, ...fields } = event as AuthEvent & { error?: unknown };
  return JSON.stringify(fields);
}

interface Running {
  url: string;
  close(): Promise<void>;
}

function serve(app: express.Express): Promise<Running> {
  return new Promise((resolve) => {
    const server: Server = createServer(app);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The same request through `authenticate` (Express, mounted at /api) and `authenticateRequest`: the events of each. */
async function refusedBoth(
  extra: Partial<AuthenticateOptions>,
  init: { method?: string; headers?: Record<string, string> },
  path = `/api/orders?access_token=${SECRET_QUERY}`,
): Promise<{ express: RequestRefusedEvent[]; fetch: RequestRefusedEvent[] }> {
  const expressEvents: AuthEvent[] = [];
  const app = express();
  const router = express.Router();
  router.all('/orders', (_req, res) => {
    res.json({ handled: true });
  });
  app.use('/api', expressAdapter.authenticate(authOptions(expressEvents, extra)), router);
  const running = await serve(app);
  try {
    const answer = await call(`${running.url}${path}`, init);
    expect(answer.status).toBeGreaterThanOrEqual(400);
  } finally {
    await running.close();
  }
  const fetchEvents: AuthEvent[] = [];
  const answer = await fetchAdapter.authenticateRequest(new Request(`https://api.test${path}`, init), authOptions(fetchEvents, extra));
  expect(answer).toBeInstanceOf(Response);
  return { express: refusals(expressEvents), fetch: refusals(fetchEvents) };
}

describe('request_refused from authenticate, authenticateRequest and withAuth', () => {
  it('a token for another audience: 401 ERR_JWT_CLAIM_INVALID, the reason names verify.audience, the path has no query, no token anywhere', async () => {
    const seen = await refusedBoth({}, { headers: { authorization: `Bearer ${otherAudience}` } });
    for (const [adapter, events] of Object.entries(seen)) {
      expect(events, adapter).toHaveLength(1);
      const event = events[0] as RequestRefusedEvent;
      expect({ source: event.source, code: event.code, status: event.status, method: event.method, path: event.path }).toEqual({
        source: 'authenticate',
        code: 'ERR_JWT_CLAIM_INVALID',
        status: 401,
        method: 'GET',
        path: '/api/orders',
      });
      expect(event.reason).toContain('verify.audience');
      expect(event.at).toBeInstanceOf(Date);
      expect(isJwtError(event.error, 'ERR_JWT_CLAIM_INVALID')).toBe(true);
      for (const secret of [otherAudience, ...otherAudience.split('.').slice(1), SECRET_QUERY]) {
        expect(fieldsText(event)).not.toContain(secret);
        expect((event.error as Error).message).not.toContain(secret);
      }
    }
    expect(seen.express[0]?.clientAddress).toBe('127.0.0.1');
  });

  it('a token without typ: ERR_JWT_TYPE_MISMATCH, the reason names verify.typ', async () => {
    const seen = await refusedBoth({}, { headers: { authorization: `Bearer ${untyped}` } });
    for (const events of Object.values(seen)) {
      expect(events.map((event) => [event.code, event.status])).toEqual([['ERR_JWT_TYPE_MISMATCH', 401]]);
      expect(events[0]?.reason).toContain('verify.typ');
    }
  });

  it('a key set that cannot be fetched: 503 ERR_JWKS_FETCH, the reason names createRemoteJWKS and the network error', async () => {
    const jwks = createRemoteJWKS('https://auth.test/jwks.json', {
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 10.0.0.9:443') });
      },
    });
    const events: AuthEvent[] = [];
    const handler = fetchAdapter.withAuth(authOptions(events, { key: jwks }), () => new Response('ok'));
    const answer = await handler(new Request('https://api.test/orders', { headers: { authorization: `Bearer ${token}` } }));
    expect(answer.status).toBe(503);
    const [event] = refusals(events);
    expect([event?.code, event?.status]).toEqual(['ERR_JWKS_FETCH', 503]);
    expect(event?.reason).toContain('createRemoteJWKS');
    expect(event?.reason).toContain('ECONNREFUSED');
  });

  it('no credentials: 401 ERR_CREDENTIALS_MISSING, the reason names the Authorization header and the access-token cookie', async () => {
    const seen = await refusedBoth({ cookie: 'at' }, {});
    for (const events of Object.values(seen)) {
      expect(events.map((event) => [event.code, event.status])).toEqual([['ERR_CREDENTIALS_MISSING', 401]]);
      expect(events[0]?.reason).toContain('Authorization');
      expect(events[0]?.reason).toContain('"at"');
    }
  });

  it('a missing scope: 403 ERR_INSUFFICIENT_SCOPE, the reason names the scope needed', async () => {
    const seen = await refusedBoth({ requiredScopes: ['orders:write'] }, { headers: { authorization: `Bearer ${token}` } });
    for (const events of Object.values(seen)) {
      expect(events.map((event) => [event.code, event.status])).toEqual([['ERR_INSUFFICIENT_SCOPE', 403]]);
      expect(events[0]?.reason).toContain('orders:write');
    }
  });

  it('CSRF, an origin not allowed: 403 ERR_CSRF, the reason names the origin and csrf.allowedOrigins', async () => {
    const seen = await refusedBoth(
      { cookie: 'at' },
      { method: 'POST', headers: { cookie: `at=${token}`, origin: 'https://app.example', 'x-requested-with': 'fetch' } },
    );
    for (const events of Object.values(seen)) {
      expect(events.map((event) => [event.code, event.status, event.method])).toEqual([['ERR_CSRF', 403, 'POST']]);
      expect(events[0]?.reason).toContain('https://app.example');
      expect(events[0]?.reason).toContain('csrf.allowedOrigins');
      expect(events[0]?.reason).toContain('trustedProxies');
    }
    const listed = await refusedBoth(
      { cookie: 'at', csrf: { allowedOrigins: ['https://app.example'] } },
      { method: 'POST', headers: { cookie: `at=${token}`, origin: 'https://evil.example', 'x-requested-with': 'fetch' } },
    );
    for (const events of Object.values(listed)) {
      expect(events[0]?.reason).toContain('https://evil.example');
      expect(events[0]?.reason).toContain('csrf.allowedOrigins');
    }
  });

  it('CSRF, the custom header missing: the reason names the header (X-Requested-With, or the configured one) and csrf.requiredHeader', async () => {
    const defaults = await refusedBoth({ cookie: 'at' }, { method: 'POST', headers: { cookie: `at=${token}` } });
    for (const events of Object.values(defaults)) {
      expect(events.map((event) => event.code)).toEqual(['ERR_CSRF']);
      expect(events[0]?.reason).toContain('X-Requested-With');
      expect(events[0]?.reason).toContain('csrf.requiredHeader');
    }
    const custom = await refusedBoth(
      { cookie: 'at', csrf: { requiredHeader: 'X-CSRF-Check' } },
      { method: 'POST', headers: { cookie: `at=${token}` } },
    );
    for (const events of Object.values(custom)) expect(events[0]?.reason).toContain('X-CSRF-Check');
  });

  it('a hook that throws, or returns a rejected promise, changes nothing', async () => {
    const throwing: AuthenticateOptions = {
      ...authOptions([]),
      onAuthEvent: () => {
        throw new Error('logger down');
      },
    };
    const rejecting: AuthenticateOptions = { ...authOptions([]), onAuthEvent: () => Promise.reject(new Error('logger down')) as never };
    for (const options of [throwing, rejecting]) {
      const answer = await fetchAdapter.authenticateRequest(new Request('https://api.test/'), options);
      expect((answer as Response).status).toBe(401);
    }
  });
});

describe('onError, the deprecated name', () => {
  it('still receives the error of each refusal', async () => {
    const errors: unknown[] = [];
    const options: AuthenticateOptions = { ...authOptions([]), onAuthEvent: undefined, onError: (error) => errors.push(error) };
    delete options.onAuthEvent;
    await fetchAdapter.authenticateRequest(new Request('https://api.test/'), options);
    await fetchAdapter.authenticateRequest(new Request('https://api.test/', { headers: { authorization: `Bearer ${untyped}` } }), options);
    expect(errors.map((error) => (isJwtError(error) ? error.code : error))).toEqual(['ERR_CREDENTIALS_MISSING', 'ERR_JWT_TYPE_MISMATCH']);
  });

  it('given with onAuthEvent: ERR_INVALID_OPTION naming both, on every adapter and the auth endpoints', async () => {
    const both = { ...authOptions([]), onError: () => undefined };
    const messages: string[] = [];
    const capture = (run: () => unknown): void => {
      try {
        run();
        messages.push('accepted');
      } catch (error) {
        messages.push(isJwtError(error, 'ERR_INVALID_OPTION') ? error.message : 'another error');
      }
    };
    capture(() => expressAdapter.authenticate(both));
    capture(() => fetchAdapter.withAuth(both, () => new Response()));
    const endpoints: AuthEndpointsOptions = {
      tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://auth.test', audience: AUDIENCE }),
      verifyCredentials: () => null,
      onAuthEvent: () => undefined,
      onError: () => undefined,
    };
    capture(() => expressAdapter.createAuthEndpoints(endpoints));
    capture(() => fetchAdapter.createAuthEndpoints(endpoints));
    await expect(fetchAdapter.authenticateRequest(new Request('https://api.test/'), both)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    expect(messages).toHaveLength(4);
    // Each alone is accepted: the refusal is for the two together.
    expect(() => expressAdapter.authenticate(authOptions([]))).not.toThrow();
    expect(() => expressAdapter.createAuthEndpoints({ ...endpoints, onError: undefined })).not.toThrow();
    expect(() => fetchAdapter.createAuthEndpoints({ ...endpoints, onAuthEvent: undefined })).not.toThrow();
    for (const message of messages) {
      expect(message).toContain('"onError"');
      expect(message).toContain('"onAuthEvent"');
    }
  });
});

describe('the requirement helpers', () => {
  it('report to the hook of the authentication that made the auth, or to their own; 403 ERR_INSUFFICIENT_SCOPE naming the scope', async () => {
    const inherited: AuthEvent[] = [];
    const own: AuthEvent[] = [];
    const request = (): Request =>
      new Request('https://api.test/items?x=1', { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    const viaAuth = fetchAdapter.withAuth(
      authOptions(inherited) as RequiredAuthenticateOptions,
      fetchAdapter.requireScopes(['items:write'], () => new Response('ok')),
    );
    expect((await viaAuth(request())).status).toBe(403);
    const viaOwn = fetchAdapter.withAuth(
      authOptions(inherited) as RequiredAuthenticateOptions,
      fetchAdapter.requireRoles(['admin'], () => new Response('ok'), { onAuthEvent: (event) => own.push(event) }),
    );
    expect((await viaOwn(request())).status).toBe(403);
    const [scopes] = refusals(inherited);
    expect(inherited).toHaveLength(1);
    expect({ source: scopes?.source, code: scopes?.code, status: scopes?.status, method: scopes?.method, path: scopes?.path }).toEqual({
      source: 'requirement',
      code: 'ERR_INSUFFICIENT_SCOPE',
      status: 403,
      method: 'DELETE',
      path: '/items',
    });
    expect(scopes?.reason).toContain('items:write');
    expect(refusals(own).map((event) => [event.source, event.code, event.status])).toEqual([
      ['requirement', 'ERR_INSUFFICIENT_SCOPE', 403],
    ]);
  });

  it('without authenticate before them: 401 ERR_CREDENTIALS_MISSING, the reason names authenticate (Express, on the full path)', async () => {
    const events: AuthEvent[] = [];
    const app = express();
    app.get('/api/items', expressAdapter.requireScopes(['read'], { onAuthEvent: (event) => events.push(event) }), (_req, res) => {
      res.json({});
    });
    const running = await serve(app);
    try {
      expect((await call(`${running.url}/api/items?page=2`)).status).toBe(401);
    } finally {
      await running.close();
    }
    const [event] = refusals(events);
    expect([event?.source, event?.code, event?.status, event?.path]).toEqual(['requirement', 'ERR_CREDENTIALS_MISSING', 401, '/api/items']);
    expect(event?.reason).toContain('authenticate');
    expect(event?.reason).toContain('requireScopes');
  });
});

describe('passErrors (jwtkit/express)', () => {
  it('hands each refusal to next(error): the JwtError with status and headers; the event is still reported', async () => {
    const events: AuthEvent[] = [];
    const passed: unknown[] = [];
    const app = express();
    app.use('/api', expressAdapter.authenticate(authOptions(events, { passErrors: true })));
    app.get('/api/write', expressAdapter.requireScopes(['write']), (_req, res) => {
      res.json({});
    });
    app.get('/api/default', (_req, res) => {
      res.json({});
    });
    app.use('/api/write', (error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      passed.push(error);
      res.status(418).json({ mine: true });
    });
    const running = await serve(app);
    try {
      // Express's own error handler reads status and headers: 401 with the challenge.
      const anonymous = await call(`${running.url}/api/default`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      expect((await call(`${running.url}/api/write`, { headers: { authorization: `Bearer ${untyped}` } })).status).toBe(418);
      expect((await call(`${running.url}/api/write`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(418);
    } finally {
      await running.close();
    }
    expect(passed.map((error) => [(error as { code?: string }).code, (error as { status?: number }).status])).toEqual([
      ['ERR_JWT_TYPE_MISMATCH', 401],
      ['ERR_INSUFFICIENT_SCOPE', 403],
    ]);
    expect((passed[0] as { headers: Record<string, string> }).headers['WWW-Authenticate']).toContain('error="invalid_token"');
    expect((passed[1] as { headers: Record<string, string> }).headers['WWW-Authenticate']).toContain('scope="write"');
    expect(refusals(events).map((event) => [event.source, event.code])).toEqual([
      ['authenticate', 'ERR_CREDENTIALS_MISSING'],
      ['authenticate', 'ERR_JWT_TYPE_MISMATCH'],
      ['requirement', 'ERR_INSUFFICIENT_SCOPE'],
    ]);
  });

  it('hands each request its own error: a failure shared by several requests is never written on', async () => {
    const shared = new JwtError('ERR_JWKS_FETCH', 'the key set could not be fetched');
    const passed: unknown[] = [];
    const app = express();
    app.use('/api', expressAdapter.authenticate(authOptions([], { passErrors: true, key: () => Promise.reject(shared) })));
    app.use('/api', (error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      passed.push(error);
      res.status(503).end();
    });
    const running = await serve(app);
    try {
      for (let round = 0; round < 2; round++) await call(`${running.url}/api/x`, { headers: { authorization: `Bearer ${token}` } });
    } finally {
      await running.close();
    }
    expect(passed).toHaveLength(2);
    expect(passed[0]).not.toBe(passed[1]);
    expect(passed.map((error) => (error as { code?: string }).code)).toEqual(['ERR_JWKS_FETCH', 'ERR_JWKS_FETCH']);
    expect(Object.hasOwn(shared, 'status')).toBe(false);
  });

  it('is refused by withAuth and authenticateRequest, which answer with a Response', async () => {
    const options = authOptions([], { passErrors: true });
    expect(() => expressAdapter.authenticate(options)).not.toThrow();
    expect(() => fetchAdapter.withAuth(options, () => new Response())).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    await expect(fetchAdapter.authenticateRequest(new Request('https://api.test/'), options)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    expect(() => expressAdapter.authenticate(authOptions([], { passErrors: 'yes' as never }))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

describe('the default log, when no onAuthEvent is set', () => {
  function quietOptions(): AuthenticateOptions {
    const options = authOptions([]);
    delete options.onAuthEvent;
    return options;
  }

  it('writes one console.warn line per refusal while NODE_ENV is not production, naming the code and the path, never the token', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const handler = fetchAdapter.withAuth(quietOptions(), () => new Response('ok'));
    const headers = { authorization: `Bearer ${otherAudience}` };
    await handler(new Request(`https://api.test/orders?access_token=${SECRET_QUERY}`, { headers }));
    await handler(new Request('https://api.test/orders', { headers }));
    await handler(new Request('https://api.test/orders'));
    expect(await (await handler(new Request('https://api.test/orders', { headers: { authorization: `Bearer ${token}` } }))).text()).toBe(
      'ok',
    );
    expect(warn).toHaveBeenCalledTimes(3);
    const lines = warn.mock.calls.map(([line]) => String(line));
    for (const line of lines) {
      expect(line.startsWith('[jwtkit] ')).toBe(true);
      expect(line).toContain('GET /orders');
      expect(line).not.toContain(otherAudience.split('.')[1]);
      expect(line).not.toContain(SECRET_QUERY);
    }
    expect(lines.map((line) => /ERR_[A-Z_]+/.exec(line)?.[0])).toEqual([
      'ERR_JWT_CLAIM_INVALID',
      'ERR_JWT_CLAIM_INVALID',
      'ERR_CREDENTIALS_MISSING',
    ]);
  });

  it('in production: at most one line per code per minute, then one with the count, kept by timestamps', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.UTC(2100, 0, 1);
    vi.setSystemTime(start);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const handler = fetchAdapter.withAuth(quietOptions(), () => new Response('ok'));
    const malformed = (): Promise<Response> =>
      handler(new Request('https://api.test/orders', { headers: { authorization: 'Bearer abc' } }));
    for (let index = 0; index < 5; index++) await malformed();
    await handler(new Request('https://api.test/orders')); // another code: a line of its own
    vi.setSystemTime(start + 59_000);
    await malformed();
    expect(warn.mock.calls.map(([line]) => /ERR_[A-Z_]+/.exec(String(line))?.[0])).toEqual([
      'ERR_JWT_MALFORMED',
      'ERR_CREDENTIALS_MISSING',
    ]);
    vi.setSystemTime(start + 60_000);
    await malformed();
    expect(warn).toHaveBeenCalledTimes(3);
    const last = String(warn.mock.calls[2]?.[0]);
    expect(last).toContain('ERR_JWT_MALFORMED');
    // The six refusals of that code since its previous line, this one included.
    expect(last).toMatch(/\b6\b/);
  });

  it('is replaced by a hook: onAuthEvent: () => {} logs nothing; a successful login logs nothing', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await fetchAdapter.authenticateRequest(new Request('https://api.test/'), { ...quietOptions(), onAuthEvent: () => {} });
    const endpoints = fetchAdapter.createAuthEndpoints({
      tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://auth.test', audience: AUDIENCE }),
      refreshTokenTransport: 'body',
      verifyCredentials: () => ({ subject: 'user-1' }),
    });
    const login = await endpoints.login(
      new Request('https://auth.test/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    );
    expect(login.status).toBe(200);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('the auth endpoints', () => {
  const JSON_POST = { 'content-type': 'application/json', 'x-requested-with': 'fetch' };

  function endpointOptions(events: AuthEvent[], extra: Partial<AuthEndpointsOptions> = {}): AuthEndpointsOptions {
    return {
      tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://auth.test', audience: AUDIENCE }),
      verifyCredentials: ({ password }) => (password === 'right' ? { subject: 'user-1' } : null),
      onAuthEvent: (event) => events.push(event),
      ...extra,
    };
  }

  function post(url: string, body?: unknown, headers: Record<string, string> = {}): Request {
    return new Request(url, {
      method: 'POST',
      headers: { ...JSON_POST, ...headers },
      body: body === undefined ? null : JSON.stringify(body),
    });
  }

  it('report login_succeeded with the subject, login_failed with ERR_CREDENTIALS_INVALID, request_refused for the rest', async () => {
    const events: AuthEvent[] = [];
    const endpoints = fetchAdapter.createAuthEndpoints(endpointOptions(events));
    expect((await endpoints.login(post('https://auth.test/auth/login', { password: 'right' }))).status).toBe(200);
    expect((await endpoints.login(post('https://auth.test/auth/login?next=/x', { password: 'wrong' }))).status).toBe(401);
    expect((await endpoints.refresh(post('https://auth.test/auth/refresh'))).status).toBe(401);
    expect((await endpoints.logoutEverywhere(post('https://auth.test/auth/logout-everywhere'))).status).toBe(401);
    expect(
      events.map((event) => ({
        type: event.type,
        source: event.source,
        path: event.path,
        code: 'code' in event ? event.code : undefined,
        status: 'status' in event ? event.status : undefined,
        subject: 'subject' in event ? event.subject : undefined,
      })),
    ).toEqual([
      { type: 'login_succeeded', source: 'login', path: '/auth/login', code: undefined, status: undefined, subject: 'user-1' },
      { type: 'login_failed', source: 'login', path: '/auth/login', code: 'ERR_CREDENTIALS_INVALID', status: 401, subject: undefined },
      { type: 'request_refused', source: 'refresh', path: '/auth/refresh', code: 'ERR_REFRESH_INVALID', status: 401, subject: undefined },
      {
        type: 'request_refused',
        source: 'logout_everywhere',
        path: '/auth/logout-everywhere',
        code: 'ERR_CREDENTIALS_MISSING',
        status: 401,
        subject: undefined,
      },
    ]);
    // A refresh without its cookie, at a path the cookie covers: the reason says why it may be missing, without a path warning.
    expect((events[2] as RequestRefusedEvent).reason).toContain('cookie.path');
  });

  it('a CSRF refusal of the refresh endpoint names the missing header and the option', async () => {
    const events: AuthEvent[] = [];
    const endpoints = fetchAdapter.createAuthEndpoints(endpointOptions(events, { csrf: { requiredHeader: 'X-From-App' } }));
    expect((await endpoints.refresh(new Request('https://auth.test/auth/refresh', { method: 'POST' }))).status).toBe(403);
    const [event] = refusals(events);
    expect([event?.source, event?.code, event?.status]).toEqual(['refresh', 'ERR_CSRF', 403]);
    expect(event?.reason).toContain('X-From-App');
    expect(event?.reason).toContain('csrf.requiredHeader');
  });

  describe('the refresh cookie path', () => {
    /** Express: the endpoints on a router mounted at `/api/auth`, as many apps do. */
    async function mountedUnderApi(options: AuthEndpointsOptions): Promise<Running> {
      const endpoints = expressAdapter.createAuthEndpoints(options);
      const router = express.Router();
      router.post('/login', endpoints.login);
      router.post('/refresh', endpoints.refresh);
      router.post('/logout', endpoints.logout);
      const app = express();
      app.use('/api/auth', router);
      return serve(app);
    }

    it('endpoints at /api/auth/* with the default Path=/auth: warned at the first login (never refused) and at each refresh or logout without the cookie', async () => {
      const events: AuthEvent[] = [];
      const running = await mountedUnderApi(endpointOptions(events));
      try {
        const body = JSON.stringify({ password: 'right' });
        expect((await call(`${running.url}/api/auth/login`, { method: 'POST', headers: JSON_POST, body })).status).toBe(200);
        expect((await call(`${running.url}/api/auth/login`, { method: 'POST', headers: JSON_POST, body })).status).toBe(200);
        expect((await call(`${running.url}/api/auth/refresh?x=1`, { method: 'POST', headers: JSON_POST })).status).toBe(401);
        expect((await call(`${running.url}/api/auth/logout`, { method: 'POST', headers: JSON_POST })).status).toBe(204);
      } finally {
        await running.close();
      }
      const warnings = events.filter((event) => event.type === 'cookie_path_mismatch');
      expect(warnings.map((event) => [event.source, event.cookiePath, event.endpointPath, event.path])).toEqual([
        ['login', '/auth', '/api/auth/login', '/api/auth/login'],
        ['refresh', '/auth', '/api/auth/refresh', '/api/auth/refresh'],
        ['logout', '/auth', '/api/auth/logout', '/api/auth/logout'],
      ]);
      for (const warning of warnings) {
        expect(warning.reason).toContain('cookie.path');
        expect(warning.reason).toContain(warning.endpointPath);
        expect(warning.reason).toContain("'/api/auth'");
        expect(warning.reason).toContain('publicPathPrefix');
      }
      // The refusal itself says so too: it is not an expired session.
      const refused = events.filter((event): event is RequestRefusedEvent => event.type === 'request_refused');
      expect(refused.map((event) => [event.source, event.code])).toEqual([['refresh', 'ERR_REFRESH_INVALID']]);
      expect(refused[0]?.reason).toContain('/api/auth/refresh');
      expect(refused[0]?.reason).toContain('cookie.path');
    });

    it('no warning when cookie.path covers the endpoints', async () => {
      const events: AuthEvent[] = [];
      const running = await mountedUnderApi(endpointOptions(events, { cookie: { path: '/api/auth' } }));
      try {
        const body = JSON.stringify({ password: 'right' });
        expect((await call(`${running.url}/api/auth/login`, { method: 'POST', headers: JSON_POST, body })).status).toBe(200);
        expect((await call(`${running.url}/api/auth/refresh`, { method: 'POST', headers: JSON_POST })).status).toBe(401);
      } finally {
        await running.close();
      }
      expect(events.map((event) => event.type)).toEqual(['login_succeeded', 'request_refused']);
    });

    it('publicPathPrefix: the prefix a proxy strips is put in front of the path the server sees', async () => {
      const login = (): Request => post('https://internal.test/auth/login', { password: 'right' });
      const refresh = (): Request => post('https://internal.test/auth/refresh');
      // Browsers call /api/auth/*, the proxy strips /api: the cookie must be scoped to /api/auth.
      const covered: AuthEvent[] = [];
      const proxied = fetchAdapter.createAuthEndpoints(
        endpointOptions(covered, { cookie: { path: '/api/auth' }, publicPathPrefix: '/api' }),
      );
      await proxied.login(login());
      await proxied.refresh(refresh());
      expect(covered.map((event) => event.type)).toEqual(['login_succeeded', 'request_refused']);
      // The same proxy with the default Path=/auth: warned, with the public path.
      const missed: AuthEvent[] = [];
      const wrong = fetchAdapter.createAuthEndpoints(endpointOptions(missed, { publicPathPrefix: '/api' }));
      expect((await wrong.login(login())).status).toBe(200);
      await wrong.refresh(refresh());
      expect(
        missed.flatMap((event) => (event.type === 'cookie_path_mismatch' ? [[event.source, event.endpointPath, event.path]] : [])),
      ).toEqual([
        ['login', '/api/auth/login', '/auth/login'],
        ['refresh', '/api/auth/refresh', '/auth/refresh'],
      ]);
    });

    it('publicPathPrefix must be a path without a trailing slash', () => {
      expect(() => fetchAdapter.createAuthEndpoints(endpointOptions([], { publicPathPrefix: '/api/v1' }))).not.toThrow();
      for (const publicPathPrefix of ['api', '/api/', '/a?b', '/a b', 7]) {
        expect(() => fetchAdapter.createAuthEndpoints(endpointOptions([], { publicPathPrefix: publicPathPrefix as string }))).toThrow(
          expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
        );
      }
    });

    it('the body transport has no cookie: no warning', async () => {
      const events: AuthEvent[] = [];
      const endpoints = fetchAdapter.createAuthEndpoints(endpointOptions(events, { refreshTokenTransport: 'body' }));
      await endpoints.login(post('https://auth.test/api/auth/login', { password: 'right' }));
      await endpoints.refresh(post('https://auth.test/api/auth/refresh', {}));
      expect(events.map((event) => event.type)).toEqual(['login_succeeded', 'request_refused']);
    });
  });
});
