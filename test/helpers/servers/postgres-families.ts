/**
 * Refresh-token families (store contract v2) for the PostgreSQL store tests, and records of
 * contract v1 written as the previous version of the store wrote them.
 */
import { readFileSync } from 'node:fs';
import type { PostgresQueryable } from '../../../src/stores/postgres/index.js';
import type { LegacyRefreshTokenRecord } from '../../../src/testing/index.js';

/** The migration of the previous version (store contract v1), as it created its tables. */
export const V1_MIGRATION_SQL = readFileSync(new URL('../../fixtures/postgres/migration-v1.sql', import.meta.url), 'utf8');

/**
 * Writes a record of contract v1 as the previous store did: its family row created (or its expiry
 * raised), then its token row (`used_at` as `rotate` of that version set it).
 */
export async function insertLegacyRecord(client: PostgresQueryable, record: LegacyRefreshTokenRecord, schema?: string): Promise<void> {
  const q = schema === undefined ? '' : `"${schema}".`;
  await client.query(
    `WITH family AS (
  INSERT INTO ${q}jwtkit_refresh_families AS f (family_id, subject, expires_at) VALUES ($3::text, $2::text, $6::bigint)
  ON CONFLICT (family_id) DO UPDATE SET expires_at = GREATEST(f.expires_at, EXCLUDED.expires_at)
  RETURNING f.family_id
)
INSERT INTO ${q}jwtkit_refresh_tokens (hash, family_id, subject, parent_hash, created_at, expires_at, idle_expires_at, used_at, claims)
SELECT $1::text, family.family_id, $2::text, $4::text, $5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::text FROM family`,
    [
      record.hash,
      record.subject,
      record.familyId,
      record.parentHash,
      record.createdAt,
      record.expiresAt,
      record.idleExpiresAt,
      record.usedAt,
      JSON.stringify(record.claims),
    ],
  );
}
