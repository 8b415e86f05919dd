// A resource server on Fastify: every route under /api needs an access token; some need a scope.
import Fastify, { type FastifyInstance } from 'fastify';
import { createRemoteJWKS } from 'jwtkit';
import { getAuth, jwtAuth, requireScopes } from 'jwtkit/fastify';
import { AUDIENCE, ISSUER } from './auth-server.js';

interface ApiClaims {
  scope: string;
}

export function createApiApp(jwksUrl: string): FastifyInstance {
  const app = Fastify();
  app.get('/health', async () => ({ ok: true })); // outside the scope below: no token needed
  app.register(
    async (api) => {
      // Every route of this scope (jwtAuth is not encapsulated: it applies where it is registered).
      api.register(
        jwtAuth({
          key: createRemoteJWKS(jwksUrl), // cached; refetched on an unknown kid
          verify: { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt' },
        }),
      );
      api.get('/me', async (request) => ({ user: getAuth(request).payload.sub }));
      // Per-route requirements: onRequest hooks that run after jwtAuth's.
      api.get('/orders', { onRequest: requireScopes(['orders:read']) }, async (request) => {
        const { payload } = getAuth<ApiClaims>(request); // throws (a 500) if no jwtkit hook ran
        return { user: payload.sub, orders: [] };
      });
    },
    { prefix: '/api' },
  );
  return app;
}
