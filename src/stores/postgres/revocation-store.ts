/**
 * `PostgresRevocationStore`: the access-token denylist, revoked sessions and per-subject cutoffs in
 * PostgreSQL.
 *
 * @module
 */
import type { RevocationStore } from '../../tokens/store.js';
import { stringArgument, timeArgument } from '../shared/record-arguments.js';
import { assertInTime, GATE_CTE, integerColumn, type PostgresExecutor } from './client.js';
import { deleteExpiredStatement, deleteInBatches } from './expired-rows.js';
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from './options.js';
import type { PostgresTables } from './schema.js';

/** Options of {@link PostgresRevocationStore}: see {@link PostgresStoreOptions}. */
export interface PostgresRevocationStoreOptions extends PostgresStoreOptions {}

interface Statements {
  readonly revokeJti: string;
  readonly isJtiRevoked: string;
  readonly revokeSession: string;
  readonly isSessionRevoked: string;
  readonly revokeIssuedBefore: string;
  readonly issuedBeforeCutoff: string;
  readonly deleteExpired: readonly string[];
}

function statements(t: PostgresTables): Statements {
  return {
    revokeJti: `WITH ${GATE_CTE},
upserted AS (
  INSERT INTO ${t.jtis} AS j (jti, expires_at) SELECT $2::text, $3::bigint FROM gate WHERE gate.open
  ON CONFLICT (jti) DO UPDATE SET expires_at = GREATEST(j.expires_at, EXCLUDED.expires_at)
  RETURNING 1
)
SELECT open FROM gate`,
    isJtiRevoked: `SELECT 1 AS revoked FROM ${t.jtis} WHERE jti = $1::text AND expires_at > $2::bigint`,
    revokeSession: `WITH ${GATE_CTE},
upserted AS (
  INSERT INTO ${t.sessions} AS s (sid, expires_at) SELECT $2::text, $3::bigint FROM gate WHERE gate.open
  ON CONFLICT (sid) DO UPDATE SET expires_at = GREATEST(s.expires_at, EXCLUDED.expires_at)
  RETURNING 1
)
SELECT open FROM gate`,
    isSessionRevoked: `SELECT 1 AS revoked FROM ${t.sessions} WHERE sid = $1::text AND expires_at > $2::bigint`,
    revokeIssuedBefore: `WITH ${GATE_CTE},
upserted AS (
  INSERT INTO ${t.cutoffs} AS c (subject, cutoff, expires_at) SELECT $2::text, $3::bigint, $4::bigint FROM gate WHERE gate.open
  ON CONFLICT (subject) DO UPDATE
    SET cutoff = GREATEST(c.cutoff, EXCLUDED.cutoff), expires_at = GREATEST(c.expires_at, EXCLUDED.expires_at)
  RETURNING 1
)
SELECT open FROM gate`,
    issuedBeforeCutoff: `SELECT cutoff FROM ${t.cutoffs} WHERE subject = $1::text AND expires_at > $2::bigint`,
    deleteExpired: [t.jtis, t.sessions, t.cutoffs].map(deleteExpiredStatement),
  };
}

/**
 * A {@link RevocationStore} on PostgreSQL (12 or later; PGlite too), over a `pg` Pool or any
 * {@link PostgresQueryable}: the tables `jwtkit_revoked_jtis`, `jwtkit_revoked_sessions` and
 * `jwtkit_subject_cutoffs` of `migrate`. Each write is one upsert keeping the later expiry (and the
 * later cutoff), so concurrent revocations from many processes agree. Expired rows stay until
 * `deleteExpired(now)` removes them, in batches of 1,000 rows and for at most `deleteBudget` per
 * call: call it now and then (for example hourly), and again while it returns more than 0 to empty
 * a backlog. Outages reject with `ERR_STORE_UNAVAILABLE` after `queryTimeout`, late writes are
 * fenced, and with a client that has `connect()` each write is a transaction the server cancels
 * past its timeouts, as for `PostgresRefreshTokenStore`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createTokenService } from 'jwtkit';
 * import { migrate, PostgresRevocationStore } from 'jwtkit/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, revocationStore: new PostgresRevocationStore({ client: pool }) });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` has no `query` method, or
 * `schema`, `queryTimeout`, `connectionTimeout` or `deleteBudget` is invalid.
 */
export class PostgresRevocationStore implements RevocationStore {
  readonly #db: PostgresExecutor;
  readonly #sql: Statements;
  readonly #deleteBudgetMs: number;

  /**
   * @param options - see {@link PostgresRevocationStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: PostgresRevocationStoreOptions) {
    const resolved = resolvePostgresStoreOptions(options);
    this.#db = resolved.executor;
    this.#sql = statements(resolved.tables);
    this.#deleteBudgetMs = resolved.deleteBudgetMs;
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeJti} */
  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    timeArgument(now, 'now'); // checked like every time; rows do not expire by themselves
    assertInTime((await this.#db.write(this.#sql.revokeJti, [stringArgument(jti, 'jti'), timeArgument(expiresAt, 'expiresAt')]))[0]);
  }

  /** {@inheritDoc jwtkit!RevocationStore.isJtiRevoked} */
  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    const rows = await this.#db.read(this.#sql.isJtiRevoked, [stringArgument(jti, 'jti'), timeArgument(now, 'now')]);
    return rows.length > 0;
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeSession} */
  async revokeSession(sid: string, expiresAt: number, now: number): Promise<void> {
    timeArgument(now, 'now'); // checked like every time; rows do not expire by themselves
    assertInTime((await this.#db.write(this.#sql.revokeSession, [stringArgument(sid, 'sid'), timeArgument(expiresAt, 'expiresAt')]))[0]);
  }

  /** {@inheritDoc jwtkit!RevocationStore.isSessionRevoked} */
  async isSessionRevoked(sid: string, now: number): Promise<boolean> {
    const rows = await this.#db.read(this.#sql.isSessionRevoked, [stringArgument(sid, 'sid'), timeArgument(now, 'now')]);
    return rows.length > 0;
  }

  /** {@inheritDoc jwtkit!RevocationStore.revokeIssuedBefore} */
  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void> {
    timeArgument(now, 'now'); // checked like every time; rows do not expire by themselves
    const parameters = [stringArgument(subject, 'subject'), timeArgument(cutoff, 'cutoff'), timeArgument(expiresAt, 'expiresAt')];
    assertInTime((await this.#db.write(this.#sql.revokeIssuedBefore, parameters))[0]);
  }

  /** {@inheritDoc jwtkit!RevocationStore.issuedBeforeCutoff} */
  async issuedBeforeCutoff(subject: string, now: number): Promise<number | null> {
    const [row] = await this.#db.read(this.#sql.issuedBeforeCutoff, [stringArgument(subject, 'subject'), timeArgument(now, 'now')]);
    return row === undefined ? null : integerColumn(row['cutoff']);
  }

  /**
   * `deleteExpired` of the contract: see {@link jwtkit!RevocationStore.deleteExpired}.
   *
   * **Bounded per call.** Rows go in batches of 1,000, one short statement each (revoked `jti`s,
   * then sessions, then cutoffs; each table gets at least one batch per call). A call starts no new
   * batch once `deleteBudget` (default: `queryTimeout`) has passed, and returns how many entries it
   * removed so far; the next call continues. To empty a backlog, call it again while it returns
   * more than 0. A call that rejects may have removed some expired entries, never a live one.
   */
  async deleteExpired(now: number): Promise<number> {
    const counts = await deleteInBatches(this.#db, this.#sql.deleteExpired, timeArgument(now, 'now'), this.#deleteBudgetMs);
    return counts.reduce((sum, count) => sum + count, 0);
  }
}
