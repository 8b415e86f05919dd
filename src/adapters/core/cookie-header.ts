import { JwtError } from '../../errors.js';

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
 * (docs/security.md, "Cookies"). Names and values lose leading and trailing spaces and tabs only,
 * as browsers strip them (RFC 6265 §5.2); the name must then equal `name` exactly. A value wrapped
 * in double quotes is unwrapped. Nothing is URL-decoded.
 *
 * @returns the value, or `undefined` when the cookie is absent.
 * @throws ERR_REQUEST_INVALID when the cookie appears more than once (a sibling site may have
 *   planted a second one: refuse rather than guess), or when another pair's name is `name` but for
 *   its case or other white space (`\u00a0__Secure-...`: a browser would not apply the prefix rules
 *   to it, so it can only be planted).
 * @internal
 */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (cookieHeader === undefined) return undefined;
  const lookalike = name.toLowerCase();
  let found: string | undefined;
  let seen = false;
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1) continue;
    const pairName = trimSpacesAndTabs(pair.slice(0, separator));
    if (pairName !== name) {
      if (pairName.trim().toLowerCase() === lookalike) throw new JwtError('ERR_REQUEST_INVALID', 'a cookie imitates the expected one');
      continue;
    }
    if (seen) throw new JwtError('ERR_REQUEST_INVALID', 'the cookie is sent more than once');
    seen = true;
    let value = trimSpacesAndTabs(pair.slice(separator + 1));
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    found = value;
  }
  return found;
}

/** The text without leading and trailing spaces and tabs (RFC 6265 §5.2: WSP), and nothing else. */
function trimSpacesAndTabs(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
  while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(start, end);
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
