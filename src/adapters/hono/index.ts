/**
 * `jwtkit/hono`: authentication middleware, authorization middleware and the auth endpoints for
 * Hono, over the standard `Request` / `Response` of `c.req.raw`. Typed over Hono's own types
 * only: Hono is never imported at run time.
 *
 * @module jwtkit/hono
 */

export { authenticate, getAuth } from './authenticate.js';
export type { JwtAuthEnv, JwtAuthVariables, OptionalJwtAuthEnv } from './authenticate.js';
export { requireScopes, requireAnyScope, requireRoles, claimEquals, claimIncludes, claimCheck } from './requirements.js';
export { createAuthEndpoints, createJWKSEndpoint } from './endpoints.js';
export type { AuthEndpoints, HonoHandler } from './endpoints.js';
export type {
  AuthenticateDPoPOptions,
  AuthenticateOptions,
  OptionalAuthenticateOptions,
  RequestAuth,
} from '../core/authenticate-options.js';
export type { RequirementOptions } from '../core/requirements.js';
export type { CsrfOptions } from '../core/csrf.js';
export type { TrustedProxiesOptions } from '../core/trusted-proxies.js';
export type { LoginLimitsOptions, LoginThrottleReason } from '../core/login-limits.js';
export { verifyPassword } from '../core/verify-password.js';
export type { VerifyPasswordOptions } from '../core/verify-password.js';
export type { RefreshCookieOptions } from '../core/refresh-cookie.js';
export type {
  AuthEndpointsDPoPOptions,
  AuthEndpointsOptions,
  LoginIdentity,
  RefreshTokenTransport,
} from '../core/auth-endpoints-options.js';
export type { JWKSEndpointOptions } from '../core/jwks-endpoint.js';
export type {
  AuthEvent,
  AuthEventHandler,
  AuthEventRequestFacts,
  AuthEventSource,
  AuthEventType,
  CookiePathMismatchEvent,
  LegacySecretUsedEvent,
  LoginFailedEvent,
  LoginThrottledEvent,
  LoginSucceededEvent,
  RequestRefusedEvent,
} from '../core/auth-events.js';
export type { LegacySecretAlgorithm, LegacySecretOptions } from '../core/legacy-secret.js';
