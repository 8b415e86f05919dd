/**
 * What every refresh-token store keeps of a new record: its claims as JSON text, and the error
 * for a hash that is already stored. Used by the memory store here and by the database stores
 * (whose own argument checks and decoding live in `src/stores/shared/`); not part of the public API.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';

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

/** A new record as a store keeps it: its claims as JSON text (see {@link encodeClaims}). @internal */
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
