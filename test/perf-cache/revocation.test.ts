/**
 * A cache hit skips only parsing and the signature check: a revocation check that runs after
 * verification (here the adapters' `isRevoked` hook) still runs on every hit.
 */
import { describe, expect, it } from 'vitest';
import { authenticateRequest } from '../../src/adapters/fetch.js';
import { createVerifiedTokenCache } from '../../src/index.js';
import { SECRET, at, claims, hs256 } from './helpers.js';

describe('revocation with the verified-token cache', () => {
  it('a revoked token is refused although its verification is cached', async () => {
    const cache = createVerifiedTokenCache();
    const revoked = new Set<string>();
    const checked: string[] = [];
    const options = {
      key: SECRET,
      verify: { algorithms: ['HS256' as const], issuer: 'https://issuer.example', audience: 'api', clock: () => at(0), cache },
      isRevoked: (payload: { jti?: string }) => {
        checked.push(payload.jti as string);
        return revoked.has(payload.jti as string);
      },
    };
    const token = hs256(claims({ jti: 'token-1' }));
    const request = (): Request => new Request('http://127.0.0.1/api', { headers: { authorization: `Bearer ${token}` } });

    const first = await authenticateRequest(request(), options);
    expect(first).not.toBeInstanceOf(Response);
    expect((first as { payload: { jti: string } }).payload.jti).toBe('token-1');
    expect(cache.size).toBe(1);

    revoked.add('token-1');
    const second = await authenticateRequest(request(), options);
    expect(second).toBeInstanceOf(Response);
    expect((second as Response).status).toBe(401);
    expect(checked).toEqual(['token-1', 'token-1']);
    expect(cache.size).toBe(1);
  });
});
