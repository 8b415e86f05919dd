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
   * A connected node-redis client (`createClient()` or, for Redis Cluster, `createCluster()`, 4 or
   * later) or ioredis client (`new Redis()` or `new Redis.Cluster()`). The store never connects,
   * closes or configures it. Recommended client settings, so that an outage does not pile up
   * commands: node-redis `disableOfflineQueue: true`; ioredis `enableOfflineQueue: false`. The
   * store does not rely on them: its own `commandTimeout` applies either way. A client configured
   * with its own key prefix (ioredis or node-redis `keyPrefix`) is refused: use the store's
   * `keyPrefix` instead. Required.
   */
  client: RedisClientLike;
  /**
   * Prepended to every key the store writes. Several applications (or test runs) can share one
   * Redis database with different prefixes. It may not contain `{` or `}`, on a single node as on
   * a cluster: the store puts Redis Cluster hash tags in its keys itself (by session, by subject),
   * and a tag in the prefix would take their place and pin every key to one slot. At most 256
   * characters. Default: `'jwtkit:'`.
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
  if (prefix.includes('{') || prefix.includes('}')) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"keyPrefix" may not contain "{" or "}": the store sets the Redis Cluster hash tags of its keys itself (use e.g. "jwtkit:")',
    );
  }
  return { executor: new RedisExecutor(options.client, storeTimeoutMs(options.commandTimeout, 'commandTimeout')), prefix };
}
