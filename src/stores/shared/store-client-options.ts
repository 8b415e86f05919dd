/**
 * The checks every store over a database client makes on its options: the options object itself,
 * and the call timeout (a duration, 2 seconds by default, at most what `setTimeout` can wait).
 * Shared by the Redis and PostgreSQL stores (only `src/stores/` imports `src/stores/shared/`); not
 * part of the public API.
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import { durationToSeconds } from '../../internal/duration.js';

/** The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2_147_483_647;
/** The call timeout when the option is not given, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 2;

/** Checks that a store's options are an object; throws `ERR_INVALID_OPTION` naming the backend. @internal */
export function checkStoreOptions(options: unknown, backend: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', `the ${backend} store options must be an object with a "client"`);
  }
}

/**
 * Reads a store's call-timeout option (seconds or a duration string; default 2 s) in milliseconds;
 * throws `ERR_INVALID_OPTION` naming `option` unless it is between 1 ms and about 24 days. @internal
 */
export function storeTimeoutMs(value: unknown, option: string): number {
  const timeoutMs = Math.round(durationToSeconds(value ?? DEFAULT_TIMEOUT_SECONDS, option) * 1000);
  if (timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be between 1 millisecond and 24 days`);
  }
  return timeoutMs;
}
