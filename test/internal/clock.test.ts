// The one reader of time (src/internal/clock.ts): what it refuses, what it reads, and the
// deprecated `currentDate` of sign and verify it still accepts.
import { afterEach, describe, expect, it } from 'vitest';
import { isJwtError } from '../../src/errors.js';
import { checkClock, epochSeconds, readCallTime, readClock } from '../../src/internal/clock.js';
import { refuseBothNames } from '../../src/internal/deprecated-option.js';

const NOW_MS = 1_700_000_000_123;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isJwtError(error) ? error.code : `not a JwtError: ${String(error)}`;
  }
  return undefined;
}

const RealDate = globalThis.Date;
/** Counts the `Date` objects made while `run` runs. */
function datesMadeBy(run: () => unknown): number {
  let made = 0;
  globalThis.Date = class extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor>) {
      super(...args);
      made++;
    }
  } as DateConstructor;
  try {
    run();
  } finally {
    globalThis.Date = RealDate;
  }
  return made;
}

afterEach(() => {
  globalThis.Date = RealDate;
});

describe('checkClock', () => {
  it('passes a function or undefined through', () => {
    const clock = (): Date => new Date(NOW_MS);
    expect(checkClock(clock, 'clock')).toBe(clock);
    expect(checkClock(undefined, 'clock')).toBeUndefined();
  });

  it('refuses anything else with ERR_INVALID_OPTION, before the clock is ever read', () => {
    for (const value of [null, new Date(NOW_MS), NOW_MS, 'now', {}]) {
      expect(codeOf(() => checkClock(value, 'clock'))).toBe('ERR_INVALID_OPTION');
    }
  });
});

describe('readClock', () => {
  it('reads the clock once per read, in milliseconds', () => {
    let calls = 0;
    const clock = (): Date => {
      calls++;
      return new Date(NOW_MS);
    };
    expect(readClock(clock, 'clock')).toBe(NOW_MS);
    expect(calls).toBe(1);
  });

  it('reads the system time without a clock, making no Date', () => {
    const before = Date.now();
    let time = 0;
    expect(datesMadeBy(() => (time = readClock(undefined, 'clock')))).toBe(0);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a clock that is not a function, or returns something other than a valid Date (ERR_INVALID_OPTION)', () => {
    for (const clock of [null, new Date(NOW_MS), NOW_MS]) expect(codeOf(() => readClock(clock, 'clock'))).toBe('ERR_INVALID_OPTION');
    for (const returned of [new Date(Number.NaN), NOW_MS, '2023-11-14T22:13:20Z', null, undefined, { getTime: () => NOW_MS }]) {
      expect(codeOf(() => readClock(() => returned, 'clock'))).toBe('ERR_INVALID_OPTION');
    }
  });

  it('lets what the clock itself throws through unchanged', () => {
    const failure = new Error('clock broke');
    expect(() =>
      readClock(() => {
        throw failure;
      }, 'clock'),
    ).toThrow(failure);
  });
});

describe('readCallTime (sign and verify)', () => {
  it('reads clock, or the deprecated currentDate', () => {
    expect(readCallTime(() => new Date(NOW_MS), undefined)).toBe(NOW_MS);
    expect(readCallTime(undefined, new Date(NOW_MS))).toBe(NOW_MS);
  });

  it('makes no Date when neither is given', () => {
    expect(datesMadeBy(() => readCallTime(undefined, undefined))).toBe(0);
  });

  it('refuses both at once, and a currentDate that is not a valid Date (ERR_INVALID_OPTION)', () => {
    expect(codeOf(() => readCallTime(() => new Date(NOW_MS), new Date(NOW_MS)))).toBe('ERR_INVALID_OPTION');
    for (const currentDate of [new Date(Number.NaN), NOW_MS, '2023-11-14', null]) {
      expect(codeOf(() => readCallTime(undefined, currentDate))).toBe('ERR_INVALID_OPTION');
    }
  });
});

describe('epochSeconds', () => {
  it('floors to whole seconds', () => {
    expect(epochSeconds(new Date(NOW_MS))).toBe(1_700_000_000);
  });
});

describe('refuseBothNames', () => {
  it('refuses an option given under both names; either one alone passes', () => {
    expect(codeOf(() => refuseBothNames(1, 2, 'reuseGrace', 'reuseGraceSeconds'))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => refuseBothNames(0, 0, 'reuseGrace', 'reuseGraceSeconds'))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => refuseBothNames(1, undefined, 'reuseGrace', 'reuseGraceSeconds'))).toBeUndefined();
    expect(codeOf(() => refuseBothNames(undefined, 1, 'reuseGrace', 'reuseGraceSeconds'))).toBeUndefined();
  });
});
