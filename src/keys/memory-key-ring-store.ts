import { checkCompareAndSet, checkRingId, type KeyRingStore, type StoredKeyRing } from './key-ring-store.js';

/**
 * A {@link KeyRingStore} in the memory of one process: for tests, demos and a single instance.
 * Instances that should share a ring need a store they all reach (`RedisKeyRingStore`,
 * `PostgresKeyRingStore`); this one shares it only between the rings of one process.
 *
 * @example
 * ```ts
 * import { createSharedKeyRing, MemoryKeyRingStore } from 'jwtkit';
 * const store = new MemoryKeyRingStore();
 * const ring = await createSharedKeyRing({ store, ringId: 'auth', kek, alg: 'ES256', maxTokenLifetime: '16m' });
 * ```
 * @throws `ERR_INVALID_OPTION` (rejected, from the methods) for a bad `ringId`, version or state.
 */
export class MemoryKeyRingStore implements KeyRingStore {
  readonly #rings = new Map<string, StoredKeyRing>();

  async load(ringId: string): Promise<StoredKeyRing | undefined> {
    checkRingId(ringId);
    return this.#rings.get(ringId);
  }

  async compareAndSet(ringId: string, expectedVersion: number, state: string): Promise<boolean> {
    checkCompareAndSet(ringId, expectedVersion, state);
    if ((this.#rings.get(ringId)?.version ?? 0) !== expectedVersion) return false;
    this.#rings.set(ringId, Object.freeze({ version: expectedVersion + 1, state }));
    return true;
  }
}
