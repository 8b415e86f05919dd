/**
 * Times written in milliseconds where JWT counts seconds (RFC 7519 §2, NumericDate) fail loudly:
 * `sign` refuses an `exp`, `nbf` or `iat` of 10^11 or more (the year 5138) and a numeric
 * `expiresIn`/`notBefore` of 10^9 or more (a timestamp, not a duration) with ERR_INVALID_OPTION;
 * `verify` refuses such a claim with ERR_JWT_CLAIM_INVALID, `claim` set and reason `milliseconds`.
 */
import { describe, expect, it } from 'vitest';
import { decode, sign, signSync, verify, verifySync, type SignOptions } from '../../src/index.js';
import { expectCode, expectCodeSync, forge, NOW, NOW_CLOCK, testKeys } from '../helpers/core.js';

const secret = testKeys().hs256;
const NOW_MS = NOW * 1000;
const LIMIT = 1e11;

describe('sign: milliseconds refused', () => {
  it.each(['exp', 'nbf', 'iat'] as const)('refuses a payload "%s" in milliseconds (sync and async)', async (claim) => {
    const payload = { [claim]: NOW_MS + 3_600_000 };
    expectCodeSync(() => signSync(payload, secret, { alg: 'HS256', clock: NOW_CLOCK }), 'ERR_INVALID_OPTION');
    await expectCode(() => sign(payload, secret, { alg: 'HS256', clock: NOW_CLOCK }), 'ERR_INVALID_OPTION');
  });

  it('refuses exactly from 10^11: 10^11 - 1 is still a (far) date in seconds', () => {
    expectCodeSync(() => signSync({ exp: LIMIT }, secret, { alg: 'HS256', clock: NOW_CLOCK }), 'ERR_INVALID_OPTION');
    const signed = signSync({ exp: LIMIT - 1 }, secret, { alg: 'HS256', clock: NOW_CLOCK });
    expect(decode(signed).payload.exp).toBe(LIMIT - 1);
  });

  it('refuses the "iat" option in milliseconds', () => {
    expectCodeSync(() => signSync({}, secret, { alg: 'HS256', iat: NOW_MS }), 'ERR_INVALID_OPTION');
  });

  it('refuses a payload "iat" in milliseconds even when it only dates expiresIn', () => {
    expectCodeSync(() => signSync({ iat: NOW_MS }, secret, { alg: 'HS256', expiresIn: 60 }), 'ERR_INVALID_OPTION');
  });

  it.each(['expiresIn', 'notBefore'] as const)('refuses a numeric "%s" of 10^9 or more (a timestamp)', (option) => {
    for (const value of [1e9, NOW + 3600, NOW_MS + 3_600_000]) {
      const error = expectCodeSync(() => signSync({}, secret, { alg: 'HS256', clock: NOW_CLOCK, [option]: value }), 'ERR_INVALID_OPTION');
      expect(error.message).toContain(`"${option}"`);
    }
  });

  it('accepts a duration just under 10^9 seconds, and unit strings as before', () => {
    const options: SignOptions = { alg: 'HS256', clock: NOW_CLOCK, expiresIn: 1e9 - 1, notBefore: '1h' };
    expect(decode(signSync({}, secret, options)).payload).toEqual({ iat: NOW, exp: NOW + 1e9 - 1, nbf: NOW + 3600 });
  });
});

describe('verify: milliseconds refused', () => {
  it.each(['exp', 'nbf', 'iat'] as const)('refuses a "%s" in milliseconds: ERR_JWT_CLAIM_INVALID, reason milliseconds', async (claim) => {
    const payload = { sub: 'u1', exp: NOW + 600, [claim]: NOW_MS + 3_600_000 };
    const token = forge('HS256', { alg: 'HS256' }, payload, secret);
    for (const error of [
      expectCodeSync(() => verifySync(token, secret, { algorithms: ['HS256'], clock: NOW_CLOCK }), 'ERR_JWT_CLAIM_INVALID'),
      await expectCode(() => verify(token, secret, { algorithms: ['HS256'], clock: NOW_CLOCK }), 'ERR_JWT_CLAIM_INVALID'),
    ]) {
      expect(error.claim).toBe(claim);
      expect(error.reason).toBe('milliseconds');
    }
  });

  it('refuses exactly from 10^11, and accepts 10^11 - 1', () => {
    const at = (exp: number) => forge('HS256', { alg: 'HS256' }, { exp }, secret);
    const error = expectCodeSync(() => verifySync(at(LIMIT), secret, { algorithms: ['HS256'], clock: NOW_CLOCK }), 'ERR_JWT_CLAIM_INVALID');
    expect([error.claim, error.reason]).toEqual(['exp', 'milliseconds']);
    expect(verifySync(at(LIMIT - 1), secret, { algorithms: ['HS256'], clock: NOW_CLOCK }).payload.exp).toBe(LIMIT - 1);
  });
});
