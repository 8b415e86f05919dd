/**
 * One table of protected routes, mounted identically on four real servers listening on
 * 127.0.0.1:0: Express 5 and Express 4 (jwtkit/express), Node's own `http` server (jwtkit/express
 * middleware called by hand) and Hono through @hono/node-server (jwtkit/fetch). The suites run the
 * same requests against each, so the two adapters are shown to behave identically.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import express4 from 'express4';
import { Hono } from 'hono';
import * as expressAdapter from '../../../src/adapters/express/index.js';
import type { AuthenticateOptions, Middleware, RequestAuth } from '../../../src/adapters/express/index.js';
import * as fetchAdapter from '../../../src/adapters/fetch/index.js';
import type { AuthenticatedHandler } from '../../../src/adapters/fetch/index.js';
import type { JwtClaims } from '../../../src/index.js';
import { startFastify, startFastifyPlugin } from './fastify-servers.js';
import { startHonoAdapter } from './hono-servers.js';
import { startKoa } from './koa-servers.js';

/** An authorization helper applied after authentication. */
export type Guard =
  | { kind: 'scopes'; scopes: string[] }
  | { kind: 'roles'; roles: string[] }
  | { kind: 'equals'; claim: string; expected: string }
  | { kind: 'includes'; claim: string; values: string[] }
  | { kind: 'check'; predicate: (payload: JwtClaims) => boolean };

/** A protected route: `options` for the authentication step (none: the guard runs alone). */
export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
  options?: AuthenticateOptions;
  guard?: Guard;
}

/** A running server and how many requests reached the route handlers. */
export interface RunningServer {
  name: string;
  url: string;
  handled(): number;
  close(): Promise<void>;
}

export type ServerFactory = (routes: readonly RouteSpec[]) => Promise<RunningServer>;

interface Counter {
  count: number;
}

export function answerBody(auth: RequestAuth | undefined): string {
  return JSON.stringify({ handled: true, sub: auth?.payload.sub ?? null, scope: auth?.payload['scope'] ?? null });
}

function expressGuard(guard: Guard): Middleware {
  switch (guard.kind) {
    case 'scopes':
      return expressAdapter.requireScopes(guard.scopes);
    case 'roles':
      return expressAdapter.requireRoles(guard.roles);
    case 'equals':
      return expressAdapter.claimEquals(guard.claim, guard.expected);
    case 'includes':
      return expressAdapter.claimIncludes(guard.claim, guard.values);
    case 'check':
      return expressAdapter.claimCheck(guard.predicate);
  }
}

function fetchGuard(guard: Guard, handler: AuthenticatedHandler): AuthenticatedHandler {
  switch (guard.kind) {
    case 'scopes':
      return fetchAdapter.requireScopes(guard.scopes, handler);
    case 'roles':
      return fetchAdapter.requireRoles(guard.roles, handler);
    case 'equals':
      return fetchAdapter.claimEquals(guard.claim, guard.expected, handler);
    case 'includes':
      return fetchAdapter.claimIncludes(guard.claim, guard.values, handler);
    case 'check':
      return fetchAdapter.claimCheck(guard.predicate, handler);
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

function middlewaresFor(route: RouteSpec): Middleware[] {
  const chain: Middleware[] = [];
  if (route.options !== undefined) chain.push(expressAdapter.authenticate(route.options));
  if (route.guard !== undefined) chain.push(expressGuard(route.guard));
  return chain;
}

function expressFactory(name: string, createApp: typeof express): ServerFactory {
  return async (routes) => {
    const counter: Counter = { count: 0 };
    const app = createApp();
    for (const route of routes) {
      const final = (req: expressAdapter.AuthRequest, res: ServerResponse): void => {
        counter.count += 1;
        res.setHeader('content-type', 'application/json');
        res.end(answerBody(req.auth));
      };
      if (route.method === 'GET') app.get(route.path, ...middlewaresFor(route), final);
      else app.post(route.path, ...middlewaresFor(route), final);
    }
    const server = createServer(app);
    const url = await listen(server);
    return { name, url, handled: () => counter.count, close: closer(server) };
  };
}

/** Express 5 with jwtkit/express. */
export const startExpress5: ServerFactory = expressFactory('express 5', express);

/** Express 4 with jwtkit/express. */
export const startExpress4: ServerFactory = expressFactory('express 4', express4);

/** Node's own http server with the jwtkit/express middleware chained by hand. */
export const startNodeHttp: ServerFactory = async (routes) => {
  const counter: Counter = { count: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = routes.find((candidate) => candidate.path === path && candidate.method === req.method);
    if (route === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const chain = middlewaresFor(route);
    const run = (index: number): void => {
      const middleware = chain[index];
      if (middleware === undefined) {
        counter.count += 1;
        res.setHeader('content-type', 'application/json');
        res.end(answerBody((req as expressAdapter.AuthRequest).auth));
        return;
      }
      middleware(req, res, (error?: unknown) => {
        if (error !== undefined) {
          res.statusCode = 500;
          res.end('next(error) was called');
          return;
        }
        run(index + 1);
      });
    };
    run(0);
  });
  const url = await listen(server);
  return { name: 'node:http', url, handled: () => counter.count, close: closer(server) };
};

/** Hono through @hono/node-server, with jwtkit/fetch. */
export const startHono: ServerFactory = async (routes) => {
  const counter: Counter = { count: 0 };
  const app = new Hono();
  for (const route of routes) {
    const final: AuthenticatedHandler = (_request, auth) => {
      counter.count += 1;
      return new Response(answerBody(auth as RequestAuth | undefined), { headers: { 'content-type': 'application/json' } });
    };
    const guarded = route.guard === undefined ? final : fetchGuard(route.guard, final);
    const handler =
      route.options === undefined
        ? (request: Request) => guarded(request, undefined as unknown as RequestAuth)
        : fetchAdapter.withAuth(route.options as AuthenticateOptions, guarded as fetchAdapter.OptionalAuthHandler);
    if (route.method === 'GET') app.get(route.path, (c) => handler(c.req.raw));
    else app.post(route.path, (c) => handler(c.req.raw));
  }
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  const url = await listen(server);
  return { name: 'hono (fetch)', url, handled: () => counter.count, close: closer(server) };
};

/** The four servers, for `describe.each`. */
export const SERVER_FACTORIES: ReadonlyArray<[string, ServerFactory]> = [
  ['express 5', startExpress5],
  ['express 4', startExpress4],
  ['node:http', startNodeHttp],
  ['hono (fetch)', startHono],
  ['fastify', startFastify],
  ['fastify (jwtAuth plugin)', startFastifyPlugin],
  ['hono', startHonoAdapter],
  ['koa', startKoa],
];
