import { positiveInteger } from './positive-integer.js';

/**
 * A `Map` that never holds more than `maxSize` entries, for the module-level caches of the hot
 * paths (parsed headers, encoded headers, string secrets). One eviction rule: adding a new key to
 * a full cache first empties it. A process sees a handful of distinct values, so the cache fills
 * only under unusual input; then clearing costs one call, where evicting the oldest entry would
 * cost an iterator on every insertion into the full cache. `get` and `set` are one `Map` call
 * each (`set` adds one size comparison), with no allocation.
 *
 * @example
 * ```ts
 * const segments = new BoundedCache<string, string>(256);
 * let segment = segments.get(json);
 * if (segment === undefined) segments.set(json, (segment = encodeBase64url(json)));
 * ```
 * @internal
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #maxSize: number;

  /**
   * @param maxSize - the most entries the cache holds: a positive integer.
   * @throws `ERR_INVALID_OPTION` when `maxSize` is not a positive safe integer.
   */
  constructor(maxSize: number) {
    this.#maxSize = positiveInteger(maxSize, 'maxSize');
  }

  /**
   * How many entries the cache holds (never more than `maxSize`).
   *
   * @example
   * ```ts
   * cache.size <= 256; // always
   * ```
   * @throws never.
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The value kept for `key`, or `undefined` when there is none (never added, or emptied since).
   *
   * @example
   * ```ts
   * const known = headers.get(segment) ?? parseHeader(segment);
   * ```
   * @throws never.
   */
  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /**
   * Keeps `value` for `key`. When the cache is full and `key` is not in it, every entry is
   * removed first; replacing the value of a key already kept removes nothing.
   *
   * @example
   * ```ts
   * headers.set(known.segment, known);
   * ```
   * @throws never.
   */
  set(key: K, value: V): void {
    if (this.#entries.size >= this.#maxSize && !this.#entries.has(key)) this.#entries.clear();
    this.#entries.set(key, value);
  }
}
