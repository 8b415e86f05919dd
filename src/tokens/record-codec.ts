/**
 * What every store that keeps records outside the process needs: checking the arguments a store
 * method receives, encoding a new refresh-token record (claims as JSON text), and turning what a
 * backend read back into a {@link RefreshTokenRecord}, refusing data the store did not write.
 * Used by the memory, Redis and PostgreSQL stores; not part of the public API.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';
import type { NewRefreshTokenRecord, RefreshRevocationReason, RefreshTokenRecord } from './store.js';

const REASONS: ReadonlySet<unknown> = new Set<RefreshRevocationReason>(['reuse', 'logout', 'logout_all', 'admin']);

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
  if (!REASONS.has(value)) {
    throw new JwtError('ERR_INVALID_OPTION', '"reason" must be one of reuse, logout, logout_all, admin');
  }
  return value as RefreshRevocationReason;
}

/**
 * Serialises a record's claims as a store keeps them; throws `ERR_INVALID_OPTION` when they are not
 * a JSON object. @internal
 */
export function encodeClaims(claims: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(claims);
  } catch (error) {
    throw new JwtError('ERR_INVALID_OPTION', 'refresh token claims must be JSON-serialisable', { cause: error });
  }
  if (typeof json !== 'string' || !json.startsWith('{')) {
    throw new JwtError('ERR_INVALID_OPTION', 'refresh token claims must be a JSON object');
  }
  return json;
}

/**
 * The error for a record whose hash is already stored: a store never replaces a record, and a
 * caller that reuses a hash misuses it (`ERR_INVALID_OPTION`). @internal
 */
export function duplicateHashError(cause?: unknown): JwtError {
  const message = 'a refresh token record with this hash already exists';
  return new JwtError('ERR_INVALID_OPTION', message, cause === undefined ? undefined : { cause });
}

/** A new record as a store keeps it: its claims as JSON text (see {@link encodeNewRecord}). @internal */
export interface EncodedNewRecord {
  readonly hash: string;
  readonly subject: string;
  readonly familyId: string;
  readonly parentHash: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly idleExpiresAt: number | null;
  readonly claimsJson: string;
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
 * A stored record as a backend read it back: every member as the driver returned it, `null`
 * where the record has none (a first token's parent, no idle limit, not used, not revoked), and
 * `claims` as the JSON text that was stored. @internal
 */
export interface StoredRecordFields {
  readonly hash: unknown;
  readonly subject: unknown;
  readonly familyId: unknown;
  readonly parentHash: unknown;
  readonly createdAt: unknown;
  readonly expiresAt: unknown;
  readonly idleExpiresAt: unknown;
  readonly usedAt: unknown;
  readonly claims: unknown;
  readonly revokedReason: unknown;
}

/**
 * Checks what a backend read back and builds the record. Throws `ERR_STORE_UNAVAILABLE` ("the
 * `backend` store holds an unreadable ...") for data the store did not write, never returning a
 * made-up record. @internal
 */
export function decodeStoredRecord(fields: StoredRecordFields, backend: string): RefreshTokenRecord {
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
  if (reason !== null && !REASONS.has(reason)) throw corrupt('revocation reason');
  return {
    hash: text(fields.hash, 'hash'),
    subject: text(fields.subject, 'subject'),
    familyId: text(fields.familyId, 'family'),
    parentHash: fields.parentHash === null ? null : text(fields.parentHash, 'parent hash'),
    createdAt: time(fields.createdAt),
    expiresAt: time(fields.expiresAt),
    idleExpiresAt: fields.idleExpiresAt === null ? null : time(fields.idleExpiresAt),
    claims: claims as Record<string, unknown>,
    usedAt: fields.usedAt === null ? null : time(fields.usedAt),
    revoked: reason !== null,
    revokedReason: reason as RefreshRevocationReason | null,
  };
}
