// The PostgreSQL stores against the conformance kit: on PGlite (always) and on a real PostgreSQL
// server started by this file (when the binaries are installed). Records of contract v1 for
// adoptLegacy are written as the previous version of the store wrote them.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, PostgresRefreshTokenStore, PostgresRevocationStore, type PostgresQueryable } from '../../src/stores/postgres/index.js';
import { runRefreshTokenStoreSuite, runRevocationStoreSuite } from '../../src/testing/index.js';
import { findPostgresBindir } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { startPglite } from '../helpers/servers/pglite.js';
import { insertLegacyRecord } from '../helpers/servers/postgres-families.js';
import { openPool } from '../helpers/servers/postgres-clients.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';

function conformance(getClient: () => PostgresQueryable, schema?: string): void {
  const options = () => ({ client: getClient(), ...(schema === undefined ? {} : { schema }) });
  runRefreshTokenStoreSuite(
    () => new PostgresRefreshTokenStore(options()),
    { describe, it, expect },
    { legacy: { insert: (_store, record) => insertLegacyRecord(getClient(), record, schema) } },
  );
  runRevocationStoreSuite(() => new PostgresRevocationStore(options()), { describe, it, expect });
}

describe('PostgreSQL stores on PGlite', () => {
  let db: PGlite;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await startPglite());
    await migrate(db);
  });
  afterAll(async () => {
    await close?.();
  });
  // PGlite's own `query` fits the stores' client type as it is.
  conformance(() => db);
});

describeWithServer('PostgreSQL stores on a PostgreSQL server', findPostgresBindir(), (bindir) => {
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
  conformance(() => pool.client, 'jwtkit_test');
});
