/**
 * `MemoryDPoPReplayCache`: the {@link DPoPReplayCache} of one process.
 *
 * @module
 */
import { JwtError } from '../errors.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { positiveInteger } from '../internal/positive-integer.js';
import type { DPoPReplayCache } from './replay-cache.js';

/** Options of {@link MemoryDPoPReplayCache}. */
export interface MemoryDPoPReplayCacheOptions {
  /**
   * The most proofs remembered at once. Size it for the proofs accepted within one proof lifetime
   * (`maxAge` plus `clockTolerance`, 65 s by default) at the peak request rate: 100,000 is about
   * 1,500 DPoP requests per second, and about 15 MB. Default: `100000`.
   */
  maxEntries?: number;
}

const MEMORY_DPOP_REPLAY_CACHE_OPTION_NAMES = optionNames<MemoryDPoPReplayCacheOptions>({ maxEntries: true });

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * A {@link DPoPReplayCache} in a `Map` of this process: for one instance. Behind a load balancer,
 * a proof replayed to another instance would not be seen: use `RedisDPoPReplayCache`
 * (`jwtkit/redis`) there.
 *
 * **Memory.** Each call first forgets the entries at the front of the map (the oldest) that have
 * expired, so memory follows the proofs of the last proof lifetime; no timer runs. When
 * `maxEntries` are still remembered, every entry is examined once (at most once per second of the
 * callers' clock) and the expired ones forgotten; if the cache is still full, the call rejects with
 * `ERR_STORE_UNAVAILABLE`: it fails closed, since forgetting a live entry would let its proof be
 * replayed. `verifyDPoPProof` adds an entry only for a proof that passed every other check (its
 * `ath` included, when an access token is checked), so only a client that holds a valid access
 * token can fill it.
 *
 * @example
 * ```ts
 * import { MemoryDPoPReplayCache, verifyDPoPProof } from 'jwtkit';
 * const replayCache = new MemoryDPoPReplayCache(); // one per process, shared by every request
 * const proof = await verifyDPoPProof(dpopHeader, { method: 'GET', url: requestUrl, accessToken, replayCache });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `maxEntries` is not a positive integer
 * or an option name is unknown.
 */
export class MemoryDPoPReplayCache implements DPoPReplayCache {
  /** Expiry (seconds since the epoch) by key, in the order the keys were added. */
  readonly #entries = new Map<string, number>();
  readonly #maxEntries: number;
  /** The callers' time of the last examination of every entry. */
  #lastFullSweep = Number.NEGATIVE_INFINITY;

  /**
   * @param options - see {@link MemoryDPoPReplayCacheOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid or unknown.
   */
  constructor(options: MemoryDPoPReplayCacheOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
    checkOptionNames(options, MEMORY_DPOP_REPLAY_CACHE_OPTION_NAMES, 'MemoryDPoPReplayCache');
    this.#maxEntries = options.maxEntries === undefined ? DEFAULT_MAX_ENTRIES : positiveInteger(options.maxEntries, 'maxEntries');
  }

  /**
   * How many keys the cache holds, expired ones included until they are forgotten.
   *
   * @example
   * ```ts
   * cache.size <= 100_000; // always, with the default maxEntries
   * ```
   * @throws never.
   */
  get size(): number {
    return this.#entries.size;
  }

  /** {@inheritDoc DPoPReplayCache.checkAndRemember} */
  async checkAndRemember(key: string, expiresAt: number, now: number): Promise<boolean> {
    const remembered = this.#entries.get(key);
    if (remembered !== undefined) {
      if (now < remembered) return false;
      this.#entries.delete(key);
    }
    this.#forgetOldestExpired(now);
    if (this.#entries.size >= this.#maxEntries && now !== this.#lastFullSweep) {
      this.#lastFullSweep = now;
      for (const [entry, entryExpiresAt] of this.#entries) if (entryExpiresAt <= now) this.#entries.delete(entry);
    }
    if (this.#entries.size >= this.#maxEntries) {
      throw new JwtError('ERR_STORE_UNAVAILABLE', 'the DPoP replay cache is full: raise "maxEntries", or share a cache such as Redis');
    }
    this.#entries.set(key, expiresAt);
    return true;
  }

  /**
   * Forgets expired entries from the front of the map, up to the first live one. Entries are added
   * in about the order they expire (expiry = the proof's `iat` plus its lifetime), so this finds
   * nearly all of them, each at the cost of one step.
   */
  #forgetOldestExpired(now: number): void {
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt > now) return;
      this.#entries.delete(key);
    }
  }
}
