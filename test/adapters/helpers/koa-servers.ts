/**
 * The shared route tables (resource-servers.ts, endpoint-servers.ts) on Koa 3 with jwtkit/koa, on
 * 127.0.0.1:0: each protected route as `authenticate(options)`, the requirement middleware and the
 * handler (which reads `ctx.state.auth`), dispatched by method and path as a router would; the
 * auth endpoints and the JWKS as middleware, once reading the bodies themselves and once behind a
 * body parser that works as koa-bodyparser does (`ctx.request.body` and `ctx.request.rawBody`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware, type ParameterizedContext } from 'koa';
import * as koaAdapter from '../../../src/adapters/koa/index.js';
import type { JwtAuthState, RequestAuth } from '../../../src/adapters/koa/index.js';
import { endpointSets, type EndpointServerFactory, type RunningEndpoints } from './endpoint-servers.js';
import { answerBody, type Guard, type ServerFactory } from './resource-servers.js';

const KINDS = [
  ['login', 'login'],
  ['refresh', 'refresh'],
  ['logout', 'logout'],
  ['logout-everywhere', 'logoutEverywhere'],
] as const;

function koaGuard(guard: Guard): Middleware {
  switch (guard.kind) {
    case 'scopes':
      return koaAdapter.requireScopes(guard.scopes);
    case 'roles':
      return koaAdapter.requireRoles(guard.roles);
    case 'equals':
      return koaAdapter.claimEquals(guard.claim, guard.expected);
    case 'includes':
      return koaAdapter.claimIncludes(guard.claim, guard.values);
    case 'check':
      return koaAdapter.claimCheck(guard.predicate);
  }
}

/** Runs `chain` in order, as koa-compose does. */
function run(chain: readonly Middleware[], ctx: ParameterizedContext, index = 0): Promise<void> {
  const middleware = chain[index];
  if (middleware === undefined) return Promise.resolve();
  return Promise.resolve(middleware(ctx, () => run(chain, ctx, index + 1)));
}

function listen(app: Koa<JwtAuthState> | Koa): Promise<RunningEndpoints> {
  const server: Server = createServer(app.callback());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Koa 3 with jwtkit/koa: `authenticate` and the requirement middleware on each route. */
export const startKoa: ServerFactory = async (routes) => {
  let count = 0;
  const app = new Koa<JwtAuthState>();
  const chains = routes.map((route) => {
    const chain: Middleware[] = [];
    if (route.options !== undefined) chain.push(koaAdapter.authenticate(route.options) as Middleware);
    if (route.guard !== undefined) chain.push(koaGuard(route.guard));
    chain.push((ctx) => {
      count += 1;
      ctx.set('content-type', 'application/json');
      ctx.body = answerBody((ctx.state as { auth?: RequestAuth }).auth);
    });
    return { route, chain };
  });
  app.use(async (ctx, next) => {
    const found = chains.find(({ route }) => route.path === ctx.path && route.method === ctx.method);
    if (found === undefined) return next();
    return run(found.chain, ctx);
  });
  const running = await listen(app);
  return { name: 'koa', url: running.url, handled: () => count, close: running.close };
};

/**
 * A body parser that works as koa-bodyparser does: JSON and form bodies are read (up to 1 MiB)
 * into `ctx.request.rawBody` and parsed into `ctx.request.body` (a form's repeated names into an
 * array), other bodies are left unread with `ctx.request.body = {}`; a body that is not JSON is a
 * 400 thrown to the app's error handling.
 */
const bodyParser: Middleware = async (ctx, next) => {
  const request = ctx.request as typeof ctx.request & { body?: unknown; rawBody?: string };
  const json = ctx.is('application/json', '+json') !== false;
  const form = ctx.is('application/x-www-form-urlencoded') !== false;
  if (!(json || form) || ctx.req.readableEnded) {
    request.body = {};
    return next();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_048_576) ctx.throw(413);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  request.rawBody = text;
  if (json) {
    try {
      request.body = text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      ctx.throw(400, 'invalid JSON');
    }
  } else {
    const parsed: Record<string, string | string[]> = {};
    for (const [name, value] of new URLSearchParams(text)) {
      const before = parsed[name];
      parsed[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
    }
    request.body = parsed;
  }
  return next();
};

function endpointsApp(setup: Parameters<EndpointServerFactory>[0], withBodyParser: boolean): Koa {
  const app = new Koa();
  const handlers = new Map<string, Middleware>();
  for (const [prefix, options] of endpointSets(setup)) {
    const endpoints = koaAdapter.createAuthEndpoints(options);
    for (const [path, kind] of KINDS) handlers.set(`${prefix}/${path}`, endpoints[kind]);
  }
  handlers.set('/.well-known/jwks.json', koaAdapter.createJWKSEndpoint(setup.jwks));
  if (withBodyParser) {
    // An application that runs a body parser owns its errors (bad JSON never reaches jwtkit).
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        ctx.status = (error as { status?: number }).status ?? 500;
        ctx.body = { error: 'invalid_request' };
      }
    });
    app.use(bodyParser);
  }
  app.use(async (ctx, next) => {
    const handler = handlers.get(ctx.path);
    return handler === undefined ? next() : handler(ctx, next);
  });
  return app;
}

/** Koa 3, no body parser: the endpoints read the bodies themselves. */
export const startKoaEndpoints: EndpointServerFactory = (setup) => listen(endpointsApp(setup, false));

/** Koa 3 with a koa-bodyparser-style parser in front: the endpoints use what it read. */
export const startKoaBodyParserEndpoints: EndpointServerFactory = (setup) => listen(endpointsApp(setup, true));
