import { describe, expect, it } from 'vitest';
import { createTokenService, isJwtError, type BoundKey, type KeyRing } from '../../src/index.js';
import { AUDIENCE, ControllableStore, ISSUER, failingRevocationStore, keys, rejectsWith, sessionOf, setup } from './helpers.js';
import { createFakeClock } from '../../src/testing/index.js';

describe('store and signing failures leave nothing half-done', () => {
  it('insert fails: issue throws ERR_STORE_UNAVAILABLE, returns no token, stores nothing', async () => {
    const store = new ControllableStore();
    const { tokens, events } = setup({ store });
    store.failures.insert = 'throw-before';
    const error = await rejectsWith(tokens.issue('user-1'), 'ERR_STORE_UNAVAILABLE');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(store.inner.size).toBe(0);
    expect(events.some((event) => event.type === 'issued')).toBe(false);
  });

  it('rotate fails: refresh throws ERR_STORE_UNAVAILABLE, the old token still works, no successor exists', async () => {
    const store = new ControllableStore();
    const { tokens, events } = setup({ store });
    const login = await tokens.issue('user-1');
    store.failures.rotate = 'throw-before';
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
    expect(store.inner.size).toBe(1);
    expect((await store.inner.find(sessionOf(login.refreshToken)))?.generation).toBe(0);
    expect(events.filter((event) => event.type === 'refresh_failed')).toEqual([
      expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE', subject: 'user-1' }),
      expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE', subject: 'user-1' }),
    ]);
    // The store recovers: the same token rotates normally, once.
    store.failures.rotate = 'none';
    const next = await tokens.refresh(login.refreshToken);
    await tokens.verifyAccessToken(next.accessToken);
    expect(store.inner.size).toBe(1);
    expect((await store.inner.find(sessionOf(login.refreshToken)))?.generation).toBe(1);
    await tokens.refresh(next.refreshToken);
  });

  it('find fails: ERR_STORE_UNAVAILABLE (fail closed), nothing changes', async () => {
    const store = new ControllableStore();
    const { tokens } = setup({ store });
    const login = await tokens.issue('user-1');
    store.failures.find = 'throw-before';
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
    await rejectsWith(tokens.revoke(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
    store.failures.find = 'none';
    await tokens.refresh(login.refreshToken);
  });

  it('a store that throws a plain TypeError is reported as ERR_STORE_UNAVAILABLE with the cause', async () => {
    const store = new ControllableStore();
    const { tokens } = setup({ store });
    store.failures.insert = 'plain-error';
    const error = await rejectsWith(tokens.issue('user-1'), 'ERR_STORE_UNAVAILABLE');
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });

  it('a store that answers out of contract (undefined, a bare value) fails closed with ERR_STORE_UNAVAILABLE, never a TypeError', async () => {
    const store = new ControllableStore();
    const { tokens } = setup({ store });
    const login = await tokens.issue('user-1');
    const find = store.find.bind(store);
    const rotate = store.rotate.bind(store);
    for (const answer of [undefined, 42, 'yes']) {
      store.find = async () => answer as never;
      await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
      await rejectsWith(tokens.revoke(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
      store.find = find;
      store.rotate = async () => answer as never;
      await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
      store.rotate = rotate;
    }
    // Nothing was consumed: the token still rotates once.
    await tokens.refresh(login.refreshToken);
  });

  it('an answer lost after the rotation committed: no second pair is ever handed out for the old token', async () => {
    const store = new ControllableStore();
    const { tokens } = setup({ store, reuseGrace: 5 });
    const login = await tokens.issue('user-1');
    store.failures.rotate = 'throw-after';
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
    store.failures.rotate = 'none';
    // The retry is a double submit inside the grace window: refused, family kept.
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    expect((await store.inner.find(sessionOf(login.refreshToken)))?.revoked).toBe(false);
  });

  it('revokeFamily fails during reuse handling: ERR_STORE_UNAVAILABLE, and the next replay revokes', async () => {
    const store = new ControllableStore();
    const { tokens, events } = setup({ store });
    const login = await tokens.issue('user-1');
    const next = await tokens.refresh(login.refreshToken);
    store.failures.revokeFamily = 'throw-before';
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_STORE_UNAVAILABLE');
    expect(events.some((event) => event.type === 'reuse_detected')).toBe(true);
    store.failures.revokeFamily = 'none';
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.refresh(next.refreshToken), 'ERR_REFRESH_REVOKED');
  });

  it('signing fails during refresh: the error surfaces, nothing is rotated, the old token still works', async () => {
    // A key ring whose current key turns into a public key (which cannot sign), then back.
    let broken = false;
    const ring = {
      get signingKey(): BoundKey {
        return broken ? keys.publicKey : keys.privateKey;
      },
      verificationKeys: () => keys.publicKey,
      algorithms: ['ES256'] as const,
      rotate: () => undefined,
      jwks: () => ({ keys: [] }),
    } as unknown as KeyRing;
    const store = new ControllableStore();
    const events: unknown[] = [];
    const tokens = createTokenService({
      key: ring,
      issuer: ISSUER,
      audience: AUDIENCE,
      store,
      clock: createFakeClock(),
      onEvent: (event) => events.push(event),
    });
    const login = await tokens.issue('user-1');
    broken = true;
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_KEY_INVALID');
    await rejectsWith(tokens.issue('user-2'), 'ERR_KEY_INVALID');
    expect(store.inner.size).toBe(1);
    expect((await store.inner.find(sessionOf(login.refreshToken)))?.generation).toBe(0);
    expect(events).toContainEqual(expect.objectContaining({ type: 'refresh_failed', code: 'ERR_KEY_INVALID' }));
    broken = false;
    await tokens.refresh(login.refreshToken);
  });

  it('the revocation store fails: verifyAccessToken refuses (fail closed), revokeAll reports it', async () => {
    const { tokens } = setup({ revocationStore: failingRevocationStore });
    const pair = await tokens.issue('user-1');
    const error = await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_STORE_UNAVAILABLE');
    expect(isJwtError(error)).toBe(true);
    await rejectsWith(tokens.revokeAll('user-1'), 'ERR_STORE_UNAVAILABLE');
    await rejectsWith(tokens.revokeAccessToken(pair.accessToken), 'ERR_STORE_UNAVAILABLE');
  });
});
