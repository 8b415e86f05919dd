/**
 * A refresh burst through the token service with a fault injected in the middle, and the checks
 * that no refresh token was lost or duplicated by it.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Clock } from '../../../src/internal/clock.js';
import type { Duration } from '../../../src/internal/duration.js';
import { createTokenService } from '../../../src/tokens/token-service.js';
import { hashRefreshToken } from '../../../src/tokens/opaque.js';
import type { RefreshTokenStore } from '../../../src/tokens/store.js';
import type { TokenService } from '../../../src/tokens/types.js';

/** A token service on `store` with an HMAC key (the store, not signing, is under test). */
export function serviceOn(store: RefreshTokenStore, options: { reuseGrace?: Duration; clock?: Clock } = {}): TokenService {
  return createTokenService({
    key: createSecretKey(randomBytes(32)),
    alg: 'HS256',
    issuer: 'https://issuer.test',
    audience: 'https://api.test',
    store,
    ...options,
  });
}

/** What one refresh of the burst gave. */
export type BurstOutcome = { token: string; next: string | null; code: string | null };

/**
 * Refreshes every token once, one call every `spacingMs`, runs `fault` when `faultAfter` calls have
 * started, waits until every call settled, then runs `recover`.
 */
export async function refreshBurst(
  service: TokenService,
  tokens: readonly string[],
  plan: { spacingMs: number; faultAfter: number; fault: () => void | Promise<void>; recover: () => void | Promise<void> },
): Promise<BurstOutcome[]> {
  const calls: Promise<BurstOutcome>[] = [];
  let faulted: Promise<void> | undefined;
  for (const [index, token] of tokens.entries()) {
    if (index === plan.faultAfter) faulted = Promise.resolve(plan.fault());
    calls.push(
      service.refresh(token).then(
        (pair) => ({ token, next: pair.refreshToken, code: null }),
        (error: unknown) => ({ token, next: null, code: String((error as { code?: unknown }).code ?? 'no code') }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, plan.spacingMs));
  }
  const outcomes = await Promise.all(calls);
  await faulted;
  await plan.recover();
  return outcomes;
}

/** How a family looks after the burst, read through the store and the backend. */
export interface FamilyState {
  /** The presented token is marked used. */
  oldUsed: boolean;
  /** How many records the family holds (1: only the presented token; 2: it and one successor). */
  records: number;
  /** When the call succeeded: its successor is stored, unused. */
  successorLive: boolean | null;
}

/** Reads the state of each outcome's family; `countFamily` asks the backend for the family's size. */
export async function familyStates(
  store: RefreshTokenStore,
  outcomes: readonly BurstOutcome[],
  countFamily: (familyId: string) => Promise<number>,
): Promise<FamilyState[]> {
  const states: FamilyState[] = [];
  for (const outcome of outcomes) {
    const old = await store.find(hashRefreshToken(outcome.token));
    if (old === null) throw new Error('a presented refresh token vanished from the store');
    let successorLive: boolean | null = null;
    if (outcome.next !== null) {
      const successor = await store.find(hashRefreshToken(outcome.next));
      successorLive = successor !== null && successor.usedAt === null && !successor.revoked && successor.parentHash === old.hash;
    }
    states.push({ oldUsed: old.usedAt !== null, records: await countFamily(old.familyId), successorLive });
  }
  return states;
}

/** Waits until `probe` stops rejecting (the store works again), up to `timeoutMs`. */
export async function waitForStore(probe: () => Promise<unknown>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The outcomes as runs, e.g. `ok×21 ERR_STORE_UNAVAILABLE×39`. */
export function runsOf(outcomes: readonly BurstOutcome[]): string {
  const runs: [string, number][] = [];
  for (const outcome of outcomes) {
    const code = outcome.code ?? 'ok';
    const last = runs.at(-1);
    if (last !== undefined && last[0] === code) last[1]++;
    else runs.push([code, 1]);
  }
  return runs.map(([code, count]) => `${code}×${count}`).join(' ');
}

/**
 * Asserts the burst's shape: the calls before the fault succeeded, then (once the server stopped
 * answering) every call failed with ERR_STORE_UNAVAILABLE, at least 5 of them.
 */
export function expectOutage(outcomes: readonly BurstOutcome[], faultAfter: number): void {
  expect(runsOf(outcomes)).toMatch(/^ok×(\d+) ERR_STORE_UNAVAILABLE×(\d+)$/);
  const firstFailure = outcomes.findIndex((outcome) => outcome.code !== null);
  expect(firstFailure).toBeGreaterThanOrEqual(faultAfter - 1);
  expect(outcomes.length - firstFailure).toBeGreaterThanOrEqual(5);
}

/**
 * Asserts that no refresh token was lost or duplicated: every success left its old token used with
 * exactly one live successor; every failure left its family untouched (old token unused, no
 * successor), except possibly a call already executed by the server when the fault hit, whose
 * reply was lost (the contract allows "completed entirely" then): only the first two failures may
 * be such. Returns the tokens that are live now (to show that the store works after recovery).
 */
export function expectNothingLost(outcomes: readonly BurstOutcome[], states: readonly FamilyState[]): string[] {
  const firstFailure = outcomes.findIndex((outcome) => outcome.code !== null);
  const live: string[] = [];
  outcomes.forEach((outcome, index) => {
    const state = states[index] as FamilyState;
    if (outcome.code === null) {
      expect(state).toEqual({ oldUsed: true, records: 2, successorLive: true });
      live.push(outcome.next as string);
      return;
    }
    const completed = { oldUsed: true, records: 2, successorLive: null };
    const untouched = { oldUsed: false, records: 1, successorLive: null };
    expect(index - firstFailure < 2 ? [untouched, completed] : [untouched]).toContainEqual(state);
    if (!state.oldUsed) live.push(outcome.token);
  });
  return live;
}
