import { JwtError } from '../../errors.js';
import { durationToSeconds } from '../../internal/duration.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import type { Duration } from '../../internal/duration.js';
import type { TokenService } from '../../tokens/types.js';
import type { DPoPAlgorithm } from '../../dpop/algorithms.js';
import type { DPoPNonces } from '../../dpop/nonces.js';
import type { DPoPReplayCache } from '../../dpop/replay-cache.js';
import type { Clock } from '../../internal/clock.js';
import { authEventSink, type AuthEventHandler, type AuthEventSink } from './auth-events.js';
import { normalizeRealm } from './authenticate-options.js';
import { normalizeLoginLimits, type LoginLimiter, type LoginLimitsOptions } from './login-limits.js';
import { readDPoPPolicy, type DPoPPolicy } from './dpop-options.js';
import { normalizeCsrfOptions } from './csrf.js';
import { normalizeTrustedProxies, type TrustedProxies, type TrustedProxiesOptions } from './trusted-proxies.js';
import type { CsrfOptions, CsrfPolicy } from './csrf.js';
import type { BodyLimits } from './http-exchange.js';
import { normalizeRefreshCookieOptions } from './refresh-cookie.js';
import type { RefreshCookieOptions, RefreshCookiePolicy } from './refresh-cookie.js';

/** What `verifyCredentials` returns for a successful login. */
export interface LoginIdentity<Claims extends object = Record<string, unknown>> {
  /** The user id, written as `sub` into the access tokens. */
  subject: string;
  /** Extra claims for the session's access tokens (`scope`, `roles`, ...). Default: none. */
  claims?: Claims;
}

/** Where the refresh token travels between the auth endpoints and the client. */
export type RefreshTokenTransport = 'cookie' | 'body';

/**
 * Options of `createAuthEndpoints` (`jwtkit/express` and `jwtkit/fetch`). Checked once, at
 * construction; a member that is not one of these is refused with `ERR_INVALID_OPTION`.
 */
export interface AuthEndpointsOptions<Claims extends object = Record<string, unknown>> {
  /** The token service that issues, rotates and revokes tokens (`createTokenService`). Required. */
  tokens: TokenService<Claims>;
  /**
   * Checks the login request's JSON body (the application decides its fields, e.g. `username` and
   * `password`) and returns who logged in, or `null` for wrong credentials (401
   * `invalid_credentials`). What it throws becomes a 500 without detail (a `JwtError` with
   * `ERR_STORE_UNAVAILABLE` becomes 503). Required.
   */
  verifyCredentials: (credentials: Record<string, unknown>) => LoginIdentity<Claims> | null | Promise<LoginIdentity<Claims> | null>;
  /**
   * Where the refresh token travels:
   * - `'cookie'`: in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to {@link RefreshCookieOptions.path},
   *   never in a JSON body; login, refresh and logout then pass the {@link csrf} check (browsers);
   * - `'body'`: as `refresh_token` in the JSON response and request bodies (non-browser clients);
   *   the refresh endpoint also takes the form of RFC 6749 §6 (`application/x-www-form-urlencoded`,
   *   `grant_type=refresh_token`, `refresh_token`; `client_id` is ignored), which standard OAuth 2.0
   *   clients send, and answers its refusals with 400 (RFC 6749 §5.2). The cookie transport refuses
   *   that form (400 `unsupported_grant_type`).
   *
   * Default: `'cookie'`.
   */
  refreshTokenTransport?: RefreshTokenTransport;
  /** The refresh-token cookie (with `refreshTokenTransport: 'cookie'`). Default: see {@link RefreshCookieOptions}. */
  cookie?: RefreshCookieOptions;
  /** Cross-site request check for the cookie transport. Default: see {@link CsrfOptions}. */
  csrf?: CsrfOptions;
  /**
   * The proxies trusted to forward the client's address, the scheme and host it addressed
   * (`Forwarded` or `X-Forwarded-For` / `-Proto` / `-Host`) and its TLS client certificate
   * (RFC 9440 `Client-Cert`): `{ addresses: ['10.0.0.0/8', '::1'] }` or `{ hops: 1 }` (on
   * `jwtkit/fetch`, with `clientAddress(request)`). They are read only when the peer of the
   * connection is trusted; `Forwarded` wins over `X-Forwarded-*`. Used for the CSRF own-origin
   * check and DPoP's `htu` (the {@link dpop} option). A proxy that does not overwrite these
   * headers lets clients spoof them (docs/sender-constrained-tokens.md, "Behind a proxy").
   * Default: none; forwarded headers and `Client-Cert` are never read.
   */
  trustedProxies?: TrustedProxiesOptions;
  /**
   * The largest request body read (JSON, or the refresh endpoint's form), in bytes (1 to
   * 1 048 576); larger ones get 413. Default: `16384`.
   */
  maxBodyBytes?: number;
  /**
   * How long a request body may take to arrive once an endpoint starts reading it (seconds, or a
   * string such as `'10s'`; more than 0, at most 300 s). A body still incomplete then is answered
   * 408 `invalid_request`: `jwtkit/express` also closes the connection, `jwtkit/fetch` cancels the
   * body stream. It bounds how long a slow or stalled client holds a request open; keep the
   * server's own limits too (docs/express.md, "Limits in front of the endpoints"). A body that a
   * parser such as `express.json()` read first is not timed by jwtkit. Default: `10` (10 s).
   */
  bodyTimeout?: Duration;
  /**
   * Limits login attempts (see {@link LoginLimitsOptions}): `{ store: new MemoryLoginAttemptStore() }`
   * waits 1 s, doubling up to 15 min, after 5 failures of an account from one client; at most 5 s
   * for an account's failures from every client (never for a client without failures on it); and
   * refuses a client's 101st unsuccessful attempt in 15 min. A refused attempt is answered 429 with
   * `Retry-After` before `verifyCredentials` runs, and reported as `login_throttled`. The client is
   * `clientAddress` (the peer, or what {@link trustedProxies} forwarded). Default: none (no limits;
   * docs/express.md, "Protecting the login endpoint").
   */
  loginLimits?: LoginLimitsOptions;
  /** The `realm` of the `logoutEverywhere` endpoint's `WWW-Authenticate` challenges. Default: `'api'`. */
  realm?: string;
  /**
   * DPoP-bound sessions (RFC 9449 §5): `{ origins, replayCache, ... }`; see
   * {@link AuthEndpointsDPoPOptions}. With it, a login or refresh request may carry a `DPoP` header
   * proof (`htm` `POST`, `htu` the endpoint's public URL, no `ath`): a login with a proof binds the
   * session to the proof's key (its access tokens carry `cnf.jkt`, the answer says
   * `token_type: "DPoP"`), and every refresh of a bound session must prove that key. The
   * `logoutEverywhere` endpoint then also reads `Authorization: DPoP <token>` with its proof.
   * Without it, `DPoP` headers are ignored and sessions start as bearer sessions (one bound
   * through the token service directly still refreshes only with a proof of its key: 400
   * `invalid_grant` here). Default: none.
   */
  dpop?: AuthEndpointsDPoPOptions;
  /**
   * Receives the endpoints' events (see `AuthEvent`): `login_succeeded`, `login_failed` (wrong
   * credentials), `request_refused` for every other refusal or failure (with the code, a reason
   * that names the fix, the status, the method and the path; never a token), and
   * `cookie_path_mismatch` when the refresh cookie's `cookie.path` does not cover an endpoint's
   * public path (see {@link publicPathPrefix}). Called synchronously; what it throws is ignored.
   * Giving it with the deprecated {@link onError} is `ERR_INVALID_OPTION`. Default: none, and then
   * jwtkit logs refusals, failed logins and cookie-path warnings with `console.warn` while
   * `NODE_ENV` is not `production`, and in production at most one line per error code per minute,
   * with a count (docs/express.md, "Events and logs"); pass `() => {}` to log nothing.
   */
  onAuthEvent?: AuthEventHandler;
  /**
   * Called with the error (a `JwtError` with its code, or what `verifyCredentials` threw) each time
   * an endpoint refuses or fails. Errors it throws are ignored. Giving it with {@link onAuthEvent}
   * is `ERR_INVALID_OPTION`; while it is set, nothing is logged by default. Default: none.
   * @deprecated Use onAuthEvent, whose `request_refused` and `login_failed` events carry the same
   *   error as `error` with the code, reason, status, method and path. Removed in 0.3.
   */
  onError?: (error: unknown) => void;
  /**
   * The path prefix a reverse proxy strips before the request reaches this server, such as
   * `'/api'` when browsers call `https://example.com/api/auth/refresh` and the server sees
   * `/auth/refresh`. The endpoints put it in front of the request's path (Express's `originalUrl`,
   * so a router's mount path is already in) to tell whether browsers send them the refresh cookie
   * (`cookie.path` must cover the public paths of refresh and logout), and to build the public URL
   * a DPoP proof's `htu` names (the {@link dpop} option).
   * Starts with `/`, no trailing `/`. Default: `''` (the server sees the public path).
   */
  publicPathPrefix?: string;
}

/**
 * The `dpop` option of {@link AuthEndpointsOptions}: the DPoP proofs that login and refresh (the
 * token endpoints, RFC 9449 §5) and logout-everywhere (with its access token, RFC 9449 §7) accept,
 * and the rules they are checked with (those of `verifyDPoPProof`). A member that is not one of
 * these is refused with `ERR_INVALID_OPTION`.
 */
export interface AuthEndpointsDPoPOptions {
  /**
   * The public origins clients address the auth endpoints at, such as
   * `['https://auth.example.com']` (scheme, host and port only: no path). A proof's `htu` must be
   * the endpoint's URL at one of them (with {@link AuthEndpointsOptions.publicPathPrefix} in front
   * of the path the server sees); a request addressed to another origin (the `Host` header, or a
   * trusted proxy's) is refused with `invalid_dpop_proof`. Required.
   */
  origins: readonly string[];
  /**
   * Where the `jti`s of accepted proofs are remembered: a `MemoryDPoPReplayCache` made once per
   * process, a shared one (`RedisDPoPReplayCache` from `jwtkit/redis`), or `false` to accept a
   * replayed proof within its lifetime. A proof is remembered before the refresh token is
   * presented to the token service, so a replayed proof never consumes a token. Required.
   */
  replayCache: DPoPReplayCache | false;
  /**
   * Whether login and refresh refuse a request without a proof (400 `invalid_dpop_proof`): every
   * new session is then bound, and a bearer session (from before) is refreshed only with a proof,
   * which binds its new access tokens. `logoutEverywhere` reads `Bearer` tokens all the same.
   * Default: `false`: a login without a proof starts a bearer session.
   */
  required?: boolean;
  /** The proof algorithms accepted (asymmetric only). Default: `DEFAULT_DPOP_ALGORITHMS`. */
  algorithms?: readonly DPoPAlgorithm[];
  /** How long after its `iat` a proof is accepted, at most 5 minutes. Default: `60` seconds. */
  maxAge?: Duration;
  /** Leeway for the client's clock, in seconds (0 to 300). Default: `5`. */
  clockTolerance?: number;
  /**
   * Server nonces (`createDPoPNonces`): a login or refresh whose proof has no current nonce is
   * answered 400 `use_dpop_nonce` with a `DPoP-Nonce` header (RFC 9449 §8), logout-everywhere 401
   * `use_dpop_nonce` in its `DPoP` challenge (§9); token responses to a request with a proof carry a
   * fresh `DPoP-Nonce` (§8.2). Default: none.
   */
  nonces?: DPoPNonces;
  /** The clock a proof's `iat` is compared with. Default: the system clock. */
  clock?: Clock;
}

const ENDPOINT_DPOP_OPTION_NAMES = optionNames<AuthEndpointsDPoPOptions>(
  {
    origins: true,
    replayCache: true,
    required: true,
    algorithms: true,
    maxAge: true,
    clockTolerance: true,
    nonces: true,
    clock: true,
  },
  {
    mode: 'the auth endpoints take a proof whenever a request carries one: leave "mode" out, and set "required: true" to refuse requests without one',
    htm: 'the endpoints take POST only',
    htu: 'list the public origins in "origins" (and the path a proxy strips in "publicPathPrefix"); the path is the request\'s',
  },
);

/**
 * The `dpop` option.
 *
 * @throws ERR_INVALID_OPTION for an unknown name, a `required` that is not a boolean, or what
 *   {@link readDPoPPolicy} refuses.
 */
function normalizeEndpointDPoPOptions(options: unknown): DPoPPolicy | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', '"dpop" must be an object such as { origins: [\'https://auth.example.com\'], replayCache }');
  }
  checkOptionNames(options, ENDPOINT_DPOP_OPTION_NAMES, 'dpop');
  const { required, ...rest } = options as AuthEndpointsDPoPOptions;
  if (required !== undefined && typeof required !== 'boolean')
    throw new JwtError('ERR_INVALID_OPTION', '"dpop.required" must be a boolean');
  return readDPoPPolicy(rest, required === true);
}

/** Where to point a caller who passes an option of the token service, the cookie or the CSRF check at the top level. */
const AUTH_ENDPOINTS_HINTS = {
  accessTokenTtl: 'set "accessTokenTtl" on createTokenService (the "tokens" option)',
  refreshTokenTtl: 'set "refreshTokenTtl" on createTokenService (the "tokens" option)',
  idleTtl: 'set "idleTtl" on createTokenService (the "tokens" option)',
  name: 'use "cookie: { name }"',
  path: 'use "cookie: { path }"',
  secure: 'use "cookie: { secure }"',
  allowedOrigins: 'use "csrf: { allowedOrigins }"',
  requiredHeader: 'use "csrf: { requiredHeader }"',
};

const AUTH_ENDPOINTS_OPTION_NAMES = optionNames<AuthEndpointsOptions>(
  {
    tokens: true,
    verifyCredentials: true,
    refreshTokenTransport: true,
    cookie: true,
    csrf: true,
    maxBodyBytes: true,
    bodyTimeout: true,
    realm: true,
    dpop: true,
    onAuthEvent: true,
    onError: true,
    publicPathPrefix: true,
    trustedProxies: true,
    loginLimits: true,
  },
  AUTH_ENDPOINTS_HINTS,
);

/** {@link AuthEndpointsOptions} checked once. @internal */
export interface AuthEndpointsPolicy<Claims extends object> {
  readonly tokens: TokenService<Claims>;
  readonly verifyCredentials: AuthEndpointsOptions<Claims>['verifyCredentials'];
  readonly transport: RefreshTokenTransport;
  readonly cookie: RefreshCookiePolicy;
  readonly csrf: CsrfPolicy;
  readonly body: BodyLimits;
  readonly realm: string;
  /** `undefined` without the `dpop` option. */
  readonly dpop: DPoPPolicy | undefined;
  /** Where the endpoints' events go: `onAuthEvent`, the deprecated `onError`, or the default log. */
  readonly events: AuthEventSink;
  /** `publicPathPrefix`: `''` or `/...` without a trailing `/`. */
  readonly publicPathPrefix: string;
  /** `undefined` when no proxy is trusted. */
  readonly trustedProxies: TrustedProxies | undefined;
  /** `undefined` without `loginLimits`. */
  readonly loginLimiter: LoginLimiter | undefined;
}

const TOKEN_SERVICE_METHODS = ['issue', 'refresh', 'revoke', 'revokeAll', 'verifyAccessToken'] as const;
const MAX_BODY_BYTES = 1_048_576;
const DEFAULT_BODY_TIMEOUT_SECONDS = 10;
/** Node's own `server.requestTimeout` default: a longer body deadline would never be reached there. */
const MAX_BODY_TIMEOUT_SECONDS = 300;

function readTokens<Claims extends object>(tokens: unknown): TokenService<Claims> {
  if (typeof tokens !== 'object' || tokens === null) {
    throw new JwtError('ERR_INVALID_OPTION', '"tokens" must be a token service (createTokenService)');
  }
  for (const method of TOKEN_SERVICE_METHODS) {
    if (typeof (tokens as Record<string, unknown>)[method] !== 'function') {
      throw new JwtError('ERR_INVALID_OPTION', `"tokens" must be a token service: "${method}" is missing`);
    }
  }
  return tokens as TokenService<Claims>;
}

function readBodyTimeout(value: unknown): number {
  const seconds = value === undefined ? DEFAULT_BODY_TIMEOUT_SECONDS : durationToSeconds(value, 'bodyTimeout');
  if (seconds <= 0 || seconds > MAX_BODY_TIMEOUT_SECONDS) {
    throw new JwtError('ERR_INVALID_OPTION', `"bodyTimeout" must be more than 0 and at most ${MAX_BODY_TIMEOUT_SECONDS} seconds ('10s')`);
  }
  return Math.ceil(seconds * 1000);
}

/** A path prefix: `/` and printable ASCII without `;`, `?`, `#` or spaces, not ending in `/`. */
const PATH_PREFIX = /^\/[\x21-\x22\x24-\x3a\x3c-\x3e\x40-\x7e]*$/;

function readPublicPathPrefix(value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || !PATH_PREFIX.test(value) || value.endsWith('/')) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"publicPathPrefix" must be a path such as \'/api\': starting with "/", without a trailing "/", query or spaces',
    );
  }
  return value;
}

/**
 * Validates {@link AuthEndpointsOptions} once.
 *
 * @throws ERR_INVALID_OPTION for an unknown option name (in `cookie`, `csrf` and `dpop` too), a missing
 *   token service, both `onAuthEvent` and the deprecated `onError`, or any option of the wrong shape.
 * @internal
 */
export function normalizeAuthEndpointsOptions<Claims extends object>(
  options: AuthEndpointsOptions<Claims>,
  platform: 'node' | 'fetch',
): AuthEndpointsPolicy<Claims> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'the options must be an object');
  checkOptionNames(options, AUTH_ENDPOINTS_OPTION_NAMES, 'createAuthEndpoints');
  const transport = options.refreshTokenTransport ?? 'cookie';
  if (transport !== 'cookie' && transport !== 'body') {
    throw new JwtError('ERR_INVALID_OPTION', '"refreshTokenTransport" must be "cookie" or "body"');
  }
  if (typeof options.verifyCredentials !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', '"verifyCredentials" must be a function');
  }
  const maxBodyBytes = options.maxBodyBytes ?? 16_384;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES) {
    throw new JwtError('ERR_INVALID_OPTION', `"maxBodyBytes" must be a whole number from 1 to ${MAX_BODY_BYTES}`);
  }
  return Object.freeze({
    tokens: readTokens<Claims>(options.tokens),
    verifyCredentials: options.verifyCredentials,
    transport,
    cookie: normalizeRefreshCookieOptions(options.cookie),
    csrf: normalizeCsrfOptions(options.csrf),
    body: Object.freeze({ maxBytes: maxBodyBytes, timeoutMs: readBodyTimeout(options.bodyTimeout) }),
    realm: normalizeRealm(options.realm),
    dpop: normalizeEndpointDPoPOptions(options.dpop),
    events: authEventSink(options.onAuthEvent, options.onError),
    publicPathPrefix: readPublicPathPrefix(options.publicPathPrefix),
    trustedProxies: normalizeTrustedProxies(options.trustedProxies, platform),
    loginLimiter: normalizeLoginLimits(options.loginLimits),
  });
}
