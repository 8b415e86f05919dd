/**
 * The store of the login endpoint's attempt counters (`loginLimits` of `createAuthEndpoints`).
 *
 * @module
 */

/** One counter of a {@link LoginAttemptStore}. Times are milliseconds since the epoch. */
export interface LoginAttemptCount {
  /** The number of attempts counted in the counter's window (never below 0). */
  count: number;
  /** When an attempt was last added (`delta` 1); `0` when none was. */
  lastAt: number;
  /** When the counter's window ends and the counter reads as absent. */
  expiresAt: number;
}

/**
 * Where the login limiter keeps its counters. The keys are opaque strings the limiter makes
 * (`pair:<account hash>:<client>`, `account:<account hash>`, `client:<client>`): never a password
 * or a raw username. Times are passed in by the caller (the limiter's `clock`), in milliseconds
 * since the epoch; a store never reads a clock of its own to decide expiry.
 *
 * The contract:
 * - `add(key, delta, now, windowMs)` is atomic (two concurrent calls never read the same count):
 *   a counter absent or expired at `now` (`expiresAt <= now`) starts at 0 with
 *   `expiresAt = now + windowMs` (a fixed window: later adds do not move it); then
 *   `count = max(0, count + delta)`, and `lastAt = now` when `delta` is 1. Returns the counter
 *   after the change;
 * - `read(key, now)` returns the counter, or `undefined` when it is absent or expired at `now`;
 * - `reset(key)` removes the counter;
 * - a store may forget a counter once it expired; it must not forget one before.
 * Failures reject with a `JwtError` `ERR_STORE_UNAVAILABLE` (the login then answers 503).
 *
 * @example
 * ```ts
 * import { MemoryLoginAttemptStore } from 'jwtkit';
 * const store: LoginAttemptStore = new MemoryLoginAttemptStore();
 * const counter = await store.add('client:203.0.113.7', 1, Date.now(), 15 * 60_000);
 * ```
 * @throws never itself: an interface; implementations reject with `ERR_STORE_UNAVAILABLE`.
 */
export interface LoginAttemptStore {
  /** Adds `delta` (1 or -1) to the counter `key` within its window; see the contract above. */
  add(key: string, delta: 1 | -1, now: number, windowMs: number): Promise<LoginAttemptCount>;
  /** The counter `key` at `now`, or `undefined` when absent or expired. */
  read(key: string, now: number): Promise<LoginAttemptCount | undefined>;
  /** Removes the counter `key`. */
  reset(key: string): Promise<void>;
}
