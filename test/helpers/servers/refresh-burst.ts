/**
 * A refresh burst through the token service with a fault injected in the middle, and the checks
 * that no refresh token was lost or duplicated by it.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { Clock } from '../../../src/internal/clock.js';
import type { Duration } from '../../../src/internal/duration.js';
import { createTokenService } from '../../../src/tokens/token-service.js';
import { parseRefreshToken } from '../../../src/tokens/refresh-token-format.js';
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

/** How a family looks after the burst, read through the store (one record per family, contract v2). */
export interface FamilyState {
  /** How many generations the family moved on from the presented token (0: untouched; 1: rotated once). */
  advanced: number;
  /** When the call succeeded: its successor is the family's current token, and the family is not revoked. */
  successorLive: boolean | null;
}

/** The routing part and hash of a refresh token of the v2 format. */
function routingOf(token: string): { familyId: string; generation: number; hash: string } {
  const parsed = parseRefreshToken(token);
  if (parsed?.format !== 'v2') throw new Error('the service issued a refresh token that is not of the v2 format');
  return parsed;
}

/** Reads the state of each outcome's family through the store. */
export async function familyStates(store: RefreshTokenStore, outcomes: readonly BurstOutcome[]): Promise<FamilyState[]> {
  const states: FamilyState[] = [];
  for (const outcome of outcomes) {
    const old = routingOf(outcome.token);
    const family = await store.find(old.familyId);
    if (family === null) throw new Error('a family of the burst vanished from the store');
    let successorLive: boolean | null = null;
    if (outcome.next !== null) {
      const next = routingOf(outcome.next);
      successorLive =
        next.familyId === old.familyId && next.generation === family.generation && next.hash === family.hash && !family.revoked;
    }
    states.push({ advanced: family.generation - old.generation, successorLive });
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
 * Asserts that no refresh token was lost or duplicated: every success moved its family on by one
 * generation, to its successor; every failure left its family untouched, except possibly a call
 * already executed by the server when the fault hit, whose reply was lost (the contract allows
 * "completed entirely" then): only the first two failures may be such. Returns the tokens that are
 * live now (to show that the store works after recovery).
 */
export function expectNothingLost(outcomes: readonly BurstOutcome[], states: readonly FamilyState[]): string[] {
  const firstFailure = outcomes.findIndex((outcome) => outcome.code !== null);
  const live: string[] = [];
  outcomes.forEach((outcome, index) => {
    const state = states[index] as FamilyState;
    if (outcome.code === null) {
      expect(state).toEqual({ advanced: 1, successorLive: true });
      live.push(outcome.next as string);
      return;
    }
    const completed = { advanced: 1, successorLive: null };
    const untouched = { advanced: 0, successorLive: null };
    expect(index - firstFailure < 2 ? [untouched, completed] : [untouched]).toContainEqual(state);
    if (state.advanced === 0) live.push(outcome.token);
  });
  return live;
}
