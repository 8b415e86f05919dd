/**
 * `MemoryRevocationStore`: the reference {@link RevocationStore}, in process memory.
 *
 * @module
 */
import type { Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import type { RevocationStore } from './store.js';
import type { SweepPass } from './sliced-sweep.js';
import { SweepSchedule } from './sweep-schedule.js';

/** Options of {@link MemoryRevocationStore}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface MemoryRevocationStoreOptions {
  /**
   * How often (on the callers' clock: seconds, or a string such as `'1m'`) the other methods
   * also schedule a sweep of the entries that expired at least this long ago, so memory stays
   * bounded by the tokens still alive without a timer. The sweep runs in the background in slices
   * (see {@link MemoryRevocationStore}), never inside the call. `deleteExpired` removes every
   * expired entry, in slices too. Default: `60` seconds.
   */
  sweepInterval?: Duration;
  /**
   * The sweep interval in seconds (a positive number). Giving both `sweepIntervalSeconds` and
   * `sweepInterval` is `ERR_INVALID_OPTION`. Default: none (`sweepInterval` decides).
   * @deprecated Use sweepInterval (seconds or `'1m'`). Removed in 0.3.
   */
  sweepIntervalSeconds?: number;
}

const MEMORY_REVOCATION_STORE_OPTION_NAMES = optionNames<MemoryRevocationStoreOptions>({ sweepInterval: true, sweepIntervalSeconds: true });

interface CutoffEntry {
  cutoff: number;
  expiresAt: number;
}

/**
 * The embedded {@link RevocationStore}: a `jti` denylist, revoked sessions (`sid`) and per-subject
 * cutoffs in `Map`s of this process. Every entry lives only until the `expiresAt` it was given (the
 * revoked token's `exp`, or when the session's last access token expires), so memory is bounded by
 * the revoked tokens and sessions that are still alive. For several processes, use
 * `jwtkit/redis` or `jwtkit/postgres`.
 *
 * **Memory and its cost.** A call of any other method than `deleteExpired` that finds a sweep due
 * (once per `sweepInterval` of the callers' clock) schedules one, which removes the entries that
 * expired at least one interval ago; `deleteExpired(now)` removes every entry expired at `now`.
 * Neither runs inside a call: a sweep examines at most 1,000 entries per slice, one slice per turn
 * of the event loop (`setImmediate`; unref'd for a scheduled sweep, so it never keeps a process
 * alive), and no call removes anything itself. A slice that removes all 1,000 entries takes about
 * 0.5 ms (median, a million entries, Node 20 on a 2-core machine), one that removes none about
 * 0.04 ms; a slice in which a `Map` rebuilds its table or the garbage collector runs takes longer, up to
 * a few tens of milliseconds at a million entries. An entry expired but not yet swept already reads
 * as absent (every method compares its expiry with the `now` passed in); the system clock is never
 * read.
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
  readonly #sessions = new Map<string, number>();
  readonly #cutoffs = new Map<string, CutoffEntry>();
  readonly #sweeps: SweepSchedule;

  /**
   * @param options - see {@link MemoryRevocationStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when `sweepInterval` is not a positive duration, or both it and `sweepIntervalSeconds` are given.
   */
  constructor(options: MemoryRevocationStoreOptions = {}) {
    checkOptionNames(options, MEMORY_REVOCATION_STORE_OPTION_NAMES, 'MemoryRevocationStore');
    this.#sweeps = new SweepSchedule(options, (upTo) => this.#expiredEntries(upTo));
  }

  /**
   * How many entries (denylisted ids, revoked sessions and cutoffs) the store holds, expired ones
   * included until a sweep removes them.
   */
  get size(): number {
    return this.#jtis.size + this.#sessions.size + this.#cutoffs.size;
  }

  /** {@inheritDoc RevocationStore.revokeJti} */
  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    this.#sweeps.scheduleIfDue(now);
    keepLater(this.#jtis, jti, expiresAt);
  }

  /** {@inheritDoc RevocationStore.isJtiRevoked} */
  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    this.#sweeps.scheduleIfDue(now);
    return isBefore(now, this.#jtis.get(jti));
  }

  /** {@inheritDoc RevocationStore.revokeSession} */
  async revokeSession(sid: string, expiresAt: number, now: number): Promise<void> {
    this.#sweeps.scheduleIfDue(now);
    keepLater(this.#sessions, sid, expiresAt);
  }

  /** {@inheritDoc RevocationStore.isSessionRevoked} */
  async isSessionRevoked(sid: string, now: number): Promise<boolean> {
    this.#sweeps.scheduleIfDue(now);
    return isBefore(now, this.#sessions.get(sid));
  }

  /** {@inheritDoc RevocationStore.revokeIssuedBefore} */
  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void> {
    this.#sweeps.scheduleIfDue(now);
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
    this.#sweeps.scheduleIfDue(now);
    const entry = this.#cutoffs.get(subject);
    return entry !== undefined && now < entry.expiresAt ? entry.cutoff : null;
  }

  /** {@inheritDoc RevocationStore.deleteExpired} */
  async deleteExpired(now: number): Promise<number> {
    return this.#sweeps.sweep(now);
  }

  /**
   * A sweep pass (one entry examined per step) removing the entries with `expiresAt <= upTo`: the
   * denylist, the sessions, then the cutoffs. Each step reads the entry as it is then, so an entry
   * that a `revokeJti`, `revokeSession` or `revokeIssuedBefore` extended between two slices is kept.
   */
  *#expiredEntries(upTo: number): SweepPass {
    for (const expiries of [this.#jtis, this.#sessions]) {
      for (const [key, expiresAt] of expiries) {
        const expired = expiresAt <= upTo;
        if (expired) expiries.delete(key);
        yield expired;
      }
    }
    for (const [subject, entry] of this.#cutoffs) {
      const expired = entry.expiresAt <= upTo;
      if (expired) this.#cutoffs.delete(subject);
      yield expired;
    }
  }
}

/** Sets `key`'s expiry to `expiresAt`, or keeps the one it has when that is later. */
function keepLater(expiries: Map<string, number>, key: string, expiresAt: number): void {
  const previous = expiries.get(key);
  expiries.set(key, previous === undefined ? expiresAt : Math.max(previous, expiresAt));
}

/** Whether an entry with this expiry (`undefined`: none) still holds at `now`. */
function isBefore(now: number, expiresAt: number | undefined): boolean {
  return expiresAt !== undefined && now < expiresAt;
}
