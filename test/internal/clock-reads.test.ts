// How src/internal/clock.ts reads a Date returned by a `clock` or given as `currentDate`: once,
// through the Date's own time value (Date.prototype.getTime as it was when jwtkit loaded), so an
// overridden or flaky getTime cannot change the time a check uses, and a non-Date is ERR_INVALID_OPTION.
import { createHmac, randomBytes } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { isJwtError } from '../../src/errors.js';
import { readCallTime, readClock } from '../../src/internal/clock.js';
import { verifySync } from '../../src/jwt/verify.js';

const NOW_MS = 1_700_000_000_123;

function outcomeOf(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    return isJwtError(error) ? error.code : `not a JwtError: ${String(error)}`;
  }
}

/** A Date whose getTime gives a finite time at its first call and NaN after. */
class FlakyDate extends Date {
  #calls = 0;
  override getTime(): number {
    return this.#calls++ === 0 ? NOW_MS : Number.NaN;
  }
}

/** A Date whose getTime says the epoch, whatever time it holds. */
class EpochDate extends Date {
  override getTime(): number {
    return 0;
  }
}

/** Both ways of giving a Date: returned by `clock`, or as the deprecated `currentDate`. */
const READS: readonly [string, (date: unknown) => number][] = [
  ['clock', (date) => readClock(() => date, 'clock')],
  ['currentDate', (date) => readCallTime(undefined, date)],
];

describe('a Date is read once, through its own time value', () => {
  for (const [form, read] of READS) {
    it(`${form}: an overridden getTime is not called`, () => {
      expect(outcomeOf(() => read(new FlakyDate(NOW_MS)))).toBe(NOW_MS);
      expect(outcomeOf(() => read(new EpochDate(NOW_MS)))).toBe(NOW_MS);
    });

    it(`${form}: an invalid Date is refused even when its getTime says otherwise (ERR_INVALID_OPTION)`, () => {
      class LyingDate extends Date {
        override getTime(): number {
          return NOW_MS;
        }
      }
      expect(outcomeOf(() => read(new LyingDate(Number.NaN)))).toBe('ERR_INVALID_OPTION');
    });

    it(`${form}: an object that only inherits from Date.prototype is ERR_INVALID_OPTION, not a TypeError`, () => {
      expect(outcomeOf(() => read(Object.create(Date.prototype)))).toBe('ERR_INVALID_OPTION');
      expect(outcomeOf(() => read(new Proxy(new Date(NOW_MS), {})))).toBe('ERR_INVALID_OPTION');
    });

    it(`${form}: a replaced Date.prototype.getTime is not called`, () => {
      const original = Object.getOwnPropertyDescriptor(Date.prototype, 'getTime') as PropertyDescriptor;
      let outcome: unknown;
      try {
        Date.prototype.getTime = () => 0;
        outcome = outcomeOf(() => read(new Date(NOW_MS)));
      } finally {
        Object.defineProperty(Date.prototype, 'getTime', original);
      }
      expect(outcome).toBe(NOW_MS);
    });

    it(`${form}: a Date of another realm is read as a Date`, () => {
      expect(outcomeOf(() => read(runInNewContext(`new Date(${NOW_MS})`)))).toBe(NOW_MS);
    });
  }
});

describe('verify with a Date whose getTime changes its answer', () => {
  it("refuses an expired token: the time checked is the Date's own", () => {
    const secret = randomBytes(32);
    const now = Math.floor(NOW_MS / 1000);
    const segments = [
      { alg: 'HS256', typ: 'JWT' },
      { sub: 'user-1', iat: now - 700, exp: now - 100 },
    ].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'));
    const signingInput = segments.join('.');
    const token = `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
    const verifyAt = (options: object): unknown =>
      outcomeOf(() => verifySync(token, secret, { algorithms: ['HS256'], ...options }).payload);
    expect(verifyAt({ currentDate: new FlakyDate(NOW_MS) })).toBe('ERR_JWT_EXPIRED');
    expect(verifyAt({ currentDate: new EpochDate(NOW_MS) })).toBe('ERR_JWT_EXPIRED');
    expect(verifyAt({ clock: () => new EpochDate(NOW_MS) })).toBe('ERR_JWT_EXPIRED');
  });
});
