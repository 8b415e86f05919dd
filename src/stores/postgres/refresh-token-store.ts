/**
 * `PostgresRefreshTokenStore`: refresh-token families in PostgreSQL, one row per session, shared by
 * every process of an application.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import type {
  LegacyRefreshToken,
  NewRefreshFamily,
  PresentedRefreshToken,
  RefreshFamily,
  RefreshRevocationReason,
  RefreshSuccessor,
  RefreshTokenStore,
  RevokedFamily,
  RotateResult,
} from '../../tokens/store.js';
import { encodeSuccessor, presentedArgument, reasonArgument, stringArgument, timeArgument } from '../shared/record-arguments.js';
import { assertInTime, GATE_CTE, integerColumn, type PostgresExecutor, type Row } from './client.js';
import { deleteExpiredStatement, deleteInBatches } from './expired-rows.js';
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from './options.js';
import { capArgument } from '../../tokens/record-codec.js';
import { FAMILY_COLUMNS, familyFromRow, newFamilyParameters } from './record-codec.js';
import type { PostgresTables } from './schema.js';

/** Options of {@link PostgresRefreshTokenStore}: see {@link PostgresStoreOptions}. */
export interface PostgresRefreshTokenStoreOptions extends PostgresStoreOptions {}

interface Statements {
  readonly lockSubject: string;
  readonly insert: string;
  readonly find: string;
  readonly rotate: string;
  readonly revokeFamily: string;
  readonly revokeSubject: string;
  readonly adoptLegacy: string;
  readonly deleteExpiredTokens: string;
  readonly deleteExpiredFamilies: string;
}

/**
 * The first key of the advisory locks `insert` takes per subject (`pg_advisory_xact_lock(int, int)`,
 * whose keys never meet the one-bigint keys of `migrate` or of an application): "jwkt" in ASCII.
 */
const SUBJECT_LOCK_CLASS = 0x6a776b74;

/** The statements; each write starts with the fence (`$1`, see {@link GATE_CTE}). */
function statements(t: PostgresTables): Statements {
  return {
    // Serialises the logins of one subject, so that each sees the families of the one before it
    // (the statement after it takes its snapshot once the lock is held). Runs only on a lent
    // connection, in the insert's transaction; the lock goes with the transaction.
    lockSubject: `SELECT pg_advisory_xact_lock(${SUBJECT_LOCK_CLASS}, hashtext($1::text))`,
    // $2 family, $3 subject, $4 hash, $5 tag key, $6 created, $7 expires, $8 idle, $9 claims,
    // $10 jkt, $11 the cap. The new row, then the session cap in the same statement: the subject's
    // other live families (not revoked, not expired at $6), newest first, all but the first $11 - 1
    // revoked (the new one counts as the newest). A family of the first schema (created_at NULL) is
    // older than any other. family_id COLLATE "C": the code-unit order of the contract, whatever
    // the database's collation.
    insert: `WITH ${GATE_CTE},
inserted AS (
  INSERT INTO ${t.families} (family_id, subject, hash, tag_key, generation, created_at, expires_at, idle_expires_at, claims, jkt)
  SELECT $2::text, $3::text, $4::text, $5::text, 0, $6::bigint, $7::bigint, $8::bigint, $9::text, $10::text FROM gate WHERE gate.open
  RETURNING family_id
),
over_cap AS (
  SELECT f.family_id FROM ${t.families} f
  WHERE f.subject = $3::text AND f.revoked_reason IS NULL AND f.family_id <> $2::text
    AND f.expires_at > $6::bigint AND (f.idle_expires_at IS NULL OR f.idle_expires_at > $6::bigint)
    AND EXISTS (SELECT 1 FROM inserted)
  ORDER BY f.created_at DESC NULLS LAST, f.family_id COLLATE "C" DESC
  OFFSET $11::bigint - 1
),
capped AS (
  UPDATE ${t.families} AS f SET revoked_reason = 'session_limit'
  FROM over_cap WHERE f.family_id = over_cap.family_id AND f.revoked_reason IS NULL
  RETURNING f.family_id, f.expires_at
)
SELECT gate.open, capped.family_id, capped.expires_at FROM gate LEFT JOIN capped ON true`,
    // A family of the first schema has no generation until adoptLegacy gives it one.
    find: `SELECT ${FAMILY_COLUMNS} FROM ${t.families} WHERE family_id = $1::text AND generation IS NOT NULL`,
    // $2 family, $3 generation, $4 hash, $5 now, then the successor: $6 hash, $7 idle, $8 claims.
    // The conditional UPDATE is the compare-and-set: a concurrent rotation waits for the row lock,
    // then re-checks the WHERE on the row it committed (generation moved on) and matches nothing.
    // Without a rotation, the family as the statement's snapshot saw it tells why.
    rotate: `WITH ${GATE_CTE},
rotated AS (
  UPDATE ${t.families} AS f
  SET generation = f.generation + 1, hash = $6::text, idle_expires_at = $7::bigint, claims = $8::text, rotated_at = $5::bigint
  WHERE f.family_id = $2::text AND f.generation = $3::bigint AND f.hash = $4::text AND f.revoked_reason IS NULL
    AND $5::bigint < f.expires_at AND (f.idle_expires_at IS NULL OR $5::bigint < f.idle_expires_at)
    AND (SELECT open FROM gate)
  RETURNING ${FAMILY_COLUMNS}
)
SELECT gate.open, true AS rotated, rotated.* FROM gate, rotated
UNION ALL
SELECT gate.open, false AS rotated, found.* FROM gate
  LEFT JOIN (SELECT ${FAMILY_COLUMNS} FROM ${t.families} WHERE family_id = $2::text AND generation IS NOT NULL) AS found ON true
WHERE NOT EXISTS (SELECT 1 FROM rotated)`,
    revokeFamily: `WITH ${GATE_CTE},
revoked AS (
  UPDATE ${t.families} SET revoked_reason = $3::text
  WHERE family_id = $2::text AND revoked_reason IS NULL AND (SELECT open FROM gate)
  RETURNING 1
)
SELECT open FROM gate`,
    // $2 subject, $3 reason, $4 now. Families of both schemas alike. The answer: the rows this
    // statement revoked (as they are now) and the subject's other families as its snapshot saw them
    // (revoked before), those not expired at $4.
    revokeSubject: `WITH ${GATE_CTE},
revoked AS (
  UPDATE ${t.families} SET revoked_reason = $3::text
  WHERE subject = $2::text AND revoked_reason IS NULL AND (SELECT open FROM gate)
  RETURNING family_id, expires_at
),
answered AS (
  SELECT family_id, expires_at FROM revoked
  UNION ALL
  SELECT family_id, expires_at FROM ${t.families}
  WHERE subject = $2::text AND family_id NOT IN (SELECT family_id FROM revoked)
)
SELECT gate.open, answered.family_id, answered.expires_at FROM gate LEFT JOIN answered ON answered.expires_at > $4::bigint`,
    // $2 hash (of a whole token of the first format), $3 tag key. The token's row, and its family
    // given a v2 state (generation 0, this hash) when the token is unused and the family has none
    // yet; the family's revoked_reason is kept. A concurrent adoption waits for the row lock, then
    // finds a generation and leaves the row as it is.
    adoptLegacy: `WITH ${GATE_CTE},
legacy AS (
  SELECT family_id, subject, created_at, expires_at, idle_expires_at, used_at, claims FROM ${t.tokens} WHERE hash = $2::text
),
adopted AS (
  UPDATE ${t.families} AS f
  SET hash = $2::text, tag_key = $3::text, generation = 0, subject = legacy.subject, created_at = legacy.created_at,
      rotated_at = NULL, expires_at = legacy.expires_at, idle_expires_at = legacy.idle_expires_at, claims = legacy.claims, jkt = NULL
  FROM legacy
  WHERE f.family_id = legacy.family_id AND legacy.used_at IS NULL AND f.generation IS NULL AND (SELECT open FROM gate)
  RETURNING 1
)
SELECT gate.open, legacy.family_id, legacy.subject, legacy.used_at, (SELECT count(*) FROM adopted)::int AS adopted FROM gate LEFT JOIN legacy ON true`,
    // First the tokens of the first schema, so that removing their family cascades to few rows.
    deleteExpiredTokens: deleteExpiredStatement(t.tokens),
    deleteExpiredFamilies: deleteExpiredStatement(t.families),
  };
}

/** What a family read after a rotation that did not happen tells, in the contract's order. */
function statusOf(family: RefreshFamily, presented: PresentedRefreshToken, now: number): RotateResult | 'current' {
  if (presented.generation > family.generation) return { status: 'unknown' };
  if (presented.generation === family.generation && presented.hash !== family.hash) return { status: 'unknown' };
  if (family.revoked) return { status: 'revoked', family };
  if (presented.generation < family.generation) {
    return { status: 'used', family, successorUsed: family.generation > presented.generation + 1 };
  }
  if (now >= family.expiresAt || (family.idleExpiresAt !== null && now >= family.idleExpiresAt)) return { status: 'expired', family };
  return 'current';
}

/** How often `rotate` re-runs after losing a race it cannot otherwise explain (never seen in practice). */
const ROTATE_ATTEMPTS = 3;

/**
 * A {@link RefreshTokenStore} (contract v2) on PostgreSQL (12 or later; PGlite too), over a `pg`
 * Pool or any {@link PostgresQueryable}. Apply `migrate` (or `POSTGRES_MIGRATION_SQL`) first.
 *
 * **One row per session.** A family is one row of `jwtkit_refresh_families`: its state and the hash
 * of its current token, updated in place by each rotation, so a session takes the same space after
 * a thousand rotations as after none (some 850 bytes with its share of pages and indexes, small
 * claims; docs/redis-and-postgres.md, "PostgreSQL", gives the measurement). No column an index
 * covers changes on rotation, so a rotation is a heap-only (HOT) update that writes no index
 * entry, and its old row version is reclaimed by page pruning and autovacuum.
 *
 * **Atomicity.** Every method is one SQL statement (`deleteExpired`: one per batch, for at most
 * `deleteBudget` per call; `insert`, on a
 * lent connection, after taking a lock in its transaction), so no transaction spans the
 * application's code and the store works on a pool. `rotate` is one
 * conditional `UPDATE ... WHERE family_id = $1 AND generation = $g AND hash = $h AND
 * revoked_reason IS NULL AND <not expired> RETURNING` (the compare-and-set: concurrent rotations
 * queue on the row lock, and all but the first then match nothing), with, in the same statement, the
 * family as it was for the other answers. Revocation is the same row's `revoked_reason`, so a
 * revocation and a rotation of one family are serialised by its row lock. `insert` stores the
 * family and enforces the session cap in one statement; with a client that has `connect()` it
 * first takes a transaction-level advisory lock on the subject, so concurrent logins of one
 * subject are serialised and never leave it over the cap. With `query()` alone there is no such
 * lock: a single connection (a `pg` Client, PGlite) runs one statement at a time anyway, but over a
 * wrapper of a pool concurrent logins of one subject may leave it over the cap until its next login.
 *
 * **Upgrading from contract v1.** `migrate` adds the columns of contract v2 to a families table of
 * contract v1 and keeps its per-token rows (`jwtkit_refresh_tokens`): `adoptLegacy` gives the family
 * of a legacy token a v2 state when it is first presented, `revokeFamily`, `revokeSubject` and the
 * session cap reach families of both contracts, and `deleteExpired` removes the legacy rows once
 * they expire.
 *
 * **Outages.** Every call rejects with `ERR_STORE_UNAVAILABLE` once `queryTimeout` passes (a `pg`
 * Pool otherwise waits forever for a paused server); with a client that has `connect()`, counted
 * from when the call holds a connection, the wait for one being bounded by `connectionTimeout`. Writes are fenced: a statement that starts
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
 * `schema`, `queryTimeout`, `connectionTimeout` or `deleteBudget` is invalid.
 */
export class PostgresRefreshTokenStore implements RefreshTokenStore {
  readonly #db: PostgresExecutor;
  readonly #sql: Statements;
  readonly #deleteBudgetMs: number;

  /**
   * @param options - see {@link PostgresRefreshTokenStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: PostgresRefreshTokenStoreOptions) {
    const resolved = resolvePostgresStoreOptions(options);
    this.#db = resolved.executor;
    this.#sql = statements(resolved.tables);
    this.#deleteBudgetMs = resolved.deleteBudgetMs;
  }

  /**
   * {@inheritDoc jwtkit!RefreshTokenStore.insert}
   * @throws `ERR_INVALID_OPTION` when a family with this id exists, the family is malformed or the
   * cap is not a positive integer.
   */
  async insert(family: NewRefreshFamily, maxFamiliesPerSubject: number): Promise<RevokedFamily[]> {
    const parameters = [...newFamilyParameters(family), capArgument(maxFamiliesPerSubject)];
    const lock = { text: this.#sql.lockSubject, values: [parameters[1]] };
    const rows = await this.#db.write(this.#sql.insert, parameters, lock);
    assertInTime(rows[0]);
    return revokedFamilies(rows);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.find} */
  async find(familyId: string): Promise<RefreshFamily | null> {
    const [row] = await this.#db.read(this.#sql.find, [stringArgument(familyId, 'familyId')]);
    return row === undefined ? null : familyFromRow(row);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.rotate} */
  async rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number): Promise<RotateResult> {
    const token = presentedArgument(presented);
    const next = encodeSuccessor(successor);
    const parameters = [
      token.familyId,
      token.generation,
      token.hash,
      timeArgument(now, 'now'),
      next.hash,
      next.idleExpiresAt,
      next.claimsJson,
    ];
    for (let attempt = 0; attempt < ROTATE_ATTEMPTS; attempt++) {
      const [row] = await this.#db.write(this.#sql.rotate, parameters);
      assertInTime(row);
      if (row?.['rotated'] === true) return { status: 'rotated', family: familyFromRow(row) };
      if (row?.['family_id'] === null || row?.['family_id'] === undefined) return { status: 'unknown' };
      // The statement's snapshot tells why it did not rotate, unless a concurrent rotation or
      // revocation committed while it waited for the row: then read the family as it is now.
      let result = statusOf(familyFromRow(row), token, now);
      if (result === 'current') {
        const current = await this.find(token.familyId);
        if (current === null) return { status: 'unknown' };
        result = statusOf(current, token, now);
      }
      if (result !== 'current') return result;
    }
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the refresh token could not be rotated; try again');
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeFamily} */
  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    assertInTime((await this.#db.write(this.#sql.revokeFamily, [stringArgument(familyId, 'familyId'), reasonArgument(reason)]))[0]);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.revokeSubject} */
  async revokeSubject(subject: string, reason: RefreshRevocationReason, now: number): Promise<RevokedFamily[]> {
    const parameters = [stringArgument(subject, 'subject'), reasonArgument(reason), timeArgument(now, 'now')];
    const rows = await this.#db.write(this.#sql.revokeSubject, parameters);
    assertInTime(rows[0]);
    return revokedFamilies(rows);
  }

  /** {@inheritDoc jwtkit!RefreshTokenStore.adoptLegacy} */
  async adoptLegacy(hash: string, tagKey: string, now: number): Promise<LegacyRefreshToken | null> {
    timeArgument(now, 'now'); // checked like every time; adoption does not depend on it
    const [row] = await this.#db.write(this.#sql.adoptLegacy, [stringArgument(hash, 'hash'), stringArgument(tagKey, 'tagKey')]);
    assertInTime(row);
    const familyId = row?.['family_id'];
    if (familyId === null || familyId === undefined) return null;
    if (typeof familyId !== 'string') throw new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL store holds an unreadable family');
    const usedAt = row?.['used_at'] ?? null;
    if (usedAt === null) return { status: 'current', familyId };
    const subject = row?.['subject'];
    if (typeof subject !== 'string') throw new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL store holds an unreadable subject');
    return { status: 'used', familyId, subject, usedAt: integerColumn(usedAt) };
  }

  /**
   * `deleteExpired` of the contract: see {@link jwtkit!RefreshTokenStore.deleteExpired}.
   *
   * **Bounded per call.** Rows go in batches of 1,000, one short statement (one transaction) each,
   * picked with `FOR UPDATE SKIP LOCKED` so that concurrent clean-ups share the backlog. A call
   * starts no new batch once `deleteBudget` (default: `queryTimeout`) has passed, and returns how
   * many families it removed so far; the next call continues. To empty a backlog (a million expired
   * sessions after an outage of the clean-up job, say), call it again while it returns more than 0;
   * a job that runs hourly needs nothing more. A call that rejects may have removed some expired
   * rows, never a live one.
   *
   * **Families past their idle expiry are kept until `expiresAt`.** Such a family can never rotate
   * again, but a replay of one of its older tokens still reads as `used`, so the token service
   * reports the reuse and revokes the session (`sid`) of its access tokens. Removing the family
   * earlier would be safe only once those access tokens have expired, and the store does not know
   * their lifetime (`accessTokenTtl` may exceed `idleTtl`); the reuse report is a security signal
   * of its own. Such families no longer count toward the session cap, so their number per subject
   * is bounded by the logins within one `refreshTokenTtl`.
   *
   * Also removes the expired per-token rows of contract v1 (first, in their own batches, so that
   * removing a family cascades to few rows); they are not counted. Each call runs at least one
   * batch of families, so a call returns 0 only when no expired family was found.
   */
  async deleteExpired(now: number): Promise<number> {
    const at = timeArgument(now, 'now');
    const statements = [this.#sql.deleteExpiredTokens, this.#sql.deleteExpiredFamilies];
    const [, families = 0] = await deleteInBatches(this.#db, statements, at, this.#deleteBudgetMs);
    return families;
  }
}

/** The families of rows `(family_id, expires_at)` after the gate's row; none when it has only nulls. */
function revokedFamilies(rows: readonly Row[]): RevokedFamily[] {
  const families: RevokedFamily[] = [];
  for (const row of rows) {
    const familyId = row['family_id'];
    if (familyId === null || familyId === undefined) continue;
    if (typeof familyId !== 'string') throw new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL store holds an unreadable family');
    families.push({ familyId, expiresAt: integerColumn(row['expires_at']) });
  }
  return families;
}
