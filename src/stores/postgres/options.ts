/**
 * The options both PostgreSQL stores share, and their validation.
 *
 * @module
 */
import type { Duration } from '../../internal/duration.js';
import { checkStoreOptions, storeTimeoutMs } from '../shared/store-client-options.js';
import { PostgresExecutor, type PostgresQueryable } from './client.js';
import { postgresTables, type PostgresTables } from './schema.js';

/** Options shared by `PostgresRefreshTokenStore` and `PostgresRevocationStore`. */
export interface PostgresStoreOptions {
  /**
   * The database: a `pg` Pool (recommended: every statement of the stores is self-contained, so no
   * client is held between statements) or Client, a PGlite database, or any
   * {@link PostgresQueryable}. The store never connects or closes it. Required.
   */
  client: PostgresQueryable;
  /**
   * The schema holding the tables created by `migrate` (pass the same value to both). Default:
   * none (unqualified names, resolved through the connection's `search_path`).
   */
  schema?: string;
  /**
   * How long a call waits for PostgreSQL before it rejects with `ERR_STORE_UNAVAILABLE`: seconds
   * (fractions allowed, e.g. `0.5`) or a duration string such as `'2s'`. Writes that start executing
   * on the server after half this time change nothing (see the store's documentation). Default: `2`.
   */
  queryTimeout?: Duration;
}

/** Validated options. @internal */
export interface ResolvedPostgresStoreOptions {
  readonly executor: PostgresExecutor;
  readonly tables: PostgresTables;
}

/** Validates {@link PostgresStoreOptions}; throws `ERR_INVALID_OPTION`. @internal */
export function resolvePostgresStoreOptions(options: PostgresStoreOptions): ResolvedPostgresStoreOptions {
  checkStoreOptions(options, 'PostgreSQL');
  const tables = postgresTables(options.schema);
  return { executor: new PostgresExecutor(options.client, storeTimeoutMs(options.queryTimeout, 'queryTimeout')), tables };
}
