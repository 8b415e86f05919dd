/**
 * `MemoryRefreshTokenStore`: the reference {@link RefreshTokenStore}, in process memory.
 *
 * @module
 */
import type { Duration } from '../internal/duration.js';
import { duplicateHashError, encodeClaims, type EncodedNewRecord } from './record-codec.js';
import { SweepSchedule } from './sweep-schedule.js';
import type { NewRefreshTokenRecord, RefreshRevocationReason, RefreshTokenRecord, RefreshTokenStore, RotateResult } from './store.js';

/** Options of {@link MemoryRefreshTokenStore}. */
export interface MemoryRefreshTokenStoreOptions {
  /**
   * How often (on the callers' clock: seconds, or a string such as `'1m'`) `insert` and `rotate`
   * also remove records that expired at least this long ago, so memory stays bounded by the live
   * sessions without a timer. (Keeping an expired record a little longer lets a late presentation
   * read as `expired` rather than `unknown`.) `deleteExpired` removes every expired record at
   * once. Default: `60` seconds.
   */
  sweepInterval?: Duration;
  /**
   * The sweep interval in seconds (a positive number). Giving both `sweepIntervalSeconds` and
   * `sweepInterval` is `ERR_INVALID_OPTION`. Default: none (`sweepInterval` decides).
   * @deprecated Use sweepInterval (seconds or `'1m'`). Removed in 0.3.
   */
  sweepIntervalSeconds?: number;
}

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
 * `createTokenService`. Every method runs synchronously inside its promise, so `rotate` is atomic
 * within the process. Memory is bounded by the live sessions: expired records are removed by
 * `deleteExpired` and, every `sweepInterval`, by `insert` and `rotate`. Use it for tests,
 * development and single-process servers; use `jwtkit/redis` or `jwtkit/postgres` when several
 * processes share sessions or sessions must survive a restart.
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
    this.#sweeps = new SweepSchedule(options);
  }

  /** How many records the store holds (expired ones included until they are swept). */
  get size(): number {
    return this.#tokens.size;
  }

  /** {@inheritDoc RefreshTokenStore.insert} */
  async insert(record: NewRefreshTokenRecord): Promise<void> {
    const stored = toStoredToken(record);
    if (this.#tokens.has(stored.hash)) {
      throw duplicateHashError();
    }
    this.#sweepIfDue(record.createdAt);
    this.#add(stored);
  }

  /** {@inheritDoc RefreshTokenStore.find} */
  async find(hash: string): Promise<RefreshTokenRecord | null> {
    const token = this.#tokens.get(hash);
    return token === undefined ? null : this.#read(token);
  }

  /** {@inheritDoc RefreshTokenStore.rotate} */
  async rotate(oldHash: string, successor: NewRefreshTokenRecord, now: number): Promise<RotateResult> {
    this.#sweepIfDue(now);
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
    return this.#sweep(now);
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

  #sweepIfDue(now: number): void {
    this.#sweeps.sweepIfDue(now, (upTo) => this.#sweep(upTo));
  }

  #sweep(now: number): number {
    let removed = 0;
    for (const [hash, token] of this.#tokens) {
      if (token.expiresAt > now) continue;
      this.#tokens.delete(hash);
      removed++;
      const family = this.#families.get(token.familyId);
      if (family === undefined) continue;
      family.hashes.delete(hash);
      if (family.hashes.size > 0) continue;
      this.#families.delete(token.familyId);
      const families = this.#familiesBySubject.get(family.subject);
      families?.delete(token.familyId);
      if (families?.size === 0) this.#familiesBySubject.delete(family.subject);
    }
    return removed;
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
