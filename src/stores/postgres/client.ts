/**
 * The PostgreSQL connection as the stores use it: anything with a `query(text, values)` method
 * that resolves to `{ rows }` (a `pg` Pool or Client, PGlite, or a one-line wrapper around another
 * driver), and optionally a `connect()` that lends one connection of a pool (a `pg` Pool), called
 * with a timeout.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import { duplicateFamilyError } from '../../tokens/record-codec.js';
import { readStoredInteger } from '../shared/stored-record.js';
import {
  connectionLender,
  inLentTransaction,
  lendConnection,
  localTimeouts,
  readOnConnection,
  rowsOf,
  type LentConnection,
  type Statement,
} from './connection.js';

/**
 * What the PostgreSQL stores need from a database driver: run one parameterised statement
 * (`$1`, `$2`, ... placeholders) and resolve to its rows as objects keyed by column name, and,
 * optionally, lend one connection of a pool. A `pg` `Pool` or `Client` and a PGlite database satisfy
 * it as they are; for `postgres` (postgres.js) pass
 * `{ query: (text, values) => sql.unsafe(text, values).then((rows) => ({ rows })) }`.
 *
 * With `connect()` (a `pg` Pool), every call first takes one connection, waiting for it at most
 * the store's `connectionTimeout` (the call's deadline starts once the connection is held, so a burst
 * queued on a small pool is not failed for the queueing), and every write runs in its own
 * transaction on that connection, with `lock_timeout` and `statement_timeout` set for that transaction only, below half of the
 * store's `queryTimeout`: PostgreSQL itself cancels a statement the store stopped waiting for (one
 * stuck behind a row lock, say), so a call that rejected with `ERR_STORE_UNAVAILABLE` never commits
 * later; a login first takes an advisory lock on its subject in that transaction, so concurrent
 * logins of one subject respect its session cap. With `query()` alone (a `pg` Client, PGlite, a
 * wrapper), each write is one statement and only the client side gives up: a write that started in
 * time but waits on a lock may still commit after the call rejected (weaker; see
 * docs/redis-and-postgres.md, "Outages"), and over a wrapper of a pool, concurrent logins of one
 * subject may leave it over its session cap until its next login.
 */
export interface PostgresQueryable {
  /** Runs one statement with its parameters (with none, `pg` also runs a text of several statements). */
  query(text: string, values: unknown[]): Promise<PostgresQueryResult>;
  /**
   * Lends one connection of a pool, given back with its `release` (a `pg` `Pool`'s `connect()`).
   * Optional: without it, the stores use `query()` alone (see above). Not called on a `pg`
   * `Client`, nor on a connection a pool already lent: their `connect()` opens the client itself,
   * so they are recognised (by `connectionParameters` or `release`) and used through `query()`.
   */
  connect?(): Promise<PostgresConnection>;
}

/** A connection lent by {@link PostgresQueryable.connect} (a `pg` `PoolClient` fits). */
export interface PostgresConnection {
  /** Runs one statement with its parameters on this connection. */
  query(text: string, values: unknown[]): Promise<PostgresQueryResult>;
  /**
   * Gives the connection back to its pool; with an error, the pool discards it instead (`pg`'s
   * `release(err)`: the stores pass one when a `ROLLBACK` failed, so a connection in an unknown
   * state is never reused). Required at run time: a lent connection without it fails the call
   * with `ERR_STORE_UNAVAILABLE`. (Optional in the type only so that a `pg` `Client`, whose
   * `connect()` resolves to itself, still fits {@link PostgresQueryable}.)
   */
  release?(error?: Error): void;
}

/** What {@link PostgresQueryable.query} resolves to (a `pg` `QueryResult` and PGlite's `Results` fit). */
export interface PostgresQueryResult {
  /** The result rows, each an object keyed by column name. */
  rows: ReadonlyArray<unknown>;
}

/** One result row. @internal */
export type Row = Readonly<Record<string, unknown>>;

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = '23505';

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** SQLSTATE of a statement text refused as several commands (a driver that prepares every query). */
const SEVERAL_COMMANDS_REFUSED = '42601';

/** `lock_timeout` and `statement_timeout` of a transaction, as a share of the caller's deadline (below half: see below). */
const SERVER_TIMEOUT_SHARE = 0.4;

/**
 * Runs statements with a deadline: each call rejects with `ERR_STORE_UNAVAILABLE` when the driver
 * fails or no result came within the timeout (a `pg` Pool waits forever for a paused server by
 * default). Writes are fenced: their first parameter is a wall-clock time in milliseconds, halfway
 * to the deadline, and the statement changes nothing when the server's `clock_timestamp()` is past
 * it (see the store documentation). When the client lends connections, each call first takes one
 * with a wait of its own (at most the connection timeout), and the deadline and the fence start once it is
 * held, so a burst queued on a small pool is not refused for the queueing; writes then run in a
 * transaction whose `lock_timeout` and `statement_timeout` are 40% of the deadline: a statement
 * admitted by the fence ends by 90% of it, and a transaction is never committed once the caller
 * was answered. A unique violation of a write (a family id stored already) rejects with
 * `ERR_INVALID_OPTION`.
 * @internal
 */
export class PostgresExecutor {
  readonly #client: PostgresQueryable;
  readonly #connect: (() => Promise<unknown>) | undefined;
  readonly #timeoutMs: number;
  readonly #connectionTimeoutMs: number;
  readonly #timeouts: string;

  constructor(client: unknown, timeoutMs: number, connectionTimeoutMs = timeoutMs) {
    if (typeof client !== 'object' || client === null || typeof (client as { query?: unknown }).query !== 'function') {
      throw new JwtError('ERR_INVALID_OPTION', '"client" must have a query(text, values) method (a pg Pool, PGlite, ...)');
    }
    this.#client = client as PostgresQueryable;
    this.#connect = connectionLender(client);
    this.#timeoutMs = timeoutMs;
    this.#connectionTimeoutMs = connectionTimeoutMs;
    this.#timeouts = localTimeouts(Math.max(1, Math.floor(timeoutMs * SERVER_TIMEOUT_SHARE)));
  }

  /**
   * Runs a read: on a lent connection when the client lends them (the deadline starts once it is
   * held), else through `query()`. A read that goes on after the deadline changes nothing.
   */
  read(text: string, values: unknown[]): Promise<Row[]> {
    const connect = this.#connect;
    if (connect === undefined) return this.#withDeadline(async () => rowsOf(await this.#client.query(text, values)));
    return this.#lent(connect, async (connection) => readOnConnection(connection, { text, values }));
  }

  /**
   * Runs a fenced write: `$1` in `text` is the fence (milliseconds since the epoch), `values` start
   * at `$2`. With a lent connection, `lock` (a statement that takes a transaction-level lock, such
   * as `pg_advisory_xact_lock`) runs first in the same transaction, so the write's snapshot is
   * taken once the lock is held; with `query()` alone it is not sent (a single connection runs one
   * statement at a time anyway). The fence and the deadline are set when the statement can be sent:
   * with a lending client, once the connection is held.
   */
  write(text: string, values: unknown[], lock?: Statement): Promise<Row[]> {
    const connect = this.#connect;
    const run =
      connect === undefined
        ? this.#withDeadline(async () => {
            const statement = this.#fenced(text, values);
            return rowsOf(await this.#client.query(statement.text, statement.values));
          })
        : this.#lent(connect, async (connection, abandoned) => {
            const statement = this.#fenced(text, values);
            const steps = lock === undefined ? [statement] : [lock, statement];
            return (await inLentTransaction(connection, this.#timeouts, steps, abandoned)).at(-1) ?? [];
          });
    return run.catch((error: unknown) => {
      const cause = (error as { cause?: unknown }).cause;
      throw errorCode(cause) === UNIQUE_VIOLATION ? duplicateFamilyError(cause) : error;
    });
  }

  /**
   * Runs parameterless statements as one transaction, with the server-side timeouts: on a lent
   * connection when the client lends them, else as one text of several statements wrapped in
   * `BEGIN` ... `COMMIT` (after a failure, a `ROLLBACK` is sent, since a failed explicit transaction
   * block stays open on the session). Rejects with `ERR_STORE_UNAVAILABLE`; check
   * {@link refusesSeveralStatements} for a driver that runs one statement per query.
   */
  transaction(statements: readonly string[]): Promise<void> {
    const connect = this.#connect;
    if (connect !== undefined) {
      const steps = statements.map((text) => ({ text, values: [] }));
      return this.#lent(
        connect,
        async (connection, abandoned) => void (await inLentTransaction(connection, this.#timeouts, steps, abandoned)),
      );
    }
    const text = `${['BEGIN', this.#timeouts, ...statements, 'COMMIT'].join(';\n')};`;
    return this.#withDeadline(async () => {
      try {
        await this.#client.query(text, []);
      } catch (error) {
        // A text refused as a whole never started; any other failure may have left it open.
        if (errorCode(error) !== SEVERAL_COMMANDS_REFUSED) {
          await Promise.resolve()
            .then(() => this.#client.query('ROLLBACK', []))
            .catch(() => undefined);
        }
        throw error;
      }
    });
  }

  /** The statement of a write, with its fence: halfway to a deadline that starts now. */
  #fenced(text: string, values: unknown[]): Statement {
    return { text, values: [Date.now() + Math.floor(this.#timeoutMs / 2), ...values] };
  }

  /**
   * Takes a connection (its own wait, at most the connection timeout), then runs `work` on it against the
   * deadline, which starts once the connection is held: waiting for a busy pool is not counted
   * against the statements. `work` gives the connection back.
   */
  #lent<T>(connect: () => Promise<unknown>, work: (connection: LentConnection, abandoned: () => boolean) => Promise<T>): Promise<T> {
    return lendConnection(connect, this.#connectionTimeoutMs).then((connection) =>
      this.#withDeadline((abandoned) => work(connection, abandoned)),
    );
  }

  /** Runs `work` against the deadline; `abandoned()` turns true once the caller was answered with a timeout. */
  #withDeadline<T>(work: (abandoned: () => boolean) => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      let abandoned = false;
      const timer = setTimeout(() => {
        abandoned = true;
        reject(new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL server did not answer in time'));
      }, this.#timeoutMs);
      work(() => abandoned).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(
            error instanceof JwtError ? error : new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL statement failed', { cause: error }),
          );
        },
      );
    });
  }
}

/** Whether `error` (from {@link PostgresExecutor.transaction}) says the driver runs one statement per query (PGlite's `query`). @internal */
export function refusesSeveralStatements(error: unknown): boolean {
  return errorCode((error as { cause?: unknown }).cause) === SEVERAL_COMMANDS_REFUSED;
}

/** The fence check every write statement starts with (`$1` = the fence in milliseconds). @internal */
export const GATE_CTE = `gate AS MATERIALIZED (SELECT clock_timestamp() <= to_timestamp($1::double precision / 1000) AS open)`;

/** Reads an integer column that a driver may return as a number, a bigint or a string. @internal */
export function integerColumn(value: unknown): number {
  const number = readStoredInteger(value);
  if (number === undefined) throw new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL store holds an unreadable number');
  return number;
}

/** Throws `ERR_STORE_UNAVAILABLE` when a fenced write came back refused. @internal */
export function assertInTime(row: Row | undefined): void {
  if (row?.['open'] !== true) {
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL server answered too late; nothing was changed');
  }
}
