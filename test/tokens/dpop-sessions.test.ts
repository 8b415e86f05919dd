/**
 * DPoP-bound sessions in the token service (RFC 9449 §5): a login with a proof's key binds the
 * access token (`cnf.jkt`) and the whole session; a refresh must prove the same key, checked
 * before anything is consumed; another key is a theft signal that ends the session.
 */
import { generateKeyPair as generateClientKey, calculateThumbprint } from 'dpop';
import { describe, expect, it } from 'vitest';
import { inspect, rejectsWith, sessionOf, setup } from './helpers.js';

const phone = await calculateThumbprint((await generateClientKey('ES256')).publicKey);
const thief = await calculateThumbprint((await generateClientKey('ES256')).publicKey);

describe('a session bound to a DPoP key', () => {
  it('login with a proof key: the access token carries cnf.jkt, the session is bound, the pair says DPoP', async () => {
    const { tokens, store } = setup();
    const pair = await tokens.issue('alice', undefined, { dpopThumbprint: phone });
    expect(pair.tokenType).toBe('DPoP');
    expect(inspect(pair.accessToken).payload['cnf']).toEqual({ jkt: phone });
    expect((await store.find(sessionOf(pair.refreshToken)))?.jkt).toBe(phone);
    await expect(tokens.verifyAccessToken(pair.accessToken, { dpopThumbprint: phone })).resolves.toBeDefined();
  });

  it('a bound access token is refused as a bearer token, or with another key', async () => {
    const { tokens } = setup();
    const pair = await tokens.issue('alice', undefined, { dpopThumbprint: phone });
    await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_TOKEN_BINDING_MISMATCH');
    await rejectsWith(tokens.verifyAccessToken(pair.accessToken, { dpopThumbprint: thief }), 'ERR_TOKEN_BINDING_MISMATCH');
  });

  it('a refresh with the same key gives a new bound pair', async () => {
    const { tokens } = setup();
    const pair = await tokens.issue('alice', undefined, { dpopThumbprint: phone });
    const next = await tokens.refresh(pair.refreshToken, { dpopThumbprint: phone });
    expect(next.tokenType).toBe('DPoP');
    expect(inspect(next.accessToken).payload['cnf']).toEqual({ jkt: phone });
  });

  it('a refresh without a proof is refused and consumes nothing', async () => {
    const { tokens, store } = setup();
    const pair = await tokens.issue('alice', undefined, { dpopThumbprint: phone });
    await rejectsWith(tokens.refresh(pair.refreshToken), 'ERR_TOKEN_BINDING_MISMATCH');
    expect(await store.find(sessionOf(pair.refreshToken))).toMatchObject({ generation: 0, revoked: false });
    await expect(tokens.refresh(pair.refreshToken, { dpopThumbprint: phone })).resolves.toMatchObject({ tokenType: 'DPoP' });
  });

  it('a refresh with another key is a theft signal: nothing consumed, the session and its access tokens revoked, reported', async () => {
    const { tokens, store, events } = setup();
    const pair = await tokens.issue('alice', undefined, { dpopThumbprint: phone });
    await rejectsWith(tokens.refresh(pair.refreshToken, { dpopThumbprint: thief }), 'ERR_TOKEN_BINDING_MISMATCH');
    expect(await store.find(sessionOf(pair.refreshToken))).toMatchObject({ generation: 0, revoked: true, revokedReason: 'key_mismatch' });
    await rejectsWith(tokens.refresh(pair.refreshToken, { dpopThumbprint: phone }), 'ERR_REFRESH_REVOKED');
    await rejectsWith(tokens.verifyAccessToken(pair.accessToken, { dpopThumbprint: phone }), 'ERR_JWT_REVOKED');
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['dpop_key_mismatch', 'family_revoked']));
    expect(events).toContainEqual(expect.objectContaining({ type: 'family_revoked', reason: 'key_mismatch' }));
  });

  it('a bearer session refreshed with a proof gets a bound access token; the session stays a bearer one', async () => {
    const { tokens, store } = setup();
    const pair = await tokens.issue('alice');
    expect(pair.tokenType).toBe('Bearer');
    const next = await tokens.refresh(pair.refreshToken, { dpopThumbprint: phone });
    expect(next.tokenType).toBe('DPoP');
    expect(inspect(next.accessToken).payload['cnf']).toEqual({ jkt: phone });
    expect((await store.find(sessionOf(pair.refreshToken)))?.jkt).toBe(null);
  });

  it.each([{ dpopThumbprint: 'short' }, { dpopThumbprint: 42 }, { dpopThumbprnt: phone }, 'x'])(
    'refuses the options %j',
    async (options) => {
      const { tokens } = setup();
      await rejectsWith(tokens.issue('alice', undefined, options as never), 'ERR_INVALID_OPTION');
      const pair = await tokens.issue('alice');
      await rejectsWith(tokens.refresh(pair.refreshToken, options as never), 'ERR_INVALID_OPTION');
      await rejectsWith(tokens.verifyAccessToken(pair.accessToken, options as never), 'ERR_INVALID_OPTION');
    },
  );
});

describe('beforeRotate', () => {
  it('runs once every check passed, before the rotation: never for an invalid token or another key', async () => {
    const { tokens } = setup();
    const calls: string[] = [];
    const hook = (label: string) => ({ dpopThumbprint: phone, beforeRotate: () => void calls.push(label) });
    const pair = await tokens.issue('alice', undefined, { dpopThumbprint: phone });
    const made_up = `${sessionOf(pair.refreshToken)}.0.${'A'.repeat(43)}`;
    await rejectsWith(tokens.refresh(made_up, hook('made-up')), 'ERR_REFRESH_INVALID');
    await rejectsWith(tokens.refresh(pair.refreshToken, { ...hook('thief'), dpopThumbprint: thief }), 'ERR_TOKEN_BINDING_MISMATCH');
    const other = await tokens.issue('bob', undefined, { dpopThumbprint: phone });
    await tokens.refresh(other.refreshToken, hook('valid'));
    expect(calls).toEqual(['valid']);
  });

  it('a hook that rejects fails the refresh and consumes nothing', async () => {
    const { tokens, store } = setup();
    const pair = await tokens.issue('alice', undefined, { dpopThumbprint: phone });
    const replayed = async () => {
      throw Object.assign(new Error('replayed'), { code: 'ERR_DPOP_PROOF_INVALID' });
    };
    await expect(tokens.refresh(pair.refreshToken, { dpopThumbprint: phone, beforeRotate: replayed })).rejects.toThrow('replayed');
    expect((await store.find(sessionOf(pair.refreshToken)))?.generation).toBe(0);
    await expect(tokens.refresh(pair.refreshToken, { dpopThumbprint: phone })).resolves.toMatchObject({ tokenType: 'DPoP' });
  });

  it('refuses a beforeRotate that is not a function, and on issue', async () => {
    const { tokens } = setup();
    const pair = await tokens.issue('alice');
    await rejectsWith(tokens.refresh(pair.refreshToken, { beforeRotate: 42 } as never), 'ERR_INVALID_OPTION');
    await rejectsWith(tokens.issue('alice', undefined, { beforeRotate: () => undefined } as never), 'ERR_INVALID_OPTION');
  });
});
