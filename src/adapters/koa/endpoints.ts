import type { Middleware } from 'koa';
import { normalizeAuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import type { AuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import { neutralAuthEndpoints } from '../core/auth-endpoints.js';
import { endpointErrorReply } from '../core/error-replies.js';
import type { HttpReply, HttpRequestFacts } from '../core/http-exchange.js';
import { jwksReply, normalizeJWKSEndpointOptions } from '../core/jwks-endpoint.js';
import type { JWKSEndpointOptions } from '../core/jwks-endpoint.js';
import type { TrustedProxies } from '../core/trusted-proxies.js';
import { koaRequestFacts, writeKoaReply, type KoaContext } from './koa-exchange.js';

/** The auth endpoint middlewares made by {@link createAuthEndpoints}; route each POST under the cookie path. */
export interface AuthEndpoints {
  /** `POST` with a JSON body of credentials: 200 `{ access_token, token_type, expires_in }` (+ refresh token). */
  login: Middleware;
  /**
   * `POST`: trades the refresh token (cookie, or JSON body; with the body transport also the
   * RFC 6749 §6 form `grant_type=refresh_token&refresh_token=...`) for a new pair.
   */
  refresh: Middleware;
  /** `POST`: revokes the session of the refresh token and clears the cookie; 204. */
  logout: Middleware;
  /**
   * `POST` with `Authorization: Bearer <access token>` (or, with the `dpop` option,
   * `Authorization: DPoP <access token>` and its `DPoP` proof): revokes every session of its subject; 204.
   */
  logoutEverywhere: Middleware;
}

/** A middleware that answers every request itself (it never calls `next`, never throws). */
function koaHandler(answer: (request: HttpRequestFacts) => Promise<HttpReply>, proxies?: TrustedProxies): Middleware {
  return async (ctx) => {
    let reply: HttpReply;
    try {
      reply = await answer(koaRequestFacts(ctx as KoaContext, proxies));
    } catch (error) {
      reply = endpointErrorReply(error);
    }
    writeKoaReply(ctx as KoaContext, reply);
  };
}

/**
 * The issuer side of the token flow for Koa: login, refresh, logout and logout-everywhere as Koa
 * middleware that answer the request (route them with `@koa/router`, or by `ctx.path`), over a
 * token service. Same behaviour and options as `createAuthEndpoints` in `jwtkit/express`: the
 * refresh token in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to the auth path (or in
 * JSON bodies), cross-site requests refused (403), every outcome answered through Koa's response
 * (400/413/415, 408 with the connection closed, 401 `invalid_credentials` or `invalid_grant`, 405,
 * 503, 500 without detail) and reported to `onAuthEvent` (by default, refusals are logged), with a
 * warning for a route outside `cookie.path` (at `ctx.originalUrl`, after `publicPathPrefix`).
 *
 * Koa parses no bodies: the middleware reads the body itself, within `maxBodyBytes` and
 * `bodyTimeout`. When a body parser ran first (koa-bodyparser, `@koa/bodyparser`), the text it
 * kept (`ctx.request.rawBody`) is decoded by jwtkit's rules, or else its `ctx.request.body` is
 * accepted when the request said it was JSON (or a form of strings, for the form grant); a body
 * that was read with nothing left is refused (400). The `dpop` option (DPoP-bound sessions,
 * RFC 9449 §5) and the RFC 6749 §6 form grant of the body transport work as on Express.
 *
 * @typeParam Claims - the claims `verifyCredentials` returns for access tokens.
 * @param options - see {@link AuthEndpointsOptions}; checked now.
 * @returns the four middlewares.
 * @example
 * ```ts
 * import Router from '@koa/router';
 * import { createAuthEndpoints } from 'jwtkit/koa';
 * const auth = createAuthEndpoints({ tokens, verifyCredentials, cookie: { path: '/auth' } });
 * const router = new Router();
 * router.post('/auth/login', auth.login);
 * router.post('/auth/refresh', auth.refresh);
 * router.post('/auth/logout', auth.logout);
 * router.post('/auth/logout-everywhere', auth.logoutEverywhere);
 * app.use(router.routes());
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name (in `cookie`, `csrf` and `dpop` too),
 *   both `onAuthEvent` and the deprecated `onError`, or options of the wrong shape. The middlewares never throw.
 */
export function createAuthEndpoints<Claims extends object = Record<string, unknown>>(options: AuthEndpointsOptions<Claims>): AuthEndpoints {
  const policy = normalizeAuthEndpointsOptions(options, 'node');
  const endpoints = neutralAuthEndpoints(policy);
  return Object.freeze({
    login: koaHandler(endpoints.login, policy.trustedProxies),
    refresh: koaHandler(endpoints.refresh, policy.trustedProxies),
    logout: koaHandler(endpoints.logout, policy.trustedProxies),
    logoutEverywhere: koaHandler(endpoints.logoutEverywhere, policy.trustedProxies),
  });
}

/**
 * Koa middleware serving a JSON Web Key Set with `Content-Type: application/jwk-set+json` and
 * `Cache-Control: public, max-age=...`. It refuses to serve private or symmetric keys.
 *
 * @param options - see {@link JWKSEndpointOptions}; checked now.
 * @returns the middleware (GET and HEAD; 405 otherwise).
 * @example
 * ```ts
 * import { createJWKSEndpoint } from 'jwtkit/koa';
 * router.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks() }));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an unknown option name or options of the wrong shape;
 *   `ERR_KEY_INVALID` at once for a key set given as a document that holds private or symmetric keys.
 */
export function createJWKSEndpoint(options: JWKSEndpointOptions): Middleware {
  const policy = normalizeJWKSEndpointOptions(options);
  return koaHandler((request) => jwksReply(request, policy));
}
