/**
 * The shared route tables (resource-servers.ts, endpoint-servers.ts) on Hono 4 with jwtkit/hono,
 * served by @hono/node-server on 127.0.0.1:0: each protected route as `authenticate(options)`, the
 * requirement middleware and the handler (which reads `c.get('auth')`), and the auth endpoints
 * and the JWKS as Hono handlers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import * as honoAdapter from '../../../src/adapters/hono/index.js';
import type { JwtAuthEnv, RequestAuth } from '../../../src/adapters/hono/index.js';
import { endpointSets, type EndpointServerFactory, type RunningEndpoints } from './endpoint-servers.js';
import { answerBody, type Guard, type ServerFactory } from './resource-servers.js';

const KINDS = [
  ['login', 'login'],
  ['refresh', 'refresh'],
  ['logout', 'logout'],
  ['logout-everywhere', 'logoutEverywhere'],
] as const;

function honoGuard(guard: Guard): MiddlewareHandler {
  switch (guard.kind) {
    case 'scopes':
      return honoAdapter.requireScopes(guard.scopes);
    case 'roles':
      return honoAdapter.requireRoles(guard.roles);
    case 'equals':
      return honoAdapter.claimEquals(guard.claim, guard.expected);
    case 'includes':
      return honoAdapter.claimIncludes(guard.claim, guard.values);
    case 'check':
      return honoAdapter.claimCheck(guard.predicate);
  }
}

function listen(app: Hono<JwtAuthEnv> | Hono): Promise<RunningEndpoints> {
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false, createServer }) as Server;
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

/** Hono with jwtkit/hono: `authenticate` and the requirement middleware on each route. */
export const startHonoAdapter: ServerFactory = async (routes) => {
  let count = 0;
  const app = new Hono<JwtAuthEnv>();
  for (const route of routes) {
    const chain: MiddlewareHandler[] = [];
    if (route.options !== undefined) chain.push(honoAdapter.authenticate(route.options));
    if (route.guard !== undefined) chain.push(honoGuard(route.guard));
    // Registered one by one: Hono runs the handlers of one method and path in this order.
    for (const middleware of chain) app.on(route.method, route.path, middleware);
    app.on(route.method, route.path, (c) => {
      count += 1;
      return c.body(answerBody(c.get('auth') as RequestAuth | undefined), 200, { 'content-type': 'application/json' });
    });
  }
  const running = await listen(app);
  return { name: 'hono', url: running.url, handled: () => count, close: running.close };
};

/** Hono with the jwtkit/hono endpoint handlers. */
export const startHonoAdapterEndpoints: EndpointServerFactory = (setup) => {
  const app = new Hono();
  for (const [prefix, options] of endpointSets(setup)) {
    const endpoints = honoAdapter.createAuthEndpoints(options);
    for (const [path, kind] of KINDS) app.all(`${prefix}/${path}`, endpoints[kind]);
  }
  app.all('/.well-known/jwks.json', honoAdapter.createJWKSEndpoint(setup.jwks));
  return listen(app);
};
