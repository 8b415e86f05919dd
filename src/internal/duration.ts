import { JwtError } from '../errors.js';

/** A unit of a {@link Duration} string: seconds, minutes, hours, days, weeks. */
export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w';

/**
 * A length of time: a number of seconds, or a string of digits and one unit: `'30s'`, `'15m'`,
 * `'1h'`, `'30d'`, `'2w'`. A string without a unit (`'60'`) is refused.
 */
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const MAX_DURATION_LENGTH = 16;
const DURATION_PATTERN = /^(\d{1,12})(s|m|h|d|w)$/;

/**
 * Turns a {@link Duration} into seconds. Misuse (a unitless string, a negative or non-finite
 * number) throws `ERR_INVALID_OPTION` naming the option.
 *
 * @internal
 */
export function durationToSeconds(value: unknown, option: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a finite, non-negative number of seconds`);
    }
    return value;
  }
  if (typeof value === 'string' && value.length <= MAX_DURATION_LENGTH) {
    const match = DURATION_PATTERN.exec(value);
    if (match !== null) return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
  }
  throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be seconds or a string such as '15m', '1h', '30d'`);
}
