/** Refresh-token records for the store tests (the conformance kit has its own). */
import { createHash, randomBytes } from 'node:crypto';
import type { NewRefreshTokenRecord } from '../../../src/tokens/store.js';

/** The tests' frozen clock, in seconds. */
export const NOW = 1_700_000_000;

export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

export function randomHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('base64url');
}

export function firstRecord(overrides: Partial<NewRefreshTokenRecord> = {}): NewRefreshTokenRecord {
  return {
    hash: randomHash(),
    subject: `user-${randomId()}`,
    familyId: randomId(),
    parentHash: null,
    createdAt: NOW,
    expiresAt: NOW + 3600,
    idleExpiresAt: NOW + 600,
    claims: { scope: 'read' },
    ...overrides,
  };
}

export function successorOf(
  parent: NewRefreshTokenRecord,
  now: number,
  overrides: Partial<NewRefreshTokenRecord> = {},
): NewRefreshTokenRecord {
  return {
    hash: randomHash(),
    subject: parent.subject,
    familyId: parent.familyId,
    parentHash: parent.hash,
    createdAt: now,
    expiresAt: parent.expiresAt,
    idleExpiresAt: parent.idleExpiresAt === null ? null : Math.min(now + 600, parent.expiresAt),
    claims: structuredClone(parent.claims),
    ...overrides,
  };
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
