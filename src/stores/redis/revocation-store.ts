/**
 * `RedisRevocationStore`: the access-token denylist and per-subject cutoffs in Redis.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import type { RevocationStore } from '../../tokens/store.js';
import type { RedisExecutor } from './client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';
import { stringArgument, timeArgument } from './record-codec.js';
import { DELETE_EXPIRED_REVOCATIONS_SCRIPT, REVOKE_ISSUED_BEFORE_SCRIPT, REVOKE_JTI_SCRIPT } from './scripts.js';

/** Options of {@link RedisRevocationStore}: see {@link RedisStoreOptions}. */
export interface RedisRevocationStoreOptions extends RedisStoreOptions {}

const DELETE_BATCH = 1000;

function unexpectedReply(): JwtError {
  return new JwtError('ERR_STORE_UNAVAILABLE', 'the Redis server sent an unexpected reply');
}

/** Parses a ZSCORE/number reply; `null` for a missing member. */
function readNumber(reply: unknown): number | null {
  if (reply === null || reply === undefined) return null;
  const value = typeof reply === 'number' ? reply : Number(String(reply));
  if (!Number.isFinite(value)) throw unexpectedReply();
  return value;
}

/**
 * A {@link RevocationStore} on Redis (5 or later), over a node-redis or ioredis client you pass:
 * revoked `jti`s in one sorted set scored by their expiry, cutoffs in one hash (plus a sorted set of
 * their expiries). Each write is one Lua script, so concurrent revocations keep the later expiry
 * and the later cutoff. The entries carry no TTL (the contract gives writes no `now` to measure one
 * from): `deleteExpired(now)` removes them, so call it now and then (for example hourly).
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
  async revokeJti(jti: string, expiresAt: number): Promise<void> {
    await this.#redis.script(REVOKE_JTI_SCRIPT, [this.#prefix, stringArgument(jti, 'jti'), timeArgument(expiresAt, 'expiresAt')]);
  }

  /** {@inheritDoc jwtkit!RevocationStore.isJtiRevoked} */
  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    const at = Number(timeArgument(now, 'now'));
    const expiresAt = readNumber(await this.#redis.command(['ZSCORE', `${this.#prefix}revoked:jti`, stringArgument(jti, 'jti')]));
    return expiresAt !== null && at < expiresAt;
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeIssuedBefore} */
  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number): Promise<void> {
    await this.#redis.script(REVOKE_ISSUED_BEFORE_SCRIPT, [
      this.#prefix,
      stringArgument(subject, 'subject'),
      timeArgument(cutoff, 'cutoff'),
      timeArgument(expiresAt, 'expiresAt'),
    ]);
  }

  /** {@inheritDoc jwtkit!RevocationStore.issuedBeforeCutoff} */
  async issuedBeforeCutoff(subject: string, now: number): Promise<number | null> {
    const at = Number(timeArgument(now, 'now'));
    const reply = await this.#redis.command(['HGET', `${this.#prefix}revoked:cutoff`, stringArgument(subject, 'subject')]);
    if (reply === null || reply === undefined) return null;
    const [cutoff, expiresAt] = String(reply).split(' ').map(Number);
    if (cutoff === undefined || expiresAt === undefined || !Number.isFinite(cutoff) || !Number.isFinite(expiresAt)) {
      throw unexpectedReply();
    }
    return at < expiresAt ? cutoff : null;
  }

  /** {@inheritDoc jwtkit!RevocationStore.deleteExpired} */
  async deleteExpired(now: number): Promise<number> {
    const at = timeArgument(now, 'now');
    let removed = 0;
    for (;;) {
      const reply = await this.#redis.script(DELETE_EXPIRED_REVOCATIONS_SCRIPT, [this.#prefix, at, String(DELETE_BATCH)]);
      removed += Number(reply[1]);
      if (Number(reply[2]) < DELETE_BATCH) return removed;
    }
  }
}
