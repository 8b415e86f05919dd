// Unknown option names of jwtkit/testing (createFakeClock, createTestIssuer and its token
// factories, the conformance suites) are refused with ERR_INVALID_OPTION.
import { describe, expect, it, vi } from 'vitest';
import { isJwtError } from '../../src/errors.js';
import { MemoryRefreshTokenStore, MemoryRevocationStore } from '../../src/index.js';
import {
  createFakeClock,
  createTestIssuer,
  runRefreshTokenStoreSuite,
  runRevocationStoreSuite,
  type ConformanceTestApi,
} from '../../src/testing/index.js';

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return isJwtError(error) ? error.code : String(error);
  }
  return undefined;
}

describe('jwtkit/testing: unknown option names', () => {
  it('createFakeClock', async () => {
    expect(await codeOf(() => createFakeClock({ startAt: 0 } as never))).toBe('ERR_INVALID_OPTION');
    expect(createFakeClock({ start: 10 }).seconds()).toBe(10);
  });

  it('createTestIssuer and the options of each token', async () => {
    expect(await codeOf(() => createTestIssuer({ tokenTTL: '5m' } as never))).toBe('ERR_INVALID_OPTION');
    const issuer = await createTestIssuer();
    expect(await codeOf(() => issuer.sign({}, { expiresin: '5m' } as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => issuer.expiredToken({}, { sub: 'x' } as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => issuer.createTokenService({ acessTokenTtl: '5m' } as never))).toBe('ERR_INVALID_OPTION');
    expect(await issuer.sign({}, { subject: 'u', typ: 'at+jwt', expiresIn: '5m' })).toBeTypeOf('string');
  });

  it('a test issuer whose tokens live longer than a day still makes a token service', async () => {
    const issuer = await createTestIssuer({ tokenTtl: '2d' });
    const pair = await issuer.createTokenService().issue('user-1');
    expect(pair.expiresIn).toBe(2 * 86_400);
  });

  it('the conformance suites refuse an unknown option before declaring any test', async () => {
    const api: ConformanceTestApi = { describe: vi.fn(), it: vi.fn(), expect: vi.fn() as never };
    expect(await codeOf(() => runRefreshTokenStoreSuite(() => new MemoryRefreshTokenStore(), api, { concurency: 5 } as never))).toBe(
      'ERR_INVALID_OPTION',
    );
    expect(await codeOf(() => runRevocationStoreSuite(() => new MemoryRevocationStore(), api, { timeOut: 5 } as never))).toBe(
      'ERR_INVALID_OPTION',
    );
    expect(api.describe).not.toHaveBeenCalled();
    expect(api.it).not.toHaveBeenCalled();
  });
});
