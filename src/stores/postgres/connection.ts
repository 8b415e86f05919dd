/**
 * Connections lent by the client's `connect()` (a `pg` Pool's): taken with a bounded wait of their
 * own, then used for one read or for one transaction whose statements run between `BEGIN` and
 * `COMMIT` with transaction-local server-side timeouts, so PostgreSQL itself cancels a statement the
 * caller stopped waiting for; the connection goes back to its pool on every path (destroyed when
 * its state is unknown).
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import type { Row } from './client.js';

/** What a lent connection must offer (see `PostgresConnection`). @internal */
export interface LentConnection {
  query(text: string, values: unknown[]): Promise<unknown>;
  release(error?: Error): void;
}

/** One statement and its parameters. @internal */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * The client's `connect()` when it lends pooled connections, else `undefined`. A `pg` Client (and a
 * connection a pool already lent, which is a Client) has a `connect()` too, but that one opens the
 * client itself and rejects once it is open: such a single connection is recognised by its
 * `connectionParameters` (every `pg` Client, JavaScript or native) or its `release`, and is used
 * through `query()` alone. @internal
 */
export function connectionLender(client: object): (() => Promise<unknown>) | undefined {
  const candidate = client as { connect?: unknown; release?: unknown };
  if (typeof candidate.connect !== 'function') return undefined;
  if (typeof candidate.release === 'function' || 'connectionParameters' in client) return undefined;
  const connect = candidate.connect as () => unknown;
  return async () => connect.call(client);
}

/**
 * The statement that sets `lock_timeout` and `statement_timeout` for the current transaction only:
 * `set_config(name, value, true)` is `SET LOCAL` (PostgreSQL manual, "Configuration Settings
 * Functions"), and one `SELECT` sets both in one round trip. Never a session-level `SET`: the
 * connection goes back to the application's pool. @internal
 */
export function localTimeouts(milliseconds: number): string {
  const value = `'${milliseconds}ms'`;
  return `SELECT set_config('lock_timeout', ${value}, true), set_config('statement_timeout', ${value}, true)`;
}

/** The rows of a driver result; `ERR_STORE_UNAVAILABLE` when it has none. @internal */
export function rowsOf(result: unknown): Row[] {
  const rows = typeof result === 'object' && result !== null ? (result as { rows?: unknown }).rows : undefined;
  if (!Array.isArray(rows)) throw new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL driver returned no rows array');
  return rows as Row[];
}

function isLentConnection(value: unknown): value is LentConnection {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { query?: unknown }).query === 'function' &&
    typeof (value as { release?: unknown }).release === 'function'
  );
}

/** Gives a connection back; with an error, `pg` destroys it instead of pooling it again. */
function giveBack(connection: LentConnection, error: unknown): void {
  try {
    if (error === undefined) connection.release();
    else connection.release(error instanceof Error ? error : new Error('ROLLBACK failed'));
  } catch {
    // A driver that refuses the connection back: nothing is left to do with it.
  }
}

function abandonedError(): JwtError {
  return new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL server did not answer in time; nothing was changed');
}

/**
 * Takes one connection from `connect` (a pool's `connect()`), waiting at most `timeoutMs`: the wait
 * for a free connection is bounded on its own, so the deadline of the statements that follow (and
 * the write fence) starts only once the connection is held. Rejects with `ERR_STORE_UNAVAILABLE`
 * when no connection came in time (one that arrives later goes straight back to its pool), when
 * `connect()` fails, or when it resolves to something without `query()` and `release()`. @internal
 */
export function lendConnection(connect: () => Promise<unknown>, timeoutMs: number): Promise<LentConnection> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new JwtError('ERR_STORE_UNAVAILABLE', 'no connection of the PostgreSQL pool was free in time; nothing was sent'));
    }, timeoutMs);
    connect().then(
      (connection) => {
        clearTimeout(timer);
        if (!isLentConnection(connection)) {
          const release = (connection as { release?: unknown } | null | undefined)?.release;
          if (typeof release === 'function') giveBack(connection as LentConnection, undefined);
          reject(
            new JwtError(
              'ERR_STORE_UNAVAILABLE',
              "the PostgreSQL client's connect() did not resolve to a connection with query() and release()",
            ),
          );
        } else if (late) {
          giveBack(connection, undefined);
        } else {
          resolve(connection);
        }
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL pool could not lend a connection', { cause: error }));
      },
    );
  });
}

/**
 * Runs one read on a lent connection and gives it back (as broken when it emitted 'error'). @internal
 */
export async function readOnConnection(connection: LentConnection, statement: Statement): Promise<Row[]> {
  let connectionFailure: unknown;
  const stopWatching = onConnectionError(connection, (error) => {
    connectionFailure = error ?? new Error('the connection failed');
  });
  try {
    return rowsOf(await connection.query(statement.text, statement.values));
  } finally {
    giveBack(connection, connectionFailure);
    stopWatching();
  }
}

/**
 * Runs `statements` in one transaction on a lent `connection` (see {@link lendConnection}): `BEGIN`,
 * `timeouts` (see {@link localTimeouts}), the statements, `COMMIT`; resolves to the rows of each (a
 * result without a rows array fails before `COMMIT`). Once `abandoned()` is true (the caller was
 * answered with a timeout), nothing more is sent but `ROLLBACK`: a transaction is never committed
 * for a caller told it failed. Any failure rolls back; a failed `ROLLBACK` releases the connection
 * with the error, so the pool discards it. The connection goes back to its pool on every path.
 * @internal
 */
export async function inLentTransaction(
  connection: LentConnection,
  timeouts: string,
  statements: readonly Statement[],
  abandoned: () => boolean,
): Promise<Row[][]> {
  // A `pg` Client emits 'error' when its socket dies between two statements; while the pool has
  // lent it, no pool listener is attached, so an unheard event would crash the process. The
  // failure reaches the caller through the next query; the connection goes back as broken.
  let connectionFailure: unknown;
  const stopWatching = onConnectionError(connection, (error) => {
    connectionFailure = error ?? new Error('the connection failed');
  });
  let rollbackFailure: unknown;
  try {
    await connection.query('BEGIN', []);
    await connection.query(timeouts, []);
    const results: Row[][] = [];
    for (const statement of statements) {
      if (abandoned()) throw abandonedError();
      results.push(rowsOf(await connection.query(statement.text, statement.values)));
    }
    if (abandoned()) throw abandonedError();
    await connection.query('COMMIT', []);
    return results;
  } catch (error) {
    rollbackFailure = await Promise.resolve()
      .then(() => connection.query('ROLLBACK', []))
      .then(
        () => undefined,
        (rollbackError: unknown) => rollbackError ?? new Error('ROLLBACK failed'),
      );
    throw error;
  } finally {
    giveBack(connection, rollbackFailure ?? connectionFailure);
    stopWatching();
  }
}

/**
 * Listens to the connection's 'error' events (an EventEmitter such as a `pg` Client) until the
 * returned function is called; a connection without `on`/`off` is not watched.
 */
function onConnectionError(connection: object, listener: (error: unknown) => void): () => void {
  const emitter = connection as { on?: unknown; off?: unknown };
  const { on, off } = emitter;
  if (typeof on !== 'function' || typeof off !== 'function') return () => undefined;
  on.call(connection, 'error', listener);
  return () => void off.call(connection, 'error', listener);
}
