/**
 * Reads of own members only, for parsed JSON (token headers and claims) and options objects: a
 * member that an object only inherits, e.g. from an `Object.prototype` polluted by a bug elsewhere
 * in the process, is never read as if the token or the caller had set it
 * (test/jwt/prototype-pollution.test.ts).
 *
 * @module
 * @internal
 */

/**
 * `value`, the caller's read of `object[name]`, when it is `object`'s own member; `undefined` when
 * the member is inherited (or absent). Written `ownValue(options, 'clock', options.clock)`.
 *
 * The caller reads the member itself, by name: that read keeps an inline cache of its own at its
 * site, and `Object.hasOwn` (many times the cost of a cached property read) runs only for a member
 * that is set, so an option left out costs nothing more (bench: sign/HS256/sync,
 * verify/HS256/sync). A getter runs: parsed JSON has none, and an options object's getter is its
 * caller's code. For objects from an untrusted source that may hold getters or be proxies, use
 * `peekOwnDataProperty` (src/jws/jwk.ts) instead.
 * @internal
 */
export function ownValue<T extends object, Name extends keyof T & string>(object: T, name: Name, value: T[Name]): T[Name] | undefined {
  return value !== undefined && !Object.hasOwn(object, name) ? undefined : value;
}
