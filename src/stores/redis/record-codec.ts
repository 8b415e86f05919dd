/**
 * Converts between refresh-token records and the strings the Redis scripts store and return (the
 * checks themselves are shared with the other stores: `stores/shared/record-arguments.ts` and
 * `stores/shared/stored-record.ts`).
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import type { NewRefreshTokenRecord, RefreshTokenRecord } from '../../tokens/store.js';
import { encodeNewRecord } from '../shared/record-arguments.js';
import { decodeStoredRecord } from '../shared/stored-record.js';

/**
 * The script arguments of a new record: hash, subject, family, parent, created, expires, idle,
 * claims (JSON), with `''` for `null`. Throws `ERR_INVALID_OPTION` for a record that does not fit
 * the contract, before anything is sent.
 */
export function newRecordArguments(record: NewRefreshTokenRecord): string[] {
  const encoded = encodeNewRecord(record);
  return [
    encoded.hash,
    encoded.subject,
    encoded.familyId,
    encoded.parentHash ?? '',
    String(encoded.createdAt),
    String(encoded.expiresAt),
    encoded.idleExpiresAt === null ? '' : String(encoded.idleExpiresAt),
    encoded.claimsJson,
  ];
}

/**
 * Decodes `[revokedReason or '', field, value, field, value, ...]` (a script reply after its status)
 * into a record. Throws `ERR_STORE_UNAVAILABLE` for data this store did not write.
 */
export function decodeRecord(hash: string, reply: readonly unknown[]): RefreshTokenRecord {
  const map = new Map<string, string>();
  for (let index = 1; index + 1 < reply.length; index += 2) map.set(String(reply[index]), String(reply[index + 1]));
  const reason = String(reply[0] ?? '');
  const parent = map.get('parent');
  const used = map.get('used');
  if (!map.has('subject') || !map.has('family') || parent === undefined) {
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the Redis store holds an unreadable record');
  }
  return decodeStoredRecord(
    {
      hash,
      subject: map.get('subject'),
      familyId: map.get('family'),
      parentHash: parent === '' ? null : parent,
      createdAt: map.get('created'),
      expiresAt: map.get('expires'),
      idleExpiresAt: map.get('idle') === '' ? null : map.get('idle'),
      usedAt: used ?? null,
      claims: map.get('claims'),
      revokedReason: reason === '' ? null : reason,
    },
    'Redis',
  );
}
