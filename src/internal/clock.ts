/**
 * The one reader of time: every option that reads a clock (`clock` of `sign`, `verify`, the key
 * ring, the remote JWKS and the token service, and the deprecated `currentDate`) goes through it.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';
import { refuseBothNames } from './deprecated-option.js';

/** A clock: returns the current time. Tests pass a fake one (see `createFakeClock` in `jwtkit/testing`). */
export type Clock = () => Date;

/**
 * Checks an optional clock option at construction: `undefined`, or a function.
 *
 * @throws `ERR_INVALID_OPTION` naming the option when it is not a function.
 * @internal
 */
export function checkClock(clock: unknown, option: string): Clock | undefined {
  if (clock !== undefined && typeof clock !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a function returning a Date`);
  }
  return clock as Clock | undefined;
}

/**
 * `Date.prototype.getTime` as it was when jwtkit loaded: called on a value, it reads the value's
 * own time (its internal slot), whatever the value's class or `Date.prototype` say later, and throws
 * a `TypeError` for anything that is not a `Date` (of any realm).
 */
const dateGetTime = Date.prototype.getTime;

/**
 * The time of a `Date` in milliseconds since the epoch, read once from its own time value (an
 * overridden or replaced `getTime` is never called), or `NaN` for an invalid Date or anything that
 * is not a Date (`Object.create(Date.prototype)`, a proxy, `{ getTime }`).
 */
function timeOf(value: unknown): number {
  try {
    return dateGetTime.call(value);
  } catch {
    return Number.NaN;
  }
}

/**
 * Reads a clock: the time in milliseconds since the epoch, `Date.now()` when there is no clock
 * (no `Date` is made then). The clock is called once per read, and the `Date` it returns is read
 * once, through its own time value (test/internal/clock-reads.test.ts).
 *
 * @throws `ERR_INVALID_OPTION` naming the option when it is not a function, or when it returns
 * something other than a valid `Date` (checked at every read: a clock is the caller's code).
 * @internal
 */
export function readClock(clock: unknown, option: string): number {
  if (clock === undefined) return Date.now();
  if (typeof clock !== 'function') throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a function returning a Date`);
  const time = timeOf(clock());
  if (!Number.isFinite(time)) throw new JwtError('ERR_INVALID_OPTION', `"${option}" must return a valid Date`);
  return time;
}

/**
 * The time of one `sign` or `verify` call, in milliseconds since the epoch, from its `clock`
 * option or the deprecated `currentDate` (read once, as {@link readClock} reads what a clock
 * returns). Takes the two values, not the options object, so each caller reads its own options
 * shape and nothing is allocated when neither is given.
 *
 * @throws `ERR_INVALID_OPTION` when both are given, for a `currentDate` that is not a valid `Date`,
 * and as {@link readClock} for `clock`.
 * @internal
 */
export function readCallTime(clock: unknown, currentDate: unknown): number {
  if (currentDate === undefined) return readClock(clock, 'clock');
  refuseBothNames(clock, currentDate, 'clock', 'currentDate');
  const time = timeOf(currentDate);
  if (!Number.isFinite(time)) throw new JwtError('ERR_INVALID_OPTION', '"currentDate" must be a valid Date');
  return time;
}

/** Seconds since the epoch for a date, as jwtkit's clock reads it. @internal */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
