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
import { bucketOf, EXPIRY_BUCKETS, familyExpiryKey, familyKey, legacyKeys, subjectKeys, type SubjectKeys } from './keys.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';
import { decodeFamily, decodeRevokedFamilies, newFamilyArguments, successorArguments } from './record-codec.js';
import {
  ADOPT_LEGACY_SCRIPT,
  CREATE_FAMILY_SCRIPT,
  DELETE_EXPIRED_LEGACY_SCRIPT,
  DELETE_FAMILY_SCRIPT,
  FAMILY_GRACE_SECONDS,
  INDEX_EXPIRY_SCRIPT,
  INDEX_FAMILY_SCRIPT,
  MOVE_LEGACY_SUBJECT_SCRIPT,
  REVOKE_FAMILY_SCRIPT,
  REVOKE_LEGACY_FAMILY_SCRIPT,
  REVOKE_MEMBER_SCRIPT,
  REVOKE_SUBJECT_START_SCRIPT,
  ROTATE_SCRIPT,
  TRIM_EXPIRY_SCRIPT,
  UNINDEX_FAMILY_SCRIPT,
  UNLIVE_SCRIPT,
} from './scripts.js';

/** Options of {@link RedisRefreshTokenStore}: see {@link RedisStoreOptions}. */
export interface RedisRefreshTokenStoreOptions extends RedisStoreOptions {}

/**
 * The most families one step reads or writes (a page of `revokeSubject`, of the session cap of
 * `insert`, of `deleteExpired`): larger jobs go on in further pages, so no step holds Redis for long.
 * @internal
 */
export const REDIS_FAMILY_BATCH = 500;

const ROTATE_STATUSES: ReadonlySet<string> = new Set(['revoked', 'used', 'expired', 'rotated']);

/** The fields of a family's hash. */
const FAMILY_FIELDS = [
  'subject',
  'hash',
  'tag',
  'gen',
  'created',
  'rotated',
  'expires',
  'idle',
  'claims',
  'jkt',
  'seq',
  'revoked',
] as const;

/** The subject's cut-off as `rotate` and `revokeFamily` pass it to their script: `[seq, reason]`, `['', '']` when none. */
type Cutoff = [string, string];

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined;
}

/** Reads a flat `[field, value, ...]` reply (HGETALL, HMGET pairs); throws `ERR_STORE_UNAVAILABLE` for anything else. */
function flatReply(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw unexpectedReply();
  return reply;
}

/** Cuts `ids` into chunks of at most {@link REDIS_FAMILY_BATCH}. */
function chunks<T>(ids: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < ids.length; start += REDIS_FAMILY_BATCH) out.push(ids.slice(start, start + REDIS_FAMILY_BATCH));
  return out;
}

/**
 * A {@link RefreshTokenStore} (contract v2) on Redis (5 or later), a single node or a Redis
 * Cluster, over a node-redis or ioredis client you pass. `rotate` is one Lua script on the session's
 * key, a compare-and-set for all the processes sharing the database: of N concurrent rotations of a
 * token exactly one wins.
 *
 * **Keys and size.** One hash per session (`<prefix>rt:{<familyId>}`) holds its whole state, and
 * each rotation rewrites it in place; each subject has four small keys that index its sessions
 * (`<prefix>rt:subj:{s:<subject>}:...`), and an expiry index in 64 buckets lists every session
 * once (see the key table in docs/redis-and-postgres.md). The braces are Redis Cluster hash tags:
 * a session's key is in the slot of its family id, a subject's keys in the slot of the subject,
 * so sessions spread over the cluster's masters, and no script touches two slots.
 * Each key expires by itself: a Redis TTL of `expiresAt - now` plus a minute (so a late refresh
 * reads as expired rather than unknown).
 *
 * **What is atomic.** `rotate` and a session's revocation: one script on the session's key.
 * `rotate` first reads the subject's cut-off (see `revokeSubject`) and passes it to the script.
 * `insert` is three steps (index the session in its subject, store it, list it in the expiry
 * index), then the session cap: it counts the subject's live sessions with one `ZCOUNT`, and only
 * over the cap reads them (idle expiry, revocation) and revokes the oldest, one script per
 * session. So concurrent logins of one subject may leave it over the cap until its next login, and
 * an `insert` that rejects may have stored the session with the cap not enforced (as the contract
 * allows a sharded store).
 *
 * **revokeSubject** first writes the subject's cut-off, a sequence number that every `insert` of
 * the subject increments: sessions inserted before it can no longer rotate (`rotate` reads it),
 * sessions inserted after it, even within the same second, are not affected. It then revokes each
 * session with a script of its own, in pages of 500 run concurrently, and answers them all,
 * including a login caught between its first two steps (indexed, so covered by the cut-off, but
 * not stored yet), with the expiry its index entry holds. When it rejects, it may be partly
 * applied: the cut-off still holds; retry it.
 *
 * **Keep `deleteExpired` running** now and then (hourly, say): the expiry index holds one entry per
 * session (about 100 bytes) that only it trims, along with the subject indexes of sessions Redis
 * already expired by their TTL, and the keys of contract v1. It works in pages of at most 500.
 *
 * **Records of contract v1.** The refresh tokens a store of contract v1 (jwtkit 0.1) wrote in the
 * same database keep working until they expire, **on a single Redis node** (their keys carry no
 * hash tag): `adoptLegacy` reads their per-token keys (`<prefix>rt:token:<hash>`) and gives the
 * session its state of contract v2, keeping its revocation; `revokeSubject` reaches those sessions
 * too. On a cluster, there are no such records (that version did not run there without a `{...}`
 * prefix, which this store refuses): `adoptLegacy` finds none.
 *
 * Configure the Redis server that holds sessions with `maxmemory-policy noeviction` (an evicted
 * family key would forget a revocation) and, if sessions must survive a Redis restart, with the
 * append-only file (`appendonly yes`).
 *
 * Outages: every call rejects with `ERR_STORE_UNAVAILABLE` once `commandTimeout` passes without a
 * reply, however the client queues or retries commands. Writes are fenced: a script that reaches
 * Redis after half of `commandTimeout` (on Redis's clock) changes nothing, so a refresh that was
 * reported as failed never consumes the token later (for example after a paused server resumes or
 * a client resends its queue). This needs the application's and Redis's clocks to agree within
 * half of `commandTimeout`.
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
 * client (or cluster), the client has its own key prefix, or `keyPrefix`/`commandTimeout` is invalid.
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
    const cap = capArgument(maxFamiliesPerSubject);
    const [familyId, subject, hash, tag, created, expires, idle, claims, jkt] = args as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const ttl = String(Math.max(1, Number(expires) - Number(created)) + FAMILY_GRACE_SECONDS);
    const keys = subjectKeys(this.#prefix, subject);
    // 1. The subject's next seq, and the index entries: a failure after this step leaves entries
    //    whose family is missing, which every reader skips (and the subject's TTL removes).
    const indexed = await this.#redis.script(INDEX_FAMILY_SCRIPT, keys.all, [
      familyId,
      created,
      expires,
      ttl,
      String(cap),
      String(REDIS_FAMILY_BATCH),
    ]);
    if (indexed[0] === 'exists') throw duplicateFamilyError();
    const seq = indexed[0];
    if (typeof seq !== 'string') throw unexpectedReply();
    // 2. The session itself, with its seq. A revokeSubject that runs between steps 1 and 2 gives
    //    the session a cut-off covering this seq, so the store refuses it at every rotate (and
    //    reads it as revoked) once stored; revokeSubject finds its index entry without a key, and
    //    answers it with its expiry from the live set (see #revokeMember), so the caller revokes its
    //    access tokens too. The login is thus ordered before the revocation, as if it had finished
    //    first: it returns tokens of a revoked session, which the caller's revocation of that
    //    session ends (test: "a login racing revokeSubject is answered by it").
    const key = familyKey(this.#prefix, familyId);
    const stored = await this.#redis.script(
      CREATE_FAMILY_SCRIPT,
      [key],
      [subject, hash, tag, created, expires, idle, claims, jkt, seq, ttl],
    );
    if (stored[0] === 'exists') {
      await this.#redis.script(UNINDEX_FAMILY_SCRIPT, keys.all, [familyId]);
      throw duplicateFamilyError();
    }
    // 3. Its entry in the expiry index (until then, only its TTL removes it).
    const bucket = familyExpiryKey(this.#prefix, bucketOf(familyId));
    await this.#redis.script(INDEX_EXPIRY_SCRIPT, [bucket], [expires, `${familyId} ${subject}`]);
    return this.#enforceCap(keys, subject, familyId, Number(created), cap, indexed.slice(1));
  }

  /**
   * The session cap, after the insert: the first step counted the live sessions (`first`, the
   * count and first page of {@link INDEX_FAMILY_SCRIPT}); over the cap, the live entries are read
   * (oldest first), those no longer live leave the live sets, and the oldest live ones but the new
   * one are revoked with `session_limit`.
   */
  async #enforceCap(
    keys: SubjectKeys,
    subject: string,
    newId: string,
    at: number,
    max: number,
    first: readonly unknown[],
  ): Promise<RevokedFamily[]> {
    if (first[0] === 'ok') return [];
    const cutoff = first[2];
    if (first[0] !== 'over' || typeof cutoff !== 'string') throw unexpectedReply();
    const live: string[] = [];
    const dead: string[] = [];
    const pending = new Set<string>();
    let page = first.slice(3);
    for (let offset = 0; ;) {
      const states = await Promise.all(
        page.map((id) => {
          if (typeof id !== 'string') throw unexpectedReply();
          if (id === newId) return null;
          const key = familyKey(this.#prefix, id);
          return this.#redis.command(['HMGET', key, 'subject', 'expires', 'idle', 'revoked', 'seq'], key);
        }),
      );
      for (const [index, state] of states.entries()) {
        const id = page[index] as string;
        if (state === null) {
          live.push(id);
          continue;
        }
        const [owner, expires, idle, revoked, seq] = flatReply(state);
        if (isAbsent(owner) && isAbsent(expires)) {
          // No key yet: a concurrent login between its steps 1 and 2 (or one that failed there,
          // until its entry expires). It counts as live and stays in the live sets, but is no
          // victim: there is nothing to revoke yet (test: "the session cap counts a concurrent
          // login not yet stored as live, and keeps it in the live sets").
          live.push(id);
          pending.add(id);
          continue;
        }
        const covered = cutoff !== '' && Number(seq) <= Number(cutoff);
        const alive = owner === subject && Number(expires) > at && (idle === '' || Number(idle) > at) && isAbsent(revoked) && !covered;
        (alive ? live : dead).push(id);
      }
      if (page.length < REDIS_FAMILY_BATCH) break;
      offset += REDIS_FAMILY_BATCH;
      page = flatReply(
        await this.#redis.command(['ZRANGE', keys.live, String(offset), String(offset + REDIS_FAMILY_BATCH - 1)], keys.live),
      );
    }
    const excess = live.length - max;
    const victims = live.filter((id) => id !== newId && !pending.has(id)).slice(0, Math.max(0, excess));
    const revoked: RevokedFamily[] = [];
    for (const chunk of chunks(victims)) {
      const replies = await Promise.all(
        chunk.map((id) => this.#redis.script(REVOKE_MEMBER_SCRIPT, [familyKey(this.#prefix, id)], [subject, 'session_limit', 'live'])),
      );
      for (const [index, reply] of replies.entries()) {
        if (reply[0] === 'ok') revoked.push(...decodeRevokedFamilies([chunk[index], reply[1]]));
      }
    }
    await this.#unlive(keys, 'live', [...dead, ...victims]);
    return revoked;
  }

  /** Takes families out of a subject's live sets (`forget`: out of its index too), in chunks. */
  async #unlive(keys: SubjectKeys, mode: 'live' | 'forget', ids: readonly string[]): Promise<void> {
    for (const chunk of chunks(ids)) await this.#redis.script(UNLIVE_SCRIPT, keys.all, [mode, ...chunk]);
  }

  /** The subject's cut-off and its reason (`['', '']` when none): read before a script that needs it. */
  async #cutoff(subject: string): Promise<Cutoff> {
    const { state } = subjectKeys(this.#prefix, subject);
    const [cutoff, reason] = flatReply(await this.#redis.command(['HMGET', state, 'cutoff', 'reason'], state));
    if (isAbsent(cutoff)) return ['', ''];
    if (typeof cutoff !== 'string' || typeof reason !== 'string') throw unexpectedReply();
    return [cutoff, reason];
  }

  /** The subject of a family of contract v2, or `undefined` when there is none. */
  async #subjectOf(key: string): Promise<string | undefined> {
    const [subject, generation] = flatReply(await this.#redis.command(['HMGET', key, 'subject', 'gen'], key));
    if (isAbsent(generation)) return undefined;
    if (typeof subject !== 'string') throw unexpectedReply();
    return subject;
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.find} */
  async find(familyId: string): Promise<RefreshFamily | null> {
    const key = familyKey(this.#prefix, stringArgument(familyId, 'familyId'));
    // HMGET rather than HGETALL: its reply is an array with every client and protocol version.
    const values = flatReply(await this.#redis.command(['HMGET', key, ...FAMILY_FIELDS], key));
    const map = new Map(FAMILY_FIELDS.map((field, index) => [field, values[index]]));
    if (isAbsent(map.get('gen'))) return null;
    let reason = map.get('revoked') ?? '';
    if (reason === '' && typeof map.get('subject') === 'string') {
      const [cutoff, cutReason] = await this.#cutoff(map.get('subject') as string);
      if (cutoff !== '' && Number(map.get('seq')) <= Number(cutoff)) reason = cutReason;
    }
    const flat = [...map].filter(([, value]) => !isAbsent(value)).flat();
    return decodeFamily(familyId, [reason, ...flat]);
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.rotate}
   * @throws `ERR_INVALID_OPTION` when the presented token or the successor is malformed.
   */
  async rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number): Promise<RotateResult> {
    const token = presentedArgument(presented);
    const args = [String(token.generation), token.hash, String(timeArgument(now, 'now')), ...successorArguments(successor)];
    const key = familyKey(this.#prefix, token.familyId);
    // The subject's cut-off lives in the subject's slot, so it is read before the script, which
    // then refuses (and flags) a family it covers. A revokeSubject racing this rotate never leaves
    // a usable successor: either this read sees its cut-off (the script refuses), or the cut-off
    // was written after this read; then revokeSubject goes on to flag every family with seq <=
    // cut-off, this one included, by a script on this family's key, and Redis runs the scripts of
    // one key one at a time: if this rotate's script ran first, the flag set afterwards makes the
    // successor unusable (the next rotate reports `revoked`) and revokeSubject answers the family,
    // so the caller revokes its access tokens too; if the flag came first, this script reports
    // `revoked`. (Test: "revokeSubject racing rotate" in the conformance kit, and the cluster test
    // "a revokeSubject racing rotates leaves no usable successor".)
    const subject = await this.#subjectOf(key);
    if (subject === undefined) return { status: 'unknown' };
    const cutoff = await this.#cutoff(subject);
    const reply = await this.#redis.script(ROTATE_SCRIPT, [key], [...args, ...cutoff]);
    const status = reply[0];
    if (status === 'unknown') return { status };
    if (typeof status !== 'string' || !ROTATE_STATUSES.has(status)) throw unexpectedReply();
    const family = decodeFamily(token.familyId, reply.slice(1));
    if (status === 'used') return { status, family, successorUsed: family.generation > token.generation + 1 };
    return { status: status as 'rotated' | 'revoked' | 'expired', family };
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeFamily} */
  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    const id = stringArgument(familyId, 'familyId');
    const why = reasonArgument(reason);
    // The flag of contract v1 first: an adoptLegacy running meanwhile copies it, or finds the
    // family of contract v2 already there, which the script below then revokes.
    await this.#redis.script(REVOKE_LEGACY_FAMILY_SCRIPT, [legacyKeys.family(this.#prefix, id)], [why]);
    const key = familyKey(this.#prefix, id);
    const subject = await this.#subjectOf(key);
    if (subject === undefined) return;
    const reply = await this.#redis.script(REVOKE_FAMILY_SCRIPT, [key], [why, ...(await this.#cutoff(subject))]);
    if (reply[0] === 'ok') await this.#unlive(subjectKeys(this.#prefix, subject), 'live', [id]);
  }

  /**
   * `revokeSubject` of the contract: see {@link jwtkit!RefreshTokenStore.revokeSubject}.
   * In Redis: one script writes the subject's cut-off, then one script per family revokes it,
   * in pages of at most 500 (first moving the subject's families of contract v1 into its index).
   */
  async revokeSubject(subject: string, reason: RefreshRevocationReason, now: number): Promise<RevokedFamily[]> {
    const who = stringArgument(subject, 'subject');
    const why = reasonArgument(reason);
    const at = timeArgument(now, 'now');
    const keys = subjectKeys(this.#prefix, who);
    const legacySet = legacyKeys.subject(this.#prefix, who);
    // -2: the subject has no set of contract v1 (always so on a cluster).
    const legacyTtl = readStoredInteger(await this.#redis.command(['TTL', legacySet], legacySet));
    if (legacyTtl === undefined) throw unexpectedReply();
    const start = await this.#redis.script(REVOKE_SUBJECT_START_SCRIPT, [keys.state, keys.families], [why, String(legacyTtl)]);
    const cutoff = start[1];
    if (start[0] !== 'ok' || typeof cutoff !== 'string') throw unexpectedReply();
    if (cutoff === 'none') return [];
    if (legacyTtl !== -2) {
      for (;;) {
        const moved = await this.#redis.script(
          MOVE_LEGACY_SUBJECT_SCRIPT,
          [legacySet, keys.state, keys.families],
          [String(REDIS_FAMILY_BATCH)],
        );
        if (Number(moved[1]) < REDIS_FAMILY_BATCH) break;
      }
    }
    const found = new Map<string, number>();
    let cursor = '-inf';
    for (;;) {
      const min = cursor === '-inf' ? cursor : `(${cursor}`;
      // Flattened: with RESP3 (ioredis 6, node-redis 6) WITHSCORES answers [member, score] pairs.
      const page = flatReply(
        await this.#redis.command(
          ['ZRANGEBYSCORE', keys.families, min, cutoff, 'WITHSCORES', 'LIMIT', '0', String(REDIS_FAMILY_BATCH)],
          keys.families,
        ),
      ).flat();
      const ids: string[] = [];
      for (let index = 0; index + 1 < page.length; index += 2) ids.push(String(page[index]));
      const expiries = await Promise.all(ids.map((id, index) => this.#revokeMember(who, id, Number(page[2 * index + 1]), why)));
      const revoked: string[] = [];
      for (const [index, expires] of expiries.entries()) {
        if (expires === undefined) continue;
        revoked.push(ids[index] as string);
        if (expires > at) found.set(ids[index] as string, expires);
      }
      await this.#unlive(keys, 'live', revoked);
      if (ids.length < REDIS_FAMILY_BATCH) break;
      cursor = String(page[page.length - 1]);
    }
    return [...found].map(([familyId, expiresAt]) => ({ familyId, expiresAt }));
  }

  /**
   * Revokes one family of `subject` for revokeSubject; answers its expiry, or `undefined` when it is gone.
   * A family of contract v2 indexed but without a key is an `insert` between its steps 1 and 2 (the
   * cut-off, which covers its seq, refuses it once stored) or one that failed there: it is answered
   * with its expiry in the live set, where step 1 put it, so the caller ends its access tokens too
   * (one that never gets stored costs the caller a needless session revocation). Not in the live
   * set: revoked before and expired since, or expired.
   */
  async #revokeMember(subject: string, id: string, seq: number, reason: string): Promise<number | undefined> {
    const reply = await this.#redis.script(REVOKE_MEMBER_SCRIPT, [familyKey(this.#prefix, id)], [subject, reason, 'any']);
    if (reply[0] === 'ok') {
      const expires = readStoredInteger(reply[1]);
      if (expires === undefined) throw unexpectedReply();
      return expires;
    }
    if (seq >= 0) {
      const { liveExpiry } = subjectKeys(this.#prefix, subject);
      const score = await this.#redis.command(['ZSCORE', liveExpiry, id], liveExpiry);
      if (isAbsent(score)) return undefined;
      const expires = readStoredInteger(score);
      if (expires === undefined) throw unexpectedReply();
      return expires;
    }
    // A family of contract v1 not adopted: its flag, and its expiry from any of its tokens.
    const flagged = await this.#redis.script(REVOKE_LEGACY_FAMILY_SCRIPT, [legacyKeys.family(this.#prefix, id)], [reason]);
    if (flagged[0] !== 'ok') return undefined;
    const tokens = legacyKeys.familyTokens(this.#prefix, id);
    const hash = await this.#redis.command(['SRANDMEMBER', tokens], tokens);
    if (typeof hash !== 'string') return undefined;
    const token = legacyKeys.token(this.#prefix, hash);
    return readStoredInteger(await this.#redis.command(['HGET', token, 'expires'], token));
  }

  /**
   * `deleteExpired` of the contract: see {@link jwtkit!RefreshTokenStore.deleteExpired}.
   * In Redis: walks the 64 buckets of the expiry index (concurrently, pages of at most 500 each),
   * also removes the records of contract v1 with `expiresAt <= now`, and counts the family keys it
   * removed (not those Redis already expired by their TTL).
   */
  async deleteExpired(now: number): Promise<number> {
    const at = String(timeArgument(now, 'now'));
    let removed = 0;
    // Records of contract v1 first: a family adopted from them is then still there, and counted
    // once, by its own expiry below.
    const legacyIndex = legacyKeys.expiry(this.#prefix);
    if ((await this.#redis.command(['EXISTS', legacyIndex], legacyIndex)) === 1) {
      for (;;) {
        const reply = await this.#redis.script(DELETE_EXPIRED_LEGACY_SCRIPT, [legacyIndex], [this.#prefix, at, String(REDIS_FAMILY_BATCH)]);
        const count = readStoredInteger(reply[1]);
        const scanned = readStoredInteger(reply[2]);
        if (reply[0] !== 'ok' || count === undefined || scanned === undefined) throw unexpectedReply();
        removed += count;
        if (scanned < REDIS_FAMILY_BATCH) break;
      }
    }
    const buckets = Array.from({ length: EXPIRY_BUCKETS }, (_, bucket) =>
      this.#deleteExpiredBucket(familyExpiryKey(this.#prefix, bucket), at),
    );
    for (const count of await Promise.all(buckets)) removed += count;
    return removed;
  }

  async #deleteExpiredBucket(bucket: string, at: string): Promise<number> {
    let removed = 0;
    for (;;) {
      const members = flatReply(
        await this.#redis.command(['ZRANGEBYSCORE', bucket, '-inf', at, 'LIMIT', '0', String(REDIS_FAMILY_BATCH)], bucket),
      ).map(String);
      if (members.length === 0) return removed;
      const bySubject = new Map<string, string[]>();
      const replies = await Promise.all(
        members.map((member) => {
          const space = member.indexOf(' ');
          const id = member.slice(0, space);
          const subject = member.slice(space + 1);
          bySubject.set(subject, [...(bySubject.get(subject) ?? []), id]);
          return this.#redis.script(DELETE_FAMILY_SCRIPT, [familyKey(this.#prefix, id)], [at]);
        }),
      );
      for (const reply of replies) removed += readStoredInteger(reply[1]) ?? 0;
      await Promise.all([...bySubject].map(([subject, ids]) => this.#unlive(subjectKeys(this.#prefix, subject), 'forget', ids)));
      await this.#redis.script(TRIM_EXPIRY_SCRIPT, [bucket], [at, ...members]);
      if (members.length < REDIS_FAMILY_BATCH) return removed;
    }
  }

  /**
   * `adoptLegacy` of the contract: see {@link jwtkit!RefreshTokenStore.adoptLegacy}.
   * In Redis: reads the per-token records (`<prefix>rt:token:<hash>`) a store of contract v1 wrote
   * (single node only: see "Records of contract v1" above).
   */
  async adoptLegacy(hash: string, tagKey: string, now: number): Promise<LegacyRefreshToken | null> {
    const args = [stringArgument(hash, 'hash'), stringArgument(tagKey, 'tagKey'), String(timeArgument(now, 'now'))];
    const tokenKey = legacyKeys.token(this.#prefix, hash);
    const [id, owner] = flatReply(await this.#redis.command(['HMGET', tokenKey, 'family', 'subject'], tokenKey));
    if (isAbsent(id)) return null;
    if (typeof id !== 'string' || typeof owner !== 'string') throw unexpectedReply();
    const keys = [
      tokenKey,
      legacyKeys.family(this.#prefix, id),
      familyKey(this.#prefix, id),
      ...subjectKeys(this.#prefix, owner).all,
      familyExpiryKey(this.#prefix, bucketOf(id)),
    ];
    const reply = await this.#redis.script(ADOPT_LEGACY_SCRIPT, keys, args);
    const [status, familyId, usedAt, subject] = reply;
    if (status === 'none') return null;
    if (typeof familyId !== 'string') throw unexpectedReply();
    if (status === 'current') return { status, familyId };
    const usedTime = readStoredInteger(usedAt);
    if (status !== 'used' || usedTime === undefined || typeof subject !== 'string') throw unexpectedReply();
    return { status, familyId, subject, usedAt: usedTime };
  }
}
