/**
 * `runKeyRingStoreSuite`: the conformance tests of the {@link KeyRingStore} contract.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { isJwtError } from '../errors.js';
import type { KeyRingStore } from '../keys/key-ring-store.js';
import { CONFORMANCE_SUITE_OPTION_NAMES, storeTest, type ConformanceSuiteOptions, type ConformanceTestApi } from './conformance-api.js';

/** Options of {@link runKeyRingStoreSuite}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface KeyRingStoreSuiteOptions extends ConformanceSuiteOptions<KeyRingStore> {}

/** A fresh ring id, so that tests on a shared backend never meet. */
function ringId(): string {
  return `ring-${randomBytes(8).toString('hex')}`;
}

/** The error code of a rejected call, or `'resolved'`. */
async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'resolved';
  } catch (error) {
    return isJwtError(error) ? error.code : 'not a JwtError';
  }
}

/**
 * Declares the conformance tests of the {@link KeyRingStore} contract (what `createSharedKeyRing`
 * needs of a store: the state kept verbatim per ring id, and compare-and-set on its version) with
 * the test framework you pass, including `concurrency` (default 200) simultaneous writers of which
 * exactly one must win. Each test creates its own store and uses random ring ids.
 *
 * @param createStore - makes a store for one test (may be async).
 * @param api - the test framework's `describe`, `it` and `expect` (vitest or Jest).
 * @param options - see {@link KeyRingStoreSuiteOptions}.
 * @example
 * ```ts
 * import { describe, it, expect } from 'vitest';
 * import { runKeyRingStoreSuite } from 'jwtkit/testing';
 * runKeyRingStoreSuite(() => new MyKeyRingStore(pool), { describe, it, expect });
 * ```
 * @throws `ERR_INVALID_OPTION` for an unknown option name; otherwise never (it only declares tests;
 * failures are reported by the test framework).
 */
export function runKeyRingStoreSuite(
  createStore: () => KeyRingStore | Promise<KeyRingStore>,
  api: ConformanceTestApi,
  options: KeyRingStoreSuiteOptions = {},
): void {
  const { describe, expect } = api;
  const test = storeTest(api, createStore, options, CONFORMANCE_SUITE_OPTION_NAMES);
  const concurrency = options.concurrency ?? 200;

  describe('KeyRingStore conformance', () => {
    test('a ring never written loads as undefined', async (store) => {
      expect(await store.load(ringId())).toBe(undefined);
    });

    test('the first write expects version 0 and stores version 1, verbatim', async (store) => {
      const id = ringId();
      const state = JSON.stringify({ text: 'ünïcödé \u2028 "quoted" \\ {braces}', big: 'x'.repeat(20_000) });
      expect(await store.compareAndSet(id, 0, state)).toBe(true);
      expect(await store.load(id)).toEqual({ version: 1, state });
    });

    test('a write expecting another version changes nothing', async (store) => {
      const id = ringId();
      expect(await store.compareAndSet(id, 1, 'a')).toBe(false);
      expect(await store.load(id)).toBe(undefined);
      await store.compareAndSet(id, 0, 'first');
      expect(await store.compareAndSet(id, 0, 'again')).toBe(false);
      expect(await store.compareAndSet(id, 2, 'ahead')).toBe(false);
      expect(await store.load(id)).toEqual({ version: 1, state: 'first' });
      expect(await store.compareAndSet(id, 1, 'second')).toBe(true);
      expect(await store.compareAndSet(id, 1, 'stale')).toBe(false);
      expect(await store.load(id)).toEqual({ version: 2, state: 'second' });
    });

    test('rings are independent', async (store) => {
      const [a, b] = [ringId(), ringId()];
      await store.compareAndSet(a, 0, 'a1');
      await store.compareAndSet(a, 1, 'a2');
      expect(await store.compareAndSet(b, 0, 'b1')).toBe(true);
      expect(await store.load(a)).toEqual({ version: 2, state: 'a2' });
      expect(await store.load(b)).toEqual({ version: 1, state: 'b1' });
    });

    test(`of ${concurrency} concurrent first writes and then ${concurrency} concurrent updates, exactly one wins each time`, async (store) => {
      const id = ringId();
      const created = await Promise.all(Array.from({ length: concurrency }, (_, index) => store.compareAndSet(id, 0, `create-${index}`)));
      expect(created.filter(Boolean).length).toBe(1);
      const winner = created.indexOf(true);
      expect(await store.load(id)).toEqual({ version: 1, state: `create-${winner}` });
      const updated = await Promise.all(Array.from({ length: concurrency }, (_, index) => store.compareAndSet(id, 1, `update-${index}`)));
      expect(updated.filter(Boolean).length).toBe(1);
      expect(await store.load(id)).toEqual({ version: 2, state: `update-${updated.indexOf(true)}` });
    });

    test('bad arguments reject with ERR_INVALID_OPTION', async (store) => {
      expect(await codeOf(() => store.load('a{b}'))).toBe('ERR_INVALID_OPTION');
      expect(await codeOf(() => store.load(''))).toBe('ERR_INVALID_OPTION');
      expect(await codeOf(() => store.compareAndSet(ringId(), -1, 'x'))).toBe('ERR_INVALID_OPTION');
      expect(await codeOf(() => store.compareAndSet(ringId(), 0.5, 'x'))).toBe('ERR_INVALID_OPTION');
      expect(await codeOf(() => store.compareAndSet(ringId(), 0, ''))).toBe('ERR_INVALID_OPTION');
    });
  });
}
