/**
 * Converts between refresh-token records and the statement parameters and result rows of the
 * PostgreSQL stores.
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import type { NewRefreshTokenRecord, RefreshRevocationReason, RefreshTokenRecord } from '../../tokens/store.js';
import { integerColumn, type Row } from './client.js';

const REASONS: ReadonlySet<string> = new Set<RefreshRevocationReason>(['reuse', 'logout', 'logout_all', 'admin']);

/** The columns a record is read from (tokens joined with families), in SELECT-list form for alias `t`/`f`. */
export const RECORD_COLUMNS =
  't.hash, t.family_id, t.subject, t.parent_hash, t.created_at, t.expires_at, t.idle_expires_at, t.used_at, t.claims, f.revoked_reason';

/** Checks that a time is an integer number of seconds; throws `ERR_INVALID_OPTION`. */
export function timeParameter(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be an integer number of seconds since the epoch`);
  }
  return value;
}

/** Checks that a value is a string; throws `ERR_INVALID_OPTION`. */
export function textParameter(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a string`);
  return value;
}

/** Checks a revocation reason; throws `ERR_INVALID_OPTION`. */
export function reasonParameter(value: unknown): RefreshRevocationReason {
  if (typeof value !== 'string' || !REASONS.has(value)) {
    throw new JwtError('ERR_INVALID_OPTION', '"reason" must be one of reuse, logout, logout_all, admin');
  }
  return value as RefreshRevocationReason;
}

/**
 * The parameters of a new record, in this order: hash, subject, family id, parent hash, created,
 * expires, idle expires, claims (JSON text). Throws `ERR_INVALID_OPTION` for a record that does not
 * fit the contract, before anything is sent.
 */
export function newRecordParameters(record: NewRefreshTokenRecord): unknown[] {
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
    textParameter(record.hash, 'hash'),
    textParameter(record.subject, 'subject'),
    textParameter(record.familyId, 'familyId'),
    record.parentHash === null ? null : textParameter(record.parentHash, 'parentHash'),
    timeParameter(record.createdAt, 'createdAt'),
    timeParameter(record.expiresAt, 'expiresAt'),
    record.idleExpiresAt === null ? null : timeParameter(record.idleExpiresAt, 'idleExpiresAt'),
    claims,
  ];
}

function corrupt(what: string): JwtError {
  return new JwtError('ERR_STORE_UNAVAILABLE', `the PostgreSQL store holds an unreadable ${what}`);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw corrupt(what);
  return value;
}

/** Reads a record from a row with {@link RECORD_COLUMNS}; `usedAt` overrides the stored one when given. */
export function recordFromRow(row: Row, usedAt?: number): RefreshTokenRecord {
  let claims: unknown;
  try {
    claims = JSON.parse(text(row['claims'], 'claims'));
  } catch {
    throw corrupt('claims');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw corrupt('claims');
  const reason = row['revoked_reason'] ?? null;
  if (reason !== null && (typeof reason !== 'string' || !REASONS.has(reason))) throw corrupt('revocation reason');
  const parent = row['parent_hash'] ?? null;
  const idle = row['idle_expires_at'] ?? null;
  const used = row['used_at'] ?? null;
  return {
    hash: text(row['hash'], 'hash'),
    subject: text(row['subject'], 'subject'),
    familyId: text(row['family_id'], 'family'),
    parentHash: parent === null ? null : text(parent, 'parent hash'),
    createdAt: integerColumn(row['created_at']),
    expiresAt: integerColumn(row['expires_at']),
    idleExpiresAt: idle === null ? null : integerColumn(idle),
    claims: claims as Record<string, unknown>,
    usedAt: usedAt ?? (used === null ? null : integerColumn(used)),
    revoked: reason !== null,
    revokedReason: reason as RefreshRevocationReason | null,
  };
}
