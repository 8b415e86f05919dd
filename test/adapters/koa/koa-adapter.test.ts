/**
 * jwtkit/koa beyond the shared route tables (test/adapters/helpers/koa-servers.ts): `getAuth` and
 * its codes, `ctx.state.auth` read as an own member only, `passErrors` (refusals thrown to the
 * app's error handling with `status` and `headers`), the original URL of a mounted app
 * (`ctx.originalUrl`: the DPoP `htu` and the events' path), and bodies a body parser read first.
 * Koa 3 on 127.0.0.1:0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as koaAdapter from '../../../src/adapters/koa/index.js';
import type { AuthenticateOptions, AuthEvent } from '../../../src/adapters/koa/index.js';
import {
  MemoryRefreshTokenStore,
  createTokenService,
  generateKeyPair,
  generateSecret,
  isJwtError,
  sign,
  thumbprint,
} from '../../../src/index.js';
import { makeProof, NOW_CLOCK, proofKeyPair, publicJwk, tokenHash } from '../../dpop/helpers.js';
import { call, jsonOf, rawCall } from '../helpers/http-client.js';

let options: AuthenticateOptions;
let token: string;
const events: AuthEvent[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  options = { key: pair.publicKey, verify: { algorithms: ['EdDSA'], audience: 'api' }, onAuthEvent: (event) => events.push(event) };
  token = await sign({ sub: 'user-1', scope: 'read' }, pair.privateKey, { alg: 'EdDSA', audience: 'api', expiresIn: '5m' });
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(app: Koa): Promise<string> {
  const server = createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A route: `chain` for `path` (exact), as a router would dispatch it. */
function route(path: string, ...chain: Middleware[]): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== path) return next();
    const run = async (index: number): Promise<void> => {
      const middleware = chain[index];
      if (middleware !== undefined) await middleware(ctx, () => run(index + 1));
    };
    return run(0);
  };
}

/** Answers with getAuth's subject, or the code it threw. */
const answer: Middleware = (ctx) => {
  try {
    const auth = koaAdapter.getAuth<{ scope: string }>(ctx);
    ctx.body = { sub: auth.payload.sub, scope: auth.payload.scope, same: auth === (ctx.state as { auth?: unknown }).auth };
  } catch (error) {
    ctx.body = { code: isJwtError(error) ? error.code : 'not a JwtError' };
  }
};

const forge: Middleware = async (ctx, next) => {
  (ctx.state as { auth?: unknown }).auth = { payload: { sub: 'admin', scope: 'read write' }, header: { alg: 'none' }, token: 'x' };
  await next();
};

describe('getAuth and ctx.state.auth', () => {
  it('returns the auth authenticate set; throws with a code where it did not run, for an anonymous request, and for a replaced auth', async () => {
    const app = new Koa();
    app.use(route('/early', answer));
    app.use(route('/me', koaAdapter.authenticate(options), answer));
    app.use(route('/optional', koaAdapter.authenticate({ ...options, credentialsRequired: false }), answer));
    app.use(route('/replaced', koaAdapter.authenticate(options), forge, answer));
    app.use(route('/forged', forge, answer));
    const url = await serve(app);
    const bearer = { authorization: `Bearer ${token}` };
    expect(jsonOf(await call(`${url}/me`, { headers: bearer }))).toEqual({ sub: 'user-1', scope: 'read', same: true });
    expect(jsonOf(await call(`${url}/early`, { headers: bearer }))).toEqual({ code: 'ERR_INVALID_OPTION' });
    expect(jsonOf(await call(`${url}/optional`))).toEqual({ code: 'ERR_CREDENTIALS_MISSING' });
    expect(jsonOf(await call(`${url}/optional`, { headers: bearer }))).toMatchObject({ sub: 'user-1' });
    expect(jsonOf(await call(`${url}/replaced`, { headers: bearer }))).toEqual({ code: 'ERR_INVALID_OPTION' });
    expect(jsonOf(await call(`${url}/forged`))).toEqual({ code: 'ERR_INVALID_OPTION' });
  });

  it('the requirement middleware refuses an auth that authenticate did not make (401), own or inherited', async () => {
    const app = new Koa();
    const inherit: Middleware = async (ctx, next) => {
      ctx.state = Object.create({ auth: { payload: { sub: 'admin', scope: 'write' }, header: { alg: 'none' } } }) as object;
      await next();
    };
    const ok: Middleware = (ctx) => {
      ctx.body = { ok: true };
    };
    app.use(route('/forged', forge, koaAdapter.requireScopes(['write']), ok));
    app.use(route('/inherited', inherit, koaAdapter.requireScopes(['write']), ok));
    app.use(route('/granted', koaAdapter.authenticate(options), koaAdapter.requireScopes(['read']), ok));
    const url = await serve(app);
    for (const path of ['/forged', '/inherited']) {
      const refused = await call(`${url}${path}`);
      expect(refused.status, path).toBe(401);
      expect(refused.headers.get('www-authenticate'), path).toBe('Bearer realm="api"');
    }
    expect((await call(`${url}/granted`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

describe('passErrors: refusals go to the app error handling', () => {
  it('throws a JwtError with status and headers; Koa answers with them, and an error middleware sees the code', async () => {
    const passing = { ...options, passErrors: true };
    const seen: unknown[] = [];
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx, next) => {
      if (ctx.path !== '/handled') return next();
      try {
        await next();
      } catch (error) {
        seen.push(error);
        ctx.status = (error as { status: number }).status;
        ctx.body = { code: isJwtError(error) ? error.code : 'not a JwtError' };
      }
    });
    app.use(route('/handled', koaAdapter.authenticate(passing), koaAdapter.requireScopes(['write']), answer));
    app.use(route('/default', koaAdapter.authenticate(passing), answer));
    const url = await serve(app);

    const missing = await call(`${url}/handled`);
    expect([missing.status, jsonOf(missing)]).toEqual([401, { code: 'ERR_CREDENTIALS_MISSING' }]);
    expect((seen[0] as { headers: Record<string, string> }).headers['WWW-Authenticate']).toBe('Bearer realm="api"');
    const scope = await call(`${url}/handled`, { headers: { authorization: `Bearer ${token}` } });
    expect([scope.status, jsonOf(scope)]).toEqual([403, { code: 'ERR_INSUFFICIENT_SCOPE' }]);

    // Koa's own ctx.onerror: the status and the challenge, the error's message (a client error is
    // `expose`d, the http-errors convention), no stack, no token.
    const byKoa = await call(`${url}/default`, { headers: { authorization: 'Bearer abc' } });
    expect(byKoa.status).toBe(401);
    expect(byKoa.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(byKoa.body).not.toMatch(/\n\s+at |abc/);
  });

  it("a refusal is not logged with its stack by Koa's default app.onerror (a client error is exposed)", async () => {
    const app = new Koa();
    app.use(route('/notes', koaAdapter.authenticate({ ...options, passErrors: true }), answer));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const url = await serve(app);
      const refused = await call(`${url}/notes`);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });
});

describe('a mounted app: the original URL', () => {
  it('reports the path of ctx.originalUrl and compares the DPoP htu with it, not the rewritten ctx.path', async () => {
    const secret = generateSecret('HS256');
    const jkt = thumbprint(publicJwk(proofKeyPair('ES256').publicKey) as Parameters<typeof thumbprint>[0]);
    const bound = await sign({ sub: 'user-1', cnf: { jkt } }, secret, { alg: 'HS256', audience: 'api', expiresIn: '5m', clock: NOW_CLOCK });
    const app = new Koa();
    // What koa-mount does under '/api': the mounted app sees ctx.path without the prefix.
    app.use(async (ctx, next) => {
      if (!ctx.path.startsWith('/api/')) return next();
      ctx.path = ctx.path.slice('/api'.length);
      await next();
    });
    app.use(
      route(
        '/orders',
        koaAdapter.authenticate({
          key: secret,
          verify: { algorithms: ['HS256'], audience: 'api', clock: NOW_CLOCK },
          dpop: { mode: 'allowed', origins: ['http://api.example'], replayCache: false, clock: NOW_CLOCK },
          onAuthEvent: (event) => events.push(event),
        }),
        (ctx) => {
          ctx.body = { ok: true };
        },
      ),
    );
    const url = await serve(app);
    const proof = (htu: string): string => makeProof({ claims: { htu, ath: tokenHash(bound) } });
    const headers = (htu: string): Record<string, string> => ({ host: 'api.example', authorization: `DPoP ${bound}`, dpop: proof(htu) });
    const asHeaders = (record: Record<string, string>): Array<[string, string]> => Object.entries(record);
    expect((await rawCall(`${url}/api/orders`, 'GET', asHeaders(headers('http://api.example/api/orders')))).status).toBe(200);
    events.length = 0;
    const relative = await rawCall(`${url}/api/orders`, 'GET', asHeaders(headers('http://api.example/orders')));
    expect(relative.status).toBe(401);
    expect(events.map((event) => [event.type, 'path' in event ? event.path : undefined, 'code' in event ? event.code : undefined])).toEqual(
      [['request_refused', '/api/orders', 'ERR_DPOP_PROOF_INVALID']],
    );
  });
});

describe('bodies a body parser read first', () => {
  async function endpointsBehind(parser: Middleware): Promise<string> {
    const tokens = createTokenService({
      key: (await generateKeyPair('EdDSA')).privateKey,
      issuer: 'https://auth.test',
      audience: 'api',
      store: new MemoryRefreshTokenStore(),
    });
    const auth = koaAdapter.createAuthEndpoints({
      tokens,
      verifyCredentials: ({ username, password }) => (username === 'ada' && password === 'pw' ? { subject: 'ada' } : null),
      refreshTokenTransport: 'body',
      cookie: { path: '/body' },
      onAuthEvent: () => undefined,
    });
    const app = new Koa();
    app.use(parser);
    app.use(route('/body/login', auth.login));
    return serve(app);
  }

  /** Reads the body as a parser that keeps no text would (koa-body without includeUnparsed). */
  const parsedOnly =
    (parse: (text: string) => unknown): Middleware =>
    async (ctx, next) => {
      let text = '';
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) text += chunk.toString('utf8');
      (ctx.request as { body?: unknown }).body = parse(text);
      await next();
    };

  const login = (url: string, contentType: string, body: string) =>
    call(`${url}/body/login`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('accepts a JSON object a parser left on ctx.request.body', async () => {
    const url = await endpointsBehind(parsedOnly((text) => JSON.parse(text) as unknown));
    const answer = await login(url, 'application/json', JSON.stringify({ username: 'ada', password: 'pw' }));
    expect(answer.status).toBe(200);
    expect(jsonOf(answer)['token_type']).toBe('Bearer');
  });

  it('refuses a parsed body of another media type (415), and a body read with nothing left (400)', async () => {
    const form = await endpointsBehind(parsedOnly((text) => Object.fromEntries(new URLSearchParams(text))));
    expect((await login(form, 'application/x-www-form-urlencoded', 'username=ada&password=pw')).status).toBe(415);
    const nothing = await endpointsBehind(parsedOnly(() => undefined));
    const answer = await login(nothing, 'application/json', JSON.stringify({ username: 'ada', password: 'pw' }));
    expect([answer.status, jsonOf(answer)['error']]).toEqual([400, 'invalid_request']);
  });

  it('holds a rawBody the parser kept to maxBodyBytes (413, connection closed)', async () => {
    const url = await endpointsBehind(async (ctx, next) => {
      let text = '';
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) text += chunk.toString('utf8');
      Object.assign(ctx.request, { rawBody: text, body: JSON.parse(text) as unknown });
      await next();
    });
    const answer = await login(url, 'application/json', JSON.stringify({ username: 'ada', password: 'x'.repeat(20_000) }));
    expect(answer.status).toBe(413);
    expect(answer.headers.get('connection')).toBe('close');
  });
});

describe('allowBodyToken: the access token in a form body a parser read (RFC 6750 §2.2)', () => {
  it('reads access_token from ctx.request.body, own members only; a token in two places is 400', async () => {
    const app = new Koa();
    app.use(async (ctx, next) => {
      let text = '';
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) text += chunk.toString('utf8');
      const parsed: Record<string, string> = Object.fromEntries(new URLSearchParams(text));
      (ctx.request as { body?: unknown }).body = ctx.path === '/inherited' ? Object.create(parsed) : parsed;
      await next();
    });
    const ok: Middleware = (ctx) => {
      ctx.body = { sub: koaAdapter.getAuth(ctx).payload.sub };
    };
    const withBody = koaAdapter.authenticate({ ...options, allowBodyToken: true });
    app.use(route('/notes', withBody, ok));
    app.use(route('/inherited', withBody, ok));
    const url = await serve(app);
    const post = (path: string, headers: Record<string, string> = {}) =>
      call(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: `access_token=${token}&text=hi`,
      });
    expect(jsonOf(await post('/notes'))).toEqual({ sub: 'user-1' });
    expect((await post('/inherited')).status).toBe(401);
    expect((await post('/notes', { authorization: `Bearer ${token}` })).status).toBe(400);
  });
});

describe('construction', () => {
  it('refuses unknown options at once', () => {
    const codeOf = (make: () => unknown): string => {
      try {
        make();
        return 'returned';
      } catch (error) {
        return isJwtError(error) ? error.code : 'not a JwtError';
      }
    };
    expect(codeOf(() => koaAdapter.authenticate({ ...options, secret: 'x' } as AuthenticateOptions))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => koaAdapter.requireScopes([]))).toBe('ERR_INVALID_OPTION');
    expect(
      codeOf(() => koaAdapter.authenticate({ ...options, trustedProxies: { addresses: ['10.0.0.0/8'], clientAddress: () => '1' } })),
    ).toBe('ERR_INVALID_OPTION');
  });
});
