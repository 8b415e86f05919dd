import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createKeyRing,
  generateKeyPair,
  generateSecret,
  MemoryRevocationStore,
  sign,
  verify,
  type RevocationStore,
} from '../../src/index.js';
import { bindKey } from '../../src/jws/key.js';
import { createFakeClock } from '../../src/testing/index.js';
import { AUDIENCE, ISSUER, inspect, keys, rejectsWith, setup } from './helpers.js';

describe('verifyAccessToken accepts only this service’s access tokens (RFC 8725 §3.11–3.12)', () => {
  it('refuses a JWT of another kind from the same key: no typ, typ JWT, an ID-token shape', async () => {
    const { tokens, clock } = setup();
    const base = { sub: 'user-1', jti: 'x', iss: ISSUER, aud: AUDIENCE };
    const options = { alg: 'ES256' as const, expiresIn: '15m' as const, clock };
    for (const typ of ['JWT', 'rt+jwt', 'id_token+jwt']) {
      const token = await sign(base, keys.privateKey, { ...options, typ });
      const error = await rejectsWith(tokens.verifyAccessToken(token), 'ERR_JWT_TYPE_MISMATCH');
      expect((error as { claim?: string }).claim).toBe('typ');
    }
    const idToken = await sign({ ...base, nonce: 'n' }, keys.privateKey, { ...options, header: {} });
    await rejectsWith(tokens.verifyAccessToken(idToken), 'ERR_JWT_TYPE_MISMATCH');
    // The media-type form is the same type.
    await tokens.verifyAccessToken(await sign(base, keys.privateKey, { ...options, typ: 'application/at+jwt', iat: clock.seconds() }));
  });

  it('refuses a wrong audience or issuer, and a token from another key', async () => {
    const { tokens, clock } = setup();
    const options = { alg: 'ES256' as const, expiresIn: '15m' as const, clock, typ: 'at+jwt' };
    const claims = { sub: 'user-1', jti: 'x' };
    const wrongAud = await sign({ ...claims, iss: ISSUER, aud: 'https://other.test' }, keys.privateKey, options);
    expect(((await rejectsWith(tokens.verifyAccessToken(wrongAud), 'ERR_JWT_CLAIM_INVALID')) as { claim?: string }).claim).toBe('aud');
    const wrongIss = await sign({ ...claims, iss: 'https://evil.test', aud: AUDIENCE }, keys.privateKey, options);
    expect(((await rejectsWith(tokens.verifyAccessToken(wrongIss), 'ERR_JWT_CLAIM_INVALID')) as { claim?: string }).claim).toBe('iss');
    const stranger = await generateKeyPair('ES256', { kid: keys.privateKey.kid as string });
    const forged = await sign({ ...claims, iss: ISSUER, aud: AUDIENCE }, stranger.privateKey, options);
    await rejectsWith(tokens.verifyAccessToken(forged), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('a refresh token is not an access token, and an access token is not a refresh token', async () => {
    const { tokens } = setup();
    const pair = await tokens.issue('user-1');
    await rejectsWith(tokens.verifyAccessToken(pair.refreshToken), 'ERR_JWT_MALFORMED');
    await rejectsWith(tokens.refresh(pair.accessToken), 'ERR_REFRESH_INVALID');
    for (const garbage of ['', 'A'.repeat(43), 'A'.repeat(42) + 'B', `${pair.refreshToken}A`, pair.refreshToken.slice(1), 42, null]) {
      await rejectsWith(tokens.refresh(garbage as string), 'ERR_REFRESH_INVALID');
    }
  });

  it('signature before revocation: a forged token for a revoked subject fails on its signature', async () => {
    const { tokens, clock } = setup();
    await tokens.issue('user-1');
    clock.advance(1);
    await tokens.revokeAll('user-1');
    const stranger = await generateKeyPair('ES256');
    const forged = await sign({ sub: 'user-1', jti: 'j', iss: ISSUER, aud: AUDIENCE }, stranger.privateKey, {
      alg: 'ES256',
      typ: 'at+jwt',
      expiresIn: '15m',
      iat: clock.seconds() - 60,
      clock,
    });
    await rejectsWith(tokens.verifyAccessToken(forged), 'ERR_JWT_SIGNATURE_INVALID');
  });
});

describe('access-token revocation', () => {
  it('revokeAccessToken puts the jti on the denylist until exp; other tokens are unaffected', async () => {
    const { tokens, clock, revocations, events } = setup();
    const mine = await tokens.issue('user-1');
    const other = await tokens.issue('user-1');
    await tokens.revokeAccessToken(mine.accessToken);
    await rejectsWith(tokens.verifyAccessToken(mine.accessToken), 'ERR_JWT_REVOKED');
    await tokens.verifyAccessToken(other.accessToken);
    const { jti, exp } = inspect(mine.accessToken).payload as { jti: string; exp: number };
    expect(events).toContainEqual(expect.objectContaining({ type: 'access_token_revoked', jti, subject: 'user-1' }));
    // The entry outlives exp by the verifier's tolerance, then goes.
    expect(await revocations.isJtiRevoked(jti, exp + 5)).toBe(true);
    expect(await revocations.deleteExpired(exp + 6)).toBe(1);
    clock.set(exp + 6);
    await rejectsWith(tokens.verifyAccessToken(mine.accessToken), 'ERR_JWT_EXPIRED');
  });

  it('revokeAccessToken takes the { jti, exp } of a token already verified', async () => {
    const { tokens } = setup();
    const pair = await tokens.issue('user-1');
    const { payload } = await tokens.verifyAccessToken(pair.accessToken);
    await tokens.revokeAccessToken({ jti: payload.jti, exp: payload.exp });
    await rejectsWith(tokens.verifyAccessToken(pair.accessToken), 'ERR_JWT_REVOKED');
    for (const bad of [{ jti: '', exp: 1 }, { jti: 'x', exp: Number.NaN }, { jti: 'x' }, null, 7, { jti: 'x', exp: 1, sub: 5 }]) {
      await rejectsWith(tokens.revokeAccessToken(bad as never), 'ERR_INVALID_OPTION');
    }
  });

  it('revokeAccessToken ignores an expired token and refuses one that is not a valid access token', async () => {
    const { tokens, clock, revocations } = setup();
    const pair = await tokens.issue('user-1');
    clock.advance('1h');
    await tokens.revokeAccessToken(pair.accessToken);
    expect(revocations.size).toBe(0);
    await rejectsWith(tokens.revokeAccessToken(pair.refreshToken), 'ERR_JWT_MALFORMED');
  });

  it('the isRevoked hook refuses with ERR_JWT_REVOKED; a throwing hook fails closed', async () => {
    const seen: string[] = [];
    const { tokens } = setup({
      isRevoked: (payload, header) => {
        seen.push(`${payload.sub}/${header.typ}`);
        if (payload.sub === 'crash') throw new Error('db down');
        return payload.sub === 'banned';
      },
    });
    await tokens.verifyAccessToken((await tokens.issue('fine')).accessToken);
    await rejectsWith(tokens.verifyAccessToken((await tokens.issue('banned')).accessToken), 'ERR_JWT_REVOKED');
    await rejectsWith(tokens.verifyAccessToken((await tokens.issue('crash')).accessToken), 'ERR_STORE_UNAVAILABLE');
    expect(seen).toEqual(['fine/at+jwt', 'banned/at+jwt', 'crash/at+jwt']);
  });

  it('revokeAll: tokens issued before the current second are revoked, tokens issued later are not', async () => {
    const { tokens, clock } = setup();
    const before = await tokens.issue('user-1');
    clock.advance(30);
    await tokens.revokeAll('user-1');
    await rejectsWith(tokens.verifyAccessToken(before.accessToken), 'ERR_JWT_REVOKED');
    clock.advance(1);
    const after = await tokens.issue('user-1');
    await tokens.verifyAccessToken(after.accessToken);
    const refreshed = await tokens.refresh(after.refreshToken);
    await tokens.verifyAccessToken(refreshed.accessToken);
  });

  it('revocation writes carry the service clock as now, so a store with TTLs measures expiresAt - now', async () => {
    const writes: unknown[][] = [];
    const revocations = new MemoryRevocationStore();
    const recording: RevocationStore = {
      revokeJti: (...args) => (writes.push(['revokeJti', ...args]), revocations.revokeJti(...args)),
      isJtiRevoked: (...args) => revocations.isJtiRevoked(...args),
      revokeSession: (...args) => (writes.push(['revokeSession', ...args]), revocations.revokeSession(...args)),
      isSessionRevoked: (...args) => revocations.isSessionRevoked(...args),
      revokeIssuedBefore: (...args) => (writes.push(['revokeIssuedBefore', ...args]), revocations.revokeIssuedBefore(...args)),
      issuedBeforeCutoff: (...args) => revocations.issuedBeforeCutoff(...args),
      deleteExpired: (now) => revocations.deleteExpired(now),
    };
    const { tokens, clock } = setup({ revocationStore: recording, accessTokenTtl: '10m', clockTolerance: 7 });
    const pair = await tokens.issue('user-1');
    const { exp, jti, sid } = inspect(pair.accessToken).payload as { exp: number; jti: string; sid: string };
    clock.advance(42);
    await tokens.revokeAccessToken(pair.accessToken);
    clock.advance(3);
    await tokens.revokeAll('user-1');
    const now = clock.seconds();
    expect(writes).toEqual([
      ['revokeJti', jti, exp + 8, now - 3],
      ['revokeIssuedBefore', 'user-1', now, now + 600 + 15, now],
      ['revokeSession', sid, now + 600 + 15, now],
    ]);
  });
});

describe('keys', () => {
  it('signs with a key ring’s current key and verifies tokens of retired keys after ring.rotate()', async () => {
    const clock = createFakeClock();
    const [current, next] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('EdDSA')]);
    const ring = createKeyRing({ current: current.privateKey, next: next.privateKey, maxTokenLifetime: '15m', clock });
    const { tokens } = setup({ key: ring, clock });
    const old = await tokens.issue('user-1');
    expect(inspect(old.accessToken).header['kid']).toBe(current.privateKey.kid);
    ring.rotate();
    const fresh = await tokens.refresh(old.refreshToken);
    expect(inspect(fresh.accessToken).header).toMatchObject({ alg: 'EdDSA', kid: next.privateKey.kid });
    await tokens.verifyAccessToken(fresh.accessToken);
    await tokens.verifyAccessToken(old.accessToken);
  });

  it('refuses access tokens that outlive the ring’s publication of retired keys (they would fail after a rotation)', async () => {
    const clock = createFakeClock();
    const [current, next] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    const ring = createKeyRing({ current: current.privateKey, next: next.privateKey, maxTokenLifetime: '5m', clock });
    expect(ring.maxTokenLifetime).toBe(300);
    expect(() => setup({ key: ring, clock, accessTokenTtl: '15m' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    // As long as the ring's lifetime: a token signed just before a rotation verifies until its exp.
    const { tokens } = setup({ key: ring, clock, accessTokenTtl: '5m' });
    const old = await tokens.issue('user-1');
    ring.rotate();
    clock.advance(299);
    await tokens.verifyAccessToken(old.accessToken);
  });

  it('works with an HMAC secret and with an unbound private key plus alg', async () => {
    const secret = generateSecret('HS256');
    const hmac = setup({ key: secret });
    await hmac.tokens.verifyAccessToken((await hmac.tokens.issue('user-1')).accessToken);
    const pem = keys.privateKey.keyObject.export({ format: 'pem', type: 'pkcs8' }) as string;
    const unbound = setup({ key: createPrivateKey(pem), alg: 'ES256' });
    const token = (await unbound.tokens.issue('user-1')).accessToken;
    await unbound.tokens.verifyAccessToken(token);
    await verify(token, keys.publicKey, {
      algorithms: ['ES256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      typ: 'at+jwt',
      clock: unbound.clock,
    });
    // A bound key fixes the algorithm.
    expect(inspect((await setup({ key: bindKey(createPrivateKey(pem), 'ES256') }).tokens.issue('u')).accessToken).header['alg']).toBe(
      'ES256',
    );
  });
});
