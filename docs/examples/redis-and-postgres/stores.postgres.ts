import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSharedKeyRing, createTokenService } from 'jwtkit';
import { PostgresKeyRingStore, PostgresRefreshTokenStore, PostgresRevocationStore, migrate } from 'jwtkit/postgres';
import pg from 'pg';

// Your application's pool (or any client with query(text, values), such as PGlite).
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', (error) => console.error('postgres', error)); // an idle connection dropped: keep the process alive

try {
  await migrate(pool); // creates the tables if they do not exist; or run POSTGRES_MIGRATION_SQL yourself

  // Every instance signs with the same keys: a shared key ring in the same database, its private
  // keys encrypted under a KEK from your secret manager (32 bytes; made here so that the example runs).
  const ring = await createSharedKeyRing({
    store: new PostgresKeyRingStore({ client: pool }),
    ringId: 'auth',
    kek: { id: 'kek-1', key: randomBytes(32) },
    alg: 'ES256',
    maxTokenLifetime: '16m',
  });
  const store = new PostgresRefreshTokenStore({ client: pool });
  const tokens = createTokenService({
    key: ring,
    issuer: 'https://auth.example.com',
    audience: 'https://api.example.com',
    store,
    revocationStore: new PostgresRevocationStore({ client: pool }),
  });

  const login = await tokens.issue('user-1');
  await tokens.refresh(login.refreshToken); // one statement: atomic across processes
  await tokens.revokeAll('user-1'); // logout everywhere

  // Expired rows are not deleted by themselves: run this from a scheduled job.
  assert.equal(typeof (await store.deleteExpired(Math.floor(Date.now() / 1000))), 'number');
  ring.close();
} finally {
  await pool.end();
}
