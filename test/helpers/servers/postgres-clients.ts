/** A `pg` Pool for a test server, configured as the store documentation recommends. */
import pg from 'pg';
import type { PostgresQueryable } from '../../../src/stores/postgres/index.js';

/** Opens a pool on `url`; `close` ends it. The pool is typed as the stores take it. */
export function openPool(url: string, max = 10): { pool: pg.Pool; client: PostgresQueryable; close: () => Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 2000 });
  // Idle clients dropped by a stopping server emit 'error' on the pool: it must not crash the run.
  pool.on('error', () => undefined);
  const client: PostgresQueryable = pool;
  return { pool, client, close: () => pool.end() };
}
