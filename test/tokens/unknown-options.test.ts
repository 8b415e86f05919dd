/**
 * Unknown option names of the token service and the memory stores are refused at construction with
 * ERR_INVALID_OPTION (deprecated names stay accepted), and an access-token lifetime over
 * `maxAccessTokenTtl` (default '24h', e.g. 15 minutes written in milliseconds) is refused too.
 */
import { describe, expect, it } from 'vitest';
import { createTokenService, MemoryRefreshTokenStore, MemoryRevocationStore, type TokenServiceOptions } from '../../src/index.js';
import { AUDIENCE, ISSUER, keys } from './helpers.js';
import { expectCodeSync as expectThrownCode } from '../helpers/core.js';

/** The ERR_INVALID_OPTION that `run` throws synchronously. */
const refused = (run: () => unknown) => expectThrownCode(run, 'ERR_INVALID_OPTION');

/** Options as plain JavaScript passes them: no type checks. */
function service(extra: Record<string, unknown>) {
  return createTokenService({ key: keys.privateKey, issuer: ISSUER, audience: AUDIENCE, ...extra } as TokenServiceOptions);
}

describe('createTokenService: unknown option names', () => {
  it('refuses a misspelt option, naming it and the closest option', () => {
    const error = refused(() => service({ accessTokenTTL: '5m' }));
    expect(error.message).toContain('"accessTokenTTL"');
    expect(error.message).toContain('"accessTokenTtl"');
    refused(() => service({ audiance: 'x' }));
    refused(() => service({ refreshTokenTtl: '1d', reuseGraceSecond: 5 }));
  });

  it('accepts the deprecated reuseGraceSeconds', () => {
    expect(service({ reuseGraceSeconds: 5 })).toBeTypeOf('object');
  });
});

describe('memory stores: unknown option names', () => {
  it('refuse a misspelt option; accept sweepInterval and the deprecated sweepIntervalSeconds', () => {
    for (const Store of [MemoryRefreshTokenStore, MemoryRevocationStore]) {
      const error = refused(() => new Store({ sweepIntervall: '1m' } as never));
      expect(error.message).toContain('"sweepInterval"');
      expect(new Store({ sweepInterval: '1m' })).toBeInstanceOf(Store);
      expect(new Store({ sweepIntervalSeconds: 60 })).toBeInstanceOf(Store);
    }
  });
});

describe('createTokenService: maxAccessTokenTtl', () => {
  it('refuses 15 minutes written in milliseconds (900000 s is more than 10 days)', () => {
    refused(() => service({ accessTokenTtl: 900_000 }));
  });

  it("refuses an accessTokenTtl over the default limit of '24h', and accepts '24h'", () => {
    refused(() => service({ accessTokenTtl: '25h' }));
    refused(() => service({ accessTokenTtl: 86_401 }));
    expect(service({ accessTokenTtl: '24h' })).toBeTypeOf('object');
  });

  it('may be raised (or lowered) by the application', async () => {
    const tokens = service({ accessTokenTtl: '2d', maxAccessTokenTtl: '7d' });
    expect((await tokens.issue('user-1')).expiresIn).toBe(2 * 86_400);
    refused(() => service({ accessTokenTtl: '10m', maxAccessTokenTtl: '5m' }));
  });

  it('must itself be a positive duration', () => {
    for (const maxAccessTokenTtl of [0, -1, '1 day', '60', 1.5]) refused(() => service({ maxAccessTokenTtl }));
  });
});
