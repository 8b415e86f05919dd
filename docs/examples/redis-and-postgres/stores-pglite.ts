// In tests and local development, PGlite (PostgreSQL in WebAssembly) needs no server.
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { createTokenService, generateSecret } from 'jwtkit';
import { PostgresRefreshTokenStore, migrate } from 'jwtkit/postgres';

const db = await PGlite.create();
try {
  await migrate(db);
  const tokens = createTokenService({
    key: generateSecret('HS256'),
    issuer: 'https://auth.example.com',
    audience: 'https://api.example.com',
    store: new PostgresRefreshTokenStore({ client: db }),
  });
  const login = await tokens.issue('user-1');
  assert.ok(await tokens.refresh(login.refreshToken));
} finally {
  await db.close();
}
