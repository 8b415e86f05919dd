import { describe, expect, it } from 'vitest';
import { isJwtError, type TokenPair } from '../../src/index.js';
import { ControllableStore, rejectsWith, setup } from './helpers.js';

const N = 200;

async function refreshConcurrently(refresh: (token: string) => Promise<TokenPair>, token: string) {
  const outcomes = await Promise.allSettled(Array.from({ length: N }, () => refresh(token)));
  const pairs = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const codes = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' ? [isJwtError(outcome.reason) ? outcome.reason.code : String(outcome.reason)] : [],
  );
  return { pairs, codes };
}

describe(`${N} concurrent refresh() calls with one token`, () => {
  for (const slow of [false, true]) {
    it(`give exactly one new pair; the rest ERR_REFRESH_REUSED (or REVOKED) and the family revoked (grace 0${slow ? ', slow store' : ''})`, async () => {
      const store = new ControllableStore();
      store.slow = slow;
      const { tokens, events } = setup({ store });
      const login = await tokens.issue('user-1');
      const { pairs, codes } = await refreshConcurrently(tokens.refresh, login.refreshToken);
      expect(pairs.length).toBe(1);
      // A loser that reaches the store before the session is revoked is ERR_REFRESH_REUSED (and
      // revokes it); one that comes after is ERR_REFRESH_REVOKED, as any later presentation. The
      // access tokens are signed on the thread pool, so the calls reach the store over many turns
      // of the event loop.
      expect(codes.length).toBe(N - 1);
      expect(codes).toContain('ERR_REFRESH_REUSED');
      expect(codes.filter((code) => code !== 'ERR_REFRESH_REUSED' && code !== 'ERR_REFRESH_REVOKED')).toEqual([]);
      // Reuse with grace 0 means a replay: the winner's branch is dead too.
      await rejectsWith(tokens.refresh((pairs[0] as TokenPair).refreshToken), 'ERR_REFRESH_REVOKED');
      expect(events.filter((event) => event.type === 'refreshed').length).toBe(1);
      expect(events.some((event) => event.type === 'family_revoked' && event.reason === 'reuse')).toBe(true);
    });
  }

  it('within the grace window: exactly one new pair, the rest ERR_REFRESH_REUSED, the family is NOT revoked', async () => {
    const store = new ControllableStore();
    store.slow = true;
    const { tokens, clock, events } = setup({ store, reuseGrace: '10s' });
    const login = await tokens.issue('user-1');
    const { pairs, codes } = await refreshConcurrently(tokens.refresh, login.refreshToken);
    expect(pairs.length).toBe(1);
    expect(codes).toEqual(Array.from({ length: N - 1 }, () => 'ERR_REFRESH_REUSED'));
    expect(events.filter((event) => event.type === 'family_revoked').length).toBe(0);
    const graceEvents = events.filter((event) => event.type === 'reuse_detected');
    expect(graceEvents.length).toBe(N - 1);
    expect(graceEvents.every((event) => event.type === 'reuse_detected' && event.withinGrace)).toBe(true);
    // The winner's pair keeps working.
    const winner = pairs[0] as TokenPair;
    await tokens.verifyAccessToken(winner.accessToken);
    const next = await tokens.refresh(winner.refreshToken);

    // Once the window has passed, presenting the old token is a replay: the family is revoked.
    clock.advance(10);
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.refresh(next.refreshToken), 'ERR_REFRESH_REVOKED');
  });

  it('the grace window is counted from the rotation: its last second still spares the family', async () => {
    const { tokens, clock } = setup({ reuseGrace: 3 });
    const login = await tokens.issue('user-1');
    const second = await tokens.refresh(login.refreshToken);
    clock.advance(2);
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    const third = await tokens.refresh(second.refreshToken);
    clock.advance(1);
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.refresh(third.refreshToken), 'ERR_REFRESH_REVOKED');
  });

  it('the deprecated reuseGraceSeconds (a number of seconds) still sets the window', async () => {
    const { tokens, clock, events } = setup({ reuseGraceSeconds: 3 });
    const login = await tokens.issue('user-1');
    const second = await tokens.refresh(login.refreshToken);
    clock.advance(2);
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    expect(
      events.filter((event) => event.type === 'reuse_detected').map((event) => event.type === 'reuse_detected' && event.withinGrace),
    ).toEqual([true]);
    clock.advance(1);
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.refresh(second.refreshToken), 'ERR_REFRESH_REVOKED');
  });
});
