import { JwtError } from '../../errors.js';
import { refuseBothNames } from '../../internal/deprecated-option.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { isCookieName, serializeCookie } from './cookie-header.js';

/**
 * Options of the cookie that carries the refresh token to browsers. A member that is not one of
 * these is refused with `ERR_INVALID_OPTION`.
 */
export interface RefreshCookieOptions {
  /**
   * The cookie name. A `__Secure-` name cannot be planted by a plain-HTTP page or a sibling site
   * without TLS. Default: `'__Secure-jwtkit-refresh'`; `'jwtkit-refresh'` with `secure: false` (the
   * prefix requires `Secure`) or with the deprecated `insecureLoopback: true` (its former default).
   */
  name?: string;
  /**
   * The cookie `Path`: the common prefix of the auth endpoints, so that refresh and logout receive
   * the cookie and no other route does. Default: `'/auth'`.
   */
  path?: string;
  /**
   * Whether the cookie carries `Secure`, on every response: configuration decides, never the
   * request's `Host` (which a reverse proxy forwarding to `127.0.0.1` would make look local).
   * `false` is for development over plain `http://` only: set it under an explicit development
   * flag, never from a guess such as `NODE_ENV`. It cannot be combined with a `__Secure-` or
   * `__Host-` name. Default: `true`.
   */
  secure?: boolean;
  /**
   * Deprecated, and no longer drops `Secure`: the `Host` header is not consulted any more, so the
   * cookie is `Secure` on every host, loopback included. `true` only keeps the unprefixed default
   * name `'jwtkit-refresh'` (so existing cookies stay readable); it means
   * `{ secure: true, name: 'jwtkit-refresh' }`. Giving it together with `secure` is
   * `ERR_INVALID_OPTION`. Default: `false`.
   * @deprecated Use `secure: false` under an explicit development flag for plain-`http://`
   *   development, and nothing in production. Removed in 0.3.
   */
  insecureLoopback?: boolean;
}

/** Where to point a caller who passes a cookie attribute the refresh cookie always sets itself. */
const REFRESH_COOKIE_HINTS = {
  httpOnly: 'leave it out: the refresh cookie is always HttpOnly',
  sameSite: 'leave it out: the refresh cookie is always SameSite=Strict',
  domain: 'leave it out: the refresh cookie is host-only (it has no Domain attribute)',
  maxAge: 'leave it out: the refresh cookie expires with the refresh token ("refreshTokenTtl" and "idleTtl" of createTokenService)',
  expires: 'leave it out: the refresh cookie expires with the refresh token ("refreshTokenTtl" and "idleTtl" of createTokenService)',
};

const REFRESH_COOKIE_OPTION_NAMES = optionNames<RefreshCookieOptions>(
  { name: true, path: true, secure: true, insecureLoopback: true },
  REFRESH_COOKIE_HINTS,
);

/** {@link RefreshCookieOptions} checked once. @internal */
export interface RefreshCookiePolicy {
  readonly name: string;
  readonly path: string;
  readonly secure: boolean;
}

/** A cookie path: starts with `/`, printable ASCII without `;`. */
const COOKIE_PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;

function readBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a boolean`);
  return value;
}

/**
 * Validates {@link RefreshCookieOptions}.
 *
 * @throws ERR_INVALID_OPTION for an unknown option name, a bad name or path, a `__Host-` name with a path other than `/`,
 *   a `__Secure-` / `__Host-` name with `secure: false`, or both `secure` and the deprecated
 *   `insecureLoopback`.
 * @internal
 */
export function normalizeRefreshCookieOptions(options: RefreshCookieOptions | undefined): RefreshCookiePolicy {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new JwtError('ERR_INVALID_OPTION', '"cookie" must be an object');
  }
  checkOptionNames(options, REFRESH_COOKIE_OPTION_NAMES, '"cookie"');
  refuseBothNames(options?.secure, options?.insecureLoopback, 'cookie.secure', 'cookie.insecureLoopback');
  const secure = readBoolean(options?.secure, 'cookie.secure', true);
  const legacyName = readBoolean(options?.insecureLoopback, 'cookie.insecureLoopback', false);
  const name = options?.name ?? (secure && !legacyName ? '__Secure-jwtkit-refresh' : 'jwtkit-refresh');
  if (typeof name !== 'string' || !isCookieName(name)) throw new JwtError('ERR_INVALID_OPTION', '"cookie.name" must be a cookie name');
  const path = options?.path ?? '/auth';
  if (typeof path !== 'string' || !COOKIE_PATH.test(path)) {
    throw new JwtError('ERR_INVALID_OPTION', '"cookie.path" must start with "/" and hold no ";" or spaces');
  }
  if (!secure && /^__(?:secure|host)-/i.test(name)) {
    throw new JwtError('ERR_INVALID_OPTION', 'a "__Secure-" or "__Host-" cookie needs Secure: choose another name with "secure: false"');
  }
  if (/^__host-/i.test(name) && path !== '/') {
    throw new JwtError('ERR_INVALID_OPTION', 'a "__Host-" cookie needs "path" to be "/"');
  }
  return Object.freeze({ name, path, secure });
}

/**
 * The `Set-Cookie` value that stores a refresh token for `maxAge` seconds.
 *
 * @internal
 */
export function setRefreshCookie(policy: RefreshCookiePolicy, token: string, maxAge: number): string {
  return serializeCookie(policy.name, token, { path: policy.path, maxAge, secure: policy.secure });
}

/**
 * The `Set-Cookie` value that deletes the refresh-token cookie (same name and path).
 *
 * @internal
 */
export function clearRefreshCookie(policy: RefreshCookiePolicy): string {
  return serializeCookie(policy.name, '', { path: policy.path, maxAge: 0, secure: policy.secure });
}
