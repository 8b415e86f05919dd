/**
 * Remembers the realm of the authentication that produced an auth object, so the standalone
 * authorization helpers (`requireScopes`, ...) answer with the same `WWW-Authenticate` realm
 * without being told it again.
 *
 * @internal
 * @module
 */

const realms = new WeakMap<object, string>();

/** Records the realm under which `auth` was authenticated. @internal */
export function rememberRealm(auth: object, realm: string): void {
  realms.set(auth, realm);
}

/** The realm recorded for `auth`, else `fallback`. @internal */
export function realmOf(auth: object | undefined, fallback: string): string {
  return (auth === undefined ? undefined : realms.get(auth)) ?? fallback;
}
