import { describe, expect, it } from 'vitest';
import { isJwtError, verify, type JwtErrorCode } from '../../src/index.js';
import { createFakeClock, createTestIssuer } from '../../src/testing/index.js';

async function codeOf(promise: Promise<unknown>): Promise<JwtErrorCode | 'resolved' | 'other'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isJwtError(error) ? error.code : 'other';
  }
}

describe('createFakeClock', () => {
  it('stands still, advances by durations, can be set, and hands out copies', () => {
    const clock = createFakeClock();
    expect(clock().getTime()).toBe(1_700_000_000_000);
    expect(clock.seconds()).toBe(1_700_000_000);
    clock().setTime(0);
    expect(clock.now().getTime()).toBe(1_700_000_000_000);
    expect(clock.advance('15m').getTime()).toBe(1_700_000_900_000);
    expect(clock.advance(5).getTime()).toBe(1_700_000_905_000);
    expect(clock.set(new Date('2030-01-01T00:00:00Z')).toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(clock.set(100).getTime()).toBe(100_000);
    expect(createFakeClock({ start: new Date(5000) }).seconds()).toBe(5);
    expect(createFakeClock({ start: 1.5 }).seconds()).toBe(1);
  });

  it('refuses misuse with ERR_INVALID_OPTION', () => {
    const clock = createFakeClock();
    for (const attempt of [
      () => clock.advance('60' as never),
      () => clock.advance(-1),
      () => clock.set(new Date(Number.NaN)),
      () => clock.set(Number.POSITIVE_INFINITY),
      () => createFakeClock({ start: 'now' as never }),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });
});

describe('createTestIssuer', () => {
  it('signs valid tokens that verify with its key resolver, JWKS and options', async () => {
    const issuer = await createTestIssuer();
    const token = await issuer.sign({ scope: 'read' }, { subject: 'alice' });
    const { payload, header } = await verify(token, issuer.keyResolver, { ...issuer.verifyOptions(), typ: 'at+jwt' });
    expect(payload).toMatchObject({ scope: 'read', sub: 'alice', iss: 'https://issuer.test', aud: 'https://api.test' });
    expect(payload.exp).toBe(issuer.clock.seconds() + 900);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: issuer.keyRing.signingKey.kid });
    expect(issuer.jwks().keys.map((jwk) => jwk.kid)).toEqual([header.kid]);
    expect(issuer.jwks().keys[0]?.['d']).toBe(undefined);
  });

  it('makes each kind of bad token fail with its own code', async () => {
    const issuer = await createTestIssuer({ alg: 'EdDSA', issuer: 'https://me.test', audience: 'api' });
    const check = (token: string) => codeOf(verify(token, issuer.keyResolver, issuer.verifyOptions()));
    expect(await check(await issuer.sign())).toBe('resolved');
    expect(await check(await issuer.expiredToken())).toBe('ERR_JWT_EXPIRED');
    expect(await check(await issuer.notYetValidToken())).toBe('ERR_JWT_NOT_YET_VALID');
    expect(await check(await issuer.wrongAudienceToken())).toBe('ERR_JWT_CLAIM_INVALID');
    expect(await check(await issuer.wrongIssuerToken())).toBe('ERR_JWT_CLAIM_INVALID');
    expect(await check(await issuer.forgedToken())).toBe('ERR_JWT_SIGNATURE_INVALID');
  });

  it('dates tokens by its clock: a valid token expires when the clock moves', async () => {
    const issuer = await createTestIssuer({ tokenTtl: '1m' });
    const token = await issuer.sign();
    issuer.clock.advance('2m');
    expect(await codeOf(verify(token, issuer.keyResolver, issuer.verifyOptions()))).toBe('ERR_JWT_EXPIRED');
    const short = await issuer.sign({}, { expiresIn: 10, typ: 'JWT' });
    issuer.clock.advance(16);
    expect(await codeOf(verify(short, issuer.keyResolver, issuer.verifyOptions()))).toBe('ERR_JWT_EXPIRED');
  });

  it('its verify options follow its clock: options taken once (e.g. by an adapter) see the clock move', async () => {
    const issuer = await createTestIssuer({ tokenTtl: '1m' });
    const options = issuer.verifyOptions();
    const token = await issuer.sign({}, { typ: 'JWT' });
    expect(await codeOf(verify(token, issuer.keyResolver, options))).toBe('resolved');
    issuer.clock.advance('2m');
    expect(await codeOf(verify(token, issuer.keyResolver, options))).toBe('ERR_JWT_EXPIRED');
  });

  it('wires a token service to the issuer', async () => {
    const issuer = await createTestIssuer();
    const tokens = issuer.createTokenService({ accessTokenTtl: '5m' });
    const pair = await tokens.issue('bob');
    expect(pair.expiresIn).toBe(300);
    await verify(pair.accessToken, issuer.keyResolver, { ...issuer.verifyOptions(), typ: 'at+jwt' });
    issuer.clock.advance('6m');
    expect(await codeOf(tokens.verifyAccessToken(pair.accessToken))).toBe('ERR_JWT_EXPIRED');
    await tokens.verifyAccessToken((await tokens.refresh(pair.refreshToken)).accessToken);
  });

  it('its token service issues access tokens with the issuer’s tokenTtl unless told otherwise', async () => {
    const issuer = await createTestIssuer({ tokenTtl: '5m' });
    expect((await issuer.createTokenService().issue('bob')).expiresIn).toBe(300);
  });

  it('refuses a symmetric algorithm and empty names', async () => {
    expect(await codeOf(createTestIssuer({ alg: 'HS256' as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(createTestIssuer({ issuer: '' }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(createTestIssuer({ audience: '' }))).toBe('ERR_INVALID_OPTION');
  });
});
