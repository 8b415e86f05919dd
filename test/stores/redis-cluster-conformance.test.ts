// The Redis stores (refresh tokens, revocations, the key ring) against the conformance kits on a
// real three-master Redis Cluster started by this file, with both cluster clients (ioredis
// Cluster, node-redis createCluster). Records of contract v1 are single-node only
// (docs/redis-and-postgres.md, "Upgrading from store contract v1"): not tested here.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeyRingStore, RedisRefreshTokenStore, RedisRevocationStore } from '../../src/stores/redis/index.js';
import { runKeyRingStoreSuite, runRefreshTokenStoreSuite, runRevocationStoreSuite } from '../../src/testing/index.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { findRedisClusterBinaries, startRedisCluster, type RedisCluster } from '../helpers/servers/redis-cluster.js';
import { connectRedisCluster, REDIS_CLUSTER_FLAVOURS, type TestRedisClusterClient } from '../helpers/servers/redis-cluster-clients.js';

describeWithServer('Redis stores on a three-master Redis Cluster', findRedisClusterBinaries(), (binary) => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(binary);
  }, 90_000);
  afterAll(async () => {
    await cluster?.dispose();
  });

  for (const flavour of REDIS_CLUSTER_FLAVOURS) {
    describe(flavour, () => {
      let connection: TestRedisClusterClient;
      beforeAll(async () => {
        connection = await connectRedisCluster(flavour, cluster);
      }, 30_000);
      afterAll(async () => {
        await connection?.close();
      });
      const keyPrefix = `conformance:${randomBytes(4).toString('hex')}:`;
      runRefreshTokenStoreSuite(() => new RedisRefreshTokenStore({ client: connection.client, keyPrefix }), { describe, it, expect });
      runRevocationStoreSuite(() => new RedisRevocationStore({ client: connection.client, keyPrefix }), { describe, it, expect });
      runKeyRingStoreSuite(() => new RedisKeyRingStore({ client: connection.client, keyPrefix }), { describe, it, expect });
    });
  }
});
