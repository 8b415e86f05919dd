/**
 * `RedisRevocationStore`: the access-token denylist, revoked sessions and per-subject cutoffs in Redis.
 *
 * @module
 */
import type { RevocationStore } from '../../tokens/store.js';
import { stringArgument, timeArgument } from '../shared/record-arguments.js';
import { readStoredInteger } from '../shared/stored-record.js';
import { unexpectedReply, type RedisExecutor } from './client.js';
import { EXPIRY_BUCKETS, legacyKeys, revocationEntryKey, revocationIndexKey, revocationKeys, type RevocationKind } from './keys.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';
import { DELETE_EXPIRED_REVOCATIONS_SCRIPT, REVOKE_ENTRY_SCRIPT, REVOKE_ISSUED_BEFORE_SCRIPT } from './scripts.js';

/** Options of {@link RedisRevocationStore}: see {@link RedisStoreOptions}. */
export interface RedisRevocationStoreOptions extends RedisStoreOptions {}

const DELETE_BATCH = 1000;

/** Parses a time the store wrote; throws `ERR_STORE_UNAVAILABLE` for anything else. */
function readTime(text: unknown): number {
  const seconds = readStoredInteger(text);
  if (seconds === undefined) throw unexpectedReply();
  return seconds;
}

/**
 * A {@link RevocationStore} on Redis (5 or later), a single node or a Redis Cluster, over a
 * node-redis or ioredis client you pass: one key per revoked `jti`
 * (`<prefix>revoked:{r<bucket>}:jti:<jti>`), per revoked session (`...:session:<sid>`) and per
 * subject cutoff (`...:cutoff:<subject>`), each with a Redis TTL of `expiresAt - now` seconds from
 * the call (extended, never shortened, by a later revocation), so Redis removes them by itself.
 * Each write is one Lua script, so concurrent revocations keep the later expiry and the later
 * cutoff. The bucket (one of 64, by id) is a Redis Cluster hash tag: an entry and its bucket's
 * expiry index share a slot, and the buckets spread over the cluster's masters. The expiry
 * indexes serve `deleteExpired(now)`, which trims them (one small entry per revocation): call it
 * now and then (for example daily).
 * Entries jwtkit 0.1 wrote (`<prefix>revoked:<kind>:<id>`, no bucket) still count until they
 * expire, on a single node: each check reads an entry and its key of 0.1 with one `MGET`, no extra
 * round trip (see "Upgrading from store contract v1" in docs/redis-and-postgres.md). On a cluster
 * there are none (0.1 needed a `{...}` prefix there, which is refused now): one `GET`.
 * Outages reject with `ERR_STORE_UNAVAILABLE` after `commandTimeout`, and late writes are fenced,
 * as for `RedisRefreshTokenStore`.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createTokenService } from 'jwtkit';
 * import { RedisRevocationStore } from 'jwtkit/redis';
 * const redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false });
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, revocationStore: new RedisRevocationStore({ client: redis }) });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` is not a node-redis or ioredis
 * client, or `keyPrefix`/`commandTimeout` is invalid.
 */
export class RedisRevocationStore implements RevocationStore {
  readonly #redis: RedisExecutor;
  readonly #prefix: string;

  /**
   * @param options - see {@link RedisRevocationStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: RedisRevocationStoreOptions) {
    const resolved = resolveRedisStoreOptions(options);
    this.#redis = resolved.executor;
    this.#prefix = resolved.prefix;
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeJti} */
  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    await this.#revoke('jti', stringArgument(jti, 'jti'), expiresAt, now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.isJtiRevoked} */
  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    return this.#isRevoked('jti', stringArgument(jti, 'jti'), now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeSession} */
  async revokeSession(sid: string, expiresAt: number, now: number): Promise<void> {
    await this.#revoke('session', stringArgument(sid, 'sid'), expiresAt, now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.isSessionRevoked} */
  async isSessionRevoked(sid: string, now: number): Promise<boolean> {
    return this.#isRevoked('session', stringArgument(sid, 'sid'), now);
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeIssuedBefore} */
  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void> {
    const id = stringArgument(subject, 'subject');
    const args = [
      id,
      String(timeArgument(cutoff, 'cutoff')),
      String(timeArgument(expiresAt, 'expiresAt')),
      String(timeArgument(now, 'now')),
    ];
    const { entry, index } = revocationKeys(this.#prefix, 'cutoff', id);
    await this.#redis.script(REVOKE_ISSUED_BEFORE_SCRIPT, [entry, index], args);
  }

  /** {@inheritDoc jwtkit!RevocationStore.issuedBeforeCutoff} */
  async issuedBeforeCutoff(subject: string, now: number): Promise<number | null> {
    const at = timeArgument(now, 'now');
    let latest: number | null = null;
    for (const reply of await this.#read('cutoff', stringArgument(subject, 'subject'))) {
      if (reply === null || reply === undefined) continue;
      const [cutoff, expiresAt, ...rest] = String(reply).split(' ');
      if (rest.length > 0) throw unexpectedReply();
      if (at < readTime(expiresAt)) latest = Math.max(latest ?? 0, readTime(cutoff));
    }
    return latest;
  }

  async #revoke(kind: 'jti' | 'session', id: string, expiresAt: number, now: number): Promise<void> {
    const times = [String(timeArgument(expiresAt, 'expiresAt')), String(timeArgument(now, 'now'))];
    const { entry, index } = revocationKeys(this.#prefix, kind, id);
    await this.#redis.script(REVOKE_ENTRY_SCRIPT, [entry, index], [id, ...times]);
  }

  async #isRevoked(kind: 'jti' | 'session', id: string, now: number): Promise<boolean> {
    const at = timeArgument(now, 'now');
    const replies = await this.#read(kind, id);
    return replies.some((reply) => reply !== null && reply !== undefined && at < readTime(reply));
  }

  /**
   * The values of the entry of `id` (`null` when absent): on a single node, also of its key of
   * contract v1 (`<prefix>revoked:<kind>:<id>`, see "Upgrading from store contract v1" in
   * docs/redis-and-postgres.md), in the same command (`MGET`), so an entry written before the
   * upgrade still counts until Redis expires it, at no extra round trip. On a cluster there are no
   * such keys: jwtkit 0.1 ran there only with a `{...}` in `keyPrefix`, which this store refuses.
   * Test: "honours a jti, a session and a cutoff revoked by jwtkit 0.1" (test/stores/redis-store.test.ts).
   */
  async #read(kind: RevocationKind, id: string): Promise<unknown[]> {
    const { entry } = revocationKeys(this.#prefix, kind, id);
    if (this.#redis.cluster) return [await this.#redis.command(['GET', entry], entry)];
    const replies = await this.#redis.command(['MGET', entry, legacyKeys.revocation(this.#prefix, kind, id)], entry);
    if (!Array.isArray(replies)) throw unexpectedReply();
    return replies;
  }

  /**
   * Removes every denylist, session and cutoff entry with `expiresAt <= now`, as
   * {@link jwtkit!RevocationStore.deleteExpired} says. In Redis: walks the 64 buckets of each kind
   * concurrently, in pages of at most 1,000 entries (on a single node, also trims the expiry
   * indexes jwtkit 0.1 left).
   *
   * @param now - the current time, in seconds since the epoch.
   * @returns how many entries were removed.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  async deleteExpired(now: number): Promise<number> {
    const at = String(timeArgument(now, 'now'));
    const jobs: Promise<number>[] = [];
    for (const kind of ['jti', 'session', 'cutoff'] as const) {
      for (let bucket = 0; bucket < EXPIRY_BUCKETS; bucket++) jobs.push(this.#deleteExpiredBucket(kind, bucket, at));
      if (!this.#redis.cluster) jobs.push(this.#trimLegacyIndex(kind, at));
    }
    return (await Promise.all(jobs)).reduce((sum, count) => sum + count, 0);
  }

  /**
   * Trims the expiry index jwtkit 0.1 kept for one kind (single node only, see {@link #read}); Redis
   * removes the index once empty. Its entries go by their own TTL, so none is counted.
   */
  async #trimLegacyIndex(kind: RevocationKind, at: string): Promise<number> {
    const index = legacyKeys.revocationIndex(this.#prefix, kind);
    await this.#redis.command(['ZREMRANGEBYSCORE', index, '-inf', at], index);
    return 0;
  }

  async #deleteExpiredBucket(kind: RevocationKind, bucket: number, at: string): Promise<number> {
    const index = revocationIndexKey(this.#prefix, kind, bucket);
    let removed = 0;
    for (;;) {
      const reply = await this.#redis.command(['ZRANGEBYSCORE', index, '-inf', at, 'LIMIT', '0', String(DELETE_BATCH)], index);
      if (!Array.isArray(reply)) throw unexpectedReply();
      const ids = reply.map(String);
      if (ids.length === 0) return removed;
      const entries = ids.map((id) => revocationEntryKey(this.#prefix, kind, bucket, id));
      const result = await this.#redis.script(DELETE_EXPIRED_REVOCATIONS_SCRIPT, [index, ...entries], [at, ...ids]);
      removed += readStoredInteger(result[1]) ?? 0;
      if (ids.length < DELETE_BATCH) return removed;
    }
  }
}
