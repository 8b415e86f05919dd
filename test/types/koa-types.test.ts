// Type tests of jwtkit/koa: `new Koa<JwtAuthState<Claims>>()` types `ctx.state.auth` in every
// middleware; `app.use(authenticate<Claims>(options))` adds the state to the app it returns;
// anonymous requests (`credentialsRequired: false`) are typed `| undefined`; the requirement
// middleware and the endpoints are Koa middleware. Checked by tsc (typecheck.test.ts); harmless
// when vitest runs them.
import Koa, { type Middleware } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import {
  authenticate,
  createAuthEndpoints,
  createJWKSEndpoint,
  getAuth,
  requireScopes,
  type AuthEndpointsOptions,
  type AuthenticateOptions,
  type JwtAuthState,
  type OptionalAuthenticateOptions,
  type OptionalJwtAuthState,
  type RequestAuth,
} from '../../src/adapters/koa/index.js';

interface AppClaims {
  scope: string;
  tenant: number;
}

declare const authOptions: AuthenticateOptions;
declare const optionalOptions: OptionalAuthenticateOptions;
declare const endpointOptions: AuthEndpointsOptions;

describe('types: jwtkit/koa', () => {
  it('new Koa<JwtAuthState<Claims>>() types ctx.state.auth', () => {
    // Only compiled: the options are declared, not built.
    const build = () => {
      const app = new Koa<JwtAuthState<AppClaims>>();
      app.use(authenticate(authOptions));
      app.use(requireScopes(['read']));
      app.use((ctx) => {
        expectTypeOf(ctx.state.auth).toEqualTypeOf<RequestAuth<AppClaims>>();
        expectTypeOf(ctx.state.auth.payload.tenant).toEqualTypeOf<number>();
        ctx.body = { user: ctx.state.auth.payload.sub };
      });
      return app;
    };
    expectTypeOf(build).returns.toEqualTypeOf<Koa<JwtAuthState<AppClaims>>>();
  });

  it('authenticate returns typed middleware; anonymous is | undefined', () => {
    expectTypeOf(() => authenticate<AppClaims>(authOptions)).returns.toEqualTypeOf<Middleware<JwtAuthState<AppClaims>>>();
    expectTypeOf(() => authenticate<AppClaims>(optionalOptions)).returns.toEqualTypeOf<Middleware<OptionalJwtAuthState<AppClaims>>>();
    const optional = () =>
      new Koa<OptionalJwtAuthState<AppClaims>>().use(authenticate<AppClaims>(optionalOptions)).use((ctx) => {
        expectTypeOf(ctx.state.auth).toEqualTypeOf<RequestAuth<AppClaims> | undefined>();
      });
    expectTypeOf(optional).returns.not.toBeAny();
  });

  it('getAuth carries the claims type', () => {
    const read = (ctx: Koa.Context) => getAuth<AppClaims>(ctx);
    expectTypeOf(read).returns.toEqualTypeOf<RequestAuth<AppClaims>>();
  });

  it('the endpoints are Koa middleware', () => {
    const build = () => {
      const auth = createAuthEndpoints(endpointOptions);
      const app = new Koa();
      app.use(auth.login);
      app.use(createJWKSEndpoint({ jwks: { keys: [] } }));
      return app;
    };
    expectTypeOf(build).returns.not.toBeAny();
  });
});
