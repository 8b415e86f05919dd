/**
 * `jwtkit/express`: authentication middleware, authorization helpers and the auth endpoints for
 * Express 4 and 5 and anything built on Node's `IncomingMessage` / `ServerResponse`. Typed over
 * `node:http` only: Express is never imported.
 *
 * @module jwtkit/express
 */

export { authenticate } from './express-authenticate.js';
export type { AuthRequest, Middleware, NextFunction } from './express-authenticate.js';
export { requireScopes, requireRoles, claimEquals, claimIncludes, claimCheck } from './express-requirements.js';
export { createAuthEndpoints, createJwksEndpoint } from './express-endpoints.js';
export type { AuthEndpoints, RequestHandler } from './express-endpoints.js';
export type { AuthenticateOptions, RequestAuth } from './authenticate-options.js';
export type { RequirementOptions } from './requirements.js';
export type { CsrfOptions } from './csrf.js';
export type { RefreshCookieOptions } from './refresh-cookie.js';
export type { AuthEndpointsOptions, LoginIdentity, RefreshTokenTransport } from './auth-endpoints-options.js';
export type { JwksEndpointOptions } from './jwks-endpoint.js';
