import type { Context } from 'hono';
import { normalizeAuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import type { AuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import { neutralAuthEndpoints } from '../core/auth-endpoints.js';
import { answerFetchRequest } from '../core/fetch-exchange.js';
import type { HttpReply, HttpRequestFacts } from '../core/http-exchange.js';
import { jwksReply, normalizeJWKSEndpointOptions } from '../core/jwks-endpoint.js';
import type { JWKSEndpointOptions } from '../core/jwks-endpoint.js';
import type { TrustedProxies } from '../core/trusted-proxies.js';

/** A Hono handler that answers every request itself (`app.post(path, handler)`); it never rejects. */
export type HonoHandler = (c: Context) => Promise<Response>;

/** The auth endpoint handlers made by {@link createAuthEndpoints}; route each POST under the cookie path. */
export interface AuthEndpoints {
  /** `POST` with a JSON body of credentials: 200 `{ access_token, token_type, expires_in }` (+ refresh token). */
  login: HonoHandler;
  /**
   * `POST`: trades the refresh token (cookie, or JSON body; with the body transport also the
   * RFC 6749 §6 form `grant_type=refresh_token&refresh_token=...`) for a new pair.
   */
  refresh: HonoHandler;
  /** `POST`: revokes the session of the refresh token and clears the cookie; 204. */
  logout: HonoHandler;
  /**
   * `POST` with `Authorization: Bearer <access token>` (or, with the `dpop` option,
   * `Authorization: DPoP <access token>` and its `DPoP` proof): revokes every session of its subject; 204.
   */
  logoutEverywhere: HonoHandler;
}

function honoHandler(answer: (request: HttpRequestFacts) => Promise<HttpReply>, proxies?: TrustedProxies): HonoHandler {
  const handle = answerFetchRequest(answer, proxies);
  return (c) => handle(c.req.raw);
}

/**
 * The issuer side of the token flow for Hono: login, refresh, logout and logout-everywhere as
 * Hono handlers, over a token service. Same behaviour and options as `createAuthEndpoints` in
 * `jwtkit/express` and `jwtkit/fetch`: the refresh token in an `HttpOnly; Secure; SameSite=Strict`
 * cookie scoped to the auth path (or in JSON bodies), cross-site requests refused (403), bodies
 * read from `c.req.raw` within `maxBodyBytes` and `bodyTimeout` (413, 408; the body stream is then
 * cancelled), every outcome answered by the handler (400/415, 401 `invalid_credentials` /
 * `invalid_grant`, 405, 503, 500 without detail) and reported to `onAuthEvent` (by default,
 * refusals are logged), with a warning for a route outside `cookie.path`. The `dpop` option
 * (DPoP-bound sessions, RFC 9449 §5) and the RFC 6749 §6 form grant of the body transport work
 * as there. A body that a middleware before the handler already read (`await c.req.json()`) is
 * refused (400): let the handler read it.
 *
 * @typeParam Claims - the claims `verifyCredentials` returns for access tokens.
 * @param options - see {@link AuthEndpointsOptions}; checked now.
 * @returns the four handlers.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createAuthEndpoints } from 'jwtkit/hono';
 * const auth = createAuthEndpoints({ tokens, verifyCredentials, cookie: { path: '/auth' } });
 * const app = new Hono();
 * app.post('/auth/login', auth.login);
 * app.post('/auth/refresh', auth.refresh);
 * app.post('/auth/logout', auth.logout);
 * app.post('/auth/logout-everywhere', auth.logoutEverywhere);
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name (in `cookie`, `csrf` and `dpop` too),
 *   both `onAuthEvent` and the deprecated `onError`, or options of the wrong shape. The handlers never reject.
 */
export function createAuthEndpoints<Claims extends object = Record<string, unknown>>(options: AuthEndpointsOptions<Claims>): AuthEndpoints {
  const policy = normalizeAuthEndpointsOptions(options, 'fetch');
  const endpoints = neutralAuthEndpoints(policy);
  return Object.freeze({
    login: honoHandler(endpoints.login, policy.trustedProxies),
    refresh: honoHandler(endpoints.refresh, policy.trustedProxies),
    logout: honoHandler(endpoints.logout, policy.trustedProxies),
    logoutEverywhere: honoHandler(endpoints.logoutEverywhere, policy.trustedProxies),
  });
}

/**
 * A Hono handler serving a JSON Web Key Set with `Content-Type: application/jwk-set+json` and
 * `Cache-Control: public, max-age=...`. It refuses to serve private or symmetric keys.
 *
 * @param options - see {@link JWKSEndpointOptions}; checked now.
 * @returns the handler (GET and HEAD; 405 otherwise).
 * @example
 * ```ts
 * import { createJWKSEndpoint } from 'jwtkit/hono';
 * app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks() }));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an unknown option name or options of the wrong shape;
 *   `ERR_KEY_INVALID` at once for a key set given as a document that holds private or symmetric keys.
 */
export function createJWKSEndpoint(options: JWKSEndpointOptions): HonoHandler {
  const policy = normalizeJWKSEndpointOptions(options);
  return honoHandler((request) => jwksReply(request, policy));
}
