/**
 * The options both PostgreSQL stores share, and their validation.
 *
 * @module
 */
import type { Duration } from '../../internal/duration.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { checkStoreOptions, storeTimeoutMs } from '../shared/store-client-options.js';
import { PostgresExecutor, type PostgresQueryable } from './client.js';
import { postgresTables, type PostgresTables } from './schema.js';

/** Options shared by `PostgresRefreshTokenStore` and `PostgresRevocationStore`. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface PostgresStoreOptions {
  /**
   * The database: a `pg` Pool (recommended: each write runs in its own short transaction on a
   * connection taken with the pool's `connect()`, with server-side timeouts, and no connection is
   * held between calls) or Client, a PGlite database, or any {@link PostgresQueryable}. A client
   * without `connect()` (a `pg` Client, PGlite) runs each write as one statement and can only give
   * up on it client-side: see {@link PostgresQueryable}. The store never opens or closes it. Required.
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
   * on the server after half this time change nothing (see the store's documentation). With a
   * client that has `connect()`, each write's `lock_timeout` and `statement_timeout` are 40% of it,
   * so the server cancels a write that waits or runs longer. Default: `2`.
   */
  queryTimeout?: Duration;
}

const POSTGRES_STORE_OPTION_NAMES = optionNames<PostgresStoreOptions>({ client: true, schema: true, queryTimeout: true });

/** Validated options. @internal */
export interface ResolvedPostgresStoreOptions {
  readonly executor: PostgresExecutor;
  readonly tables: PostgresTables;
}

/** Validates {@link PostgresStoreOptions}; throws `ERR_INVALID_OPTION`. @internal */
export function resolvePostgresStoreOptions(options: PostgresStoreOptions): ResolvedPostgresStoreOptions {
  checkStoreOptions(options, 'PostgreSQL');
  checkOptionNames(options, POSTGRES_STORE_OPTION_NAMES, 'a PostgreSQL store');
  const tables = postgresTables(options.schema);
  return { executor: new PostgresExecutor(options.client, storeTimeoutMs(options.queryTimeout, 'queryTimeout')), tables };
}
