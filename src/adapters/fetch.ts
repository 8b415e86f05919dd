/**
 * `jwtkit/fetch`: authentication, authorization helpers and the auth endpoints for runtimes that
 * speak the standard `Request` / `Response` (Hono, Next.js route handlers, Bun, Deno, Node).
 *
 * @module jwtkit/fetch
 */

export { authenticateRequest, withAuth } from './fetch-authenticate.js';
export type {
  AuthenticatedHandler,
  OptionalAuthHandler,
  OptionalAuthenticateOptions,
  RequiredAuthenticateOptions,
} from './fetch-authenticate.js';
export { requireScopes, requireRoles, claimEquals, claimIncludes, claimCheck } from './fetch-requirements.js';
export { createAuthEndpoints, createJwksEndpoint } from './fetch-endpoints.js';
export type { AuthEndpoints, FetchHandler } from './fetch-endpoints.js';
export type { AuthenticateOptions, RequestAuth } from './authenticate-options.js';
export type { RequirementOptions } from './requirements.js';
export type { CsrfOptions } from './csrf.js';
export type { RefreshCookieOptions } from './refresh-cookie.js';
export type { AuthEndpointsOptions, LoginIdentity, RefreshTokenTransport } from './auth-endpoints-options.js';
export type { JwksEndpointOptions } from './jwks-endpoint.js';
