/**
 * `MemoryRefreshTokenStore`: the reference {@link RefreshTokenStore}, in process memory.
 *
 * @module
 */
import type { Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { duplicateHashError, encodeClaims, type EncodedNewRecord } from './record-codec.js';
import type { SweepPass } from './sliced-sweep.js';
import { SweepSchedule } from './sweep-schedule.js';
import type { NewRefreshTokenRecord, RefreshRevocationReason, RefreshTokenRecord, RefreshTokenStore, RotateResult } from './store.js';

/** Options of {@link MemoryRefreshTokenStore}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface MemoryRefreshTokenStoreOptions {
  /**
   * How often (on the callers' clock: seconds, or a string such as `'1m'`) `insert` and `rotate`
   * also schedule a sweep of the records that expired at least this long ago, so memory stays
   * bounded by the live sessions without a timer. The sweep runs in the background in slices (see
   * {@link MemoryRefreshTokenStore}), never inside the call. (Keeping an expired record a little
   * longer lets a late presentation read as `expired` rather than `unknown`.) `deleteExpired`
   * removes every expired record, in slices too. Default: `60` seconds.
   */
  sweepInterval?: Duration;
  /**
   * The sweep interval in seconds (a positive number). Giving both `sweepIntervalSeconds` and
   * `sweepInterval` is `ERR_INVALID_OPTION`. Default: none (`sweepInterval` decides).
   * @deprecated Use sweepInterval (seconds or `'1m'`). Removed in 0.3.
   */
  sweepIntervalSeconds?: number;
}

const MEMORY_REFRESH_TOKEN_STORE_OPTION_NAMES = optionNames<MemoryRefreshTokenStoreOptions>({
  sweepInterval: true,
  sweepIntervalSeconds: true,
});

/** A record as kept: its claims as JSON text (as a database would), parsed again on every read. */
interface StoredToken extends EncodedNewRecord {
  usedAt: number | null;
}

interface StoredFamily {
  readonly subject: string;
  revokedReason: RefreshRevocationReason | null;
  readonly hashes: Set<string>;
}

/**
 * The embedded {@link RefreshTokenStore}: records in a `Map` of this process, the default store of
 * `createTokenService`. Every method but `deleteExpired` runs synchronously inside its promise, so
 * `rotate` is atomic within the process. Use it for tests, development and single-process servers; use
 * `jwtkit/redis` or `jwtkit/postgres` when several processes share sessions or sessions must
 * survive a restart.
 *
 * **Memory and its cost.** Memory is bounded by the live sessions: an `insert` or `rotate` that
 * finds a sweep due (once per `sweepInterval` of the callers' clock) schedules one, which removes
 * the records that expired at least one interval ago; `deleteExpired(now)` removes every record
 * expired at `now`. Neither runs inside a call: a sweep examines at most 1,000 records per slice,
 * one slice per turn of the event loop (`setImmediate`; unref'd for a scheduled sweep, so it never
 * keeps a process alive), and no call removes anything itself. A slice that removes all 1,000
 * records takes about 2 ms (median, a million records, Node 20 on a 2-core machine), one that
 * removes none about 0.04 ms; a slice in which a `Map` rebuilds its table (as it falls under a
 * quarter full) or the garbage collector runs takes longer, up to a few tens of milliseconds at a
 * million records. A million records expiring together are swept over about 1,000 turns of the
 * event loop. Until the sweep reaches it, an expired record behaves as the contract says (`rotate`
 * reports `expired`); once swept, it reads as `unknown`. Validity is always decided by the `now`
 * the caller passes, never by the system clock.
 *
 * @example
 * ```ts
 * import { createTokenService, MemoryRefreshTokenStore } from 'jwtkit';
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, store: new MemoryRefreshTokenStore() });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `sweepInterval` is not a positive duration.
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #tokens = new Map<string, StoredToken>();
  readonly #families = new Map<string, StoredFamily>();
  readonly #familiesBySubject = new Map<string, Set<string>>();
  readonly #sweeps: SweepSchedule;

  /**
   * @param options - see {@link MemoryRefreshTokenStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when `sweepInterval` is not a positive duration, or both it and `sweepIntervalSeconds` are given.
   */
  constructor(options: MemoryRefreshTokenStoreOptions = {}) {
    checkOptionNames(options, MEMORY_REFRESH_TOKEN_STORE_OPTION_NAMES, 'MemoryRefreshTokenStore');
    this.#sweeps = new SweepSchedule(options, (upTo) => this.#expiredRecords(upTo));
  }

  /** How many records the store holds (expired ones included until a sweep removes them). */
  get size(): number {
    return this.#tokens.size;
  }

  /** {@inheritDoc RefreshTokenStore.insert} */
  async insert(record: NewRefreshTokenRecord): Promise<void> {
    const stored = toStoredToken(record);
    if (this.#tokens.has(stored.hash)) {
      throw duplicateHashError();
    }
    this.#sweeps.scheduleIfDue(record.createdAt);
    this.#add(stored);
  }

  /** {@inheritDoc RefreshTokenStore.find} */
  async find(hash: string): Promise<RefreshTokenRecord | null> {
    const token = this.#tokens.get(hash);
    return token === undefined ? null : this.#read(token);
  }

  /** {@inheritDoc RefreshTokenStore.rotate} */
  async rotate(oldHash: string, successor: NewRefreshTokenRecord, now: number): Promise<RotateResult> {
    this.#sweeps.scheduleIfDue(now);
    const token = this.#tokens.get(oldHash);
    if (token === undefined) return { status: 'unknown' };
    if (this.#families.get(token.familyId)?.revokedReason != null) return { status: 'revoked', record: this.#read(token) };
    if (token.usedAt !== null) return { status: 'used', record: this.#read(token) };
    if (now >= token.expiresAt || (token.idleExpiresAt !== null && now >= token.idleExpiresAt)) {
      return { status: 'expired', record: this.#read(token) };
    }
    // Validate the successor fully before changing anything, so a failure leaves no trace.
    const stored = toStoredToken(successor);
    if (this.#tokens.has(stored.hash)) {
      throw duplicateHashError();
    }
    token.usedAt = now;
    this.#add(stored);
    return { status: 'rotated', record: this.#read(token) };
  }

  /** {@inheritDoc RefreshTokenStore.revokeFamily} */
  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    const family = this.#families.get(familyId);
    if (family !== undefined && family.revokedReason === null) family.revokedReason = reason;
  }

  /** {@inheritDoc RefreshTokenStore.revokeSubject} */
  async revokeSubject(subject: string, reason: RefreshRevocationReason): Promise<void> {
    for (const familyId of this.#familiesBySubject.get(subject) ?? []) {
      const family = this.#families.get(familyId);
      if (family !== undefined && family.revokedReason === null) family.revokedReason = reason;
    }
  }

  /** {@inheritDoc RefreshTokenStore.deleteExpired} */
  async deleteExpired(now: number): Promise<number> {
    return this.#sweeps.sweep(now);
  }

  #add(stored: StoredToken): void {
    this.#tokens.set(stored.hash, stored);
    let family = this.#families.get(stored.familyId);
    if (family === undefined) {
      family = { subject: stored.subject, revokedReason: null, hashes: new Set() };
      this.#families.set(stored.familyId, family);
      let families = this.#familiesBySubject.get(stored.subject);
      if (families === undefined) {
        families = new Set();
        this.#familiesBySubject.set(stored.subject, families);
      }
      families.add(stored.familyId);
    }
    family.hashes.add(stored.hash);
  }

  #read(token: StoredToken): RefreshTokenRecord {
    const reason = this.#families.get(token.familyId)?.revokedReason ?? null;
    return {
      hash: token.hash,
      subject: token.subject,
      familyId: token.familyId,
      parentHash: token.parentHash,
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
      idleExpiresAt: token.idleExpiresAt,
      claims: JSON.parse(token.claimsJson) as Record<string, unknown>,
      usedAt: token.usedAt,
      revoked: reason !== null,
      revokedReason: reason,
    };
  }

  /**
   * A sweep pass (one record examined per step) removing the records with `expiresAt <= upTo`.
   * Each step leaves the indexes consistent (a family goes with its last record, a subject's
   * entry with its last family), so an `insert` or `rotate` between two slices finds them intact.
   * A successor that `rotate` adds between slices keeps its family alive; a family or subject that
   * an `insert` adds back after its last record went is indexed afresh.
   */
  *#expiredRecords(upTo: number): SweepPass {
    for (const [hash, token] of this.#tokens) {
      if (token.expiresAt > upTo) {
        yield false;
        continue;
      }
      this.#tokens.delete(hash);
      const family = this.#families.get(token.familyId);
      if (family !== undefined) {
        family.hashes.delete(hash);
        if (family.hashes.size === 0) {
          this.#families.delete(token.familyId);
          const families = this.#familiesBySubject.get(family.subject);
          families?.delete(token.familyId);
          if (families?.size === 0) this.#familiesBySubject.delete(family.subject);
        }
      }
      yield true;
    }
  }
}

function toStoredToken(record: NewRefreshTokenRecord): StoredToken {
  const claimsJson = encodeClaims(record.claims);
  return {
    hash: record.hash,
    subject: record.subject,
    familyId: record.familyId,
    parentHash: record.parentHash,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    idleExpiresAt: record.idleExpiresAt,
    claimsJson,
    usedAt: null,
  };
}
