/**
 * The `clock` option of sign and verify (a function returning a Date, read once per call), and the
 * deprecated `currentDate` it replaces: still accepted alone, refused together with `clock`.
 */
import { describe, expect, it } from 'vitest';
import { decode, sign, signSync, verify, verifySync, type SignOptions, type VerifyOptions } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { expectCode, expectCodeSync, FAR_FUTURE, NOW, NOW_CLOCK, NOW_DATE, testKeys } from '../helpers/core.js';

const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'] };

/** A clock at `NOW + offset` seconds that counts its reads. */
function countingClock(offsetSeconds = 0): { clock: () => Date; reads: () => number } {
  let reads = 0;
  return {
    clock: () => {
      reads++;
      return new Date((NOW + offsetSeconds) * 1000);
    },
    reads: () => reads,
  };
}

describe('sign: clock', () => {
  it('dates iat, exp and nbf by the clock, read once per call', async () => {
    const { clock, reads } = countingClock(10);
    const token = await sign({ sub: 'u1' }, keys.hs256, { alg: 'HS256', expiresIn: '15m', notBefore: 0, clock });
    expect(decode(token).payload).toEqual({ sub: 'u1', iat: NOW + 10, exp: NOW + 10 + 900, nbf: NOW + 10 });
    expect(reads()).toBe(1);
    signSync({ sub: 'u1' }, keys.hs256, { alg: 'HS256', clock });
    expect(reads()).toBe(2);
  });

  it('a clock with milliseconds gives whole-second claims (floored)', () => {
    const token = signSync({}, keys.hs256, { alg: 'HS256', expiresIn: 60, clock: () => new Date(NOW * 1000 + 999) });
    expect(decode(token).payload).toEqual({ iat: NOW, exp: NOW + 60 });
  });

  it('refuses a clock that is not a function, or returns no valid Date (ERR_INVALID_OPTION)', async () => {
    for (const clock of [NOW_DATE, NOW * 1000, 'now', null]) {
      await expectCode(() => sign({}, keys.hs256, { alg: 'HS256', clock: clock as never }), 'ERR_INVALID_OPTION');
    }
    for (const returned of [new Date(Number.NaN), NOW * 1000, '2023-11-14', undefined]) {
      await expectCode(() => sign({}, keys.hs256, { alg: 'HS256', clock: () => returned as never }), 'ERR_INVALID_OPTION');
    }
  });

  it('deprecated currentDate: still dates the token', async () => {
    const token = await sign({}, keys.hs256, { alg: 'HS256', expiresIn: 60, currentDate: NOW_DATE });
    expect(decode(token).payload).toEqual({ iat: NOW, exp: NOW + 60 });
  });

  it('clock and the deprecated currentDate together: ERR_INVALID_OPTION', async () => {
    const both: SignOptions = { alg: 'HS256', clock: NOW_CLOCK, currentDate: NOW_DATE };
    await expectCode(() => sign({}, keys.hs256, both), 'ERR_INVALID_OPTION');
    expectCodeSync(() => signSync({}, keys.hs256, both), 'ERR_INVALID_OPTION');
  });
});

describe('verify: clock', () => {
  const token = signSync({ sub: 'u1' }, keys.hs256, { alg: 'HS256', expiresIn: 60, clock: NOW_CLOCK });

  it('checks the time claims against the clock, read once per call', async () => {
    const { clock, reads } = countingClock(30);
    expect((await verify(token, keys.hs256, { ...HS, clock })).payload.sub).toBe('u1');
    expect(reads()).toBe(1);
    expect(verifySync(token, keys.hs256, { ...HS, clock }).payload.sub).toBe('u1');
    expect(reads()).toBe(2);
    await expectCode(
      () => verify(token, keys.hs256, { ...HS, clockTolerance: 0, clock: () => new Date((NOW + 60) * 1000) }),
      'ERR_JWT_EXPIRED',
    );
    await expectCode(() => verify(token, keys.hs256, { ...HS, clock: () => new Date((NOW - 60) * 1000) }), 'ERR_JWT_CLAIM_INVALID');
  });

  it('options made once read the time at each call (a moving clock expires the token)', async () => {
    const clock = createFakeClock({ start: NOW });
    const options: VerifyOptions = { ...HS, clockTolerance: 0, clock };
    expect((await verify(token, keys.hs256, options)).payload.sub).toBe('u1');
    clock.advance('1m');
    await expectCode(() => verify(token, keys.hs256, options), 'ERR_JWT_EXPIRED');
    expectCodeSync(() => verifySync(token, keys.hs256, options), 'ERR_JWT_EXPIRED');
  });

  it('refuses a bad clock with ERR_INVALID_OPTION before the token is read', async () => {
    for (const clock of [NOW_DATE, NOW * 1000, null]) {
      await expectCode(() => verify('not a token', keys.hs256, { ...HS, clock: clock as never }), 'ERR_INVALID_OPTION');
    }
    await expectCode(() => verify('not a token', keys.hs256, { ...HS, clock: () => new Date(Number.NaN) }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => verifySync('not a token', keys.hs256, { ...HS, clock: () => NOW as never }), 'ERR_INVALID_OPTION');
  });

  it('deprecated currentDate: still the time checked against', async () => {
    const far = signSync({ exp: FAR_FUTURE }, keys.hs256, { alg: 'HS256', clock: NOW_CLOCK });
    expect((await verify(far, keys.hs256, { ...HS, currentDate: NOW_DATE })).payload.exp).toBe(FAR_FUTURE);
    await expectCode(() => verify(token, keys.hs256, { ...HS, currentDate: new Date((NOW + 3600) * 1000) }), 'ERR_JWT_EXPIRED');
  });

  it('clock and the deprecated currentDate together: ERR_INVALID_OPTION, before the token is read', async () => {
    const both: VerifyOptions = { ...HS, clock: NOW_CLOCK, currentDate: NOW_DATE };
    await expectCode(() => verify(token, keys.hs256, both), 'ERR_INVALID_OPTION');
    await expectCode(() => verify('not a token', keys.hs256, both), 'ERR_INVALID_OPTION');
    expectCodeSync(() => verifySync(token, keys.hs256, both), 'ERR_INVALID_OPTION');
  });
});
