import { JwtError } from '../../errors.js';
import type { JwtErrorCode } from '../../errors.js';
import { refuseBothNames } from '../../internal/deprecated-option.js';
import { writeDefaultAuthEventLog } from './default-auth-event-log.js';

/**
 * What the adapters report about the requests they answer: refusals (with the reason a server
 * operator can act on), logins, and configuration mistakes seen at run time. The list of events
 * and their fields: docs/express.md, "Events and logs".
 *
 * @module
 */

/**
 * Which part of an adapter reported an event: `'authenticate'` is `authenticate` (`jwtkit/express`)
 * or `authenticateRequest` / `withAuth` (`jwtkit/fetch`); `'requirement'` is one of
 * `requireScopes`, `requireRoles`, `claimEquals`, `claimIncludes` and `claimCheck`; the others are
 * the handlers of `createAuthEndpoints`.
 */
export type AuthEventSource = 'authenticate' | 'requirement' | 'login' | 'refresh' | 'logout' | 'logout_everywhere';

/** The request an event is about. It never holds a token, a cookie or the query string. */
export interface AuthEventRequestFacts {
  /** The request method, upper case. */
  method: string;
  /**
   * The request's path as the server received it, before any router stripped a mount point
   * (Express's `originalUrl`), without the query string (which may hold a token).
   */
  path: string;
  /**
   * The client's address: the peer of the connection, or, behind proxies listed in
   * `trustedProxies`, the address they forwarded; `undefined` when not known (a Fetch runtime
   * without `trustedProxies.clientAddress`).
   */
  clientAddress: string | undefined;
  /** When the event happened (the system clock). */
  at: Date;
}

/**
 * A request was refused (or, for the auth endpoints, failed): 400, 401, 403, 408, 413, 415, 500 or
 * 503. Wrong login credentials are reported as {@link LoginFailedEvent} instead.
 */
export interface RequestRefusedEvent extends AuthEventRequestFacts {
  /** The event type. */
  type: 'request_refused';
  /** The part of the adapter that refused. */
  source: AuthEventSource;
  /**
   * The code of the error (docs/errors.md); `undefined` only for a 500 answering something the
   * application's own callback threw (`verifyCredentials`) that is not a `JwtError`.
   */
  code: JwtErrorCode | undefined;
  /**
   * Why, for the server's operator, naming the fix where there is one: the `verify` option that
   * refused the token (`verify.audience`, `verify.typ`, ...), the header or origin the CSRF check
   * missed and the option that allows it (`csrf.allowedOrigins`), ... Never the token. Its wording
   * may change: branch on `code`.
   */
  reason: string;
  /** The HTTP status of the answer. */
  status: number;
  /** What was thrown: the `JwtError` (with its `cause`, e.g. the network error of a JWKS fetch). */
  error: unknown;
}

/** The login endpoint issued a session. */
export interface LoginSucceededEvent extends AuthEventRequestFacts {
  /** The event type. */
  type: 'login_succeeded';
  /** The part of the adapter that reports it. */
  source: 'login';
  /** Who logged in: the `subject` that `verifyCredentials` returned. */
  subject: string;
}

/** The login endpoint refused the credentials: `verifyCredentials` returned `null` (401 `invalid_credentials`). */
export interface LoginFailedEvent extends AuthEventRequestFacts {
  /** The event type. */
  type: 'login_failed';
  /** The part of the adapter that reports it. */
  source: 'login';
  /** Always `'ERR_CREDENTIALS_INVALID'`. */
  code: 'ERR_CREDENTIALS_INVALID';
  /** Why, for the server's operator. */
  reason: string;
  /** The HTTP status of the answer: 401. */
  status: number;
  /** The `JwtError` answered. */
  error: unknown;
}

/**
 * The login endpoint refused an attempt before `verifyCredentials` ran (429 with `Retry-After`):
 * see the `loginLimits` option of `createAuthEndpoints`.
 */
export interface LoginThrottledEvent extends AuthEventRequestFacts {
  /** The event type. */
  type: 'login_throttled';
  /** The part of the adapter that reports it. */
  source: 'login';
  /**
   * Which limit refused: `'account_client_wait'` (failures of this account from this client),
   * `'account_wait'` (failures of this account from every client) or `'client_budget'` (attempts
   * of this client across accounts).
   */
  reason: 'account_client_wait' | 'account_wait' | 'client_budget';
  /** The `Retry-After` answered, in seconds. */
  retryAfter: number;
  /** The first 12 hex digits of the SHA-256 of the normalised account name; never the name itself. */
  accountHash: string;
  /** The HTTP status of the answer: 429. */
  status: number;
}

/**
 * The public path of an auth endpoint is not under the refresh cookie's `cookie.path`, so browsers
 * never send the cookie there and every refresh fails as if the session had expired. Reported at
 * the first login of an endpoint set whose login path is outside `cookie.path`, and at each
 * refresh or logout that arrives without the cookie at a path outside it. The login is never
 * refused for it.
 */
export interface CookiePathMismatchEvent extends AuthEventRequestFacts {
  /** The event type. */
  type: 'cookie_path_mismatch';
  /** The endpoint that noticed it. */
  source: 'login' | 'refresh' | 'logout';
  /** The `Path` of the refresh cookie (`cookie.path`). */
  cookiePath: string;
  /** The endpoint's public path: `publicPathPrefix` followed by the request's path. */
  endpointPath: string;
  /** What to change: names `cookie.path`, the endpoint's path and `publicPathPrefix`. */
  reason: string;
}

/**
 * A request was authenticated with a token signed by the `legacySecret` of `authenticate` (a token
 * without `kid`, from before the move to jwtkit). Watch these fall to zero before `legacySecret.until`.
 */
export interface LegacySecretUsedEvent extends AuthEventRequestFacts {
  /** The event type. */
  type: 'legacy_secret_used';
  /** The part of the adapter that reports it. */
  source: 'authenticate';
  /** The token's `sub`, when it has a string one; never the token. */
  subject: string | undefined;
  /** When the legacy secret stops being accepted (`legacySecret.until`). */
  until: Date;
}

/**
 * Every event the adapters report through `onAuthEvent`, told apart by `type`. New types may be
 * added in minor versions, so handle unknown types without failing: a `switch` over `type` keeps a
 * `default` branch.
 *
 * @example
 * ```ts
 * import { authenticate, type AuthEvent } from 'jwtkit/express';
 * function onAuthEvent(event: AuthEvent): void {
 *   switch (event.type) {
 *     case 'request_refused':
 *       logger.info({ code: event.code, status: event.status, path: event.path }, event.reason);
 *       break;
 *     case 'cookie_path_mismatch':
 *       logger.error(event.reason);
 *       break;
 *     default:
 *       break; // login events, and the types later versions add
 *   }
 * }
 * app.use('/api', authenticate({ ...authOptions, onAuthEvent }));
 * ```
 */
export type AuthEvent =
  RequestRefusedEvent | LoginSucceededEvent | LoginFailedEvent | LoginThrottledEvent | CookiePathMismatchEvent | LegacySecretUsedEvent;

/** The `type` of an {@link AuthEvent}. */
export type AuthEventType = AuthEvent['type'];

/**
 * Receives every {@link AuthEvent} of an adapter, synchronously, as it happens. What it throws is
 * ignored; a promise it returns is not awaited (its rejection is ignored too).
 *
 * @example
 * ```ts
 * const onAuthEvent: AuthEventHandler = (event) => logger.warn({ ...event, error: undefined }, event.type);
 * ```
 */
export type AuthEventHandler = (event: AuthEvent) => void;

/** Where an adapter sends its events: never throws. @internal */
export type AuthEventSink = (event: AuthEvent) => void;

/**
 * The sink of an adapter's `onAuthEvent` option, or of the deprecated `onError` (which receives
 * the `error` of each refusal and failed login, and nothing else), or else the default log
 * (docs/express.md, "Events and logs").
 *
 * @throws ERR_INVALID_OPTION when either is not a function, or when both are given.
 * @internal
 */
export function authEventSink(onAuthEvent: unknown, onError: unknown): AuthEventSink {
  refuseBothNames(onAuthEvent, onError, 'onAuthEvent', 'onError');
  if (onAuthEvent !== undefined) {
    if (typeof onAuthEvent !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"onAuthEvent" must be a function');
    return (event) => callIgnoringErrors(onAuthEvent as AuthEventHandler, event);
  }
  if (onError !== undefined) {
    if (typeof onError !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"onError" must be a function');
    return (event) => {
      if (event.type === 'request_refused' || event.type === 'login_failed')
        callIgnoringErrors(onError as (error: unknown) => void, event.error);
    };
  }
  return writeDefaultAuthEventLog;
}

function callIgnoringErrors<T>(hook: (value: T) => unknown, value: T): void {
  try {
    const result = hook(value);
    // A promise it returns is not awaited, and its rejection must not crash the process.
    if (typeof (result as Promise<unknown> | undefined)?.then === 'function') (result as Promise<unknown>).then(undefined, () => undefined);
  } catch {
    // A logging hook must not change the answer.
  }
}
