import { JwtError } from '../../errors.js';
import { durationToSeconds } from '../../internal/duration.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import type { Duration } from '../../internal/duration.js';
import type { TokenService } from '../../tokens/types.js';
import { normalizeRealm, report } from './authenticate-options.js';
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
   * - `'body'`: as `refresh_token` in the JSON response and request bodies (non-browser clients).
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
   * check. A proxy that does not overwrite these
   * headers lets clients spoof them (docs/sender-constrained-tokens.md, "Behind a proxy").
   * Default: none; forwarded headers and `Client-Cert` are never read.
   */
  trustedProxies?: TrustedProxiesOptions;
  /** The largest JSON request body read, in bytes (1 to 1 048 576); larger ones get 413. Default: `16384`. */
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
  /** The `realm` of the `logoutEverywhere` endpoint's `WWW-Authenticate: Bearer` challenge. Default: `'api'`. */
  realm?: string;
  /**
   * Called with the error (a `JwtError` with its code, or what `verifyCredentials` threw) each time
   * an endpoint refuses or fails, so the application can log it; the response says less. Errors
   * it throws are ignored. Default: none.
   */
  onError?: (error: unknown) => void;
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
    onError: true,
    trustedProxies: true,
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
  readonly report: (error: unknown) => void;
  /** `undefined` when no proxy is trusted. */
  readonly trustedProxies: TrustedProxies | undefined;
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

/**
 * Validates {@link AuthEndpointsOptions} once.
 *
 * @throws ERR_INVALID_OPTION for an unknown option name (in `cookie` and `csrf` too), a missing
 *   token service or any option of the wrong shape.
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
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', '"onError" must be a function');
  }
  const onError = options.onError;
  return Object.freeze({
    tokens: readTokens<Claims>(options.tokens),
    verifyCredentials: options.verifyCredentials,
    transport,
    cookie: normalizeRefreshCookieOptions(options.cookie),
    csrf: normalizeCsrfOptions(options.csrf),
    body: Object.freeze({ maxBytes: maxBodyBytes, timeoutMs: readBodyTimeout(options.bodyTimeout) }),
    realm: normalizeRealm(options.realm),
    report: (error: unknown) => report(onError, error),
    trustedProxies: normalizeTrustedProxies(options.trustedProxies, platform),
  });
}
