/**
 * `jwtkit/postgres`: the refresh-token store, the revocation store and the key ring store on PostgreSQL, for
 * applications that run on several processes or servers. No runtime dependency: pass the `pg`
 * Pool (or PGlite, or any `query(text, values)` wrapper) your application already has.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, PostgresRefreshTokenStore, PostgresRevocationStore } from 'jwtkit/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const store = new PostgresRefreshTokenStore({ client: pool });
 * const revocationStore = new PostgresRevocationStore({ client: pool });
 * ```
 *
 * @module jwtkit/postgres
 */
export { PostgresRefreshTokenStore } from './refresh-token-store.js';
export type { PostgresRefreshTokenStoreOptions } from './refresh-token-store.js';
export { PostgresRevocationStore } from './revocation-store.js';
export type { PostgresRevocationStoreOptions } from './revocation-store.js';
export { PostgresKeyRingStore } from './key-ring-store.js';
export type { PostgresKeyRingStoreOptions } from './key-ring-store.js';
export type { PostgresStoreOptions } from './options.js';
export type { PostgresConnection, PostgresQueryable, PostgresQueryResult } from './client.js';
export { migrate, POSTGRES_MIGRATION_SQL } from './schema.js';
export type { MigrateOptions } from './schema.js';
