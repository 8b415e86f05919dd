/**
 * The login limiter of src/adapters/core/login-limits.ts on its own, with a fake clock: attempts
 * given back only into the window they were taken from.
 */
import { describe, expect, it } from 'vitest';
import { isLoginThrottle, normalizeLoginLimits, type LoginAttempt } from '../../../src/adapters/core/login-limits.js';
import { MemoryLoginAttemptStore } from '../../../src/index.js';
import { createFakeClock } from '../../../src/testing/index.js';

describe('the per-client budget across a window change', () => {
  it('attempts taken in one window and given back in the next leave the new window’s budget exact', async () => {
    const clock = createFakeClock();
    const limiter = normalizeLoginLimits({ store: new MemoryLoginAttemptStore(), clientBudget: 3, window: '1m', clock });
    if (limiter === undefined) throw new Error('no limiter');
    const admit = async (account: string) => limiter.admit({ username: account }, '192.0.2.1');
    // Three slow logins take the whole budget of the first window ...
    const slow = (await Promise.all(['a', 'b', 'c'].map(admit))) as LoginAttempt[];
    expect(slow.some(isLoginThrottle)).toBe(false);
    clock.advance('61s');
    // ... three more fill the second window, then the slow ones end and give their attempts back.
    const next = await Promise.all(['d', 'e', 'f'].map(admit));
    expect(next.some(isLoginThrottle)).toBe(false);
    for (const attempt of slow) await attempt.succeeded();
    expect(isLoginThrottle(await admit('g'))).toBe(true);
  });
});

describe('client keys', () => {
  it('the addresses of one IPv6 /64 share a budget; another /64 and IPv4 addresses do not', async () => {
    const limiter = normalizeLoginLimits({ store: new MemoryLoginAttemptStore(), clientBudget: 2, clock: createFakeClock() });
    if (limiter === undefined) throw new Error('no limiter');
    const admitted = async (address: string) => !isLoginThrottle(await limiter.admit({ username: 'x' }, address));
    expect(await admitted('2001:db8:1:2::1')).toBe(true);
    expect(await admitted('2001:db8:1:2:ffff::9')).toBe(true);
    expect(await admitted('2001:0db8:0001:0002::abcd')).toBe(false); // the same /64, written otherwise
    expect(await admitted('2001:db8:1:3::1')).toBe(true);
    expect(await admitted('192.0.2.1')).toBe(true);
    expect(await admitted('192.0.2.2')).toBe(true);
  });
});
