import { JwtError } from '../errors.js';

/** RFC 6265 §4.1.1 cookie-name (an HTTP token). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Tells whether a string can be used as a cookie name.
 *
 * @internal
 */
export function isCookieName(name: string): boolean {
  return COOKIE_NAME.test(name);
}

/**
 * Reads one cookie from a `Cookie` header. Pairs are split on `;` only (RFC 6265 §4.2.1, §5.4): a
 * comma is part of a cookie value, as browsers store and send it, and Node's http server and
 * undici's `Headers` join repeated `Cookie` headers with `"; "`. Splitting on `,` too would let a
 * cookie planted by another page (`pref=dark,<name>=<attacker's token>`) pass for this one
 * (docs/security.md, "Cookies"). A value wrapped in double quotes is unwrapped. Nothing is
 * URL-decoded.
 *
 * @returns the value, or `undefined` when the cookie is absent.
 * @throws ERR_REQUEST_INVALID when the cookie appears more than once (a sibling site may have
 *   planted a second one: refuse rather than guess).
 * @internal
 */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  let found: string | undefined;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1) continue;
    if (pair.slice(0, separator).trim() !== name) continue;
    if (found !== undefined) throw new JwtError('ERR_REQUEST_INVALID', 'the cookie is sent more than once');
    let value = pair.slice(separator + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    found = value;
  }
  return found;
}

/** The attributes jwtkit writes on a cookie. */
export interface CookieAttributes {
  /** `Path`. */
  path: string;
  /** `Max-Age` in whole seconds; `0` deletes the cookie. */
  maxAge: number;
  /** Whether to add `Secure`. */
  secure: boolean;
}

/**
 * Builds a `Set-Cookie` value that is always `HttpOnly` and `SameSite=Strict`, host-only (no
 * `Domain`). The name and value have been checked by the caller.
 *
 * @internal
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path}`, `Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`];
  if (attributes.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  parts.push('SameSite=Strict');
  return parts.join('; ');
}
