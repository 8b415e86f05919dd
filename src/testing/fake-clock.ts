/**
 * `createFakeClock`: a clock that stands still until told to move, for tests.
 *
 * @module
 */
import { JwtError } from '../errors.js';
import type { Clock } from '../internal/clock.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';

/** Options of {@link createFakeClock}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface FakeClockOptions {
  /**
   * The time the clock starts at: a `Date`, or seconds since the epoch.
   * Default: `1_700_000_000` (2023-11-14T22:13:20Z).
   */
  start?: Date | number;
}

const FAKE_CLOCK_OPTION_NAMES = optionNames<FakeClockOptions>({ start: true });

/**
 * A {@link Clock} for tests: calling it returns the current fake time (a new `Date` each call);
 * it moves only with `advance` and `set`. Pass it as `clock` to `createTokenService`,
 * `createKeyRing`, `createRemoteJWKS`, the test issuer, `sign` and `verify`.
 */
export interface FakeClock extends Clock {
  /** The current fake time (the same as calling the clock). */
  now(): Date;
  /** The current fake time in whole seconds since the epoch (as JWT `iat`/`exp` count). */
  seconds(): number;
  /** Moves the clock forward by a duration (seconds or `'15m'`) and returns the new time. */
  advance(by: Duration): Date;
  /** Sets the clock to a time (a `Date`, or seconds since the epoch), forward or back, and returns it. */
  set(to: Date | number): Date;
}

/** The default start of a fake clock, in seconds since the epoch. */
const DEFAULT_START_SECONDS = 1_700_000_000;

/**
 * Makes a {@link FakeClock}: time stands still until the test moves it, so expiry can be tested
 * without waiting and without global fake timers.
 *
 * @param options - see {@link FakeClockOptions}.
 * @returns the clock.
 * @example
 * ```ts
 * import { createFakeClock } from 'jwtkit/testing';
 * const clock = createFakeClock();
 * const tokens = createTokenService({ key, issuer, audience, clock });
 * const pair = await tokens.issue('user-1');
 * clock.advance('16m');
 * await expect(tokens.verifyAccessToken(pair.accessToken)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
 * ```
 * @throws `ERR_INVALID_OPTION` for a start that is not a valid `Date` or finite number, or an
 * unknown option name; `advance`
 * throws it for a negative or unitless duration, `set` for an invalid time.
 */
export function createFakeClock(options: FakeClockOptions = {}): FakeClock {
  checkOptionNames(options, FAKE_CLOCK_OPTION_NAMES, 'createFakeClock');
  let milliseconds = toMilliseconds(options.start ?? DEFAULT_START_SECONDS, 'start');
  const now = (): Date => new Date(milliseconds);
  return Object.assign(now, {
    now,
    seconds: (): number => Math.floor(milliseconds / 1000),
    advance(by: Duration): Date {
      milliseconds += durationToSeconds(by, 'advance') * 1000;
      return now();
    },
    set(to: Date | number): Date {
      milliseconds = toMilliseconds(to, 'set');
      return now();
    },
  });
}

function toMilliseconds(time: unknown, option: string): number {
  if (time instanceof Date && Number.isFinite(time.getTime())) return time.getTime();
  if (typeof time === 'number' && Number.isFinite(time)) return time * 1000;
  throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a valid Date or a number of seconds since the epoch`);
}
