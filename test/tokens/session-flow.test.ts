import { describe, expect, it } from 'vitest';
import { AUDIENCE, ControllableStore, ISSUER, inspect, keys, rejectsWith, sessionOf, setup } from './helpers.js';
import { hashRefreshToken } from '../../src/index.js';

describe('the session workflow, end to end with a fake clock', () => {
  it('issue, use, expiry, refresh, second refresh, replay, logout, logout everywhere', async () => {
    const { tokens, clock, store, events } = setup();
    const start = clock.seconds();

    // Login.
    const first = await tokens.issue('user-1', { scope: 'read' });
    expect(first.tokenType).toBe('Bearer');
    expect(first.expiresIn).toBe(900);
    expect(first.refreshExpiresIn).toBe(30 * 86_400);
    expect(first.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.0\.[A-Za-z0-9_-]{43}$/);
    const { header, payload } = inspect(first.accessToken);
    expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: keys.privateKey.kid });
    expect(payload).toEqual({
      scope: 'read',
      iat: start,
      exp: start + 900,
      iss: ISSUER,
      sub: 'user-1',
      aud: AUDIENCE,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      sid: sessionOf(first.refreshToken),
    });

    // Use.
    const verified = await tokens.verifyAccessToken(first.accessToken);
    expect(verified.payload.sub).toBe('user-1');
    expect(verified.payload.scope).toBe('read');

    // Expiry of the access token (15 min + the 5 s tolerance).
    clock.advance('15m');
    await tokens.verifyAccessToken(first.accessToken); // within tolerance
    clock.advance(5);
    await rejectsWith(tokens.verifyAccessToken(first.accessToken), 'ERR_JWT_EXPIRED');

    // Refresh: a new pair in the same family, claims carried over.
    const second = await tokens.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.refreshExpiresIn).toBe(30 * 86_400 - 905);
    const secondPayload = (await tokens.verifyAccessToken(second.accessToken)).payload;
    expect(secondPayload.scope).toBe('read');
    expect(secondPayload.iat).toBe(start + 905);
    expect(secondPayload.jti).not.toBe(payload['jti']);
    expect(sessionOf(second.refreshToken)).toBe(sessionOf(first.refreshToken));
    const family = await store.find(sessionOf(first.refreshToken));
    expect(family).toMatchObject({ generation: 1, rotatedAt: start + 905, createdAt: start, claims: { scope: 'read' } });
    expect(family?.hash).toBe(hashRefreshToken(second.refreshToken.split('.')[2] as string));
    expect(store.size).toBe(1);

    // Second refresh.
    clock.advance('10m');
    const third = await tokens.refresh(second.refreshToken);
    await tokens.verifyAccessToken(third.accessToken);

    // Replay of the first refresh token: reuse, the whole family is revoked.
    clock.advance('1m');
    await rejectsWith(tokens.refresh(first.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.refresh(third.refreshToken), 'ERR_REFRESH_REVOKED');
    await rejectsWith(tokens.refresh(second.refreshToken), 'ERR_REFRESH_REVOKED');
    expect((await store.find(sessionOf(third.refreshToken)))?.revokedReason).toBe('reuse');
    expect(events.filter((event) => event.type === 'reuse_detected' || event.type === 'family_revoked')).toEqual([
      expect.objectContaining({
        type: 'reuse_detected',
        subject: 'user-1',
        withinGrace: false,
        successorUsed: true,
        usedAt: new Date((start + 1505) * 1000),
      }),
      expect.objectContaining({ type: 'family_revoked', subject: 'user-1', reason: 'reuse', familyId: sessionOf(first.refreshToken) }),
    ]);

    // Logout: one session ends, another stays.
    const laptop = await tokens.issue('user-1');
    const phone = await tokens.issue('user-1');
    expect(await tokens.revoke(laptop.refreshToken)).toBe(true);
    await rejectsWith(tokens.refresh(laptop.refreshToken), 'ERR_REFRESH_REVOKED');
    const phone2 = await tokens.refresh(phone.refreshToken);

    // Logout everywhere: every session and every access token issued before now.
    const otherUser = await tokens.issue('user-2');
    clock.advance(1);
    await tokens.revokeAll('user-1');
    await rejectsWith(tokens.refresh(phone2.refreshToken), 'ERR_REFRESH_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(phone2.accessToken), 'ERR_JWT_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(laptop.accessToken), 'ERR_JWT_REVOKED');
    await tokens.verifyAccessToken(otherUser.accessToken);
    await tokens.refresh(otherUser.refreshToken);

    // A new login afterwards works (even in the same second, e.g. right after a password change).
    const again = await tokens.issue('user-1');
    await tokens.verifyAccessToken(again.accessToken);
    await tokens.refresh(again.refreshToken);
  });

  it('the absolute lifetime is fixed at login: rotation never extends it', async () => {
    const { tokens, clock } = setup({ refreshTokenTtl: '1h' });
    let pair = await tokens.issue('user-1');
    for (let step = 0; step < 3; step++) {
      clock.advance('19m');
      pair = await tokens.refresh(pair.refreshToken);
    }
    expect(pair.refreshExpiresIn).toBe(3600 - 3 * 19 * 60);
    clock.advance('3m');
    await rejectsWith(tokens.refresh(pair.refreshToken), 'ERR_REFRESH_EXPIRED');
  });

  it('idle expiry: a refresh token unused for idleTtl expires; using it in time renews the idle window', async () => {
    const { tokens, clock } = setup({ idleTtl: '10m' });
    const first = await tokens.issue('user-1');
    expect(first.refreshExpiresIn).toBe(600);
    clock.advance('9m');
    const second = await tokens.refresh(first.refreshToken);
    expect(second.refreshExpiresIn).toBe(600);
    clock.advance('10m');
    await rejectsWith(tokens.refresh(second.refreshToken), 'ERR_REFRESH_EXPIRED');
  });

  it('the idle window never reaches past the absolute expiry', async () => {
    const { tokens, clock } = setup({ idleTtl: '1h', refreshTokenTtl: '90m' });
    const first = await tokens.issue('user-1');
    clock.advance('50m');
    const second = await tokens.refresh(first.refreshToken);
    expect(second.refreshExpiresIn).toBe(40 * 60);
  });

  it('without a revocation store given, the service keeps its own: logout everywhere and revokeAccessToken reach access tokens', async () => {
    const { tokens, clock } = setup({ revocationStore: undefined });
    const pair = await tokens.issue('user-1');
    const other = await tokens.issue('user-2');
    clock.advance(1);
    await tokens.revokeAll('user-1');
    await rejectsWith(tokens.refresh(pair.refreshToken), 'ERR_REFRESH_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_JWT_REVOKED');
    await tokens.revokeAccessToken(other.accessToken);
    await rejectsWith(tokens.verifyAccessToken(other.accessToken), 'ERR_JWT_REVOKED');
  });

  it('logout of unknown or malformed refresh tokens is a quiet no-op (RFC 7009)', async () => {
    const { tokens } = setup();
    expect(await tokens.revoke('not a token')).toBe(false);
    expect(await tokens.revoke('A'.repeat(43))).toBe(false);
    expect(await tokens.revoke(undefined as unknown as string)).toBe(false);
  });

  it('the store never receives a plaintext token, only SHA-256 hashes', async () => {
    const store = new ControllableStore();
    const { tokens } = setup({ store });
    const first = await tokens.issue('user-1', { scope: 'read' });
    const second = await tokens.refresh(first.refreshToken);
    await tokens.refresh(first.refreshToken).catch(() => undefined);
    await tokens.revoke(second.refreshToken);
    await tokens.revokeAll('user-1');
    const seen = store.received.join('\n');
    expect(store.received.length > 0).toBe(true);
    for (const token of [first.refreshToken, second.refreshToken, first.accessToken, second.accessToken]) {
      expect(seen.includes(token)).toBe(false);
    }
    for (const token of [first.refreshToken, second.refreshToken]) {
      const secret = token.split('.')[2] as string;
      expect(seen.includes(secret)).toBe(false);
      expect(seen.includes(secret.slice(0, 22))).toBe(false); // nor the random half alone
    }
    expect(seen.includes(hashRefreshToken(first.refreshToken.split('.')[2] as string))).toBe(true);
  });

  it('refresh tokens are <sid>.<generation>.<secret of 256 bits>, the secrets all distinct', async () => {
    const { tokens } = setup();
    const secrets = new Set<string>();
    for (let index = 0; index < 500; index++) {
      const [sid, generation, secret] = (await tokens.issue(`user-${index}`)).refreshToken.split('.') as [string, string, string];
      expect(Buffer.from(sid, 'base64url').length).toBe(16);
      expect(generation).toBe('0');
      expect(Buffer.from(secret, 'base64url').length).toBe(32);
      secrets.add(secret);
    }
    expect(secrets.size).toBe(500);
  });
});
