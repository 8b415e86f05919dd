/**
 * The checks on what a store method over a database receives (times, strings, revocation
 * reasons, a whole new refresh-token record), made before anything is sent to the backend.
 * Shared by the Redis and PostgreSQL stores (only `src/stores/` imports `src/stores/shared/`); not
 * part of the public API.
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import { encodeClaims, type EncodedNewRecord } from '../../tokens/record-codec.js';
import type { NewRefreshTokenRecord, RefreshRevocationReason } from '../../tokens/store.js';

const REASONS: ReadonlySet<unknown> = new Set<RefreshRevocationReason>(['reuse', 'logout', 'logout_all', 'admin']);

/** Whether a value is one of the revocation reasons of the store contract. @internal */
export function isRevocationReason(value: unknown): value is RefreshRevocationReason {
  return REASONS.has(value);
}

/** Checks that a time is an integer number of seconds; throws `ERR_INVALID_OPTION`. @internal */
export function timeArgument(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be an integer number of seconds since the epoch`);
  }
  return value;
}

/** Checks that a value is a string; throws `ERR_INVALID_OPTION`. @internal */
export function stringArgument(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a string`);
  return value;
}

/** Checks a revocation reason; throws `ERR_INVALID_OPTION`. @internal */
export function reasonArgument(value: unknown): RefreshRevocationReason {
  if (!isRevocationReason(value)) {
    throw new JwtError('ERR_INVALID_OPTION', '"reason" must be one of reuse, logout, logout_all, admin');
  }
  return value;
}

/**
 * Checks every member of a new record and encodes its claims, before anything is sent to a
 * backend; throws `ERR_INVALID_OPTION` for a record that does not fit the contract. @internal
 */
export function encodeNewRecord(record: NewRefreshTokenRecord): EncodedNewRecord {
  if (typeof record !== 'object' || record === null) throw new JwtError('ERR_INVALID_OPTION', 'a refresh token record must be an object');
  const claimsJson = encodeClaims(record.claims);
  return {
    hash: stringArgument(record.hash, 'hash'),
    subject: stringArgument(record.subject, 'subject'),
    familyId: stringArgument(record.familyId, 'familyId'),
    parentHash: record.parentHash === null ? null : stringArgument(record.parentHash, 'parentHash'),
    createdAt: timeArgument(record.createdAt, 'createdAt'),
    expiresAt: timeArgument(record.expiresAt, 'expiresAt'),
    idleExpiresAt: record.idleExpiresAt === null ? null : timeArgument(record.idleExpiresAt, 'idleExpiresAt'),
    claimsJson,
  };
}
