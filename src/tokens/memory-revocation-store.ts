/**
 * `MemoryRevocationStore`: the reference {@link RevocationStore}, in process memory.
 *
 * @module
 */
import type { Duration } from '../internal/duration.js';
import type { RevocationStore } from './store.js';
import { SweepSchedule } from './sweep-schedule.js';

/** Options of {@link MemoryRevocationStore}. */
export interface MemoryRevocationStoreOptions {
  /**
   * How often (on the callers' clock: seconds, or a string such as `'1m'`) the other methods
   * also remove entries that expired at least this long ago, so memory stays bounded by the
   * tokens still alive without a timer. `deleteExpired` removes every expired entry at once.
   * Default: `60` seconds.
   */
  sweepInterval?: Duration;
  /**
   * The sweep interval in seconds (a positive number). Giving both `sweepIntervalSeconds` and
   * `sweepInterval` is `ERR_INVALID_OPTION`. Default: none (`sweepInterval` decides).
   * @deprecated Use sweepInterval (seconds or `'1m'`). Removed in 0.3.
   */
  sweepIntervalSeconds?: number;
}

interface CutoffEntry {
  cutoff: number;
  expiresAt: number;
}

/**
 * The embedded {@link RevocationStore}: a `jti` denylist and per-subject cutoffs in `Map`s of this
 * process. Every entry lives only until the `expiresAt` it was given (the revoked token's `exp`),
 * so memory is bounded by the revoked tokens that are still alive. For several processes, use
 * `jwtkit/redis` or `jwtkit/postgres`.
 *
 * @example
 * ```ts
 * import { createTokenService, MemoryRevocationStore } from 'jwtkit';
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, revocationStore: new MemoryRevocationStore() });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `sweepInterval` is not a positive duration.
 */
export class MemoryRevocationStore implements RevocationStore {
  readonly #jtis = new Map<string, number>();
  readonly #cutoffs = new Map<string, CutoffEntry>();
  readonly #sweeps: SweepSchedule;

  /**
   * @param options - see {@link MemoryRevocationStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when `sweepInterval` is not a positive duration, or both it and `sweepIntervalSeconds` are given.
   */
  constructor(options: MemoryRevocationStoreOptions = {}) {
    this.#sweeps = new SweepSchedule(options);
  }

  /** How many entries (denylisted ids and cutoffs) the store holds, expired ones included until swept. */
  get size(): number {
    return this.#jtis.size + this.#cutoffs.size;
  }

  /** {@inheritDoc RevocationStore.revokeJti} */
  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    this.#sweepIfDue(now);
    const previous = this.#jtis.get(jti);
    this.#jtis.set(jti, previous === undefined ? expiresAt : Math.max(previous, expiresAt));
  }

  /** {@inheritDoc RevocationStore.isJtiRevoked} */
  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    this.#sweepIfDue(now);
    const expiresAt = this.#jtis.get(jti);
    return expiresAt !== undefined && now < expiresAt;
  }

  /** {@inheritDoc RevocationStore.revokeIssuedBefore} */
  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void> {
    this.#sweepIfDue(now);
    const previous = this.#cutoffs.get(subject);
    this.#cutoffs.set(
      subject,
      previous === undefined
        ? { cutoff, expiresAt }
        : { cutoff: Math.max(previous.cutoff, cutoff), expiresAt: Math.max(previous.expiresAt, expiresAt) },
    );
  }

  /** {@inheritDoc RevocationStore.issuedBeforeCutoff} */
  async issuedBeforeCutoff(subject: string, now: number): Promise<number | null> {
    this.#sweepIfDue(now);
    const entry = this.#cutoffs.get(subject);
    return entry !== undefined && now < entry.expiresAt ? entry.cutoff : null;
  }

  /** {@inheritDoc RevocationStore.deleteExpired} */
  async deleteExpired(now: number): Promise<number> {
    return this.#sweep(now);
  }

  #sweepIfDue(now: number): void {
    this.#sweeps.sweepIfDue(now, (upTo) => this.#sweep(upTo));
  }

  #sweep(now: number): number {
    let removed = 0;
    for (const [jti, expiresAt] of this.#jtis) {
      if (expiresAt <= now) {
        this.#jtis.delete(jti);
        removed++;
      }
    }
    for (const [subject, entry] of this.#cutoffs) {
      if (entry.expiresAt <= now) {
        this.#cutoffs.delete(subject);
        removed++;
      }
    }
    return removed;
  }
}
