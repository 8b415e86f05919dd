/**
 * The `KeyRingStore` contract: where a shared key ring keeps its state, and the checks of its
 * arguments that every store shares.
 *
 * @module
 */
import { JwtError } from '../errors.js';

/** The stored state of one ring: an opaque document and the version that changes with every write. */
export interface StoredKeyRing {
  /** 1 for the first state written, then one more at every successful `compareAndSet`. */
  readonly version: number;
  /**
   * The state document, as `createSharedKeyRing` wrote it (JSON text; its private keys are
   * encrypted). A store keeps it verbatim and never reads it.
   */
  readonly state: string;
}

/**
 * Where `createSharedKeyRing` keeps the state of a ring (its current, next and retired keys and
 * their times), shared by every instance of an authorization server. A store holds any number of
 * rings, each under its `ringId`, and knows nothing of keys: it keeps a text and a version, and
 * writes only by compare-and-set, so that of two instances that rotate at once exactly one wins.
 * Implementations: `MemoryKeyRingStore` (one process: tests, demos), `PostgresKeyRingStore`
 * (`jwtkit/postgres`), `RedisKeyRingStore` (`jwtkit/redis`); `runKeyRingStoreSuite`
 * (`jwtkit/testing`) checks any other against this contract.
 *
 * @example
 * ```ts
 * import { createSharedKeyRing, MemoryKeyRingStore } from 'jwtkit';
 * const ring = await createSharedKeyRing({ store: new MemoryKeyRingStore(), ringId: 'auth', kek, alg: 'ES256', maxTokenLifetime: '16m' });
 * ```
 * @throws a store's methods reject with `JwtError` `ERR_STORE_UNAVAILABLE` when the backend fails
 * or does not answer in time, and `ERR_INVALID_OPTION` for a `ringId` that is not 1 to 100 of
 * `A-Z a-z 0-9 . _ : -`, an `expectedVersion` that is not a whole number from 0, or a `state` that
 * is not a non-empty string.
 */
export interface KeyRingStore {
  /** The ring's state, or `undefined` when none was written yet. */
  load(ringId: string): Promise<StoredKeyRing | undefined>;
  /**
   * Writes `state` as version `expectedVersion + 1` if the stored version is `expectedVersion`
   * (`0`: no state is stored yet), atomically; otherwise changes nothing.
   * @returns whether the state was written.
   */
  compareAndSet(ringId: string, expectedVersion: number, state: string): Promise<boolean>;
}

const RING_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Checks a ring id (also the Redis hash tag and the PostgreSQL key of the ring).
 * @throws `ERR_INVALID_OPTION` when it is not 1 to 100 of `A-Z a-z 0-9 . _ : -`.
 * @internal
 */
export function checkRingId(ringId: unknown): string {
  if (typeof ringId !== 'string' || !RING_ID_PATTERN.test(ringId)) {
    throw new JwtError('ERR_INVALID_OPTION', '"ringId" must be 1 to 100 of the characters A-Z a-z 0-9 . _ : -');
  }
  return ringId;
}

/**
 * Checks the arguments of {@link KeyRingStore.compareAndSet}.
 * @throws `ERR_INVALID_OPTION` for a bad ring id, version or state.
 * @internal
 */
export function checkCompareAndSet(ringId: unknown, expectedVersion: unknown, state: unknown): void {
  checkRingId(ringId);
  if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new JwtError('ERR_INVALID_OPTION', '"expectedVersion" must be a whole number from 0');
  }
  if (typeof state !== 'string' || state.length === 0) throw new JwtError('ERR_INVALID_OPTION', '"state" must be a non-empty string');
}
