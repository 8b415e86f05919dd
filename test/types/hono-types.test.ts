// Type tests of jwtkit/hono: the documented pattern `new Hono<JwtAuthEnv<Claims>>()` +
// `app.use('/api/*', authenticate(options))` gives a typed `c.get('auth')` / `c.var.auth` in later
// handlers; `authenticate` on a route types its handler without the app's env; anonymous requests
// (`credentialsRequired: false`) are typed `| undefined`; the requirement middleware and the
// endpoint handlers fit Hono's routes. Checked by tsc (typecheck.test.ts); harmless when vitest runs them.
import { Hono } from 'hono';
import { describe, expectTypeOf, it } from 'vitest';
import {
  authenticate,
  createAuthEndpoints,
  createJWKSEndpoint,
  getAuth,
  requireScopes,
  type AuthEndpointsOptions,
  type AuthenticateOptions,
  type JwtAuthEnv,
  type OptionalAuthenticateOptions,
  type RequestAuth,
} from '../../src/adapters/hono/index.js';

interface AppClaims {
  scope: string;
  tenant: number;
}

declare const authOptions: AuthenticateOptions;
declare const optionalOptions: OptionalAuthenticateOptions;
declare const endpointOptions: AuthEndpointsOptions;

describe('types: jwtkit/hono', () => {
  it('the documented pattern: new Hono<JwtAuthEnv<Claims>>() types c.get("auth") and c.var.auth', () => {
    // Only compiled: the options are declared, not built.
    const build = () => {
      const app = new Hono<JwtAuthEnv<AppClaims>>();
      app.use('/api/*', authenticate(authOptions));
      app.get('/api/me', requireScopes(['read']), (c) => {
        expectTypeOf(c.get('auth')).toEqualTypeOf<RequestAuth<AppClaims>>();
        expectTypeOf(c.get('auth').payload.tenant).toEqualTypeOf<number>();
        expectTypeOf(c.var.auth.payload.scope).toEqualTypeOf<string>();
        return c.json({ user: c.get('auth').payload.sub });
      });
      return app;
    };
    expectTypeOf(build).returns.toExtend<Hono<JwtAuthEnv<AppClaims>>>();
  });

  it('authenticate on a route types its handler without an app env; anonymous is | undefined', () => {
    const build = () => {
      const app = new Hono();
      app.get('/me', authenticate<AppClaims>(authOptions), (c) => {
        expectTypeOf(c.get('auth')).toEqualTypeOf<RequestAuth<AppClaims>>();
        return c.text('ok');
      });
      app.get('/maybe', authenticate<AppClaims>(optionalOptions), (c) => {
        expectTypeOf(c.get('auth')).toEqualTypeOf<RequestAuth<AppClaims> | undefined>();
        return c.text('ok');
      });
      return app;
    };
    expectTypeOf(build).returns.not.toBeAny();
  });

  it('getAuth carries the claims type', () => {
    const read = () => new Hono().get('/x', (c) => c.json({ tenant: getAuth<AppClaims>(c).payload.tenant }));
    expectTypeOf(read).returns.not.toBeAny();
    expectTypeOf(getAuth<AppClaims>).returns.toEqualTypeOf<RequestAuth<AppClaims>>();
  });

  it('the endpoints are Hono handlers', () => {
    const build = () => {
      const auth = createAuthEndpoints(endpointOptions);
      const app = new Hono<JwtAuthEnv>();
      app.post('/auth/login', auth.login);
      app.post('/auth/refresh', auth.refresh);
      app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: { keys: [] } }));
      return app;
    };
    expectTypeOf(build).returns.not.toBeAny();
  });

  it('an app without the env does not type c.get("auth") as RequestAuth', () => {
    const build = () =>
      new Hono().get('/x', (c) => {
        // @ts-expect-error without JwtAuthEnv (or authenticate on the route), 'auth' is no variable of the app
        const auth: RequestAuth = c.get('auth');
        return c.json({ sub: auth.payload.sub });
      });
    expectTypeOf(build).returns.not.toBeAny();
  });
});
