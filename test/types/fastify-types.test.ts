// Type tests of jwtkit/fastify: `request.auth` is declared on FastifyRequest (declaration
// merging), the hooks fit a route's `onRequest` (typed routes included), the plugins fit
// `register`, and getAuth carries the claims type. Checked by tsc (typecheck.test.ts); harmless
// when vitest runs them.
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import {
  authenticate,
  createAuthEndpoints,
  createJWKSEndpoint,
  getAuth,
  jwtAuth,
  requireScopes,
  type AuthEndpointsOptions,
  type AuthenticateOptions,
  type AuthHook,
  type RequestAuth,
} from '../../src/adapters/fastify/index.js';
import type { JwtClaims } from '../../src/index.js';

interface AppClaims {
  scope: string;
  tenant: number;
}

declare const authOptions: AuthenticateOptions;
declare const endpointOptions: AuthEndpointsOptions;

describe('types: jwtkit/fastify', () => {
  it('declares request.auth on every FastifyRequest', () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<RequestAuth<JwtClaims> | undefined>();
    expectTypeOf<FastifyRequest<{ Params: { id: string } }>['auth']>().toEqualTypeOf<RequestAuth<JwtClaims> | undefined>();
  });

  it('getAuth carries the claims type', () => {
    const read = (request: FastifyRequest) => getAuth<AppClaims>(request);
    expectTypeOf(read).returns.toEqualTypeOf<RequestAuth<AppClaims>>();
    expectTypeOf<ReturnType<typeof read>['payload']['tenant']>().toEqualTypeOf<number>();
  });

  it('the hooks fit onRequest and addHook, on typed routes too; the plugins fit register', () => {
    // Only compiled: the options are declared, not built.
    const build = () => {
      const app = Fastify();
      const hook: AuthHook = authenticate(authOptions);
      app.register(jwtAuth(authOptions));
      app.register(createAuthEndpoints(endpointOptions), { prefix: '/auth' });
      app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: { keys: [] } }));
      app.addHook('onRequest', hook);
      app.get<{ Params: { id: string } }>('/items/:id', { onRequest: [hook, requireScopes(['read'])] }, async (request) => {
        expectTypeOf(request.params.id).toEqualTypeOf<string>();
        expectTypeOf(request.auth).toEqualTypeOf<RequestAuth | undefined>();
        return { user: getAuth<AppClaims>(request).payload.sub, tenant: getAuth<AppClaims>(request).payload.tenant };
      });
      app.route({ method: 'POST', url: '/orders', onRequest: hook, handler: async () => ({}) });
      // @ts-expect-error jwtAuth takes the options and returns the plugin: register(jwtAuth(options))
      app.register(jwtAuth, authOptions);
      return app;
    };
    expectTypeOf(build).returns.not.toBeAny();
  });
});
