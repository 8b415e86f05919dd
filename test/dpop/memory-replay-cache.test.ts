/** MemoryDPoPReplayCache: the replay cache of one process (RFC 9449 §11.1). */
import { describe, expect, it } from 'vitest';
import { MemoryDPoPReplayCache } from '../../src/index.js';
import { NOW, caught, expectError } from './helpers.js';

describe('MemoryDPoPReplayCache', () => {
  it('remembers a key until its expiry: true the first time, false after', async () => {
    const cache = new MemoryDPoPReplayCache();
    expect(await cache.checkAndRemember('k', NOW + 60, NOW)).toBe(true);
    expect(await cache.checkAndRemember('k', NOW + 60, NOW + 59)).toBe(false);
    expect(await cache.checkAndRemember('k', NOW + 200, NOW + 60)).toBe(true);
    expect(await cache.checkAndRemember('k', NOW + 200, NOW + 61)).toBe(false);
  });

  it('of concurrent calls with one key, exactly one is first', async () => {
    const cache = new MemoryDPoPReplayCache();
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.checkAndRemember('k', NOW + 60, NOW)));
    expect(answers.filter(Boolean)).toHaveLength(1);
  });

  it('forgets expired entries as it goes, so its size follows the live proofs', async () => {
    const cache = new MemoryDPoPReplayCache();
    for (let second = 0; second < 1000; second++) await cache.checkAndRemember(`k${second}`, NOW + second + 65, NOW + second);
    expect(cache.size).toBeLessThanOrEqual(66);
  });

  it('when full of live entries, fails closed with ERR_STORE_UNAVAILABLE (never forgets a live one)', async () => {
    const cache = new MemoryDPoPReplayCache({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c']) await cache.checkAndRemember(key, NOW + 60, NOW);
    expectError(await caught(() => cache.checkAndRemember('d', NOW + 60, NOW)), 'ERR_STORE_UNAVAILABLE');
    expect(await cache.checkAndRemember('a', NOW + 60, NOW)).toBe(false);
  });

  it('when full, forgets expired entries anywhere in the map before refusing', async () => {
    const cache = new MemoryDPoPReplayCache({ maxEntries: 3 });
    await cache.checkAndRemember('live', NOW + 100, NOW);
    await cache.checkAndRemember('expired-1', NOW + 10, NOW);
    await cache.checkAndRemember('expired-2', NOW + 10, NOW);
    expect(await cache.checkAndRemember('new', NOW + 100, NOW + 20)).toBe(true);
    expect(cache.size).toBe(2);
  });

  it.each([
    ['maxEntries 0', { maxEntries: 0 }],
    ['maxEntries 1.5', { maxEntries: 1.5 }],
    ['an unknown option', { max: 10 }],
  ])('%s → ERR_INVALID_OPTION', async (_case, options) => {
    expectError(await caught(() => new MemoryDPoPReplayCache(options as never)), 'ERR_INVALID_OPTION');
  });
});
