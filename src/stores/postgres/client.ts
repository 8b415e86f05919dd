/**
 * The PostgreSQL connection as the stores use it: anything with a `query(text, values)` method
 * that resolves to `{ rows }` (a `pg` Pool or Client, PGlite, or a one-line wrapper around another
 * driver), called with a timeout.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import { duplicateHashError } from '../../tokens/record-codec.js';
import { readStoredInteger } from '../shared/stored-record.js';

/**
 * What the PostgreSQL stores need from a database driver: run one parameterised statement
 * (`$1`, `$2`, ... placeholders) and resolve to its rows as objects keyed by column name. A `pg`
 * `Pool` or `Client` and a PGlite database satisfy it as they are; for `postgres` (postgres.js) pass
 * `{ query: (text, values) => sql.unsafe(text, values).then((rows) => ({ rows })) }`.
 */
export interface PostgresQueryable {
  /** Runs one statement with its parameters. */
  query(text: string, values: unknown[]): Promise<PostgresQueryResult>;
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

/**
 * Runs statements with a deadline: each rejects with `ERR_STORE_UNAVAILABLE` when the driver fails
 * or no result came within the timeout (a `pg` Pool waits forever for a paused server by default).
 * Writes are fenced: their first parameter is a wall-clock time in milliseconds, halfway to the
 * deadline, and the statement changes nothing when the server's `clock_timestamp()` is past it (see
 * the store documentation). A unique violation rejects with `ERR_INVALID_OPTION`.
 * @internal
 */
export class PostgresExecutor {
  readonly #client: PostgresQueryable;
  readonly #timeoutMs: number;

  constructor(client: unknown, timeoutMs: number) {
    if (typeof client !== 'object' || client === null || typeof (client as { query?: unknown }).query !== 'function') {
      throw new JwtError('ERR_INVALID_OPTION', '"client" must have a query(text, values) method (a pg Pool, PGlite, ...)');
    }
    this.#client = client as PostgresQueryable;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs a read. */
  read(text: string, values: unknown[]): Promise<Row[]> {
    return this.#run(text, values);
  }

  /** Runs a fenced write: `$1` in `text` is the fence (milliseconds since the epoch), `values` start at `$2`. */
  write(text: string, values: unknown[]): Promise<Row[]> {
    return this.#run(text, [Date.now() + Math.floor(this.#timeoutMs / 2), ...values]);
  }

  #run(text: string, values: unknown[]): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      let pending: Promise<PostgresQueryResult>;
      try {
        pending = this.#client.query(text, values);
      } catch (error) {
        reject(failure(error));
        return;
      }
      const timer = setTimeout(
        () => reject(new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL server did not answer in time')),
        this.#timeoutMs,
      );
      Promise.resolve(pending).then(
        (result) => {
          clearTimeout(timer);
          const rows = typeof result === 'object' && result !== null ? result.rows : undefined;
          if (!Array.isArray(rows)) reject(new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL driver returned no rows array'));
          else resolve(rows as Row[]);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(failure(error));
        },
      );
    });
  }
}

function failure(error: unknown): JwtError {
  if (errorCode(error) === UNIQUE_VIOLATION) {
    return duplicateHashError(error);
  }
  return new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL statement failed', { cause: error });
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
