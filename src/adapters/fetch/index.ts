/**
 * `jwtkit/fetch`: authentication, authorization helpers and the auth endpoints for runtimes that
 * speak the standard `Request` / `Response` (Hono, Next.js route handlers, Bun, Deno, Node).
 *
 * @module jwtkit/fetch
 */

export { authenticateRequest, getAuth, withAuth } from './authenticate.js';
export type { AuthenticatedHandler, OptionalAuthHandler, ParsedRequest, RequiredAuthenticateOptions } from './authenticate.js';
export { requireScopes, requireAnyScope, requireRoles, claimEquals, claimIncludes, claimCheck } from './requirements.js';
export { createAuthEndpoints, createJWKSEndpoint, createJwksEndpoint } from './endpoints.js';
export type { AuthEndpoints, FetchHandler } from './endpoints.js';
export type {
  AuthenticateDPoPOptions,
  AuthenticateOptions,
  OptionalAuthenticateOptions,
  RequestAuth,
} from '../core/authenticate-options.js';
export type { RequirementOptions } from '../core/requirements.js';
export type { TokenValidator, TokenValidatorsOptions } from '../core/token-validators.js';
export type { IssuerRequest, IssuersOptions } from '../core/issuer-selection.js';
export type { AccessTokenProfile } from '../core/access-token-profile.js';
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
export type { JWKSEndpointOptions, JwksEndpointOptions } from '../core/jwks-endpoint.js';
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
