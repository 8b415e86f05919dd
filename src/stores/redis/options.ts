/**
 * The options both Redis stores share, and their validation.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import type { Duration } from '../../internal/duration.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { checkStoreOptions, storeTimeoutMs } from '../shared/store-client-options.js';
import { RedisExecutor, type RedisClientLike } from './client.js';

/** Options shared by `RedisRefreshTokenStore` and `RedisRevocationStore`. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RedisStoreOptions {
  /**
   * A connected node-redis (`createClient()`, 4 or later) or ioredis (`new Redis()`) client. The
   * store never connects, closes or configures it. Recommended client settings, so that an outage
   * does not pile up commands: node-redis `disableOfflineQueue: true`; ioredis
   * `enableOfflineQueue: false`. The store does not rely on them: its own `commandTimeout` applies
   * either way. Required.
   */
  client: RedisClientLike;
  /**
   * Prepended to every key the store writes. Several applications (or test runs) can share one
   * Redis database with different prefixes. For Redis Cluster, put a hash tag in the prefix (for
   * example `'{jwtkit}:'`) so that every key lands in one slot: the scripts touch several keys.
   * Default: `'jwtkit:'`.
   */
  keyPrefix?: string;
  /**
   * How long a call waits for Redis before it rejects with `ERR_STORE_UNAVAILABLE`: seconds
   * (fractions allowed, e.g. `0.5`) or a duration string such as `'2s'`. Writes that reach the
   * server after half this time change nothing (see the store's documentation). Default: `2`.
   */
  commandTimeout?: Duration;
}

const REDIS_STORE_OPTION_NAMES = optionNames<RedisStoreOptions>({ client: true, keyPrefix: true, commandTimeout: true });

const MAX_PREFIX_LENGTH = 256;

/** Validated options. @internal */
export interface ResolvedRedisStoreOptions {
  readonly executor: RedisExecutor;
  readonly prefix: string;
}

/** Validates {@link RedisStoreOptions}; throws `ERR_INVALID_OPTION`. @internal */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  checkStoreOptions(options, 'Redis');
  checkOptionNames(options, REDIS_STORE_OPTION_NAMES, 'a Redis store');
  const prefix = options.keyPrefix ?? 'jwtkit:';
  if (typeof prefix !== 'string' || prefix.length > MAX_PREFIX_LENGTH) {
    throw new JwtError('ERR_INVALID_OPTION', `"keyPrefix" must be a string of at most ${MAX_PREFIX_LENGTH} characters`);
  }
  return { executor: new RedisExecutor(options.client, storeTimeoutMs(options.commandTimeout, 'commandTimeout')), prefix };
}
