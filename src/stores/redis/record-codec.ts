/**
 * Converts between refresh-token families and the strings the Redis scripts store and return (the
 * checks themselves are shared with the other stores: `stores/shared/record-arguments.ts` and
 * `stores/shared/stored-record.ts`).
 *
 * @module
 * @internal
 */
import type { NewRefreshFamily, RefreshFamily, RefreshSuccessor, RevokedFamily } from '../../tokens/store.js';
import { encodeNewFamily, encodeSuccessor } from '../shared/record-arguments.js';
import { decodeStoredFamily, readStoredInteger } from '../shared/stored-record.js';
import { unexpectedReply } from './client.js';

/**
 * The script arguments of a new family: familyId, subject, hash, tag key, created, expires, idle,
 * claims (JSON), jkt, with `''` for `null`. Throws `ERR_INVALID_OPTION` for a family that does not
 * fit the contract, before anything is sent.
 */
export function newFamilyArguments(family: NewRefreshFamily): string[] {
  const encoded = encodeNewFamily(family);
  return [
    encoded.familyId,
    encoded.subject,
    encoded.hash,
    encoded.tagKey,
    String(encoded.createdAt),
    String(encoded.expiresAt),
    encoded.idleExpiresAt === null ? '' : String(encoded.idleExpiresAt),
    encoded.claimsJson,
    encoded.jkt ?? '',
  ];
}

/** The script arguments of a successor: hash, idle (`''` for `null`), claims (JSON). Throws `ERR_INVALID_OPTION`. */
export function successorArguments(successor: RefreshSuccessor): string[] {
  const encoded = encodeSuccessor(successor);
  return [encoded.hash, encoded.idleExpiresAt === null ? '' : String(encoded.idleExpiresAt), encoded.claimsJson];
}

/**
 * Decodes `[revokedReason or '', field, value, field, value, ...]` (a script reply after its status:
 * the family key's fields) into a family. Throws `ERR_STORE_UNAVAILABLE` for data this store did
 * not write.
 */
export function decodeFamily(familyId: string, reply: readonly unknown[]): RefreshFamily {
  const map = new Map<string, unknown>();
  for (let index = 1; index + 1 < reply.length; index += 2) map.set(String(reply[index]), reply[index + 1]);
  const orNull = (name: string): unknown => (map.get(name) === '' ? null : map.get(name));
  const reason = reply[0];
  return decodeStoredFamily(
    {
      familyId,
      subject: map.get('subject'),
      hash: map.get('hash'),
      tagKey: map.get('tag'),
      generation: map.get('gen'),
      createdAt: map.get('created'),
      rotatedAt: orNull('rotated'),
      expiresAt: map.get('expires'),
      idleExpiresAt: orNull('idle'),
      claims: map.get('claims'),
      jkt: orNull('jkt'),
      revokedReason: reason === '' ? null : reason,
    },
    'Redis',
  );
}

/** Decodes `[familyId, expiresAt, ...]` (the tail of a revoking script's reply). Throws `ERR_STORE_UNAVAILABLE`. */
export function decodeRevokedFamilies(pairs: readonly unknown[]): RevokedFamily[] {
  if (pairs.length % 2 !== 0) throw unexpectedReply();
  const families: RevokedFamily[] = [];
  for (let index = 0; index < pairs.length; index += 2) {
    const familyId = pairs[index];
    const expiresAt = readStoredInteger(pairs[index + 1]);
    if (typeof familyId !== 'string' || expiresAt === undefined) throw unexpectedReply();
    families.push({ familyId, expiresAt });
  }
  return families;
}
