/**
 * `MemoryRefreshTokenStore`: the reference {@link RefreshTokenStore}, in process memory.
 *
 * @module
 */
import type { Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { capArgument, duplicateFamilyError, encodeClaims, objectArgument } from './record-codec.js';
import type { SweepPass } from './sliced-sweep.js';
import { SweepSchedule } from './sweep-schedule.js';
import type {
  NewRefreshFamily,
  PresentedRefreshToken,
  RefreshFamily,
  RefreshRevocationReason,
  RefreshSuccessor,
  RefreshTokenStore,
  RevokedFamily,
  RotateResult,
} from './store.js';

/** Options of {@link MemoryRefreshTokenStore}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface MemoryRefreshTokenStoreOptions {
  /**
   * How often (on the callers' clock: seconds, or a string such as `'1m'`) `insert` and `rotate`
   * also schedule a sweep of the families that expired at least this long ago, so memory stays
   * bounded by the live sessions without a timer. The sweep runs in the background in slices (see
   * {@link MemoryRefreshTokenStore}), never inside the call. (Keeping an expired family a little
   * longer lets a late presentation read as `expired` rather than `unknown`.) `deleteExpired`
   * removes every expired family, in slices too. Default: `60` seconds.
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

/**
 * A family as kept: its state and its current token, with its claims as JSON text (as a database
 * would keep them), parsed again on every read. One per family, whatever the number of rotations.
 */
interface StoredFamily {
  readonly familyId: string;
  readonly subject: string;
  hash: string;
  readonly tagKey: string;
  generation: number;
  readonly createdAt: number;
  rotatedAt: number | null;
  readonly expiresAt: number;
  idleExpiresAt: number | null;
  claimsJson: string;
  readonly jkt: string | null;
  revokedReason: RefreshRevocationReason | null;
}

/**
 * The embedded {@link RefreshTokenStore}: one record per family in a `Map` of this process, the
 * default store of `createTokenService`. Every method but `deleteExpired` runs synchronously inside
 * its promise, so `rotate` is atomic within the process, and so is `insert` with its session cap.
 * Use it for tests, development and single-process servers; use `jwtkit/redis` or
 * `jwtkit/postgres` when several processes share sessions or sessions must survive a restart.
 *
 * **Memory and its cost.** A session costs the same however often it rotates: one record (the
 * current token's hash, the tag key, the claims as JSON text) and an entry in its subject's index,
 * about 0.7 kB with small claims (measured with `heapUsed` after a full garbage collection, 10,000
 * sessions of one subject each, Node 20: the same before and after 100 rotations of each).
 * Memory is bounded by the live sessions: an `insert` or `rotate` that finds a sweep due (once per
 * `sweepInterval` of the callers' clock) schedules one, which removes the families that expired at
 * least one interval ago; `deleteExpired(now)` removes every family expired at `now`. Neither runs
 * inside a call: a sweep examines at most 1,000 families per slice, one slice per turn of the event
 * loop (`setImmediate`; unref'd for a scheduled sweep, so it never keeps a process alive), and no
 * call removes anything itself. A slice that removes all 1,000 families takes about 2 ms (median, a
 * million families, Node 20 on a 2-core machine), one that removes none about 0.04 ms; a slice in
 * which a `Map` rebuilds its table (as it falls under a quarter full) or the garbage collector runs
 * takes longer, up to a few tens of milliseconds at a million families. A million families
 * expiring together are swept over about 1,000 turns of the event loop. Until the sweep reaches
 * it, an expired family behaves as the contract says (`rotate` reports `expired`, or `used` for a
 * token of an earlier generation); once swept, it reads as `unknown`. Validity is always decided by
 * the `now` the caller passes, never by the system clock.
 *
 * @example
 * ```ts
 * import { createTokenService, MemoryRefreshTokenStore } from 'jwtkit';
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, store: new MemoryRefreshTokenStore() });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `sweepInterval` is not a positive duration.
 */
export class MemoryRefreshTokenStore implements RefreshTokenStore {
  readonly #families = new Map<string, StoredFamily>();
  readonly #familiesBySubject = new Map<string, Set<string>>();
  readonly #sweeps: SweepSchedule;

  /**
   * @param options - see {@link MemoryRefreshTokenStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when `sweepInterval` is not a positive duration, or both it and `sweepIntervalSeconds` are given.
   */
  constructor(options: MemoryRefreshTokenStoreOptions = {}) {
    checkOptionNames(options, MEMORY_REFRESH_TOKEN_STORE_OPTION_NAMES, 'MemoryRefreshTokenStore');
    this.#sweeps = new SweepSchedule(options, (upTo) => this.#expiredFamilies(upTo));
  }

  /** How many families (sessions) the store holds, expired ones included until a sweep removes them. */
  get size(): number {
    return this.#families.size;
  }

  /**
   * {@inheritDoc RefreshTokenStore.insert}
   * @throws `ERR_INVALID_OPTION` when a family with this id exists, its claims are not a JSON
   * object, or `maxFamiliesPerSubject` is not a positive integer (then nothing changed).
   */
  async insert(family: NewRefreshFamily, maxFamiliesPerSubject: number): Promise<RevokedFamily[]> {
    capArgument(maxFamiliesPerSubject);
    const claimsJson = encodeClaims(objectArgument(family, 'a refresh token family').claims);
    if (this.#families.has(family.familyId)) throw duplicateFamilyError();
    this.#sweeps.scheduleIfDue(family.createdAt);
    const stored: StoredFamily = {
      familyId: family.familyId,
      subject: family.subject,
      hash: family.hash,
      tagKey: family.tagKey,
      generation: 0,
      createdAt: family.createdAt,
      rotatedAt: null,
      expiresAt: family.expiresAt,
      idleExpiresAt: family.idleExpiresAt,
      claimsJson,
      jkt: family.jkt,
      revokedReason: null,
    };
    this.#families.set(stored.familyId, stored);
    let siblings = this.#familiesBySubject.get(stored.subject);
    if (siblings === undefined) {
      siblings = new Set();
      this.#familiesBySubject.set(stored.subject, siblings);
    }
    siblings.add(stored.familyId);
    return this.#enforceCap(stored, siblings, maxFamiliesPerSubject);
  }

  /** {@inheritDoc RefreshTokenStore.find} */
  async find(familyId: string): Promise<RefreshFamily | null> {
    const family = this.#families.get(familyId);
    return family === undefined ? null : read(family);
  }

  /**
   * {@inheritDoc RefreshTokenStore.rotate}
   * @throws `ERR_INVALID_OPTION` when the successor's claims are not a JSON object (then nothing changed).
   */
  async rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number): Promise<RotateResult> {
    const claimsJson = encodeClaims(objectArgument(successor, 'a refresh token successor').claims);
    this.#sweeps.scheduleIfDue(now);
    const family = this.#families.get(objectArgument(presented, 'a presented refresh token').familyId);
    if (family === undefined) return { status: 'unknown' };
    const { generation } = presented;
    const current = generation === family.generation;
    const earlier = Number.isSafeInteger(generation) && generation >= 0 && generation < family.generation;
    if (current ? presented.hash !== family.hash : !earlier) return { status: 'unknown' };
    if (family.revokedReason !== null) return { status: 'revoked', family: read(family) };
    if (earlier) return { status: 'used', family: read(family), successorUsed: family.generation > generation + 1 };
    if (isExpired(family, now)) return { status: 'expired', family: read(family) };
    family.generation += 1;
    family.hash = successor.hash;
    family.idleExpiresAt = successor.idleExpiresAt;
    family.claimsJson = claimsJson;
    family.rotatedAt = now;
    return { status: 'rotated', family: read(family) };
  }

  /** {@inheritDoc RefreshTokenStore.revokeFamily} */
  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    const family = this.#families.get(familyId);
    if (family !== undefined) family.revokedReason ??= reason;
  }

  /** {@inheritDoc RefreshTokenStore.revokeSubject} */
  async revokeSubject(subject: string, reason: RefreshRevocationReason, now: number): Promise<RevokedFamily[]> {
    const reached: RevokedFamily[] = [];
    for (const familyId of this.#familiesBySubject.get(subject) ?? []) {
      const family = this.#families.get(familyId);
      if (family === undefined) continue;
      family.revokedReason ??= reason;
      if (family.expiresAt > now) reached.push({ familyId, expiresAt: family.expiresAt });
    }
    return reached;
  }

  /** {@inheritDoc RefreshTokenStore.deleteExpired} */
  async deleteExpired(now: number): Promise<number> {
    return this.#sweeps.sweep(now);
  }

  /**
   * Revokes the subject's oldest live families (by `createdAt`, then `familyId`) other than `added`
   * with `session_limit` until at most `max` live ones remain, `added` included. Live: neither
   * revoked nor expired at `added.createdAt`.
   */
  #enforceCap(added: StoredFamily, siblings: ReadonlySet<string>, max: number): RevokedFamily[] {
    if (siblings.size <= max) return [];
    const others: StoredFamily[] = [];
    for (const familyId of siblings) {
      const family = this.#families.get(familyId);
      if (family !== undefined && family !== added && family.revokedReason === null && !isExpired(family, added.createdAt)) {
        others.push(family);
      }
    }
    const excess = others.length + 1 - max;
    if (excess <= 0) return [];
    others.sort((a, b) => a.createdAt - b.createdAt || (a.familyId < b.familyId ? -1 : a.familyId > b.familyId ? 1 : 0));
    return others.slice(0, excess).map((family) => {
      family.revokedReason = 'session_limit';
      return { familyId: family.familyId, expiresAt: family.expiresAt };
    });
  }

  /**
   * A sweep pass (one family examined per step) removing the families with `expiresAt <= upTo`.
   * Each step leaves the subject index consistent (a subject's entry goes with its last family), so
   * an `insert` between two slices finds it intact, and a subject that an `insert` adds back after
   * its last family went is indexed afresh.
   */
  *#expiredFamilies(upTo: number): SweepPass {
    for (const [familyId, family] of this.#families) {
      if (family.expiresAt > upTo) {
        yield false;
        continue;
      }
      this.#families.delete(familyId);
      const siblings = this.#familiesBySubject.get(family.subject);
      siblings?.delete(familyId);
      if (siblings?.size === 0) this.#familiesBySubject.delete(family.subject);
      yield true;
    }
  }
}

/** Whether a family is past its absolute or idle expiry at `now`. */
function isExpired(family: StoredFamily, now: number): boolean {
  return now >= family.expiresAt || (family.idleExpiresAt !== null && now >= family.idleExpiresAt);
}

/** A fresh copy of a stored family, as the contract returns it. */
function read(family: StoredFamily): RefreshFamily {
  return {
    familyId: family.familyId,
    subject: family.subject,
    hash: family.hash,
    tagKey: family.tagKey,
    generation: family.generation,
    createdAt: family.createdAt,
    rotatedAt: family.rotatedAt,
    expiresAt: family.expiresAt,
    idleExpiresAt: family.idleExpiresAt,
    claims: JSON.parse(family.claimsJson) as Record<string, unknown>,
    jkt: family.jkt,
    revoked: family.revokedReason !== null,
    revokedReason: family.revokedReason,
  };
}
