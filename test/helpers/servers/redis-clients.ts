/**
 * Connects the two Redis clients the stores support, configured as the store documentation
 * recommends (no offline queue, quick reconnects), to a test server.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import type { IoRedisClientLike, NodeRedisClientLike, RedisClientLike } from '../../../src/stores/redis/index.js';

/** A connected client of either library, and how to close it. */
export interface TestRedisClient {
  readonly flavour: 'node-redis' | 'ioredis';
  /** The client, typed as the stores take it (this also checks that both libraries fit the type). */
  readonly client: RedisClientLike;
  close(): Promise<void>;
}

export type RedisFlavour = TestRedisClient['flavour'];
export const REDIS_FLAVOURS: readonly RedisFlavour[] = ['node-redis', 'ioredis'];

/** Connects a client of `flavour` to 127.0.0.1:`port`. */
export async function connectRedis(flavour: RedisFlavour, port: number): Promise<TestRedisClient> {
  if (flavour === 'node-redis') {
    const client = createClient({
      socket: { host: '127.0.0.1', port, connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 250) },
      disableOfflineQueue: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    const typed: NodeRedisClientLike = client;
    return {
      flavour,
      client: typed,
      async close() {
        client.destroy();
      },
    };
  }
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: (times: number) => Math.min(50 * times, 250),
  });
  client.on('error', () => undefined);
  await client.connect();
  const typed: IoRedisClientLike = client;
  return {
    flavour,
    client: typed,
    async close() {
      client.disconnect();
    },
  };
}
