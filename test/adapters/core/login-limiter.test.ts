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
