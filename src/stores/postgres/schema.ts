/**
 * The tables of the PostgreSQL stores, as a migration (`POSTGRES_MIGRATION_SQL`) and a helper that
 * applies it (`migrate`), plus the qualified table names the stores use.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { PostgresExecutor, refusesSeveralStatements, type PostgresQueryable } from './client.js';

/** The table names, qualified with the schema when one is configured. @internal */
export interface PostgresTables {
  readonly families: string;
  readonly tokens: string;
  readonly jtis: string;
  readonly cutoffs: string;
}

const SCHEMA_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Validates a schema name and returns the qualified table names; throws `ERR_INVALID_OPTION`. @internal */
export function postgresTables(schema: string | undefined): PostgresTables {
  if (schema !== undefined && (typeof schema !== 'string' || !SCHEMA_PATTERN.test(schema))) {
    throw new JwtError('ERR_INVALID_OPTION', '"schema" must be a plain identifier (letters, digits, underscores; at most 63)');
  }
  const q = schema === undefined ? '' : `"${schema}".`;
  return {
    families: `${q}jwtkit_refresh_families`,
    tokens: `${q}jwtkit_refresh_tokens`,
    jtis: `${q}jwtkit_revoked_jtis`,
    cutoffs: `${q}jwtkit_subject_cutoffs`,
  };
}

function migrationStatements(t: PostgresTables): string[] {
  return [
    `-- One row per refresh-token family (one login). revoked_reason is the family-level revocation
-- flag: rotate reads it in the same statement that consumes a token, so a revocation also covers a
-- successor stored concurrently. expires_at is the latest expires_at of the family's tokens.
CREATE TABLE IF NOT EXISTS ${t.families} (
  family_id      text   PRIMARY KEY,
  subject        text   NOT NULL,
  expires_at     bigint NOT NULL,
  revoked_reason text   CHECK (revoked_reason IN ('reuse', 'logout', 'logout_all', 'admin'))
)`,
    `-- revokeSubject: every family of a subject.
CREATE INDEX IF NOT EXISTS jwtkit_refresh_families_subject_idx ON ${t.families} (subject)`,
    `-- deleteExpired: families past their expiry.
CREATE INDEX IF NOT EXISTS jwtkit_refresh_families_expires_at_idx ON ${t.families} (expires_at)`,
    `-- One row per refresh token, keyed by the Base64Url SHA-256 of the token (never the token).
-- Times are seconds since the epoch; used_at is set once, by rotate; claims is JSON text.
CREATE TABLE IF NOT EXISTS ${t.tokens} (
  hash            text   PRIMARY KEY,
  family_id       text   NOT NULL REFERENCES ${t.families} (family_id) ON DELETE CASCADE,
  subject         text   NOT NULL,
  parent_hash     text,
  created_at      bigint NOT NULL,
  expires_at      bigint NOT NULL,
  idle_expires_at bigint,
  used_at         bigint,
  claims          text   NOT NULL
)`,
    `-- Joins from a family to its tokens (and the foreign key's cascade).
CREATE INDEX IF NOT EXISTS jwtkit_refresh_tokens_family_id_idx ON ${t.tokens} (family_id)`,
    `-- deleteExpired: tokens past their expiry.
CREATE INDEX IF NOT EXISTS jwtkit_refresh_tokens_expires_at_idx ON ${t.tokens} (expires_at)`,
    `-- The access-token denylist: a revoked jti until the token's own exp.
CREATE TABLE IF NOT EXISTS ${t.jtis} (
  jti        text   PRIMARY KEY,
  expires_at bigint NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS jwtkit_revoked_jtis_expires_at_idx ON ${t.jtis} (expires_at)`,
    `-- Per-subject cutoffs: access tokens of the subject issued before cutoff are invalid.
CREATE TABLE IF NOT EXISTS ${t.cutoffs} (
  subject    text   PRIMARY KEY,
  cutoff     bigint NOT NULL,
  expires_at bigint NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS jwtkit_subject_cutoffs_expires_at_idx ON ${t.cutoffs} (expires_at)`,
  ];
}

/**
 * The schema of `PostgresRefreshTokenStore` and `PostgresRevocationStore` as one SQL migration
 * (PostgreSQL 12 or later; tables in the `search_path` schema). Idempotent (`IF NOT EXISTS`), so
 * it can be copied into your migration tool as it is, or applied with {@link migrate}. It creates
 * `jwtkit_refresh_families`, `jwtkit_refresh_tokens`, `jwtkit_revoked_jtis` and
 * `jwtkit_subject_cutoffs` with the indexes for hash lookup (primary keys), family and subject
 * revocation, and expiry cleanup; comments in the SQL describe each.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { POSTGRES_MIGRATION_SQL } from 'jwtkit/postgres';
 * writeFileSync('migrations/0001_jwtkit.sql', POSTGRES_MIGRATION_SQL);
 * ```
 * @throws never (a constant).
 */
export const POSTGRES_MIGRATION_SQL: string = `${migrationStatements(postgresTables(undefined)).join(';\n\n')};\n`;

/** Options of {@link migrate}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface MigrateOptions {
  /**
   * Create the tables in this schema (created too if missing) instead of the `search_path` one.
   * Pass the same `schema` to the stores. Default: none (the `search_path` schema, usually `public`).
   */
  schema?: string;
}

const MIGRATE_OPTION_NAMES = optionNames<MigrateOptions>({ schema: true });

/**
 * The key of the transaction-level advisory lock that serialises concurrent `migrate()` calls on one
 * database: the ASCII bytes of "jwtkit" as a bigint.
 */
const MIGRATION_LOCK_KEY = '117061286848884';

/**
 * Creates the tables and indexes of the PostgreSQL stores if they do not exist yet
 * ({@link POSTGRES_MIGRATION_SQL}). Safe to run from every instance at start-up: the migration is
 * one transaction that first takes `pg_advisory_xact_lock`, so concurrent calls run one after the
 * other, and every statement is idempotent (`IF NOT EXISTS`), so all of them succeed. With a client
 * that lends connections (a `pg` Pool's `connect()`), the transaction runs on one lent connection;
 * with `query()` alone (a `pg` Client), it is sent as one text of several statements. A driver
 * whose `query()` takes one statement at a time (PGlite) gets the statements one by one, neither
 * atomic nor serialised: run `migrate` from one process there.
 *
 * @param client - a `pg` Pool or Client, a PGlite database, or any {@link PostgresQueryable}.
 * @param options - see {@link MigrateOptions}.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate, PostgresRefreshTokenStore } from 'jwtkit/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool); // from every instance: concurrent calls wait for each other
 * const store = new PostgresRefreshTokenStore({ client: pool });
 * ```
 * @throws `ERR_INVALID_OPTION` when `client` has no `query` method, `schema` is not a plain
 * identifier or an option is unknown; `ERR_STORE_UNAVAILABLE` when a statement fails or the
 * migration does not finish within 60 seconds (nothing of it is then committed, except on a
 * one-statement-per-query driver; the driver error is the `cause`).
 */
export async function migrate(client: PostgresQueryable, options: MigrateOptions = {}): Promise<void> {
  checkOptionNames(options, MIGRATE_OPTION_NAMES, 'migrate');
  const tables = postgresTables(options.schema);
  // DDL can wait on locks (the advisory lock too): give it longer than a store call.
  const executor = new PostgresExecutor(client, 60_000);
  const statements = [
    ...(options.schema === undefined ? [] : [`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`]),
    ...migrationStatements(tables),
  ];
  try {
    await executor.transaction([`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`, ...statements]);
  } catch (error) {
    if (!refusesSeveralStatements(error)) throw error;
    // Nothing ran: the driver refused the text as a whole. The statements are idempotent.
    for (const statement of statements) await executor.read(statement, []);
  }
}
