/**
 * The auth endpoints mounted identically on Express 5 (no body parser), Express 4 (with
 * `express.json()` in front, so bodies arrive pre-parsed), Node's own http server
 * (jwtkit/express handlers called directly) and Hono (jwtkit/fetch), on 127.0.0.1:0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import express4 from 'express4';
import { Hono } from 'hono';
import * as expressAdapter from '../../../src/adapters/express/index.js';
import type { AuthEndpointsOptions, JWKSEndpointOptions } from '../../../src/adapters/express/index.js';
import * as fetchAdapter from '../../../src/adapters/fetch/index.js';
import { startFastifyEndpoints } from './fastify-servers.js';
import { startHonoAdapterEndpoints } from './hono-servers.js';
import { startKoaBodyParserEndpoints, startKoaEndpoints } from './koa-servers.js';

/** The endpoint sets a server mounts: `/<set>/login`, `/<set>/refresh`, ... and the JWKS. */
export interface EndpointSetup {
  /** Cookie transport, default cookie (Secure, `__Secure-` name), mounted under `/auth`. */
  cookie: AuthEndpointsOptions;
  /** Body transport, mounted under `/body`. */
  body: AuthEndpointsOptions;
  /** Cookie transport with `secure: false` (development over plain http), mounted under `/dev`. */
  dev: AuthEndpointsOptions;
  /** Cookie transport with the deprecated `insecureLoopback: true`, mounted under `/legacy` when given. */
  legacy?: AuthEndpointsOptions;
  /** Cookie transport without the custom CSRF header (`csrf.requiredHeader: false`), mounted under `/no-header` when given. */
  noHeader?: AuthEndpointsOptions;
  /** Served at `/.well-known/jwks.json`. */
  jwks: JWKSEndpointOptions;
  /** More endpoint sets, each mounted under `/<its name>`. */
  more?: Readonly<Record<string, AuthEndpointsOptions>>;
}

export interface RunningEndpoints {
  url: string;
  close(): Promise<void>;
}

export type EndpointServerFactory = (setup: EndpointSetup) => Promise<RunningEndpoints>;

const KINDS = [
  ['login', 'login'],
  ['refresh', 'refresh'],
  ['logout', 'logout'],
  ['logout-everywhere', 'logoutEverywhere'],
] as const;
const SETS = ['cookie', 'body', 'dev', 'noHeader', 'legacy'] as const;
const PREFIX: Readonly<Record<(typeof SETS)[number], string>> = {
  cookie: '/auth',
  body: '/body',
  dev: '/dev',
  noHeader: '/no-header',
  legacy: '/legacy',
};

/** Every endpoint set of a setup with the path prefix it is mounted under. */
export function endpointSets(setup: EndpointSetup): Array<[prefix: string, options: AuthEndpointsOptions]> {
  const sets: Array<[string, AuthEndpointsOptions]> = [];
  for (const set of SETS) {
    const options = setup[set];
    if (options !== undefined) sets.push([PREFIX[set], options]);
  }
  for (const [name, options] of Object.entries(setup.more ?? {})) sets.push([`/${name}`, options]);
  return sets;
}

function listen(server: Server): Promise<RunningEndpoints> {
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

/** Every path → its jwtkit/express handler. */
function nodeHandlers(setup: EndpointSetup): Map<string, expressAdapter.RequestHandler> {
  const handlers = new Map<string, expressAdapter.RequestHandler>();
  for (const [prefix, options] of endpointSets(setup)) {
    const endpoints = expressAdapter.createAuthEndpoints(options);
    for (const [path, kind] of KINDS) handlers.set(`${prefix}/${path}`, endpoints[kind]);
  }
  handlers.set('/.well-known/jwks.json', expressAdapter.createJWKSEndpoint(setup.jwks));
  return handlers;
}

/** Express 5, no body parser: the handlers read the bodies themselves. */
export const startExpress5Endpoints: EndpointServerFactory = (setup) => {
  const app = express();
  for (const [path, handler] of nodeHandlers(setup)) app.all(path, handler);
  return listen(createServer(app));
};

/** Express 4 with `express.json()` in front: the handlers use the parsed body. */
export const startExpress4Endpoints: EndpointServerFactory = (setup) => {
  const app = express4();
  app.use(express4.json());
  for (const [path, handler] of nodeHandlers(setup)) app.all(path, handler);
  // An application that runs express.json() owns the errors of that parser (bad JSON never reaches
  // jwtkit): without its own error handler Express would print the parser's stack trace.
  app.use((error: { status?: number }, _req: unknown, res: { status(code: number): { json(body: unknown): void } }, _next: unknown) => {
    res.status(error.status ?? 500).json({ error: 'invalid_request' });
  });
  return listen(createServer(app));
};

/** Node's http server calling the jwtkit/express handlers directly. */
export const startNodeEndpoints: EndpointServerFactory = (setup) => {
  const handlers = nodeHandlers(setup);
  return listen(
    createServer((req, res) => {
      const handler = handlers.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (handler === undefined) {
        res.statusCode = 404;
        res.end();
        return;
      }
      handler(req, res);
    }),
  );
};

/** Hono with jwtkit/fetch. */
export const startHonoEndpoints: EndpointServerFactory = (setup) => {
  const app = new Hono();
  for (const [prefix, options] of endpointSets(setup)) {
    const endpoints = fetchAdapter.createAuthEndpoints(options);
    for (const [path, kind] of KINDS) app.all(`${prefix}/${path}`, (c) => endpoints[kind](c.req.raw));
  }
  const jwks = fetchAdapter.createJWKSEndpoint(setup.jwks);
  app.all('/.well-known/jwks.json', (c) => jwks(c.req.raw));
  return listen(createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server);
};

export const ENDPOINT_SERVER_FACTORIES: ReadonlyArray<[string, EndpointServerFactory]> = [
  ['express 5', startExpress5Endpoints],
  ['express 4 + express.json()', startExpress4Endpoints],
  ['node:http', startNodeEndpoints],
  ['hono (fetch)', startHonoEndpoints],
  ['fastify', startFastifyEndpoints],
  ['hono', startHonoAdapterEndpoints],
  ['koa', startKoaEndpoints],
  ['koa + a body parser', startKoaBodyParserEndpoints],
];
