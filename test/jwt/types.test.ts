/**
 * Generic payload typing: verify<MyClaims>(...) returns payload: MyClaims & JwtClaims (the
 * `VerifyResult` type in src/jwt/types.ts).
 * Checked by the type checker (`npm run typecheck` covers test/); the runtime part is a smoke test.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { sign, verify, verifySync, type JwsHeader, type JwtClaims, type VerifyResult } from '../../src/index.js';
import { FAR_FUTURE, NOW_CLOCK, testKeys } from '../helpers/core.js';

interface MyClaims {
  scope: string;
  roles: string[];
}

describe('generic payload typing', () => {
  it('verify<MyClaims> and verifySync<MyClaims> return payload: MyClaims & JwtClaims', async () => {
    const key = testKeys().hs256;
    const token = await sign({ scope: 'read', roles: ['a'], exp: FAR_FUTURE }, key, { alg: 'HS256', clock: NOW_CLOCK });
    const result = await verify<MyClaims>(token, key, { algorithms: ['HS256'], clock: NOW_CLOCK });
    expectTypeOf(result).toEqualTypeOf<VerifyResult<MyClaims>>();
    expectTypeOf(result.payload).toEqualTypeOf<MyClaims & JwtClaims>();
    expectTypeOf(result.payload.scope).toEqualTypeOf<string>();
    expectTypeOf(result.payload.exp).toEqualTypeOf<number | undefined>();
    expectTypeOf(result.header).toEqualTypeOf<JwsHeader>();
    const syncResult = verifySync<MyClaims>(token, key, { algorithms: ['HS256'], clock: NOW_CLOCK });
    expectTypeOf(syncResult.payload.roles).toEqualTypeOf<string[]>();
    expect(result.payload.scope).toBe('read');
    expect(syncResult.payload.roles).toEqual(['a']);
  });
});
