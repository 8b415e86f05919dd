/**
 * The tables of the PostgreSQL stores, as a migration (`POSTGRES_MIGRATION_SQL`) and a helper that
 * applies it (`migrate`), plus the qualified table names the stores use.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { REFRESH_REVOCATION_REASONS } from '../../tokens/store.js';
import { PostgresExecutor, refusesSeveralStatements, type PostgresQueryable } from './client.js';

/** The table names, qualified with the schema when one is configured. @internal */
export interface PostgresTables {
  readonly families: string;
  readonly tokens: string;
  readonly jtis: string;
  readonly sessions: string;
  readonly cutoffs: string;
  readonly keyRings: string;
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
    sessions: `${q}jwtkit_revoked_sessions`,
    cutoffs: `${q}jwtkit_subject_cutoffs`,
    keyRings: `${q}jwtkit_key_rings`,
  };
}

/**
 * The name of the CHECK constraint on `revoked_reason`: the one PostgreSQL gave the column's
 * unnamed CHECK in the first schema (`<table>_<column>_check`), so the migration finds it in a
 * database created by an earlier version.
 */
const REASON_CHECK = 'jwtkit_refresh_families_revoked_reason_check';

function reasonCheck(): string {
  return `CHECK (revoked_reason IN (${REFRESH_REVOCATION_REASONS.map((reason) => `'${reason}'`).join(', ')}))`;
}

function migrationStatements(t: PostgresTables): string[] {
  // The constraint as PostgreSQL prints it lists each reason as 'reason'::text.
  const hasEveryReason = REFRESH_REVOCATION_REASONS.map((reason) => `pg_get_constraintdef(oid) LIKE '%''${reason}''%'`).join(
    '\n        AND ',
  );
  return [
    `-- One row per refresh-token family (one login, a "session"), whatever the number of rotations:
-- the family's state and the hash of its CURRENT token only (store contract v2). rotate is one
-- conditional UPDATE of this row (generation, hash, revoked_reason and the expiries in its WHERE),
-- so revocation and rotation of a family are serialised by its row lock. Times are seconds since
-- the epoch; claims is JSON text; hash is the Base64Url SHA-256 of the current token's secret part
-- (never a token); tag_key lets the token service recognise a token of an earlier generation.
-- family_id, subject, expires_at and revoked_reason date from the first schema; a family created
-- by it (one row per token in jwtkit_refresh_tokens) has NULL in every other column until
-- adoptLegacy gives it a v2 state.
CREATE TABLE IF NOT EXISTS ${t.families} (
  family_id      text   PRIMARY KEY,
  subject        text   NOT NULL,
  expires_at     bigint NOT NULL,
  revoked_reason text   CONSTRAINT ${REASON_CHECK} ${reasonCheck()}
)`,
    `-- The v2 state of a family (ADD COLUMN IF NOT EXISTS: a table of the first schema gets it too;
-- nullable columns without a default change no existing row).
ALTER TABLE ${t.families}
  ADD COLUMN IF NOT EXISTS hash            text,
  ADD COLUMN IF NOT EXISTS tag_key         text,
  ADD COLUMN IF NOT EXISTS generation      bigint,
  ADD COLUMN IF NOT EXISTS created_at      bigint,
  ADD COLUMN IF NOT EXISTS rotated_at      bigint,
  ADD COLUMN IF NOT EXISTS idle_expires_at bigint,
  ADD COLUMN IF NOT EXISTS claims          text,
  ADD COLUMN IF NOT EXISTS jkt             text`,
    `-- Every revocation reason of the current version: a table of an earlier version gets the current
-- CHECK, dropped and added again under its name. Only when a reason is missing, so that a repeated
-- migration neither locks the table for it nor scans it to validate the constraint.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_constraint
    WHERE conrelid = '${t.families}'::regclass AND conname = '${REASON_CHECK}'
        AND ${hasEveryReason}
  ) THEN
    ALTER TABLE ${t.families}
      DROP CONSTRAINT IF EXISTS ${REASON_CHECK},
      ADD CONSTRAINT ${REASON_CHECK} ${reasonCheck()};
  END IF;
END
$$`,
    `-- revokeSubject: every family of a subject (revoked ones too: it answers them all).
CREATE INDEX IF NOT EXISTS jwtkit_refresh_families_subject_idx ON ${t.families} (subject)`,
    `-- insert's session cap: the subject's families not revoked, by age, without reading the
-- revoked ones that stay until they expire. None of its columns changes on rotate, so a rotation
-- can stay a heap-only (HOT) update that writes no index entry.
CREATE INDEX IF NOT EXISTS jwtkit_refresh_families_live_idx ON ${t.families} (subject, created_at, family_id)
  WHERE revoked_reason IS NULL`,
    `-- deleteExpired: families past their expiry.
CREATE INDEX IF NOT EXISTS jwtkit_refresh_families_expires_at_idx ON ${t.families} (expires_at)`,
    `-- Refresh tokens of the first schema (store contract v1): one row per token, keyed by the
-- Base64Url SHA-256 of the token (never the token). Written by no current code: adoptLegacy reads
-- them (used_at tells a used token), and deleteExpired removes them once expired, or with their family.
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
    `-- The foreign key's cascade from a family to its tokens of the first schema.
CREATE INDEX IF NOT EXISTS jwtkit_refresh_tokens_family_id_idx ON ${t.tokens} (family_id)`,
    `-- deleteExpired: tokens of the first schema past their expiry.
CREATE INDEX IF NOT EXISTS jwtkit_refresh_tokens_expires_at_idx ON ${t.tokens} (expires_at)`,
    `-- The access-token denylist: a revoked jti until the token's own exp.
CREATE TABLE IF NOT EXISTS ${t.jtis} (
  jti        text   PRIMARY KEY,
  expires_at bigint NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS jwtkit_revoked_jtis_expires_at_idx ON ${t.jtis} (expires_at)`,
    `-- Revoked sessions: access tokens whose sid is a revoked family id, until the last of them expired.
CREATE TABLE IF NOT EXISTS ${t.sessions} (
  sid        text   PRIMARY KEY,
  expires_at bigint NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS jwtkit_revoked_sessions_expires_at_idx ON ${t.sessions} (expires_at)`,
    `-- Per-subject cutoffs: access tokens of the subject issued before cutoff are invalid.
CREATE TABLE IF NOT EXISTS ${t.cutoffs} (
  subject    text   PRIMARY KEY,
  cutoff     bigint NOT NULL,
  expires_at bigint NOT NULL
)`,
    `CREATE INDEX IF NOT EXISTS jwtkit_subject_cutoffs_expires_at_idx ON ${t.cutoffs} (expires_at)`,
    `-- Shared key rings (createSharedKeyRing): one row per ring, its state document (private keys
-- encrypted by the ring, never in the clear) and a version that every compare-and-set raises.
CREATE TABLE IF NOT EXISTS ${t.keyRings} (
  ring_id text   PRIMARY KEY,
  version bigint NOT NULL,
  state   text   NOT NULL
)`,
  ];
}

/**
 * The schema of `PostgresRefreshTokenStore` and `PostgresRevocationStore` as one SQL migration
 * (PostgreSQL 12 or later; tables in the `search_path` schema). Idempotent, and it brings either an
 * empty database or one migrated by an earlier version (store contract v1) to the current schema,
 * so it can be copied into your migration tool as it is (as a new migration after the one you
 * copied before), or applied with {@link migrate}. It creates `jwtkit_refresh_families` (one row
 * per session: the family's state and its current token's hash), `jwtkit_refresh_tokens` (the
 * per-token rows of contract v1, read until they expire), `jwtkit_revoked_jtis`,
 * `jwtkit_revoked_sessions`, `jwtkit_subject_cutoffs` and `jwtkit_key_rings` (the state of each
 * shared key ring, for `PostgresKeyRingStore`), with the indexes for lookup (primary
 * keys), subject revocation, the session cap and expiry cleanup; on a table of contract v1 it
 * adds the columns of contract v2 and replaces the CHECK on `revoked_reason` with one that
 * accepts the current reasons. Comments in the SQL describe each statement.
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
 * Creates the tables and indexes of the PostgreSQL stores if they do not exist yet, and brings
 * tables created by an earlier version up to date ({@link POSTGRES_MIGRATION_SQL}). Safe to run from
 * every instance at start-up: the migration is one transaction that first takes
 * `pg_advisory_xact_lock`, so concurrent calls run one after the other, and every statement is
 * idempotent (`IF NOT EXISTS`, and a constraint replaced only when it lacks a reason), so all of
 * them succeed. With a client
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
