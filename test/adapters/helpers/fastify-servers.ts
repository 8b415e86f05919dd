/**
 * The shared route tables (resource-servers.ts, endpoint-servers.ts) on Fastify 5 with
 * jwtkit/fastify, on 127.0.0.1:0: the protected routes once with the per-route `onRequest` hooks
 * and once with the `jwtAuth` plugin registered in a scope per route, and the auth endpoints as
 * plugins registered under their prefix, next to an application JSON parser and error handler of
 * its own that the endpoints must not use.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import * as fastifyAdapter from '../../../src/adapters/fastify/index.js';
import type { AuthHook } from '../../../src/adapters/fastify/index.js';
import { endpointSets, type EndpointServerFactory } from './endpoint-servers.js';
import { answerBody, type Guard, type RouteSpec, type ServerFactory } from './resource-servers.js';

function fastifyGuard(guard: Guard): AuthHook {
  switch (guard.kind) {
    case 'scopes':
      return fastifyAdapter.requireScopes(guard.scopes);
    case 'roles':
      return fastifyAdapter.requireRoles(guard.roles);
    case 'equals':
      return fastifyAdapter.claimEquals(guard.claim, guard.expected);
    case 'includes':
      return fastifyAdapter.claimIncludes(guard.claim, guard.values);
    case 'check':
      return fastifyAdapter.claimCheck(guard.predicate);
  }
}

async function listen(app: FastifyInstance): Promise<{ url: string; close(): Promise<void> }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

/** The route table with `{ onRequest: [authenticate(options), guard] }` on each route, or `jwtAuth` per scope. */
function fastifyFactory(name: string, form: 'hooks' | 'plugin'): ServerFactory {
  return async (routes: readonly RouteSpec[]) => {
    let count = 0;
    const app = Fastify();
    for (const route of routes) {
      const hooks: AuthHook[] = [];
      if (route.options !== undefined && form === 'hooks') hooks.push(fastifyAdapter.authenticate(route.options));
      if (route.guard !== undefined) hooks.push(fastifyGuard(route.guard));
      const register = (scope: FastifyInstance): void => {
        scope.route({
          method: route.method,
          url: route.path,
          onRequest: hooks,
          handler: async (request, reply) => {
            count += 1;
            return reply.header('content-type', 'application/json').send(answerBody(request.auth));
          },
        });
      };
      if (route.options !== undefined && form === 'plugin') {
        const options = route.options;
        app.register(async (scope) => {
          scope.register(fastifyAdapter.jwtAuth(options));
          register(scope);
        });
      } else register(app);
    }
    const running = await listen(app);
    return { name, url: running.url, handled: () => count, close: running.close };
  };
}

/** Fastify 5, `authenticate` and the requirement hooks in each route's `onRequest`. */
export const startFastify: ServerFactory = fastifyFactory('fastify', 'hooks');

/** Fastify 5, the `jwtAuth` plugin in a scope per route, the requirement hooks on the route. */
export const startFastifyPlugin: ServerFactory = fastifyFactory('fastify (jwtAuth plugin)', 'plugin');

/**
 * Fastify 5 with each endpoint set as a plugin under its prefix. The application has its own JSON
 * parser, a 1 KiB `bodyLimit` and an error handler that answers 418: none of them may be used by
 * the endpoints (their answers are the same as on the other servers).
 */
export const startFastifyEndpoints: EndpointServerFactory = async (setup) => {
  const app = Fastify({ bodyLimit: 1024 });
  app.setErrorHandler((_error, _request, reply) => reply.code(418).send({ error: 'app error handler' }));
  for (const [prefix, options] of endpointSets(setup)) app.register(fastifyAdapter.createAuthEndpoints(options), { prefix });
  app.all('/.well-known/jwks.json', fastifyAdapter.createJWKSEndpoint(setup.jwks));
  return listen(app);
};
