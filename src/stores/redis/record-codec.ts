/**
 * Converts between refresh-token records and the strings the Redis scripts store and return.
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import type { NewRefreshTokenRecord, RefreshRevocationReason, RefreshTokenRecord } from '../../tokens/store.js';

const REASONS: ReadonlySet<string> = new Set<RefreshRevocationReason>(['reuse', 'logout', 'logout_all', 'admin']);

function corrupt(what: string): JwtError {
  return new JwtError('ERR_STORE_UNAVAILABLE', `the Redis store holds an unreadable ${what}`);
}

/** Checks that a time is an integer number of seconds; throws `ERR_INVALID_OPTION`. */
export function timeArgument(value: unknown, name: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be an integer number of seconds since the epoch`);
  }
  return String(value);
}

/** Checks that a value is a string; throws `ERR_INVALID_OPTION`. */
export function stringArgument(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a string`);
  return value;
}

/** Checks a revocation reason; throws `ERR_INVALID_OPTION`. */
export function reasonArgument(value: unknown): RefreshRevocationReason {
  if (typeof value !== 'string' || !REASONS.has(value)) {
    throw new JwtError('ERR_INVALID_OPTION', '"reason" must be one of reuse, logout, logout_all, admin');
  }
  return value as RefreshRevocationReason;
}

/**
 * The script arguments of a new record: hash, subject, family, parent, created, expires, idle,
 * claims (JSON). Throws `ERR_INVALID_OPTION` for a record that does not fit the contract, before
 * anything is sent.
 */
export function encodeNewRecord(record: NewRefreshTokenRecord): string[] {
  if (typeof record !== 'object' || record === null) throw new JwtError('ERR_INVALID_OPTION', 'a refresh token record must be an object');
  let claims: string | undefined;
  try {
    claims = JSON.stringify(record.claims);
  } catch (error) {
    throw new JwtError('ERR_INVALID_OPTION', 'refresh token claims must be JSON-serialisable', { cause: error });
  }
  if (typeof claims !== 'string' || !claims.startsWith('{')) {
    throw new JwtError('ERR_INVALID_OPTION', 'refresh token claims must be a JSON object');
  }
  return [
    stringArgument(record.hash, 'hash'),
    stringArgument(record.subject, 'subject'),
    stringArgument(record.familyId, 'familyId'),
    record.parentHash === null ? '' : stringArgument(record.parentHash, 'parentHash'),
    timeArgument(record.createdAt, 'createdAt'),
    timeArgument(record.expiresAt, 'expiresAt'),
    record.idleExpiresAt === null ? '' : timeArgument(record.idleExpiresAt, 'idleExpiresAt'),
    claims,
  ];
}

function readTime(text: string | undefined, nullable: boolean): number | null {
  if (nullable && text === '') return null;
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isSafeInteger(value)) throw corrupt('time');
  return value;
}

/**
 * Decodes `[revokedReason or '', field, value, field, value, ...]` (a script reply after its status)
 * into a record. Throws `ERR_STORE_UNAVAILABLE` for data this store did not write.
 */
export function decodeRecord(hash: string, reply: readonly unknown[]): RefreshTokenRecord {
  const map = new Map<string, string>();
  for (let index = 1; index + 1 < reply.length; index += 2) map.set(String(reply[index]), String(reply[index + 1]));
  const reason = String(reply[0] ?? '');
  if (reason !== '' && !REASONS.has(reason)) throw corrupt('revocation reason');
  const subject = map.get('subject');
  const familyId = map.get('family');
  const parent = map.get('parent');
  if (subject === undefined || familyId === undefined || parent === undefined) throw corrupt('record');
  let claims: unknown;
  try {
    claims = JSON.parse(map.get('claims') ?? '');
  } catch {
    throw corrupt('claims');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw corrupt('claims');
  const used = map.get('used');
  return {
    hash,
    subject,
    familyId,
    parentHash: parent === '' ? null : parent,
    createdAt: readTime(map.get('created'), false) as number,
    expiresAt: readTime(map.get('expires'), false) as number,
    idleExpiresAt: readTime(map.get('idle'), true),
    claims: claims as Record<string, unknown>,
    usedAt: used === undefined ? null : readTime(used, false),
    revoked: reason !== '',
    revokedReason: reason === '' ? null : (reason as RefreshRevocationReason),
  };
}
