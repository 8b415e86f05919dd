import { normalizeAuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import type { AuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import { neutralAuthEndpoints } from '../core/auth-endpoints.js';
import { answerFetchRequest } from '../core/fetch-exchange.js';
import { jwksReply, normalizeJWKSEndpointOptions } from '../core/jwks-endpoint.js';
import type { JWKSEndpointOptions } from '../core/jwks-endpoint.js';

/** A Fetch handler: a standard `Request` in, a `Response` out. It never rejects. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** The auth endpoint handlers made by {@link createAuthEndpoints}; route each POST under the cookie path. */
export interface AuthEndpoints {
  /** `POST` with a JSON body of credentials: 200 `{ access_token, token_type, expires_in }` (+ refresh token). */
  login: FetchHandler;
  /**
   * `POST`: trades the refresh token (cookie, or JSON body; with the body transport also the
   * RFC 6749 §6 form `grant_type=refresh_token&refresh_token=...`) for a new pair.
   */
  refresh: FetchHandler;
  /** `POST`: revokes the session of the refresh token and clears the cookie; 204. */
  logout: FetchHandler;
  /**
   * `POST` with `Authorization: Bearer <access token>` (or, with the `dpop` option,
   * `Authorization: DPoP <access token>` and its `DPoP` proof): revokes every session of its subject; 204.
   */
  logoutEverywhere: FetchHandler;
}

/**
 * The issuer side of the token flow for Fetch runtimes (Hono, Next.js route handlers, Bun, Deno):
 * login, refresh, logout and logout-everywhere as `(Request) => Promise<Response>`, over a token
 * service. Same behaviour and options as `createAuthEndpoints` in `jwtkit/express`: the refresh
 * token in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to the auth path (or in JSON
 * bodies), cross-site requests refused (403), bodies read within a size limit and a deadline (408,
 * the body stream cancelled), every outcome answered by the handler (400/408/413/415, 401
 * `invalid_credentials` / `invalid_grant`, 405, 503, 500 without detail), and reported to
 * `onAuthEvent` (by default, refusals are logged), with a warning for a route outside
 * `cookie.path` (the path of `request.url`, after `publicPathPrefix`). The `dpop` option (DPoP-bound
 * sessions, RFC 9449 §5) and the RFC 6749 §6 form grant of the body transport work as there.
 *
 * @typeParam Claims - the claims `verifyCredentials` returns for access tokens.
 * @param options - see {@link AuthEndpointsOptions}; checked now.
 * @returns the four handlers.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { createAuthEndpoints } from 'jwtkit/fetch';
 * const auth = createAuthEndpoints({ tokens, verifyCredentials, cookie: { path: '/auth' } });
 * const app = new Hono();
 * app.post('/auth/login', (c) => auth.login(c.req.raw));
 * app.post('/auth/refresh', (c) => auth.refresh(c.req.raw));
 * app.post('/auth/logout', (c) => auth.logout(c.req.raw));
 * app.post('/auth/logout-everywhere', (c) => auth.logoutEverywhere(c.req.raw));
 * ```
 * @example DPoP-bound sessions, refreshed by standard OAuth clients (docs/sender-constrained-tokens.md):
 * ```ts
 * const auth = createAuthEndpoints({
 *   tokens,
 *   verifyCredentials,
 *   refreshTokenTransport: 'body',
 *   dpop: { origins: ['https://auth.example.com'], replayCache: new MemoryDPoPReplayCache() },
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name (in `cookie`, `csrf` and `dpop` too),
 *   both `onAuthEvent` and the deprecated `onError`, or options of the wrong shape. The handlers never reject.
 */
export function createAuthEndpoints<Claims extends object = Record<string, unknown>>(options: AuthEndpointsOptions<Claims>): AuthEndpoints {
  const policy = normalizeAuthEndpointsOptions(options, 'fetch');
  const endpoints = neutralAuthEndpoints(policy);
  return Object.freeze({
    login: answerFetchRequest(endpoints.login, policy.trustedProxies),
    refresh: answerFetchRequest(endpoints.refresh, policy.trustedProxies),
    logout: answerFetchRequest(endpoints.logout, policy.trustedProxies),
    logoutEverywhere: answerFetchRequest(endpoints.logoutEverywhere, policy.trustedProxies),
  });
}

/**
 * A Fetch handler serving a JSON Web Key Set with `Content-Type: application/jwk-set+json` and
 * `Cache-Control: public, max-age=...`. It refuses to serve private or symmetric keys.
 *
 * @param options - see {@link JWKSEndpointOptions}; checked now.
 * @returns the handler (GET and HEAD; 405 otherwise).
 * @example
 * ```ts
 * import { createJWKSEndpoint } from 'jwtkit/fetch';
 * const jwks = createJWKSEndpoint({ jwks: () => ring.jwks() });
 * app.get('/.well-known/jwks.json', (c) => jwks(c.req.raw));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an unknown option name or options of the wrong shape;
 *   `ERR_KEY_INVALID` at once for a key set given as a document that holds private or symmetric keys.
 */
export function createJWKSEndpoint(options: JWKSEndpointOptions): FetchHandler {
  const policy = normalizeJWKSEndpointOptions(options);
  return answerFetchRequest((request) => jwksReply(request, policy));
}

/**
 * The former name of {@link createJWKSEndpoint}, which it is.
 *
 * @example
 * ```ts
 * import { createJWKSEndpoint } from 'jwtkit/fetch'; // was: createJwksEndpoint
 * const jwks = createJWKSEndpoint({ jwks: () => ring.jwks() });
 * app.get('/.well-known/jwks.json', (c) => jwks(c.req.raw));
 * ```
 * @throws as {@link createJWKSEndpoint}.
 * @deprecated Use {@link createJWKSEndpoint}. Removed in 0.3.
 */
export const createJwksEndpoint = createJWKSEndpoint;
