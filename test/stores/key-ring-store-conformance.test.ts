// The key ring stores against the conformance kit: the memory store, PostgreSQL on PGlite (always)
// and on a real server, and Redis on a real server with both clients (when the binaries are installed).
import type { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKeyRingStore } from '../../src/index.js';
import { migrate, PostgresKeyRingStore } from '../../src/stores/postgres/index.js';
import { RedisKeyRingStore } from '../../src/stores/redis/index.js';
import { runKeyRingStoreSuite } from '../../src/testing/index.js';
import { findPostgresBindir, findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { startPglite } from '../helpers/servers/pglite.js';
import { openPool } from '../helpers/servers/postgres-clients.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';
import { connectRedis, REDIS_FLAVOURS, type TestRedisClient } from '../helpers/servers/redis-clients.js';
import { rawRedis } from '../helpers/servers/redis-families.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';

describe('MemoryKeyRingStore', () => {
  runKeyRingStoreSuite(() => new MemoryKeyRingStore(), { describe, it, expect });
});

describe('PostgresKeyRingStore on PGlite', () => {
  let db: PGlite;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await startPglite());
    await migrate(db);
  });
  afterAll(async () => {
    await close?.();
  });
  // PGlite runs one statement at a time: fewer concurrent writers, and a longer timeout.
  runKeyRingStoreSuite(() => new PostgresKeyRingStore({ client: db, queryTimeout: 10 }), { describe, it, expect }, { concurrency: 50 });
});

describeWithServer('PostgresKeyRingStore on a PostgreSQL server', findPostgresBindir(), (bindir) => {
  let server: PostgresServer;
  let pool: ReturnType<typeof openPool>;
  beforeAll(async () => {
    server = await startPostgresServer(bindir);
    pool = openPool(server.url(await server.createDatabase()), 20);
    await migrate(pool.client, { schema: 'jwtkit_test' });
  });
  afterAll(async () => {
    await pool?.close();
    await server?.dispose();
  });
  runKeyRingStoreSuite(() => new PostgresKeyRingStore({ client: pool.client, schema: 'jwtkit_test' }), { describe, it, expect });
});

describeWithServer('RedisKeyRingStore on redis-server', findRedisServer(), (binary) => {
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
      const keyPrefix = `conformance:${flavour}:${randomBytes(4).toString('hex')}:`;
      runKeyRingStoreSuite(() => new RedisKeyRingStore({ client: connection.client, keyPrefix }), { describe, it, expect });

      it('keeps a ring under one key whose hash tag is the ring id', async () => {
        const store = new RedisKeyRingStore({ client: connection.client, keyPrefix });
        await store.compareAndSet('tagged', 0, 'state');
        const reply = await rawRedis(connection.client)('KEYS', `${keyPrefix}*tagged*`);
        expect(reply).toEqual([`${keyPrefix}{tagged}:key-ring`]);
      });
    });
  }
});
