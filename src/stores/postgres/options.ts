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
   * so the server cancels a write that waits or runs longer. With `connect()`, the wait for a free
   * connection of the pool is not counted (see `connectionTimeout`): the deadline (and the write
   * fence) starts once the connection is held. Default: `2`.
   */
  queryTimeout?: Duration;
  /**
   * With a client that has `connect()` (a `pg` Pool): how long a call waits for a free connection
   * of the pool before it rejects with `ERR_STORE_UNAVAILABLE` (nothing was sent then; a connection
   * lent later goes straight back). Counted apart from `queryTimeout`, so a call takes at most the
   * sum of both. Size it for the bursts the pool must absorb: a refresh takes two turns on the pool
   * (a read, then a transaction), and the calls queued behind a burst wait about
   * `burst × 2 / pool size` round trips (docs/redis-and-postgres.md, "Pool size and timeouts").
   * Unused with `query()` alone, where the driver's own wait, if any, counts against `queryTimeout`.
   * Seconds or a duration string. Default: `queryTimeout`.
   */
  connectionTimeout?: Duration;
  /**
   * How long one `deleteExpired` call goes on starting new batches (of 1,000 rows, one statement
   * each): once this time has passed, the call returns what it removed so far and leaves the rest
   * to the next call (call it again while it returns more than 0 to empty a backlog). Every table
   * gets at least one batch per call, and the budget is checked between batches, so a call lasts at
   * most this time plus one batch. Seconds or a duration string. Default: `queryTimeout`.
   */
  deleteBudget?: Duration;
}

const POSTGRES_STORE_OPTION_NAMES = optionNames<PostgresStoreOptions>({
  client: true,
  schema: true,
  queryTimeout: true,
  connectionTimeout: true,
  deleteBudget: true,
});

/** Validated options. @internal */
export interface ResolvedPostgresStoreOptions {
  readonly executor: PostgresExecutor;
  readonly tables: PostgresTables;
  /** {@link PostgresStoreOptions.deleteBudget} in milliseconds. */
  readonly deleteBudgetMs: number;
}

/** Validates {@link PostgresStoreOptions}; throws `ERR_INVALID_OPTION`. @internal */
export function resolvePostgresStoreOptions(options: PostgresStoreOptions): ResolvedPostgresStoreOptions {
  checkStoreOptions(options, 'PostgreSQL');
  checkOptionNames(options, POSTGRES_STORE_OPTION_NAMES, 'a PostgreSQL store');
  const tables = postgresTables(options.schema);
  const timeoutMs = storeTimeoutMs(options.queryTimeout, 'queryTimeout');
  const deleteBudgetMs = options.deleteBudget === undefined ? timeoutMs : storeTimeoutMs(options.deleteBudget, 'deleteBudget');
  const connectionTimeoutMs =
    options.connectionTimeout === undefined ? timeoutMs : storeTimeoutMs(options.connectionTimeout, 'connectionTimeout');
  return { executor: new PostgresExecutor(options.client, timeoutMs, connectionTimeoutMs), tables, deleteBudgetMs };
}
