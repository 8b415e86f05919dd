/**
 * The auth objects the authentication step produced, with the realm each was authenticated
 * under. The standalone authorization helpers (`requireScopes`, ...) accept only these: an `auth`
 * found on a request that `authenticate` did not set (an inherited `req.auth` through a polluted
 * `Object.prototype`, or one another middleware made) is treated as no authentication
 * (docs/security.md, "Authorization checks"). They also answer with the same `WWW-Authenticate`
 * realm without being told it again.
 *
 * @internal
 * @module
 */

const realms = new WeakMap<object, string>();

/** Records that the authentication step produced `auth`, under `realm`. @internal */
export function rememberIssuedAuth(auth: object, realm: string): void {
  realms.set(auth, realm);
}

/** Whether `auth` was produced by the authentication step of this library. @internal */
export function isIssuedAuth(auth: unknown): auth is object {
  return typeof auth === 'object' && auth !== null && realms.has(auth);
}

/** The realm recorded for `auth`, else `fallback`. @internal */
export function realmOf(auth: object | undefined, fallback: string): string {
  return (auth === undefined ? undefined : realms.get(auth)) ?? fallback;
}
