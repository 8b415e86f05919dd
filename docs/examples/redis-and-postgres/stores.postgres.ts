import assert from 'node:assert/strict';
import { createTokenService, generateKeyPair } from 'jwtkit';
import { PostgresRefreshTokenStore, PostgresRevocationStore, migrate } from 'jwtkit/postgres';
import pg from 'pg';

// Your application's pool (or any client with query(text, values), such as PGlite).
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', (error) => console.error('postgres', error)); // an idle connection dropped: keep the process alive

try {
  await migrate(pool); // creates the tables if they do not exist; or run POSTGRES_MIGRATION_SQL yourself

  const store = new PostgresRefreshTokenStore({ client: pool });
  const tokens = createTokenService({
    key: (await generateKeyPair('ES256')).privateKey,
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
} finally {
  await pool.end();
}
