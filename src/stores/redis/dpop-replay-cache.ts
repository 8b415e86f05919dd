/**
 * `RedisDPoPReplayCache`: the DPoP replay cache (RFC 9449 §11.1) shared by every instance through
 * Redis.
 *
 * @module
 */
import type { DPoPReplayCache } from '../../dpop/replay-cache.js';
import { stringArgument, timeArgument } from '../shared/record-arguments.js';
import { unexpectedReply, type RedisExecutor } from './client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';

/** Options of {@link RedisDPoPReplayCache}: see {@link RedisStoreOptions}. */
export interface RedisDPoPReplayCacheOptions extends RedisStoreOptions {}

/**
 * A `DPoPReplayCache` on Redis (2.6.12 or later), over a node-redis or ioredis client you pass, for
 * resource servers that run on several instances: a proof accepted by one instance is refused as a
 * replay by every other. Each proof is one `SET <keyPrefix>dpop:<key> 1 NX PX <ms>`: atomic, so of
 * two concurrent requests with one proof exactly one is accepted, and Redis forgets the key by
 * itself when the proof's lifetime (measured from the call, `expiresAt - now`) is over.
 *
 * The write is not fenced like the token stores' scripts: a `SET` that reaches Redis after the call
 * timed out (and the request was refused with `ERR_STORE_UNAVAILABLE`) only remembers a proof
 * that was not accepted, and the client's retry carries a new `jti`. Redis must keep its keys until
 * they expire: with a `maxmemory-policy` other than `noeviction`, a server short of memory could
 * forget a live proof, which could then be replayed.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { verifyDPoPProof } from 'jwtkit';
 * import { RedisDPoPReplayCache } from 'jwtkit/redis';
 * const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const replayCache = new RedisDPoPReplayCache({ client });
 * await verifyDPoPProof(proof, { method: 'GET', url, accessToken, replayCache });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` is not a node-redis or ioredis
 * client, or `keyPrefix`/`commandTimeout` is invalid.
 */
export class RedisDPoPReplayCache implements DPoPReplayCache {
  readonly #redis: RedisExecutor;
  readonly #prefix: string;

  /**
   * @param options - see {@link RedisDPoPReplayCacheOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: RedisDPoPReplayCacheOptions) {
    const resolved = resolveRedisStoreOptions(options);
    this.#redis = resolved.executor;
    this.#prefix = resolved.prefix;
  }

  /** {@inheritDoc jwtkit!DPoPReplayCache.checkAndRemember} */
  async checkAndRemember(key: string, expiresAt: number, now: number): Promise<boolean> {
    const lifetimeMs = (timeArgument(expiresAt, 'expiresAt') - timeArgument(now, 'now')) * 1000;
    const name = `${this.#prefix}dpop:${stringArgument(key, 'key')}`;
    // An entry already expired at the call needs no remembering: such a proof is refused as too old.
    if (lifetimeMs <= 0) return true;
    const reply = await this.#redis.command(['SET', name, '1', 'NX', 'PX', String(lifetimeMs)], name);
    if (reply === 'OK') return true;
    if (reply === null || reply === undefined) return false;
    throw unexpectedReply();
  }
}
