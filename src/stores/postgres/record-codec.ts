/**
 * Converts between refresh-token families and the statement parameters and result rows of the
 * PostgreSQL stores (the checks themselves are shared with the other stores:
 * `stores/shared/record-arguments.ts` and `stores/shared/stored-record.ts`).
 *
 * @module
 * @internal
 */
import type { NewRefreshFamily, RefreshFamily } from '../../tokens/store.js';
import { encodeNewFamily } from '../shared/record-arguments.js';
import { decodeStoredFamily } from '../shared/stored-record.js';
import type { Row } from './client.js';

/** The columns a family is read from, unqualified (a `SELECT` list or a `RETURNING` list). */
export const FAMILY_COLUMNS =
  'family_id, subject, hash, tag_key, generation, created_at, rotated_at, expires_at, idle_expires_at, claims, jkt, revoked_reason';

/**
 * The parameters of a new family, in this order: family id, subject, hash, tag key, created,
 * expires, idle expires, claims (JSON text), jkt. Throws `ERR_INVALID_OPTION` for a family that
 * does not fit the contract, before anything is sent.
 */
export function newFamilyParameters(family: NewRefreshFamily): unknown[] {
  const encoded = encodeNewFamily(family);
  return [
    encoded.familyId,
    encoded.subject,
    encoded.hash,
    encoded.tagKey,
    encoded.createdAt,
    encoded.expiresAt,
    encoded.idleExpiresAt,
    encoded.claimsJson,
    encoded.jkt,
  ];
}

/** Reads a family from a row with {@link FAMILY_COLUMNS}; `ERR_STORE_UNAVAILABLE` for data the store did not write. */
export function familyFromRow(row: Row): RefreshFamily {
  return decodeStoredFamily(
    {
      familyId: row['family_id'],
      subject: row['subject'],
      hash: row['hash'],
      tagKey: row['tag_key'],
      generation: row['generation'],
      createdAt: row['created_at'],
      rotatedAt: row['rotated_at'] ?? null,
      expiresAt: row['expires_at'],
      idleExpiresAt: row['idle_expires_at'] ?? null,
      claims: row['claims'],
      jkt: row['jkt'] ?? null,
      revokedReason: row['revoked_reason'] ?? null,
    },
    'PostgreSQL',
  );
}
