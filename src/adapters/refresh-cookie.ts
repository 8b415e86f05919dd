import { JwtError } from '../errors.js';
import { isCookieName, serializeCookie } from './cookie-header.js';
import type { HttpRequestFacts } from './http-exchange.js';

/** Options of the cookie that carries the refresh token to browsers. */
export interface RefreshCookieOptions {
  /**
   * The cookie name. A `__Secure-` name cannot be planted by a plain-HTTP page or a sibling site
   * without TLS. Default: `'__Secure-jwtkit-refresh'`, or `'jwtkit-refresh'` with
   * `insecureLoopback` (the prefix requires `Secure`).
   */
  name?: string;
  /**
   * The cookie `Path`: the common prefix of the auth endpoints, so that refresh and logout receive
   * the cookie and no other route does. Default: `'/auth'`.
   */
  path?: string;
  /**
   * Development only: leave out `Secure` when the request was addressed to a loopback host
   * (`localhost`, `127.0.0.1`, `[::1]`) so the cookie works over plain `http://`. Requests to any
   * other host still get `Secure`. Default: `false`.
   */
  insecureLoopback?: boolean;
}

/** {@link RefreshCookieOptions} checked once. @internal */
export interface RefreshCookiePolicy {
  readonly name: string;
  readonly path: string;
  readonly insecureLoopback: boolean;
}

/** A cookie path: starts with `/`, printable ASCII without `;`. */
const COOKIE_PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;

/**
 * Validates {@link RefreshCookieOptions}.
 *
 * @throws ERR_INVALID_OPTION for a bad name or path, a `__Host-` name with a path other than `/`,
 *   or a `__Secure-` / `__Host-` name with `insecureLoopback`.
 * @internal
 */
export function normalizeRefreshCookieOptions(options: RefreshCookieOptions | undefined): RefreshCookiePolicy {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new JwtError('ERR_INVALID_OPTION', '"cookie" must be an object');
  }
  const insecureLoopback = options?.insecureLoopback ?? false;
  if (typeof insecureLoopback !== 'boolean') throw new JwtError('ERR_INVALID_OPTION', '"cookie.insecureLoopback" must be a boolean');
  const name = options?.name ?? (insecureLoopback ? 'jwtkit-refresh' : '__Secure-jwtkit-refresh');
  if (typeof name !== 'string' || !isCookieName(name)) throw new JwtError('ERR_INVALID_OPTION', '"cookie.name" must be a cookie name');
  const path = options?.path ?? '/auth';
  if (typeof path !== 'string' || !COOKIE_PATH.test(path)) {
    throw new JwtError('ERR_INVALID_OPTION', '"cookie.path" must start with "/" and hold no ";" or spaces');
  }
  const prefixed = /^__(?:secure|host)-/i.test(name);
  if (prefixed && insecureLoopback) {
    throw new JwtError('ERR_INVALID_OPTION', 'a "__Secure-" or "__Host-" cookie needs Secure: choose another name with "insecureLoopback"');
  }
  if (/^__host-/i.test(name) && path !== '/') {
    throw new JwtError('ERR_INVALID_OPTION', 'a "__Host-" cookie needs "path" to be "/"');
  }
  return Object.freeze({ name, path, insecureLoopback });
}

function isSecure(request: HttpRequestFacts, policy: RefreshCookiePolicy): boolean {
  return !(policy.insecureLoopback && request.loopback);
}

/**
 * The `Set-Cookie` value that stores a refresh token for `maxAge` seconds.
 *
 * @internal
 */
export function setRefreshCookie(request: HttpRequestFacts, policy: RefreshCookiePolicy, token: string, maxAge: number): string {
  return serializeCookie(policy.name, token, { path: policy.path, maxAge, secure: isSecure(request, policy) });
}

/**
 * The `Set-Cookie` value that deletes the refresh-token cookie (same name and path).
 *
 * @internal
 */
export function clearRefreshCookie(request: HttpRequestFacts, policy: RefreshCookiePolicy): string {
  return serializeCookie(policy.name, '', { path: policy.path, maxAge: 0, secure: isSecure(request, policy) });
}
