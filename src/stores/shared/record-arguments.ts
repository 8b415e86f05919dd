/**
 * The checks on what a store method over a database receives (times, strings, revocation
 * reasons, a whole new refresh-token family or successor), made before anything is sent to the
 * backend. Shared by the Redis and PostgreSQL stores (only `src/stores/` imports
 * `src/stores/shared/`); not part of the public API.
 *
 * @module
 * @internal
 */
import { JwtError } from '../../errors.js';
import { encodeClaims, objectArgument, type EncodedNewFamily, type EncodedSuccessor } from '../../tokens/record-codec.js';
import {
  REFRESH_REVOCATION_REASONS,
  type NewRefreshFamily,
  type PresentedRefreshToken,
  type RefreshRevocationReason,
  type RefreshSuccessor,
} from '../../tokens/store.js';

const REASONS: ReadonlySet<unknown> = new Set<RefreshRevocationReason>(REFRESH_REVOCATION_REASONS);

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

/** Checks that a value is a non-negative safe integer (a generation, a cap); throws `ERR_INVALID_OPTION`. @internal */
export function countArgument(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a non-negative integer`);
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
    throw new JwtError('ERR_INVALID_OPTION', `"reason" must be one of ${REFRESH_REVOCATION_REASONS.join(', ')}`);
  }
  return value;
}

/**
 * Checks every member of a new family and encodes its claims, before anything is sent to a
 * backend; throws `ERR_INVALID_OPTION` for a family that does not fit the contract. @internal
 */
export function encodeNewFamily(family: NewRefreshFamily): EncodedNewFamily {
  objectArgument(family, 'a refresh token family');
  const claimsJson = encodeClaims(family.claims);
  return {
    familyId: stringArgument(family.familyId, 'familyId'),
    subject: stringArgument(family.subject, 'subject'),
    hash: stringArgument(family.hash, 'hash'),
    tagKey: stringArgument(family.tagKey, 'tagKey'),
    createdAt: timeArgument(family.createdAt, 'createdAt'),
    expiresAt: timeArgument(family.expiresAt, 'expiresAt'),
    idleExpiresAt: family.idleExpiresAt === null ? null : timeArgument(family.idleExpiresAt, 'idleExpiresAt'),
    claimsJson,
    jkt: family.jkt === null ? null : stringArgument(family.jkt, 'jkt'),
  };
}

/** Checks a successor and encodes its claims; throws `ERR_INVALID_OPTION`. @internal */
export function encodeSuccessor(successor: RefreshSuccessor): EncodedSuccessor {
  objectArgument(successor, 'a refresh token successor');
  const claimsJson = encodeClaims(successor.claims);
  return {
    hash: stringArgument(successor.hash, 'hash'),
    idleExpiresAt: successor.idleExpiresAt === null ? null : timeArgument(successor.idleExpiresAt, 'idleExpiresAt'),
    claimsJson,
  };
}

/** Checks a presented token's routing part and hash; throws `ERR_INVALID_OPTION`. @internal */
export function presentedArgument(presented: PresentedRefreshToken): PresentedRefreshToken {
  objectArgument(presented, 'a presented refresh token');
  return {
    familyId: stringArgument(presented.familyId, 'familyId'),
    generation: countArgument(presented.generation, 'generation'),
    hash: stringArgument(presented.hash, 'hash'),
  };
}
