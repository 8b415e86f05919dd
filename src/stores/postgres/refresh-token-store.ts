/**
 * `PostgresRefreshTokenStore`: refresh-token families in PostgreSQL, shared by every process of an
 * application.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import type {
  NewRefreshTokenRecord,
  RefreshRevocationReason,
  RefreshTokenRecord,
  RefreshTokenStore,
  RotateResult,
} from '../../tokens/store.js';
import { reasonArgument, stringArgument, timeArgument } from '../shared/record-arguments.js';
import { assertInTime, GATE_CTE, integerColumn, type PostgresExecutor } from './client.js';
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from './options.js';
import { newRecordParameters, RECORD_COLUMNS, recordFromRow } from './record-codec.js';
import type { PostgresTables } from './schema.js';

/** Options of {@link PostgresRefreshTokenStore}: see {@link PostgresStoreOptions}. */
export interface PostgresRefreshTokenStoreOptions extends PostgresStoreOptions {}

interface Statements {
  readonly insert: string;
  readonly find: string;
  readonly rotate: string;
  readonly revokeFamily: string;
  readonly revokeSubject: string;
  readonly deleteExpired: string;
}

/** The statements, each one self-contained (no client-side transaction, so a Pool fits). */
function statements(t: PostgresTables): Statements {
  return {
    // $2 hash, $3 subject, $4 family, $5 parent, $6 created, $7 expires, $8 idle, $9 claims.
    // The family row is created (or its expiry raised) in the same statement as the token.
    insert: `WITH ${GATE_CTE},
family AS (
  INSERT INTO ${t.families} AS f (family_id, subject, expires_at)
  SELECT $4::text, $3::text, $7::bigint FROM gate WHERE gate.open
  ON CONFLICT (family_id) DO UPDATE SET expires_at = GREATEST(f.expires_at, EXCLUDED.expires_at)
  RETURNING f.family_id
)
INSERT INTO ${t.tokens} (hash, family_id, subject, parent_hash, created_at, expires_at, idle_expires_at, claims)
SELECT $2::text, family.family_id, $3::text, $5::text, $6::bigint, $7::bigint, $8::bigint, $9::text FROM family
RETURNING true AS open`,
    find: `SELECT ${RECORD_COLUMNS} FROM ${t.tokens} t JOIN ${t.families} f ON f.family_id = t.family_id WHERE t.hash = $1::text`,
    // $2 old hash, $3 now, then the successor: $4 hash, $5 subject, $6 family, $7 parent, $8 created,
    // $9 expires, $10 idle, $11 claims. One statement: the conditional UPDATE is the compare-and-set
    // (a concurrent rotation waits for the row lock, then re-checks used_at IS NULL and matches
    // nothing), and the successor is inserted only from the row it returned.
    rotate: `WITH ${GATE_CTE},
old AS (
  SELECT ${RECORD_COLUMNS} FROM ${t.tokens} t JOIN ${t.families} f ON f.family_id = t.family_id WHERE t.hash = $2::text
),
consumed AS (
  UPDATE ${t.tokens} AS t SET used_at = $3::bigint
  FROM ${t.families} f
  WHERE t.hash = $2::text AND (SELECT open FROM gate) AND f.family_id = t.family_id AND f.revoked_reason IS NULL
    AND t.used_at IS NULL AND $3::bigint < t.expires_at AND (t.idle_expires_at IS NULL OR $3::bigint < t.idle_expires_at)
  RETURNING t.hash
),
successor AS (
  INSERT INTO ${t.tokens} (hash, family_id, subject, parent_hash, created_at, expires_at, idle_expires_at, claims)
  SELECT $4::text, $6::text, $5::text, $7::text, $8::bigint, $9::bigint, $10::bigint, $11::text FROM consumed
  RETURNING hash
)
SELECT gate.open, (SELECT count(*) FROM successor)::int AS rotated, old.*
FROM gate LEFT JOIN old ON true`,
    revokeFamily: `WITH ${GATE_CTE},
revoked AS (
  UPDATE ${t.families} SET revoked_reason = $3::text
  WHERE family_id = $2::text AND revoked_reason IS NULL AND (SELECT open FROM gate)
  RETURNING 1
)
SELECT open FROM gate`,
    revokeSubject: `WITH ${GATE_CTE},
revoked AS (
  UPDATE ${t.families} SET revoked_reason = $3::text
  WHERE subject = $2::text AND revoked_reason IS NULL AND (SELECT open FROM gate)
  RETURNING 1
)
SELECT open FROM gate`,
    // A family goes with its last token (its expires_at is the latest of its tokens').
    deleteExpired: `WITH ${GATE_CTE},
removed AS (
  DELETE FROM ${t.tokens} t WHERE t.expires_at <= $2::bigint AND (SELECT open FROM gate) RETURNING 1
),
families AS (
  DELETE FROM ${t.families} f
  WHERE f.expires_at <= $2::bigint AND (SELECT open FROM gate)
    AND NOT EXISTS (SELECT 1 FROM ${t.tokens} t WHERE t.family_id = f.family_id AND t.expires_at > $2::bigint)
  RETURNING 1
)
SELECT gate.open, (SELECT count(*) FROM removed)::int AS removed FROM gate`,
  };
}

/** The status a record has at `now`, in the contract's order (the record exists). */
function statusAt(record: RefreshTokenRecord, now: number): 'revoked' | 'used' | 'expired' | 'valid' {
  if (record.revoked) return 'revoked';
  if (record.usedAt !== null) return 'used';
  if (now >= record.expiresAt || (record.idleExpiresAt !== null && now >= record.idleExpiresAt)) return 'expired';
  return 'valid';
}

/** How often `rotate` re-runs after losing a race it cannot otherwise explain (never seen in practice). */
const ROTATE_ATTEMPTS = 3;

/**
 * A {@link RefreshTokenStore} on PostgreSQL (12 or later; PGlite too), over a `pg` Pool or any
 * {@link PostgresQueryable}. Apply `migrate` (or `POSTGRES_MIGRATION_SQL`) first.
 *
 * Every method is one SQL statement, so no transaction spans the application's code and the
 * store works on a pool. `rotate` is a single statement: a conditional
 * `UPDATE ... WHERE used_at IS NULL ... RETURNING` of the presented token (the compare-and-set:
 * concurrent rotations queue on the row lock, and all but the first then match nothing) and the
 * `INSERT` of the successor from the row it returned, committed together. Revocation is a flag on
 * the family row that every read joins, so a revoked family also covers a successor stored
 * concurrently, and revoking a subject updates its families through an index.
 *
 * Outages: every call rejects with `ERR_STORE_UNAVAILABLE` once `queryTimeout` passes (a `pg` Pool
 * otherwise waits forever for a paused server). Writes are fenced: a statement that starts
 * executing after half of `queryTimeout` (on the server's `clock_timestamp()`) changes nothing, so
 * a refresh reported as failed does not consume the token later when a paused server resumes. This
 * needs the application's and the database's clocks to agree within half of `queryTimeout`. With a
 * client that has `connect()` (a `pg` Pool), each write is also its own transaction (`BEGIN`,
 * transaction-local `lock_timeout` and `statement_timeout` at 40% of `queryTimeout`, the
 * statement, `COMMIT`) on one lent connection: a refresh stuck behind a row lock is cancelled by
 * the server and rolled back, so it never commits after the caller was told it failed, and a retry
 * of the same token rotates it. With `query()` alone (a `pg` Client, PGlite), such a statement may
 * still commit once the lock is free, and the retry then reads as reuse.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createTokenService } from 'jwtkit';
 * import { migrate, PostgresRefreshTokenStore } from 'jwtkit/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', () => {}); // idle clients dropped by a restarting server must not crash the process
 * await migrate(pool);
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, store: new PostgresRefreshTokenStore({ client: pool }) });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` has no `query` method, or
 * `schema`/`queryTimeout` is invalid.
 */
export class PostgresRefreshTokenStore implements RefreshTokenStore {
  readonly #db: PostgresExecutor;
  readonly #sql: Statements;

  /**
   * @param options - see {@link PostgresRefreshTokenStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: PostgresRefreshTokenStoreOptions) {
    const resolved = resolvePostgresStoreOptions(options);
    this.#db = resolved.executor;
    this.#sql = statements(resolved.tables);
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.insert}
   * @throws `ERR_INVALID_OPTION` when a record with this hash exists or the record is malformed.
   */
  async insert(record: NewRefreshTokenRecord): Promise<void> {
    assertInTime((await this.#db.write(this.#sql.insert, newRecordParameters(record)))[0]);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.find} */
  async find(hash: string): Promise<RefreshTokenRecord | null> {
    const [row] = await this.#db.read(this.#sql.find, [stringArgument(hash, 'hash')]);
    return row === undefined ? null : recordFromRow(row);
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.rotate}
   * @throws `ERR_INVALID_OPTION` when a record with the successor's hash exists or it is malformed.
   */
  async rotate(oldHash: string, successor: NewRefreshTokenRecord, now: number): Promise<RotateResult> {
    const parameters = [stringArgument(oldHash, 'oldHash'), timeArgument(now, 'now'), ...newRecordParameters(successor)];
    for (let attempt = 0; attempt < ROTATE_ATTEMPTS; attempt++) {
      const [row] = await this.#db.write(this.#sql.rotate, parameters);
      assertInTime(row);
      if (row?.['hash'] === null || row?.['hash'] === undefined) return { status: 'unknown' };
      if (integerColumn(row['rotated']) === 1) return { status: 'rotated', record: recordFromRow(row, now) };
      // The statement's snapshot tells why it did not rotate, unless a concurrent rotation or
      // revocation committed while it waited: then read the record as it is now.
      let record = recordFromRow(row);
      let status = statusAt(record, now);
      if (status === 'valid') {
        const current = await this.find(oldHash);
        if (current === null) return { status: 'unknown' };
        record = current;
        status = statusAt(record, now);
      }
      if (status !== 'valid') return { status, record };
    }
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the refresh token could not be rotated; try again');
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeFamily} */
  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    assertInTime((await this.#db.write(this.#sql.revokeFamily, [stringArgument(familyId, 'familyId'), reasonArgument(reason)]))[0]);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeSubject} */
  async revokeSubject(subject: string, reason: RefreshRevocationReason): Promise<void> {
    assertInTime((await this.#db.write(this.#sql.revokeSubject, [stringArgument(subject, 'subject'), reasonArgument(reason)]))[0]);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.deleteExpired} */
  async deleteExpired(now: number): Promise<number> {
    const [row] = await this.#db.write(this.#sql.deleteExpired, [timeArgument(now, 'now')]);
    assertInTime(row);
    return integerColumn(row?.['removed']);
  }
}
