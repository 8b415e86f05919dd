/**
 * Fixtures for the token-service tests: a key pair, a fake clock, recording and failing stores,
 * and an assertion on error codes.
 */
import { expect } from 'vitest';
import {
  createTokenService,
  generateKeyPair,
  isJwtError,
  MemoryRefreshTokenStore,
  MemoryRevocationStore,
  type JwtErrorCode,
  type NewRefreshFamily,
  type PresentedRefreshToken,
  type RefreshSuccessor,
  type RefreshTokenStore,
  type RevocationStore,
  type TokenService,
  type TokenServiceEvent,
  type TokenServiceOptions,
} from '../../src/index.js';
import { createFakeClock, type FakeClock } from '../../src/testing/index.js';

export const ISSUER = 'https://auth.example.test';
export const AUDIENCE = 'https://api.example.test';

/** One ES256 key pair for the whole file (generation is the slow part). */
export const keys = await generateKeyPair('ES256');

export interface Setup {
  tokens: TokenService<{ scope?: string; roles?: string[] }>;
  clock: FakeClock;
  store: MemoryRefreshTokenStore;
  revocations: MemoryRevocationStore;
  events: TokenServiceEvent[];
}

/** A token service on memory stores with a fake clock that records its events. */
export function setup(overrides: Partial<TokenServiceOptions<{ scope?: string; roles?: string[] }>> = {}): Setup {
  const clock = createFakeClock();
  const store = new MemoryRefreshTokenStore();
  const revocations = new MemoryRevocationStore();
  const events: TokenServiceEvent[] = [];
  const tokens = createTokenService<{ scope?: string; roles?: string[] }>({
    key: keys.privateKey,
    issuer: ISSUER,
    audience: AUDIENCE,
    store,
    revocationStore: revocations,
    clock,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { tokens, clock, store, revocations, events };
}

/** Asserts that a promise rejects with a JwtError of `code`, and returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: JwtErrorCode): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(isJwtError(caught) ? caught.code : caught).toBe(code);
  return caught as Error;
}

/** What each store method may do wrong, set by the test. */
export type FailureMode = 'none' | 'throw-before' | 'throw-after' | 'plain-error';

/**
 * A store that delegates to a memory store, records every argument it receives (to prove no
 * plaintext token reaches it), and fails on demand, before or after doing the work.
 */
export class ControllableStore implements RefreshTokenStore {
  readonly inner = new MemoryRefreshTokenStore();
  readonly received: string[] = [];
  readonly failures: Partial<Record<keyof RefreshTokenStore, FailureMode>> = {};
  /** Yield to the event loop between steps, like a networked store. */
  slow = false;

  async insert(family: NewRefreshFamily, maxFamiliesPerSubject: number) {
    return this.#run('insert', [family, maxFamiliesPerSubject], () => this.inner.insert(family, maxFamiliesPerSubject));
  }
  async find(familyId: string) {
    return this.#run('find', [familyId], () => this.inner.find(familyId));
  }
  async rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number) {
    return this.#run('rotate', [presented, successor, now], () => this.inner.rotate(presented, successor, now));
  }
  async revokeFamily(familyId: string, reason: Parameters<RefreshTokenStore['revokeFamily']>[1]) {
    return this.#run('revokeFamily', [familyId, reason], () => this.inner.revokeFamily(familyId, reason));
  }
  async revokeSubject(subject: string, reason: Parameters<RefreshTokenStore['revokeSubject']>[1], now: number) {
    return this.#run('revokeSubject', [subject, reason, now], () => this.inner.revokeSubject(subject, reason, now));
  }
  async deleteExpired(now: number) {
    return this.#run('deleteExpired', [now], () => this.inner.deleteExpired(now));
  }

  async #run<T>(method: keyof RefreshTokenStore, args: unknown[], work: () => Promise<T>): Promise<T> {
    this.received.push(JSON.stringify(args));
    if (this.slow) await new Promise((resolve) => setImmediate(resolve));
    const mode = this.failures[method] ?? 'none';
    if (mode === 'throw-before') throw new Error('connection refused');
    if (mode === 'plain-error') throw new TypeError('driver bug');
    const result = await work();
    if (this.slow) await new Promise((resolve) => setImmediate(resolve));
    if (mode === 'throw-after') throw new Error('connection reset after commit');
    return result;
  }
}

/** A revocation store that delegates to `inner`, with the methods of `overrides` in place of its own (to fail or record on demand). */
export function revocationStoreWith(inner: RevocationStore, overrides: Partial<RevocationStore>): RevocationStore {
  return {
    revokeJti: (...args) => inner.revokeJti(...args),
    isJtiRevoked: (...args) => inner.isJtiRevoked(...args),
    revokeSession: (...args) => inner.revokeSession(...args),
    isSessionRevoked: (...args) => inner.isSessionRevoked(...args),
    revokeIssuedBefore: (...args) => inner.revokeIssuedBefore(...args),
    issuedBeforeCutoff: (...args) => inner.issuedBeforeCutoff(...args),
    deleteExpired: (...args) => inner.deleteExpired(...args),
    ...overrides,
  };
}

/** A revocation store that fails on every call. */
export const failingRevocationStore: RevocationStore = {
  revokeJti: async () => {
    throw new Error('down');
  },
  isJtiRevoked: async () => {
    throw new Error('down');
  },
  revokeSession: async () => {
    throw new Error('down');
  },
  isSessionRevoked: async () => {
    throw new Error('down');
  },
  revokeIssuedBefore: async () => {
    throw new Error('down');
  },
  issuedBeforeCutoff: async () => {
    throw new Error('down');
  },
  deleteExpired: async () => {
    throw new Error('down');
  },
};

/** The session (family id) a refresh token of the current format names: its first part. */
export function sessionOf(refreshToken: string): string {
  return refreshToken.slice(0, refreshToken.indexOf('.'));
}

/** Decodes a compact JWT's header and payload without verifying (test inspection only). */
export function inspect(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}
