/**
 * `jwtkit/redis`: the refresh-token store, the revocation store, the DPoP replay cache and the key ring store on Redis,
 * for applications that run on several processes or servers. No runtime dependency: pass the node-redis (`redis` 4+) or
 * ioredis client your application already has.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisRefreshTokenStore, RedisRevocationStore } from 'jwtkit/redis';
 * const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const store = new RedisRefreshTokenStore({ client });
 * const revocationStore = new RedisRevocationStore({ client });
 * ```
 *
 * @module jwtkit/redis
 */
export { RedisRefreshTokenStore } from './refresh-token-store.js';
export type { RedisRefreshTokenStoreOptions } from './refresh-token-store.js';
export { RedisRevocationStore } from './revocation-store.js';
export type { RedisRevocationStoreOptions } from './revocation-store.js';
export { RedisDPoPReplayCache } from './dpop-replay-cache.js';
export type { RedisDPoPReplayCacheOptions } from './dpop-replay-cache.js';
export { RedisLoginAttemptStore } from './login-attempt-store.js';
export type { RedisLoginAttemptStoreOptions } from './login-attempt-store.js';
export { RedisKeyRingStore } from './key-ring-store.js';
export type { RedisKeyRingStoreOptions } from './key-ring-store.js';
export type { RedisStoreOptions } from './options.js';
export type { RedisClientLike, NodeRedisClientLike, NodeRedisClusterLike, IoRedisClientLike } from './client.js';
