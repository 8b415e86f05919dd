/**
 * `RedisRefreshTokenStore`: refresh-token families in Redis, shared by every process of an
 * application.
 *
 * @module
 */
import type {
  NewRefreshTokenRecord,
  RefreshRevocationReason,
  RefreshTokenRecord,
  RefreshTokenStore,
  RotateResult,
} from '../../tokens/store.js';
import { duplicateHashError } from '../../tokens/record-codec.js';
import { reasonArgument, stringArgument, timeArgument } from '../shared/record-arguments.js';
import { unexpectedReply, type RedisExecutor } from './client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';
import { decodeRecord, newRecordArguments } from './record-codec.js';
import {
  DELETE_EXPIRED_TOKENS_SCRIPT,
  FIND_SCRIPT,
  INSERT_SCRIPT,
  REVOKE_FAMILY_SCRIPT,
  REVOKE_SUBJECT_SCRIPT,
  ROTATE_SCRIPT,
} from './scripts.js';

/** Options of {@link RedisRefreshTokenStore}: see {@link RedisStoreOptions}. */
export interface RedisRefreshTokenStoreOptions extends RedisStoreOptions {}

/** How many records one `deleteExpired` script removes before the next batch (keeps Redis responsive). */
const DELETE_BATCH = 500;

const ROTATE_STATUSES: ReadonlySet<string> = new Set(['revoked', 'used', 'expired', 'rotated']);

/**
 * A {@link RefreshTokenStore} on Redis (5 or later), over a node-redis or ioredis client you pass.
 * Every operation is one Lua script, so `rotate` is a single atomic compare-and-set for all the
 * processes sharing the database: of N concurrent rotations of a token exactly one wins, and a
 * revoked family stays revoked even for a successor stored concurrently (the flag lives on the
 * family and is read with each record).
 *
 * Each token key expires by itself (a Redis TTL of `expiresAt - now` seconds from the call), and
 * family, subject and index entries live as long as their longest-lived token, so an application
 * that never calls `deleteExpired` still does not grow without bound, except for one sorted-set
 * entry per token (about 60 bytes) that `deleteExpired` trims: call it now and then (for example
 * hourly; it works in atomic batches of 500, and does not count records whose key already expired
 * by its TTL). Revoking a family or a subject reads one key, never the keyspace.
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
   * @throws `ERR_INVALID_OPTION` when a record with this hash exists or the record is malformed.
   */
  async insert(record: NewRefreshTokenRecord): Promise<void> {
    const reply = await this.#redis.script(INSERT_SCRIPT, [this.#prefix, ...newRecordArguments(record)]);
    if (reply[0] === 'exists') throw duplicateHashError();
    if (reply[0] !== 'ok') throw unexpectedReply();
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.find} */
  async find(hash: string): Promise<RefreshTokenRecord | null> {
    const reply = await this.#redis.script(FIND_SCRIPT, [this.#prefix, stringArgument(hash, 'hash')]);
    if (reply[0] === 'none') return null;
    if (reply[0] !== 'found') throw unexpectedReply();
    return decodeRecord(hash, reply.slice(1));
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.rotate}
   * @throws `ERR_INVALID_OPTION` when a record with the successor's hash exists or it is malformed.
   */
  async rotate(oldHash: string, successor: NewRefreshTokenRecord, now: number): Promise<RotateResult> {
    const args = [this.#prefix, stringArgument(oldHash, 'oldHash'), String(timeArgument(now, 'now')), ...newRecordArguments(successor)];
    const reply = await this.#redis.script(ROTATE_SCRIPT, args);
    const status = reply[0];
    if (status === 'unknown') return { status };
    if (status === 'exists') throw duplicateHashError();
    if (typeof status !== 'string' || !ROTATE_STATUSES.has(status)) throw unexpectedReply();
    return { status: status as 'rotated' | 'used' | 'revoked' | 'expired', record: decodeRecord(oldHash, reply.slice(1)) };
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeFamily} */
  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    await this.#redis.script(REVOKE_FAMILY_SCRIPT, [this.#prefix, stringArgument(familyId, 'familyId'), reasonArgument(reason)]);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeSubject} */
  async revokeSubject(subject: string, reason: RefreshRevocationReason): Promise<void> {
    await this.#redis.script(REVOKE_SUBJECT_SCRIPT, [this.#prefix, stringArgument(subject, 'subject'), reasonArgument(reason)]);
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.deleteExpired}
   */
  async deleteExpired(now: number): Promise<number> {
    const at = String(timeArgument(now, 'now'));
    let removed = 0;
    for (;;) {
      const reply = await this.#redis.script(DELETE_EXPIRED_TOKENS_SCRIPT, [this.#prefix, at, String(DELETE_BATCH)]);
      removed += Number(reply[1]);
      if (Number(reply[2]) < DELETE_BATCH) return removed;
    }
  }
}
