/**
 * Converts between refresh-token records and the statement parameters and result rows of the
 * PostgreSQL stores (the checks themselves are shared with the other stores:
 * `stores/shared/record-arguments.ts` and `stores/shared/stored-record.ts`).
 *
 * @module
 * @internal
 */
import type { NewRefreshTokenRecord, RefreshTokenRecord } from '../../tokens/store.js';
import { encodeNewRecord } from '../shared/record-arguments.js';
import { decodeStoredRecord } from '../shared/stored-record.js';
import type { Row } from './client.js';

/** The columns a record is read from (tokens joined with families), in SELECT-list form for alias `t`/`f`. */
export const RECORD_COLUMNS =
  't.hash, t.family_id, t.subject, t.parent_hash, t.created_at, t.expires_at, t.idle_expires_at, t.used_at, t.claims, f.revoked_reason';

/**
 * The parameters of a new record, in this order: hash, subject, family id, parent hash, created,
 * expires, idle expires, claims (JSON text). Throws `ERR_INVALID_OPTION` for a record that does not
 * fit the contract, before anything is sent.
 */
export function newRecordParameters(record: NewRefreshTokenRecord): unknown[] {
  const encoded = encodeNewRecord(record);
  return [
    encoded.hash,
    encoded.subject,
    encoded.familyId,
    encoded.parentHash,
    encoded.createdAt,
    encoded.expiresAt,
    encoded.idleExpiresAt,
    encoded.claimsJson,
  ];
}

/** Reads a record from a row with {@link RECORD_COLUMNS}; `usedAt` overrides the stored one when given. */
export function recordFromRow(row: Row, usedAt?: number): RefreshTokenRecord {
  return decodeStoredRecord(
    {
      hash: row['hash'],
      subject: row['subject'],
      familyId: row['family_id'],
      parentHash: row['parent_hash'] ?? null,
      createdAt: row['created_at'],
      expiresAt: row['expires_at'],
      idleExpiresAt: row['idle_expires_at'] ?? null,
      usedAt: usedAt ?? row['used_at'] ?? null,
      claims: row['claims'],
      revokedReason: row['revoked_reason'] ?? null,
    },
    'PostgreSQL',
  );
}
