// The Redis stores against the conformance kit, on a real redis-server started by this file, with
// both supported clients (node-redis and ioredis), adoptLegacy included (records of contract v1
// written as the previous version of the store wrote them).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRefreshTokenStore, RedisRevocationStore } from '../../src/stores/redis/index.js';
import { runRefreshTokenStoreSuite, runRevocationStoreSuite } from '../../src/testing/index.js';
import { findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { connectRedis, REDIS_FLAVOURS, type TestRedisClient } from '../helpers/servers/redis-clients.js';
import { insertLegacyRecord, rawRedis } from '../helpers/servers/redis-families.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';

describeWithServer('Redis stores on redis-server', findRedisServer(), (binary) => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer(binary);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  for (const flavour of REDIS_FLAVOURS) {
    describe(flavour, () => {
      let connection: TestRedisClient;
      beforeAll(async () => {
        connection = await connectRedis(flavour, server.port);
      });
      afterAll(async () => {
        await connection?.close();
      });
      // One prefix per client library: the kit uses random ids, so tests may share it.
      const keyPrefix = `conformance:${flavour}:${randomBytes(4).toString('hex')}:`;
      runRefreshTokenStoreSuite(
        () => new RedisRefreshTokenStore({ client: connection.client, keyPrefix }),
        { describe, it, expect },
        { legacy: { insert: (_store, record) => insertLegacyRecord(rawRedis(connection.client), keyPrefix, record) } },
      );
      runRevocationStoreSuite(() => new RedisRevocationStore({ client: connection.client, keyPrefix }), {
        describe,
        it,
        expect,
      });
    });
  }
});
