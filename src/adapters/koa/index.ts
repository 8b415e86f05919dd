/**
 * `jwtkit/koa`: authentication middleware (`ctx.state.auth`), authorization middleware and the
 * auth endpoints for Koa (tested with Koa 3), over the `node:http` request under `ctx`. Typed over Koa's own
 * types only: Koa is never imported at run time.
 *
 * @module jwtkit/koa
 */

export { authenticate, getAuth } from './authenticate.js';
export type { JwtAuthState, OptionalJwtAuthState } from './authenticate.js';
export { requireScopes, requireAnyScope, requireRoles, claimEquals, claimIncludes, claimCheck } from './requirements.js';
export { createAuthEndpoints, createJWKSEndpoint } from './endpoints.js';
export type { AuthEndpoints } from './endpoints.js';
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
