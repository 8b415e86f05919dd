/**
 * What every refresh-token store keeps of a new family or a successor: its claims as JSON text,
 * and the error for a family id that is already stored. Used by the memory store here and by the database stores
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
 * Checks that a store argument (a family, a successor, a presented token) is an object before a
 * member of it is read; throws `ERR_INVALID_OPTION` naming it. @internal
 */
export function objectArgument<T>(value: T, what: string): T {
  if (typeof value !== 'object' || value === null) throw new JwtError('ERR_INVALID_OPTION', `${what} must be an object`);
  return value;
}

/** Checks a session cap (a positive safe integer); throws `ERR_INVALID_OPTION`. @internal */
export function capArgument(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new JwtError('ERR_INVALID_OPTION', '"maxFamiliesPerSubject" must be a positive integer');
  }
  return value;
}

/**
 * The error for a family whose id is already stored: a store never replaces a family, and a
 * caller that reuses an id misuses it (`ERR_INVALID_OPTION`). @internal
 */
export function duplicateFamilyError(cause?: unknown): JwtError {
  const message = 'a refresh token family with this id already exists';
  return new JwtError('ERR_INVALID_OPTION', message, cause === undefined ? undefined : { cause });
}

/** A new family as a store keeps it: its claims as JSON text (see {@link encodeClaims}). @internal */
export interface EncodedNewFamily {
  readonly familyId: string;
  readonly subject: string;
  readonly hash: string;
  readonly tagKey: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly idleExpiresAt: number | null;
  readonly claimsJson: string;
  readonly jkt: string | null;
}

/** A successor as a store keeps it: its claims as JSON text. @internal */
export interface EncodedSuccessor {
  readonly hash: string;
  readonly idleExpiresAt: number | null;
  readonly claimsJson: string;
}
