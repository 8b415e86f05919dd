/**
 * Session revocation (docs/security.md, "Session revocation"): logout, logout everywhere, reuse
 * detection and the session cap reach the access tokens of the sessions they end, through the
 * `sid` claim and the revocation store, with a frozen clock. The first three blocks reproduce the
 * holes of the first store contract (a whole-second cutoff, access tokens outliving their session,
 * a grace window that hid a thief); they fail on it.
 */
import { describe, expect, it } from 'vitest';
import { createRevocationCheck, createTokenService, MemoryRevocationStore } from '../../src/index.js';
import { AUDIENCE, inspect, ISSUER, keys, rejectsWith, revocationStoreWith, sessionOf, setup } from './helpers.js';

/** The tag of a v2 refresh token flipped: its secret is no longer one the service issued. */
function forged(refreshToken: string): string {
  const dot = refreshToken.lastIndexOf('.');
  const secret = Buffer.from(refreshToken.slice(dot + 1), 'base64url');
  secret[31] = (secret[31] ?? 0) ^ 1;
  return `${refreshToken.slice(0, dot + 1)}${secret.toString('base64url')}`;
}

describe('logout everywhere reaches every token of the same second', () => {
  it('an access token issued earlier in the same second as revokeAll is refused', async () => {
    const { tokens, clock } = setup();
    clock.set(new Date(1_700_000_000_200));
    const first = await tokens.issue('alice');
    clock.set(new Date(1_700_000_000_400));
    const refreshed = await tokens.refresh(first.refreshToken);
    clock.set(new Date(1_700_000_000_600));
    await tokens.revokeAll('alice');
    for (const pair of [first, refreshed]) await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_JWT_REVOKED');
    await rejectsWith(tokens.refresh(refreshed.refreshToken), 'ERR_REFRESH_REVOKED');
  });

  it('a thief refreshing every 200 ms survives none of ten revocations', async () => {
    const { tokens, clock } = setup();
    clock.set(new Date(1_700_000_000_000));
    let survived = 0;
    for (let round = 0; round < 10; round += 1) {
      let pair = await tokens.issue('victim');
      clock.advance(0.2);
      pair = await tokens.refresh(pair.refreshToken);
      clock.advance(0.2);
      await tokens.revokeAll('victim');
      const verified = await tokens.verifyAccessToken(pair.accessToken).then(
        () => true,
        () => false,
      );
      if (verified) survived += 1;
      clock.advance(0.2);
    }
    expect(survived).toBe(0);
  });

  it('a login right after revokeAll, within the same second, works', async () => {
    const { tokens, clock } = setup();
    clock.set(new Date(1_700_000_000_100));
    await tokens.issue('alice');
    await tokens.revokeAll('alice');
    clock.set(new Date(1_700_000_000_900));
    const fresh = await tokens.issue('alice');
    await expect(tokens.verifyAccessToken(fresh.accessToken)).resolves.toMatchObject({ payload: { sub: 'alice' } });
    await expect(tokens.refresh(fresh.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('a retry after a partly failed revokeAll reaches every session', async () => {
    const revocations = new MemoryRevocationStore();
    let failNext = true;
    const flaky = revocationStoreWith(revocations, {
      revokeSession: async (...args) => {
        if (failNext) {
          failNext = false;
          throw new Error('connection reset');
        }
        return revocations.revokeSession(...args);
      },
    });
    const { tokens, clock } = setup({ revocationStore: flaky });
    clock.set(new Date(1_700_000_000_100));
    const sessions = await Promise.all([tokens.issue('alice'), tokens.issue('alice'), tokens.issue('alice')]);
    await rejectsWith(tokens.revokeAll('alice'), 'ERR_STORE_UNAVAILABLE');
    await tokens.revokeAll('alice');
    for (const pair of sessions) await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_JWT_REVOKED');
  });
});

describe("a revoked session's access tokens stop at once", () => {
  it('after reuse detection, the access token the thief obtained is refused', async () => {
    const { tokens, events } = setup();
    const victim = await tokens.issue('alice');
    const thief = await tokens.refresh(victim.refreshToken);
    await rejectsWith(tokens.refresh(victim.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.verifyAccessToken(thief.accessToken), 'ERR_JWT_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(victim.accessToken), 'ERR_JWT_REVOKED');
    expect(
      events.filter((event) => event.type === 'family_revoked').map((event) => event.type === 'family_revoked' && event.reason),
    ).toEqual(['reuse']);
  });

  it('a reuse whose revocation store failed is handled again by the next replay: the thief’s access token still stops', async () => {
    const revocations = new MemoryRevocationStore();
    let down = true;
    const flaky = revocationStoreWith(revocations, {
      revokeSession: async (...args) => {
        if (down) throw new Error('connection refused');
        return revocations.revokeSession(...args);
      },
    });
    const { tokens } = setup({ revocationStore: flaky });
    const victim = await tokens.issue('alice');
    const thief = await tokens.refresh(victim.refreshToken);
    await rejectsWith(tokens.refresh(victim.refreshToken), 'ERR_STORE_UNAVAILABLE');
    down = false;
    await rejectsWith(tokens.refresh(victim.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.verifyAccessToken(thief.accessToken), 'ERR_JWT_REVOKED');
    await rejectsWith(tokens.refresh(thief.refreshToken), 'ERR_REFRESH_REVOKED');
  });

  it('after logout, the access tokens of that session are refused and those of other sessions are not', async () => {
    const { tokens } = setup();
    const phone = await tokens.issue('alice');
    const laptop = await tokens.issue('alice');
    expect(await tokens.revoke(phone.refreshToken)).toBe(true);
    await rejectsWith(tokens.verifyAccessToken(phone.accessToken), 'ERR_JWT_REVOKED');
    await expect(tokens.verifyAccessToken(laptop.accessToken)).resolves.toMatchObject({ payload: { sub: 'alice' } });
  });

  it('works with no revocation store configured: the service keeps a memory one', async () => {
    const tokens = createTokenService({ key: keys.privateKey, issuer: ISSUER, audience: AUDIENCE });
    const pair = await tokens.issue('alice');
    await tokens.revoke(pair.refreshToken);
    await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_JWT_REVOKED');
  });

  it('every access token names its session in sid, and the refresh token carries it as its routing part', async () => {
    const { tokens } = setup();
    const pair = await tokens.issue('alice');
    const next = await tokens.refresh(pair.refreshToken);
    const sid = inspect(pair.accessToken).payload['sid'];
    expect(typeof sid).toBe('string');
    expect(inspect(next.accessToken).payload['sid']).toBe(sid);
    expect(pair.refreshToken.split('.')).toEqual([sid, '0', expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)]);
    expect(next.refreshToken.split('.').slice(0, 2)).toEqual([sid, '1']);
  });
});

describe('the grace window never hides a thief who moved on', () => {
  it('a presentation inside the window revokes the session when the successor was used', async () => {
    const { tokens, clock, events } = setup({ reuseGrace: 30 });
    const victim = await tokens.issue('alice');
    clock.advance(1);
    const stolen = await tokens.refresh(victim.refreshToken); // the thief rotates first ...
    clock.advance(1);
    const thief = await tokens.refresh(stolen.refreshToken); // ... and keeps rotating
    clock.advance(1);
    await rejectsWith(tokens.refresh(victim.refreshToken), 'ERR_REFRESH_REUSED'); // the victim comes back within the window
    await rejectsWith(tokens.refresh(thief.refreshToken), 'ERR_REFRESH_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(thief.accessToken), 'ERR_JWT_REVOKED');
    expect(events).toContainEqual(expect.objectContaining({ type: 'reuse_detected', withinGrace: false, successorUsed: true }));
  });

  it('a plain two-tab race (successor unused) inside the window keeps the session', async () => {
    const { tokens, clock, events } = setup({ reuseGrace: 30 });
    const pair = await tokens.issue('alice');
    const winner = await tokens.refresh(pair.refreshToken);
    clock.advance(2);
    await rejectsWith(tokens.refresh(pair.refreshToken), 'ERR_REFRESH_REUSED');
    await expect(tokens.refresh(winner.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'reuse_detected', withinGrace: true, successorUsed: false }));
  });
});

describe('reuse detection with one record per session', () => {
  it('replaying the first token after 3,000 rotations is detected and ends the session', async () => {
    const { tokens, store } = setup({ refreshTokenTtl: '30d' });
    const first = await tokens.issue('alice');
    let current = first;
    for (let round = 0; round < 3_000; round += 1) current = await tokens.refresh(current.refreshToken);
    expect(store.size).toBe(1);
    await rejectsWith(tokens.refresh(first.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.refresh(current.refreshToken), 'ERR_REFRESH_REVOKED');
  }, 60_000);

  it('a token with a forged secret under a real session id is invalid, and revokes nothing', async () => {
    const { tokens, events } = setup();
    const pair = await tokens.issue('alice');
    const next = await tokens.refresh(pair.refreshToken);
    for (const fake of [forged(pair.refreshToken), forged(next.refreshToken)]) {
      await rejectsWith(tokens.refresh(fake), 'ERR_REFRESH_INVALID');
      expect(await tokens.revoke(fake)).toBe(false);
    }
    const [sid, , secret] = next.refreshToken.split('.') as [string, string, string];
    for (const fake of [`${sid}.2.${secret}`, `${sid}.01.${secret}`, `${sid}.-1.${secret}`, `${sid}.1.${secret}.`, `${sid}..${secret}`]) {
      await rejectsWith(tokens.refresh(fake), 'ERR_REFRESH_INVALID');
    }
    expect(events.some((event) => event.type === 'family_revoked' || event.type === 'reuse_detected')).toBe(false);
    await expect(tokens.refresh(next.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('logout accepts any token of the session the service issued, a rotated one too', async () => {
    const { tokens } = setup();
    const pair = await tokens.issue('alice');
    const next = await tokens.refresh(pair.refreshToken);
    expect(await tokens.revoke(pair.refreshToken)).toBe(true);
    await rejectsWith(tokens.refresh(next.refreshToken), 'ERR_REFRESH_REVOKED');
  });
});

describe('the session cap', () => {
  it('a login beyond maxSessionsPerSubject ends the oldest live session, its access tokens too', async () => {
    const { tokens, clock, events } = setup({ maxSessionsPerSubject: 2 });
    const oldest = await tokens.issue('alice');
    clock.advance(1);
    const middle = await tokens.issue('alice');
    clock.advance(1);
    const other = await tokens.issue('bob');
    const newest = await tokens.issue('alice');
    await rejectsWith(tokens.refresh(oldest.refreshToken), 'ERR_REFRESH_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(oldest.accessToken), 'ERR_JWT_REVOKED');
    for (const pair of [middle, newest, other]) await expect(tokens.verifyAccessToken(pair.accessToken)).resolves.toBeDefined();
    expect(events).toContainEqual(expect.objectContaining({ type: 'family_revoked', subject: 'alice', reason: 'session_limit' }));
  });

  it('a revoked session does not count towards the cap', async () => {
    const { tokens } = setup({ maxSessionsPerSubject: 1 });
    const first = await tokens.issue('alice');
    await tokens.revoke(first.refreshToken);
    const second = await tokens.issue('alice');
    await expect(tokens.refresh(second.refreshToken)).resolves.toBeDefined();
  });

  it.each([0, 1.5, -1, 1_000_001, '5', Number.NaN])('refuses maxSessionsPerSubject %s', (value) => {
    expect(() => setup({ maxSessionsPerSubject: value as number })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});

describe('sid and cnf are the service’s', () => {
  it.each(['sid', 'cnf'])('issue refuses a %s claim from the caller', async (claim) => {
    const { tokens } = setup();
    await rejectsWith(tokens.issue('alice', { [claim]: 'x' } as never), 'ERR_INVALID_OPTION');
  });
});

describe('createRevocationCheck: a resource server honours the shared revocation store', () => {
  it('refuses what the auth server revoked: a session, a jti, tokens before a cutoff', async () => {
    const revocations = new MemoryRevocationStore();
    const { tokens, clock } = setup({ revocationStore: revocations });
    const isRevoked = createRevocationCheck(revocations, { clock });
    const kept = await tokens.issue('bob');
    const loggedOut = await tokens.issue('alice');
    const denied = await tokens.issue('carol');
    await tokens.revoke(loggedOut.refreshToken);
    await tokens.revokeAccessToken(denied.accessToken);
    const payload = (token: string) => inspect(token).payload as never;
    expect(await isRevoked(payload(kept.accessToken))).toBe(false);
    expect(await isRevoked(payload(loggedOut.accessToken))).toBe(true);
    expect(await isRevoked(payload(denied.accessToken))).toBe(true);
    clock.advance(2);
    await tokens.revokeAll('bob');
    expect(await isRevoked(payload(kept.accessToken))).toBe(true);
  });

  it('refuses a store without the v2 methods and unknown options at construction', () => {
    const { revokeSession: _, ...v1 } = Object.fromEntries(
      Object.getOwnPropertyNames(MemoryRevocationStore.prototype).map((name) => [name, () => undefined]),
    ) as Record<string, () => undefined>;
    expect(() => createRevocationCheck(v1 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => createRevocationCheck(new MemoryRevocationStore(), { clok: Date } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

describe('refreshClaims: claims re-read at each refresh', () => {
  it('the hook’s claims go into the new access token and are kept for the session', async () => {
    const seen: unknown[] = [];
    let role = 'reader';
    const { tokens, store } = setup({
      refreshClaims: (session) => {
        seen.push(session);
        return { ...session.claims, roles: [role] };
      },
    });
    const pair = await tokens.issue('alice', { scope: 'read', roles: ['reader'] });
    role = 'admin';
    const next = await tokens.refresh(pair.refreshToken);
    expect(inspect(next.accessToken).payload).toMatchObject({ scope: 'read', roles: ['admin'] });
    expect(seen).toEqual([{ subject: 'alice', sessionId: sessionOf(pair.refreshToken), claims: { scope: 'read', roles: ['reader'] } }]);
    expect((await store.find(sessionOf(pair.refreshToken)))?.claims).toEqual({ scope: 'read', roles: ['admin'] });
  });

  it('returning false ends the session (refresh_denied) and its access tokens', async () => {
    const { tokens, events, store } = setup({ refreshClaims: () => false });
    const pair = await tokens.issue('alice');
    await rejectsWith(tokens.refresh(pair.refreshToken), 'ERR_REFRESH_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_JWT_REVOKED');
    expect((await store.find(sessionOf(pair.refreshToken)))?.revokedReason).toBe('refresh_denied');
    expect(events).toContainEqual(expect.objectContaining({ type: 'family_revoked', reason: 'refresh_denied' }));
  });

  it('a hook that throws fails the refresh and consumes nothing; reserved claims are refused', async () => {
    let mode: 'throw' | 'reserved' | 'ok' = 'throw';
    const { tokens } = setup({
      refreshClaims: (session) => {
        if (mode === 'throw') throw new Error('user database down');
        return mode === 'reserved' ? ({ sid: 'other' } as never) : session.claims;
      },
    });
    const pair = await tokens.issue('alice');
    await expect(tokens.refresh(pair.refreshToken)).rejects.toThrow('user database down');
    mode = 'reserved';
    await rejectsWith(tokens.refresh(pair.refreshToken), 'ERR_INVALID_OPTION');
    mode = 'ok';
    await expect(tokens.refresh(pair.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });
});

describe('misuse and partial failures', () => {
  it('a login whose capped sessions could not all be revoked fails, after trying every one', async () => {
    const revocations = new MemoryRevocationStore();
    let failing = false;
    const attempts: string[] = [];
    const flaky = revocationStoreWith(revocations, {
      revokeSession: async (sid, ...rest) => {
        attempts.push(sid);
        if (failing && attempts.length === 1) throw new Error('connection reset');
        return revocations.revokeSession(sid, ...rest);
      },
    });
    const { tokens, clock } = setup({ revocationStore: flaky, maxSessionsPerSubject: 1 });
    const old = await tokens.issue('alice');
    clock.advance(1);
    failing = true;
    await rejectsWith(tokens.issue('alice'), 'ERR_STORE_UNAVAILABLE');
    expect(attempts).toEqual([sessionOf(old.refreshToken)]);
  });

  it('the revocation check and the memory store refuse what is not an object with ERR_INVALID_OPTION', async () => {
    const isRevoked = createRevocationCheck(new MemoryRevocationStore());
    for (const payload of [null, undefined, 'x']) await rejectsWith(isRevoked(payload as never), 'ERR_INVALID_OPTION');
    const { store } = setup();
    await rejectsWith(store.insert(null as never, 1), 'ERR_INVALID_OPTION');
    await rejectsWith(store.rotate(null as never, { hash: 'x', idleExpiresAt: null, claims: {} }, 1), 'ERR_INVALID_OPTION');
    await rejectsWith(store.rotate({ familyId: 'x', generation: 0, hash: 'x' }, null as never, 1), 'ERR_INVALID_OPTION');
  });
});
