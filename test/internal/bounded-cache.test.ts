// BoundedCache (src/internal/bounded-cache.ts): the one bounded cache of the hot paths, and its one
// eviction rule (a new key added to a full cache empties it first).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/internal/bounded-cache.js';

describe('BoundedCache', () => {
  it('keeps what it is given while there is room', () => {
    const cache = new BoundedCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.size).toBe(3);
    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([1, 2, 3, undefined]);
  });

  it('never holds more than its bound', () => {
    for (const max of [1, 2, 5, 64]) {
      const cache = new BoundedCache<number, number>(max);
      for (let key = 0; key < max * 10 + 3; key++) {
        cache.set(key, key);
        expect(cache.size).toBeLessThanOrEqual(max);
        expect(cache.get(key)).toBe(key);
      }
    }
  });

  it('a new key added to a full cache empties it first: only that key is left', () => {
    const cache = new BoundedCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.set('d', 4);
    expect(cache.size).toBe(1);
    expect(cache.get('d')).toBe(4);
    // get after eviction: nothing evicted is returned.
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, undefined]);
    cache.set('a', 5);
    expect(cache.size).toBe(2);
    expect([cache.get('a'), cache.get('d')]).toEqual([5, 4]);
  });

  it('replacing the value of a key it holds evicts nothing, even when full', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    expect(cache.size).toBe(2);
    expect([cache.get('a'), cache.get('b')]).toEqual([3, 2]);
  });

  it('refuses a bound that is not a positive integer', () => {
    for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      expect(() => new BoundedCache(max), String(max)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });
});

describe('the module-level caches of src/jws', () => {
  const jws = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'src/jws');

  it('are BoundedCache: no module-level Map of its own (KeyObject-keyed WeakMaps are not bounded caches)', () => {
    const files = readdirSync(jws).filter((name) => name.endsWith('.ts'));
    const own = files.filter((name) => /^(?:export\s+)?(?:const|let)\s[^=]*=\s*new Map\b/m.test(readFileSync(join(jws, name), 'utf8')));
    expect(own).toEqual([]);
    const users = files.filter((name) => readFileSync(join(jws, name), 'utf8').includes('new BoundedCache<'));
    expect(users.sort()).toEqual(['key.ts', 'parse.ts', 'sign.ts']);
  });
});
