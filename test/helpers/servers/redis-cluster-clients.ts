/**
 * Connects the two Redis Cluster clients the stores support (ioredis `Cluster`, node-redis
 * `createCluster`) to the test cluster, configured as the store documentation recommends.
 */
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import type { IoRedisClientLike, NodeRedisClusterLike, RedisClientLike } from '../../../src/stores/redis/index.js';
import type { RedisCluster } from './redis-cluster.js';

export type RedisClusterFlavour = 'ioredis Cluster' | 'node-redis createCluster';
export const REDIS_CLUSTER_FLAVOURS: readonly RedisClusterFlavour[] = ['ioredis Cluster', 'node-redis createCluster'];

/** A connected cluster client, and how to close it. */
export interface TestRedisClusterClient {
  readonly flavour: RedisClusterFlavour;
  /** The client, typed as the stores take it (this also checks that both libraries fit the type). */
  readonly client: RedisClientLike;
  close(): Promise<void>;
}

/** Connects a cluster client of `flavour` to `cluster` (any node is a seed; it finds the others). */
export async function connectRedisCluster(flavour: RedisClusterFlavour, cluster: RedisCluster): Promise<TestRedisClusterClient> {
  const seeds = cluster.nodes.map((node) => ({ host: cluster.host, port: node.port }));
  if (flavour === 'node-redis createCluster') {
    const client = createCluster({
      rootNodes: seeds.map((seed) => ({ socket: seed })),
      defaults: { socket: { connectTimeout: 2000 }, disableOfflineQueue: true },
    });
    client.on('error', () => undefined);
    await client.connect();
    const typed: NodeRedisClusterLike = client;
    return {
      flavour,
      client: typed,
      async close() {
        client.destroy();
      },
    };
  }
  const client = new Cluster(seeds, {
    lazyConnect: true,
    enableOfflineQueue: false,
    scaleReads: 'master',
    redisOptions: { connectTimeout: 2000, maxRetriesPerRequest: 0 },
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
