import { describe, expect, it } from 'vitest';
import {
  createTokenService,
  generateSecret,
  MemoryRefreshTokenStore,
  type JwtErrorCode,
  type TokenServiceEvent,
  type TokenServiceOptions,
} from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { AUDIENCE, ISSUER, keys, rejectsWith, setup } from './helpers.js';

describe('onEvent', () => {
  it('reports logins, refreshes, failures, reuse, revocations; never a token', async () => {
    const { tokens, clock, events } = setup();
    const login = await tokens.issue('user-1');
    const second = await tokens.refresh(login.refreshToken);
    await rejectsWith(tokens.refresh('x'.repeat(43)), 'ERR_REFRESH_INVALID');
    await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
    await rejectsWith(tokens.refresh(second.refreshToken), 'ERR_REFRESH_REVOKED');
    const other = await tokens.issue('user-2', { scope: 'a' });
    clock.advance('31d');
    await rejectsWith(tokens.refresh(other.refreshToken), 'ERR_REFRESH_EXPIRED');
    const third = await tokens.issue('user-2');
    await tokens.revoke(third.refreshToken);
    await tokens.revokeAll('user-3');
    await tokens.revokeAccessToken(third.accessToken);

    const at = clock();
    const start = new Date(at.getTime() - 31 * 86_400_000);
    const familyOf = (type: TokenServiceEvent['type'], index = 0) =>
      (events.filter((event) => event.type === type)[index] as { familyId: string }).familyId;
    expect(events).toEqual([
      { type: 'issued', subject: 'user-1', familyId: expect.any(String), at: start },
      { type: 'refreshed', subject: 'user-1', familyId: familyOf('issued'), at: start },
      { type: 'refresh_failed', code: 'ERR_REFRESH_INVALID', at: start },
      {
        type: 'reuse_detected',
        subject: 'user-1',
        familyId: familyOf('issued'),
        usedAt: start,
        withinGrace: false,
        successorUsed: false,
        at: start,
      },
      { type: 'family_revoked', subject: 'user-1', familyId: familyOf('issued'), reason: 'reuse', at: start },
      { type: 'refresh_failed', code: 'ERR_REFRESH_REUSED', subject: 'user-1', familyId: familyOf('issued'), at: start },
      { type: 'refresh_failed', code: 'ERR_REFRESH_REVOKED', subject: 'user-1', familyId: familyOf('issued'), at: start },
      { type: 'issued', subject: 'user-2', familyId: expect.any(String), at: start },
      { type: 'refresh_failed', code: 'ERR_REFRESH_EXPIRED', subject: 'user-2', familyId: familyOf('issued', 1), at },
      { type: 'issued', subject: 'user-2', familyId: expect.any(String), at },
      { type: 'family_revoked', subject: 'user-2', familyId: familyOf('issued', 2), reason: 'logout', at },
      { type: 'subject_revoked', subject: 'user-3', at },
      { type: 'access_token_revoked', subject: 'user-2', jti: expect.any(String), at },
    ]);
    const serialized = JSON.stringify(events);
    for (const token of [login, second, other, third].flatMap((pair) => [pair.accessToken, pair.refreshToken])) {
      expect(serialized.includes(token)).toBe(false);
    }
  });

  it('a throwing or rejecting hook never breaks the flow', async () => {
    const rejections: unknown[] = [];
    const onUnhandled = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      for (const onEvent of [
        () => {
          throw new Error('audit log down');
        },
        () => Promise.reject(new Error('audit log down')) as unknown as void,
      ]) {
        const { tokens } = setup({ onEvent });
        const login = await tokens.issue('user-1');
        const next = await tokens.refresh(login.refreshToken);
        await tokens.verifyAccessToken(next.accessToken);
        await rejectsWith(tokens.refresh(login.refreshToken), 'ERR_REFRESH_REUSED');
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('the event handed out is a copy: changing it changes nothing', async () => {
    const { tokens, clock } = setup({
      onEvent: (event) => {
        event.at.setTime(0);
      },
    });
    const before = clock().getTime();
    await tokens.issue('user-1');
    expect(clock().getTime()).toBe(before);
  });
});

describe('createTokenService options are checked at construction', () => {
  const valid: TokenServiceOptions = { key: keys.privateKey, issuer: ISSUER, audience: AUDIENCE };
  const cases: [string, Partial<Record<keyof TokenServiceOptions, unknown>>, JwtErrorCode][] = [
    ['missing key', { key: undefined }, 'ERR_INVALID_OPTION'],
    ['a public key', { key: keys.publicKey }, 'ERR_KEY_INVALID'],
    ['a bound key of another alg', { alg: 'ES384' }, 'ERR_KEY_INVALID'],
    ['a raw key without alg', { key: keys.privateKey.keyObject }, 'ERR_INVALID_OPTION'],
    ['a short HMAC secret', { key: 'short', alg: 'HS256' }, 'ERR_KEY_INVALID'],
    ['missing issuer', { issuer: undefined }, 'ERR_INVALID_OPTION'],
    ['empty issuer', { issuer: '' }, 'ERR_INVALID_OPTION'],
    ['missing audience', { audience: undefined }, 'ERR_INVALID_OPTION'],
    ['empty audience list', { audience: [] }, 'ERR_INVALID_OPTION'],
    ['unitless ttl string', { accessTokenTtl: '60' }, 'ERR_INVALID_OPTION'],
    ['zero ttl', { accessTokenTtl: 0 }, 'ERR_INVALID_OPTION'],
    ['negative refresh ttl', { refreshTokenTtl: -1 }, 'ERR_INVALID_OPTION'],
    ['fractional ttl', { accessTokenTtl: 1.5 }, 'ERR_INVALID_OPTION'],
    ['idle longer than absolute', { idleTtl: '31d' }, 'ERR_INVALID_OPTION'],
    ['grace above 60 s', { reuseGrace: 61 }, 'ERR_INVALID_OPTION'],
    ['grace above 60 s as a string', { reuseGrace: '2m' }, 'ERR_INVALID_OPTION'],
    ['negative grace', { reuseGrace: -1 }, 'ERR_INVALID_OPTION'],
    ['fractional grace', { reuseGrace: 0.5 }, 'ERR_INVALID_OPTION'],
    ['unitless grace string', { reuseGrace: '10' }, 'ERR_INVALID_OPTION'],
    ['deprecated reuseGraceSeconds above 60 s', { reuseGraceSeconds: 61 }, 'ERR_INVALID_OPTION'],
    ['deprecated reuseGraceSeconds as a string (it takes seconds)', { reuseGraceSeconds: '10s' }, 'ERR_INVALID_OPTION'],
    ['both reuseGrace and the deprecated reuseGraceSeconds', { reuseGrace: '10s', reuseGraceSeconds: 10 }, 'ERR_INVALID_OPTION'],
    ['tolerance above 300', { clockTolerance: 301 }, 'ERR_INVALID_OPTION'],
    ['a store missing rotate', { store: { insert() {}, find() {} } }, 'ERR_INVALID_OPTION'],
    ['a revocation store missing a method', { revocationStore: {} }, 'ERR_INVALID_OPTION'],
    ['a non-function clock', { clock: new Date() }, 'ERR_INVALID_OPTION'],
    ['a null clock', { clock: null }, 'ERR_INVALID_OPTION'],
    ['a non-function onEvent', { onEvent: 'log' }, 'ERR_INVALID_OPTION'],
    ['a non-function isRevoked', { isRevoked: true }, 'ERR_INVALID_OPTION'],
  ];
  for (const [name, override, code] of cases) {
    it(`refuses ${name} with ${code}`, () => {
      expect(() => createTokenService({ ...valid, ...override } as TokenServiceOptions)).toThrow(expect.objectContaining({ code }));
    });
  }

  it('refuses a missing options object', () => {
    expect(() => createTokenService(undefined as unknown as TokenServiceOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });

  it('defaults: 15 min access tokens, 30 days sessions, a memory store, HMAC keys accepted', async () => {
    const tokens = createTokenService({ key: generateSecret('HS256'), issuer: ISSUER, audience: [AUDIENCE, 'second'] });
    const pair = await tokens.issue('user-1');
    expect([pair.expiresIn, pair.refreshExpiresIn]).toEqual([900, 30 * 86_400]);
    await tokens.verifyAccessToken(pair.accessToken);
    await tokens.refresh(pair.refreshToken);
  });

  it('a clock that returns no valid Date is misuse at call time', async () => {
    const tokens = createTokenService({ ...valid, clock: () => new Date(Number.NaN) });
    await rejectsWith(tokens.issue('user-1'), 'ERR_INVALID_OPTION');
  });
});

describe('issue() arguments', () => {
  it('refuses a bad subject and bad or reserved claims, storing nothing', async () => {
    const store = new MemoryRefreshTokenStore();
    const { tokens } = setup({ store });
    for (const subject of ['', undefined, 5, null]) await rejectsWith(tokens.issue(subject as string), 'ERR_INVALID_OPTION');
    for (const name of ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti']) {
      await rejectsWith(tokens.issue('user-1', { [name]: 'x' } as never), 'ERR_INVALID_OPTION');
    }
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const claims of [cyclic, { n: 1n }, [], 'scope', new Date(0), { huge: 'x'.repeat(10_000) }]) {
      await rejectsWith(tokens.issue('user-1', claims as never), 'ERR_INVALID_OPTION');
    }
    await rejectsWith(tokens.revokeAll(''), 'ERR_INVALID_OPTION');
    expect(store.size).toBe(0);
  });

  it('claims are copied at issue: changing the object afterwards changes no later token', async () => {
    const { tokens } = setup();
    const claims = { roles: ['reader'] };
    const login = await tokens.issue('user-1', claims);
    claims.roles.push('admin');
    const next = await tokens.refresh(login.refreshToken);
    expect((await tokens.verifyAccessToken(next.accessToken)).payload.roles).toEqual(['reader']);
  });

  it('works with a frozen fake clock and no events hook', async () => {
    const tokens = createTokenService({ ...valid(), clock: createFakeClock() });
    await tokens.verifyAccessToken((await tokens.issue('user-1')).accessToken);
  });
});

function valid(): TokenServiceOptions {
  return { key: keys.privateKey, issuer: ISSUER, audience: AUDIENCE };
}
