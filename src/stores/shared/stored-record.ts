/**
 * Reading back what a database store wrote: integers as the drivers return them, and whole
 * refresh-token families, refusing data the store did not write.
 * Shared by the Redis and PostgreSQL stores (only `src/stores/` imports `src/stores/shared/`); not
 * part of the public API.
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import type { RefreshFamily } from '../../tokens/store.js';
import { isRevocationReason } from './record-arguments.js';

/**
 * Reads an integer that a driver returned as a number, a bigint or a decimal string; `undefined`
 * when it is none of these or not a safe integer. @internal
 */
export function readStoredInteger(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'bigint' || (typeof value === 'string' && value !== '')
        ? Number(value)
        : Number.NaN;
  return Number.isSafeInteger(number) ? number : undefined;
}

/**
 * A stored family as a backend read it back: every member as the driver returned it, `null`
 * where the family has none (no idle limit, never rotated, not bound to a key, not revoked), and
 * `claims` as the JSON text that was stored. @internal
 */
export interface StoredFamilyFields {
  readonly familyId: unknown;
  readonly subject: unknown;
  readonly hash: unknown;
  readonly tagKey: unknown;
  readonly generation: unknown;
  readonly createdAt: unknown;
  readonly rotatedAt: unknown;
  readonly expiresAt: unknown;
  readonly idleExpiresAt: unknown;
  readonly claims: unknown;
  readonly jkt: unknown;
  readonly revokedReason: unknown;
}

/**
 * Checks what a backend read back and builds the family. Throws `ERR_STORE_UNAVAILABLE` ("the
 * `backend` store holds an unreadable ...") for data the store did not write, never returning a
 * made-up family. @internal
 */
export function decodeStoredFamily(fields: StoredFamilyFields, backend: string): RefreshFamily {
  const corrupt = (what: string): JwtError => new JwtError('ERR_STORE_UNAVAILABLE', `the ${backend} store holds an unreadable ${what}`);
  const text = (value: unknown, what: string): string => {
    if (typeof value !== 'string') throw corrupt(what);
    return value;
  };
  const time = (value: unknown): number => {
    const seconds = readStoredInteger(value);
    if (seconds === undefined) throw corrupt('time');
    return seconds;
  };
  let claims: unknown;
  try {
    claims = JSON.parse(text(fields.claims, 'claims'));
  } catch {
    throw corrupt('claims');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw corrupt('claims');
  const reason = fields.revokedReason;
  if (reason !== null && !isRevocationReason(reason)) throw corrupt('revocation reason');
  const generation = readStoredInteger(fields.generation);
  if (generation === undefined || generation < 0) throw corrupt('generation');
  return {
    familyId: text(fields.familyId, 'family'),
    subject: text(fields.subject, 'subject'),
    hash: text(fields.hash, 'hash'),
    tagKey: text(fields.tagKey, 'tag key'),
    generation,
    createdAt: time(fields.createdAt),
    rotatedAt: fields.rotatedAt === null ? null : time(fields.rotatedAt),
    expiresAt: time(fields.expiresAt),
    idleExpiresAt: fields.idleExpiresAt === null ? null : time(fields.idleExpiresAt),
    claims: claims as Record<string, unknown>,
    jkt: fields.jkt === null ? null : text(fields.jkt, 'key thumbprint'),
    revoked: reason !== null,
    revokedReason: reason,
  };
}
