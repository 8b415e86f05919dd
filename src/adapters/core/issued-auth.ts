import type { AuthEventSink } from './auth-events.js';
import type { TrustedProxies } from './trusted-proxies.js';

/**
 * The auth objects the authentication step produced, with how the authentication that made each
 * was configured. The standalone authorization helpers (`requireScopes`, ...) and `getAuth` accept
 * only these: an `auth` found on a request that `authenticate` did not set (an inherited
 * `req.auth` through a polluted `Object.prototype`, or one another middleware made) is treated as
 * no authentication (docs/security.md, "Authorization checks"). The helpers also answer with the
 * same `WWW-Authenticate` realm, report to the same `onAuthEvent` and, on Express, follow the
 * same `passErrors`, without being told again.
 *
 * @internal
 * @module
 */

/** How the authentication that produced an auth object was configured. @internal */
export interface IssuedAuthContext {
  readonly realm: string;
  readonly events: AuthEventSink;
  /** `jwtkit/express`'s `passErrors`. */
  readonly passErrors: boolean;
  readonly trustedProxies: TrustedProxies | undefined;
}

const contexts = new WeakMap<object, IssuedAuthContext>();

/**
 * What the authentication step decided for a request object (`jwtkit/fetch`'s `Request`, or an
 * anonymous Express request): its auth, or `null` for an anonymous request it let through.
 */
const requestOutcomes = new WeakMap<object, object | null>();

/** Records that the authentication step produced `auth`, configured as `context`. @internal */
export function rememberIssuedAuth(auth: object, context: IssuedAuthContext): void {
  contexts.set(auth, context);
}

/** Whether `auth` was produced by the authentication step of this library. @internal */
export function isIssuedAuth(auth: unknown): auth is object {
  return typeof auth === 'object' && auth !== null && contexts.has(auth);
}

/** The context recorded for `auth`, or `undefined`. @internal */
export function issuedAuthContext(auth: object | undefined): IssuedAuthContext | undefined {
  return auth === undefined ? undefined : contexts.get(auth);
}

/**
 * Records the outcome of the authentication step for a request object: the auth it produced, or
 * `undefined` for an anonymous request it let through (`credentialsRequired: false`).
 *
 * @internal
 */
export function rememberRequestOutcome(request: object, auth: object | undefined): void {
  requestOutcomes.set(request, auth ?? null);
}

/**
 * What {@link rememberRequestOutcome} recorded for a request object: the auth, `null` for an
 * anonymous request, `undefined` when the authentication step did not see this object.
 *
 * @internal
 */
export function requestOutcome(request: object): object | null | undefined {
  return requestOutcomes.get(request);
}
