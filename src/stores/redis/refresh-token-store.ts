/**
 * `RedisRefreshTokenStore`: refresh-token families in Redis, shared by every process of an
 * application.
 *
 * @module
 */
import type {
  LegacyRefreshToken,
  NewRefreshFamily,
  PresentedRefreshToken,
  RefreshFamily,
  RefreshRevocationReason,
  RefreshSuccessor,
  RefreshTokenStore,
  RevokedFamily,
  RotateResult,
} from '../../tokens/store.js';
import { capArgument, duplicateFamilyError } from '../../tokens/record-codec.js';
import { presentedArgument, reasonArgument, stringArgument, timeArgument } from '../shared/record-arguments.js';
import { readStoredInteger } from '../shared/stored-record.js';
import { unexpectedReply, type RedisExecutor } from './client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';
import { decodeFamily, decodeRevokedFamilies, newFamilyArguments, successorArguments } from './record-codec.js';
import {
  ADOPT_LEGACY_SCRIPT,
  DELETE_EXPIRED_FAMILIES_SCRIPT,
  ENFORCE_CAP_SCRIPT,
  FIND_SCRIPT,
  INSERT_SCRIPT,
  REVOKE_FAMILY_SCRIPT,
  REVOKE_SUBJECT_BATCH_SCRIPT,
  REVOKE_SUBJECT_START_SCRIPT,
  ROTATE_SCRIPT,
} from './scripts.js';

/** Options of {@link RedisRefreshTokenStore}: see {@link RedisStoreOptions}. */
export interface RedisRefreshTokenStoreOptions extends RedisStoreOptions {}

/**
 * The most families one script reads or writes (`revokeSubject`, the session cap of `insert`,
 * `deleteExpired`): larger jobs are cut into several scripts, so no script holds Redis for long.
 * @internal
 */
export const REDIS_FAMILY_BATCH = 500;

const ROTATE_STATUSES: ReadonlySet<string> = new Set(['revoked', 'used', 'expired', 'rotated']);

/**
 * Reads a `{'ok', 'done' | 'more', checked, id, expires, ...}` reply of the cap into `revoked`;
 * answers `checked` when the cap goes on in another script, `undefined` when it is done.
 */
function readCapReply(reply: readonly unknown[], revoked: RevokedFamily[]): string | undefined {
  const checked = readStoredInteger(reply[2]);
  if (reply[0] !== 'ok' || (reply[1] !== 'done' && reply[1] !== 'more') || checked === undefined) throw unexpectedReply();
  revoked.push(...decodeRevokedFamilies(reply.slice(3)));
  return reply[1] === 'more' ? String(checked) : undefined;
}

/**
 * A {@link RefreshTokenStore} (contract v2) on Redis (5 or later), over a node-redis or ioredis
 * client you pass. Every operation is a Lua script, so `rotate` is a single atomic compare-and-set
 * for all the processes sharing the database: of N concurrent rotations of a token exactly one
 * wins.
 *
 * **Keys and size.** One hash per session (`<prefix>rt:family:<familyId>`) holds its whole state,
 * and each rotation rewrites it in place; each subject has four small keys that index its sessions
 * (see the key table in docs/redis-and-postgres.md). Measured on Redis 7.0 (`MEMORY USAGE` of every
 * key, claims `{"scope":"read"}`): one session alone takes about 1 kB in six keys, 344 bytes of it
 * its hash, the same after 1,000 rotations as after none; in a subject of 1,000 sessions, about
 * 830 bytes per session. Claims longer than 64 bytes add about 700 bytes (Redis no longer packs
 * the hash). Each key expires by itself: a Redis TTL of `expiresAt - now` plus a minute (so a late
 * refresh reads as expired rather than unknown). `rotate` writes the session's key only, and reads
 * its subject's cut-off.
 *
 * **Bounded scripts.** No script reads or writes more than 500 sessions. `revokeSubject` first
 * writes the subject's cut-off, a sequence number that every `insert` of the subject increments:
 * sessions inserted before it can no longer rotate, sessions inserted after it, even within the
 * same second, are not affected. It then revokes them in scripts of 500 (40,000 sessions: 80
 * scripts of a few milliseconds each). The session cap of `insert` counts live sessions with one `ZCOUNT`
 * over the subject's live sessions (revoked ones leave that set), O(log n) however many the
 * subject has revoked; over the cap, it reads the live ones once (idle expiry) and revokes the
 * oldest in the same script, so concurrent logins of one subject never leave it over the cap. Only
 * when the subject has more than 500 live sessions (a cap lowered since) does the cap go on in
 * further scripts: then concurrent logins may leave the subject over the cap until its next login,
 * and an outage in between leaves the new session stored and the cap partly enforced.
 *
 * **Keep `deleteExpired` running** now and then (hourly, say): the store-wide expiry index holds
 * one entry per session (about 100 bytes) that only it trims, along with the subject indexes of
 * sessions Redis already expired by their TTL, and the keys of contract v1. It works in scripts of
 * at most 500 sessions.
 *
 * **Records of contract v1.** The refresh tokens a store of contract v1 (jwtkit 0.1) wrote in the
 * same database keep working until they expire: `adoptLegacy` reads their per-token keys
 * (`<prefix>rt:token:<hash>`) and gives the session its state of contract v2 in its existing
 * `rt:family:` key, keeping its revocation; `revokeSubject` reaches those sessions too.
 *
 * Configure the Redis server that holds sessions with `maxmemory-policy noeviction` (an evicted
 * family key would forget a revocation) and, if sessions must survive a Redis restart, with the
 * append-only file (`appendonly yes`). On Redis Cluster, put a hash tag in `keyPrefix` so that
 * every key lands in one slot: `insert`, `rotate` and `revokeSubject` use several keys.
 *
 * Outages: every call rejects with `ERR_STORE_UNAVAILABLE` once `commandTimeout` passes without a
 * reply, however the client queues or retries commands. Writes are fenced: a script that reaches
 * Redis after half of `commandTimeout` (on Redis's clock) changes nothing, so a refresh that was
 * reported as failed never consumes the token later (for example after a paused server resumes or
 * a client resends its queue). This needs the application's and Redis's clocks to agree within
 * half of `commandTimeout`. `revokeSubject` may be partly applied when it rejects (some batches
 * ran): the cut-off is written first, so nothing of the subject refreshes meanwhile; retry it.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createTokenService } from 'jwtkit';
 * import { RedisRefreshTokenStore } from 'jwtkit/redis';
 * const redis = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, store: new RedisRefreshTokenStore({ client: redis }) });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` is not a node-redis or ioredis
 * client, or `keyPrefix`/`commandTimeout` is invalid.
 */
export class RedisRefreshTokenStore implements RefreshTokenStore {
  readonly #redis: RedisExecutor;
  readonly #prefix: string;

  /**
   * @param options - see {@link RedisRefreshTokenStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: RedisRefreshTokenStoreOptions) {
    const resolved = resolveRedisStoreOptions(options);
    this.#redis = resolved.executor;
    this.#prefix = resolved.prefix;
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.insert}
   * @throws `ERR_INVALID_OPTION` when a family with this id exists, the family is malformed or
   * `maxFamiliesPerSubject` is not a positive integer.
   */
  async insert(family: NewRefreshFamily, maxFamiliesPerSubject: number): Promise<RevokedFamily[]> {
    const args = newFamilyArguments(family);
    const cap = String(capArgument(maxFamiliesPerSubject));
    const batch = String(REDIS_FAMILY_BATCH);
    let reply = await this.#redis.script(INSERT_SCRIPT, [this.#prefix, ...args, cap, batch]);
    if (reply[0] === 'exists') throw duplicateFamilyError();
    const revoked: RevokedFamily[] = [];
    const [familyId, subject, , , createdAt] = args as [string, string, string, string, string];
    for (let checked = readCapReply(reply, revoked); checked !== undefined; checked = readCapReply(reply, revoked)) {
      reply = await this.#redis.script(ENFORCE_CAP_SCRIPT, [this.#prefix, subject, familyId, createdAt, cap, batch, checked]);
    }
    return revoked;
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.find} */
  async find(familyId: string): Promise<RefreshFamily | null> {
    const reply = await this.#redis.script(FIND_SCRIPT, [this.#prefix, stringArgument(familyId, 'familyId')]);
    if (reply[0] === 'none') return null;
    if (reply[0] !== 'found') throw unexpectedReply();
    return decodeFamily(familyId, reply.slice(1));
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.rotate}
   * @throws `ERR_INVALID_OPTION` when the presented token or the successor is malformed.
   */
  async rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number): Promise<RotateResult> {
    const token = presentedArgument(presented);
    const args = [String(token.generation), token.hash, String(timeArgument(now, 'now')), ...successorArguments(successor)];
    const reply = await this.#redis.script(ROTATE_SCRIPT, [this.#prefix, token.familyId, ...args]);
    const status = reply[0];
    if (status === 'unknown') return { status };
    if (typeof status !== 'string' || !ROTATE_STATUSES.has(status)) throw unexpectedReply();
    const family = decodeFamily(token.familyId, reply.slice(1));
    if (status === 'used') return { status, family, successorUsed: family.generation > token.generation + 1 };
    return { status: status as 'rotated' | 'revoked' | 'expired', family };
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeFamily} */
  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    await this.#redis.script(REVOKE_FAMILY_SCRIPT, [this.#prefix, stringArgument(familyId, 'familyId'), reasonArgument(reason)]);
  }

  /**
   * `revokeSubject` of the contract: see {@link jwtkit!RefreshTokenStore.revokeSubject}.
   * In Redis: one script writes the subject's cut-off, then scripts of at most 500 families each
   * revoke them (and first move the subject's families of contract v1 into the same index).
   */
  async revokeSubject(subject: string, reason: RefreshRevocationReason, now: number): Promise<RevokedFamily[]> {
    const base = [this.#prefix, stringArgument(subject, 'subject'), reasonArgument(reason)];
    const at = String(timeArgument(now, 'now'));
    const start = await this.#redis.script(REVOKE_SUBJECT_START_SCRIPT, base);
    const cutoff = start[1];
    if (start[0] !== 'ok' || typeof cutoff !== 'string') throw unexpectedReply();
    const found = new Map<string, number>();
    if (cutoff === 'none') return [];
    let cursor = '-inf';
    for (;;) {
      const reply = await this.#redis.script(REVOKE_SUBJECT_BATCH_SCRIPT, [...base, cutoff, cursor, at, String(REDIS_FAMILY_BATCH)]);
      if (reply[0] === 'legacy') continue;
      const scanned = readStoredInteger(reply[2]);
      if (reply[0] !== 'ok' || typeof reply[1] !== 'string' || scanned === undefined) throw unexpectedReply();
      for (const family of decodeRevokedFamilies(reply.slice(3))) found.set(family.familyId, family.expiresAt);
      if (scanned < REDIS_FAMILY_BATCH) break;
      cursor = reply[1];
    }
    return [...found].map(([familyId, expiresAt]) => ({ familyId, expiresAt }));
  }

  /**
   * `deleteExpired` of the contract: see {@link jwtkit!RefreshTokenStore.deleteExpired}.
   * In Redis: also removes the records of contract v1 with `expiresAt <= now`, and counts the
   * family keys it removed (not those Redis already expired by their TTL).
   */
  async deleteExpired(now: number): Promise<number> {
    const at = String(timeArgument(now, 'now'));
    let removed = 0;
    for (;;) {
      const reply = await this.#redis.script(DELETE_EXPIRED_FAMILIES_SCRIPT, [this.#prefix, at, String(REDIS_FAMILY_BATCH)]);
      const count = readStoredInteger(reply[1]);
      const scanned = readStoredInteger(reply[2]);
      if (reply[0] !== 'ok' || count === undefined || scanned === undefined) throw unexpectedReply();
      removed += count;
      if (scanned < REDIS_FAMILY_BATCH) return removed;
    }
  }

  /**
   * `adoptLegacy` of the contract: see {@link jwtkit!RefreshTokenStore.adoptLegacy}.
   * In Redis: reads the per-token records (`<prefix>rt:token:<hash>`) a store of contract v1 wrote.
   */
  async adoptLegacy(hash: string, tagKey: string, now: number): Promise<LegacyRefreshToken | null> {
    const args = [stringArgument(hash, 'hash'), stringArgument(tagKey, 'tagKey'), String(timeArgument(now, 'now'))];
    const reply = await this.#redis.script(ADOPT_LEGACY_SCRIPT, [this.#prefix, ...args]);
    const [status, familyId, usedAt, subject] = reply;
    if (status === 'none') return null;
    if (typeof familyId !== 'string') throw unexpectedReply();
    if (status === 'current') return { status, familyId };
    const at = readStoredInteger(usedAt);
    if (status !== 'used' || at === undefined || typeof subject !== 'string') throw unexpectedReply();
    return { status, familyId, subject, usedAt: at };
  }
}
