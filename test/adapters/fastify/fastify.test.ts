/**
 * What jwtkit/fastify adds to the shared route tables (test/adapters/helpers/fastify-servers.ts):
 * the `jwtAuth` plugin's request decorator and scope, per-route hooks, getAuth, passErrors into
 * Fastify's error handling, refusal events, and the auth endpoints plugin's own body parsing next
 * to the application's parsers, body limit and error handler. With `fastify.inject`, and on
 * 127.0.0.1:0 for what needs a socket (a stalled body).
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authenticate,
  createAuthEndpoints,
  createJWKSEndpoint,
  getAuth,
  jwtAuth,
  requireAnyScope,
  requireRoles,
  requireScopes,
  type AuthEndpointsOptions,
  type AuthEvent,
  type AuthenticateOptions,
  type RequestRefusedEvent,
} from '../../../src/adapters/fastify/index.js';
import { createTokenService, generateKeyPair, generateSecret, isJwtError, sign } from '../../../src/index.js';
import type { BoundKey, KeyInput } from '../../../src/index.js';

const AUDIENCE = 'api';
let privateKey: BoundKey;
let publicKey: KeyInput;
let token: string;
let admin: string;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
  token = await sign({ sub: 'user-1', scope: 'read' }, privateKey, { alg: 'EdDSA', audience: AUDIENCE, expiresIn: '5m' });
  admin = await sign({ sub: 'root', scope: 'read write', roles: ['admin'] }, privateKey, {
    alg: 'EdDSA',
    audience: AUDIENCE,
    expiresIn: '5m',
  });
});

function authOptions(events: AuthEvent[] = [], extra: Partial<AuthenticateOptions> = {}): AuthenticateOptions {
  return {
    key: publicKey,
    verify: { algorithms: ['EdDSA'], audience: AUDIENCE },
    onAuthEvent: (event) => events.push(event),
    ...extra,
  };
}

function bearer(value: string): Record<string, string> {
  return { authorization: `Bearer ${value}` };
}

describe('the jwtAuth plugin', () => {
  it('authenticates the scope it is registered in, and declares request.auth there', async () => {
    const app = Fastify();
    const seen: Array<[string, boolean, unknown]> = [];
    app.register(
      async (api) => {
        api.register(jwtAuth(authOptions()));
        api.get('/me', async (request) => {
          seen.push(['/api/me', Object.hasOwn(request, 'auth'), getAuth(request).payload.sub]);
          return { user: getAuth(request).payload.sub };
        });
      },
      { prefix: '/api' },
    );
    app.get('/public', async (request) => {
      seen.push(['/public', 'auth' in request, request.auth]);
      return { public: true };
    });
    const anonymous = await app.inject({ method: 'GET', url: '/api/me' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    const allowed = await app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json()).toEqual({ user: 'user-1' });
    // Outside the scope: no authentication, and request.auth is declared (undefined).
    const open = await app.inject({ method: 'GET', url: '/public' });
    expect(open.statusCode).toBe(200);
    expect(seen).toEqual([
      ['/api/me', true, 'user-1'],
      ['/public', false, undefined],
    ]);
    await app.close();
  });

  it('is not encapsulated (skip-override): registered on the root, it guards every route; twice in nested scopes, it does not throw', async () => {
    const app = Fastify();
    app.register(jwtAuth(authOptions()));
    app.get('/a', async (request) => ({ declared: Object.hasOwn(request, 'auth'), user: getAuth(request).payload.sub }));
    app.register(async (inner) => {
      inner.register(jwtAuth(authOptions([], { requiredRoles: ['admin'] })));
      inner.get('/b', async () => ({ inner: true }));
    });
    expect((await app.inject({ method: 'GET', url: '/a' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/a', headers: bearer(token) })).json()).toEqual({ declared: true, user: 'user-1' });
    expect((await app.inject({ method: 'GET', url: '/b', headers: bearer(token) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/b', headers: bearer(admin) })).statusCode).toBe(200);
    await app.close();
  });

  it('checks its options at once', () => {
    expect(() => jwtAuth({ key: publicKey, verify: { algorithms: ['EdDSA'] } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => authenticate({ ...authOptions(), requestProperty: 'user' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => requireScopes([])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    // The hooks run at onRequest, before any body is parsed: a body token could never be read.
    expect(() => authenticate({ ...authOptions(), allowBodyToken: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => jwtAuth({ ...authOptions(), allowBodyToken: true })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});

describe('per-route hooks', () => {
  let app: FastifyInstance;
  let runs = 0;
  const events: AuthEvent[] = [];

  beforeAll(async () => {
    app = Fastify();
    const auth = authenticate(authOptions(events));
    const handler = async (): Promise<{ ok: boolean }> => {
      runs += 1;
      return { ok: true };
    };
    app.get('/read', { onRequest: auth }, handler);
    app.get('/write', { onRequest: authenticate(authOptions(events, { requiredScopes: ['write'] })) }, handler);
    app.post('/admin', { onRequest: [auth, requireRoles(['admin'])] }, handler);
    app.get('/reports', { onRequest: [auth, requireAnyScope(['reports', 'write'])] }, handler);
    app.get('/optional', { onRequest: authenticate(authOptions(events, { credentialsRequired: false })) }, async (request) => {
      try {
        getAuth(request);
        return { anonymous: false };
      } catch (error) {
        return { anonymous: true, code: isJwtError(error) ? error.code : 'other' };
      }
    });
    app.get('/unguarded', async (request) => {
      getAuth(request);
      return {};
    });
    await app.ready();
  });

  afterAll(() => app.close());

  it('answers RFC 6750 refusals through the reply, before the body and the handler', async () => {
    runs = 0;
    events.length = 0;
    const write = await app.inject({ method: 'GET', url: '/write', headers: bearer(token) });
    expect(write.statusCode).toBe(403);
    expect(write.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(write.headers['www-authenticate']).toContain('scope="write"');
    expect(write.headers['cache-control']).toBe('no-store');
    expect(write.json()).toMatchObject({ error: 'insufficient_scope', scope: 'write' });
    const malformed = await app.inject({ method: 'GET', url: '/read', headers: { authorization: `Bearer ${token} x` } });
    expect(malformed.statusCode).toBe(400);
    // A refused POST is answered before its (unparsable) body is read.
    const admin403 = await app.inject({
      method: 'POST',
      url: '/admin',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(admin403.statusCode).toBe(403);
    const forged = await app.inject({ method: 'GET', url: '/read', headers: bearer(`${token}x`) });
    expect(forged.statusCode).toBe(401);
    expect(forged.body).not.toContain('at ');
    expect(runs).toBe(0);
    expect(events.map((event) => [event.type, (event as RequestRefusedEvent).code])).toEqual([
      ['request_refused', 'ERR_INSUFFICIENT_SCOPE'],
      ['request_refused', 'ERR_REQUEST_INVALID'],
      ['request_refused', 'ERR_INSUFFICIENT_SCOPE'],
      ['request_refused', expect.stringMatching(/^ERR_/)],
    ]);
    expect((await app.inject({ method: 'GET', url: '/read', headers: bearer(token) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/admin', headers: bearer(admin) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/reports', headers: bearer(admin) })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/reports', headers: bearer(token) })).statusCode).toBe(403);
  });

  it('getAuth: ERR_CREDENTIALS_MISSING for an allowed anonymous request, a 500 where no hook ran', async () => {
    expect((await app.inject({ method: 'GET', url: '/optional' })).json()).toEqual({ anonymous: true, code: 'ERR_CREDENTIALS_MISSING' });
    expect((await app.inject({ method: 'GET', url: '/optional', headers: bearer(token) })).json()).toEqual({ anonymous: false });
    const unguarded = await app.inject({ method: 'GET', url: '/unguarded', headers: bearer(token) });
    expect(unguarded.statusCode).toBe(500);
    expect(unguarded.json()['code']).toBe('ERR_INVALID_OPTION');
  });
});

describe('passErrors', () => {
  it("hands the refusal to Fastify's error handling with status and headers; the default handler answers with them", async () => {
    const events: AuthEvent[] = [];
    const passed: unknown[] = [];
    const app = Fastify();
    const auth = authenticate(authOptions(events, { passErrors: true }));
    app.get('/default', { onRequest: auth }, async () => ({}));
    app.register(async (scope) => {
      scope.setErrorHandler((error, _request, reply) => {
        passed.push(error);
        return reply.code(418).send({ mine: true });
      });
      scope.get('/mine', { onRequest: [auth, requireScopes(['write'])] }, async () => ({}));
    });
    const anonymous = await app.inject({ method: 'GET', url: '/default' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect((await app.inject({ method: 'GET', url: '/mine', headers: bearer(token) })).statusCode).toBe(418);
    expect((await app.inject({ method: 'GET', url: '/mine' })).statusCode).toBe(418);
    expect(passed.map((error) => [(error as { code?: string }).code, (error as { status?: number }).status])).toEqual([
      ['ERR_INSUFFICIENT_SCOPE', 403],
      ['ERR_CREDENTIALS_MISSING', 401],
    ]);
    expect((passed[0] as { headers: Record<string, string> }).headers['WWW-Authenticate']).toContain('scope="write"');
    expect(events).toHaveLength(3);
    await app.close();
  });
});

describe('the auth endpoints plugin', () => {
  let app: FastifyInstance;
  let appErrors = 0;
  const endpointErrors: unknown[] = [];

  function endpointOptions(extra: Partial<AuthEndpointsOptions> = {}): AuthEndpointsOptions {
    return {
      tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://issuer.test', audience: AUDIENCE }),
      refreshTokenTransport: 'body',
      verifyCredentials: ({ username, password }) => (username === 'ada' && password === 'pw' ? { subject: 'ada' } : null),
      onError: (error) => endpointErrors.push(error),
      ...extra,
    } as AuthEndpointsOptions;
  }

  beforeAll(async () => {
    app = Fastify({ bodyLimit: 1024 });
    app.setErrorHandler((_error, _request, reply) => {
      appErrors += 1;
      return reply.code(418).send({ error: 'app error handler' });
    });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, { form: body });
    });
    app.post('/echo', async (request) => ({ body: request.body }));
    app.register(createAuthEndpoints(endpointOptions()), { prefix: '/tokens' });
    app.register(createAuthEndpoints(endpointOptions({ bodyTimeout: 0.2 })), { prefix: '/slow' });
    app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: { keys: [] } }));
    await app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    app.server.closeAllConnections();
    await app.close();
  });

  it('honours the prefix, and reads JSON and the form grant itself, past the app bodyLimit and beside its parsers', async () => {
    appErrors = 0;
    const padding = 'x'.repeat(4000);
    const login = await app.inject({
      method: 'POST',
      url: '/tokens/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'ada', password: 'pw', padding }),
    });
    expect(login.statusCode).toBe(200);
    const refreshToken = login.json()['refresh_token'] as string;
    const form = await app.inject({
      method: 'POST',
      url: '/tokens/refresh',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`,
    });
    expect(form.statusCode).toBe(200);
    expect(form.json()['token_type']).toBe('Bearer');
    expect((await app.inject({ method: 'POST', url: '/login', payload: {} })).statusCode).toBe(404);
    // The app's own parsers, body limit and error handler are untouched.
    expect((await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } })).json()).toEqual({ body: { a: 1 } });
    const formEcho = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    expect(formEcho.json()).toEqual({ body: { form: 'a=1' } });
    const tooLarge = await app.inject({ method: 'POST', url: '/echo', payload: { padding } });
    expect(tooLarge.statusCode).toBe(418);
    expect(appErrors).toBe(1);
  });

  it("answers malformed requests itself, without the app's error handler: 405, 415, 400, 413", async () => {
    appErrors = 0;
    const get = await app.inject({ method: 'GET', url: '/tokens/login' });
    expect(get.statusCode).toBe(405);
    expect(get.headers['allow']).toBe('POST');
    const text = await app.inject({ method: 'POST', url: '/tokens/login', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
    const broken = await app.inject({
      method: 'POST',
      url: '/tokens/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'invalid_request' });
    const huge = await app.inject({
      method: 'POST',
      url: '/tokens/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'ada', password: 'x'.repeat(200_000) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['connection']).toBe('close');
    expect(appErrors).toBe(0);
  });

  it('a body that stalls: 408, Connection: close, and the server closes the socket (on 127.0.0.1)', async () => {
    const port = (app.server.address() as AddressInfo).port;
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /slow/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"username":`,
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('the server did not close the connection')), 5000);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      socket.destroy();
    });
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(received.toLowerCase()).toContain('connection: close');
    expect(endpointErrors.some((error) => isJwtError(error, 'ERR_REQUEST_TIMEOUT'))).toBe(true);
  });

  it('serves the JWKS as a GET route (HEAD included)', async () => {
    const get = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('application/jwk-set+json; charset=utf-8');
    expect(get.json()).toEqual({ keys: [] });
    const head = await app.inject({ method: 'HEAD', url: '/.well-known/jwks.json' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('certificate-bound tokens (RFC 8705) on an https Fastify server', () => {
  const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/certificates/${name}`, import.meta.url));
  const X5T_CLIENT_1 = 'Fkz5ozcLNiDcpxEJ-1IEuAYXX1oL7npyH41wHIYamTM';
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = Fastify({
      https: {
        key: fixture('server.key'),
        cert: fixture('server.pem'),
        ca: fixture('ca.pem'),
        requestCert: true,
        rejectUnauthorized: false,
      },
    });
    app.get('/', { onRequest: authenticate(authOptions()) }, async () => 'ok');
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });

  afterAll(() => app.close());

  function tlsGet(authorization: string, client?: 'client-1' | 'client-2'): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          ca: fixture('ca.pem'),
          headers: { authorization },
          agent: false,
          ...(client === undefined ? {} : { key: fixture(`${client}.key`), cert: fixture(`${client}.pem`) }),
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('accepts the token only with the client certificate it is bound to', async () => {
    const bound = await sign({ sub: 'user-1', cnf: { 'x5t#S256': X5T_CLIENT_1 } }, privateKey, {
      alg: 'EdDSA',
      audience: AUDIENCE,
      expiresIn: '5m',
    });
    expect(await tlsGet(`Bearer ${bound}`, 'client-1')).toBe(200);
    expect(await tlsGet(`Bearer ${bound}`, 'client-2')).toBe(401);
    expect(await tlsGet(`Bearer ${bound}`)).toBe(401);
    expect(await tlsGet(`Bearer ${token}`, 'client-2')).toBe(200);
  });
});
