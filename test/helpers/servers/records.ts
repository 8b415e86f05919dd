/**
 * The tests' clock, random ids and hashes, families of store contract v2 and records of contract v1,
 * and error codes, for the store tests (the conformance kit has its own).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { LegacyRefreshTokenRecord } from '../../../src/testing/index.js';
import type { NewRefreshFamily, PresentedRefreshToken, RefreshFamily, RefreshSuccessor } from '../../../src/tokens/store.js';

/** The tests' frozen clock, in seconds. */
export const NOW = 1_700_000_000;

export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

export function randomHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('base64url');
}

/** The `code` of what a promise rejects with, or `'resolved'`. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return String((error as { code?: unknown }).code ?? (error as Error).name);
  }
}

/** A new family at {@link NOW}: one hour, ten minutes idle. */
export function newFamily(overrides: Partial<NewRefreshFamily> = {}): NewRefreshFamily {
  return {
    familyId: randomId(),
    subject: `user-${randomId()}`,
    hash: randomHash(),
    tagKey: randomBytes(32).toString('base64url'),
    createdAt: NOW,
    expiresAt: NOW + 3600,
    idleExpiresAt: NOW + 600,
    claims: { scope: 'read' },
    jkt: null,
    ...overrides,
  };
}

/** A successor token for a rotation at `now`. */
export function successorAt(now: number, overrides: Partial<RefreshSuccessor> = {}): RefreshSuccessor {
  return { hash: randomHash(), idleExpiresAt: now + 600, claims: { scope: 'read' }, ...overrides };
}

/** The presented token of a family's current generation (or of `generation`, with `hash`). */
export function presented(
  family: Pick<RefreshFamily, 'familyId' | 'hash'> & { generation?: number },
  overrides: Partial<PresentedRefreshToken> = {},
): PresentedRefreshToken {
  return { familyId: family.familyId, generation: family.generation ?? 0, hash: family.hash, ...overrides };
}

/** A token record of contract v1 at {@link NOW}, unused. */
export function legacyRecord(overrides: Partial<LegacyRefreshTokenRecord> = {}): LegacyRefreshTokenRecord {
  return {
    hash: randomHash(),
    subject: `user-${randomId()}`,
    familyId: randomId(),
    parentHash: null,
    createdAt: NOW,
    expiresAt: NOW + 3600,
    idleExpiresAt: NOW + 600,
    claims: { scope: 'read' },
    usedAt: null,
    ...overrides,
  };
}
