/**
 * The JWKS endpoint's cache lifetime: `cacheMaxAge` (a duration) sets `Cache-Control: max-age`;
 * the deprecated `maxAge` is still accepted alone and refused together with `cacheMaxAge`. The
 * deprecated names `createJwksEndpoint` / `JwksEndpointOptions` are the new ones.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as fetchAdapter from '../../src/adapters/fetch/index.js';
import type { JWKSEndpointOptions } from '../../src/adapters/fetch/index.js';
import { exportJWK, generateKeyPair, isJwtError, type JsonWebKeySet } from '../../src/index.js';

let jwks: JsonWebKeySet;

beforeAll(async () => {
  jwks = { keys: [exportJWK((await generateKeyPair('ES256')).publicKey)] };
});

async function cacheControl(options: Omit<JWKSEndpointOptions, 'jwks'>): Promise<string | null> {
  const answer = await fetchAdapter.createJWKSEndpoint({ jwks, ...options })(new Request('http://127.0.0.1/.well-known/jwks.json'));
  expect(answer.status).toBe(200);
  return answer.headers.get('cache-control');
}

function refused(options: Record<string, unknown>): boolean {
  const all = { jwks, ...options } as JWKSEndpointOptions;
  let express = false;
  let fetch = false;
  try {
    expressAdapter.createJWKSEndpoint(all);
  } catch (error) {
    express = isJwtError(error, 'ERR_INVALID_OPTION');
  }
  try {
    fetchAdapter.createJWKSEndpoint(all);
  } catch (error) {
    fetch = isJwtError(error, 'ERR_INVALID_OPTION');
  }
  return express && fetch;
}

describe('createJwksEndpoint: cacheMaxAge', () => {
  it('defaults to 5 minutes', async () => {
    expect(await cacheControl({})).toBe('public, max-age=300');
  });

  it('takes seconds or a duration string', async () => {
    expect(await cacheControl({ cacheMaxAge: '10m' })).toBe('public, max-age=600');
    expect(await cacheControl({ cacheMaxAge: 42 })).toBe('public, max-age=42');
  });

  it('refuses a value that is not a duration (ERR_INVALID_OPTION, at construction)', () => {
    for (const cacheMaxAge of ['600', -1, Number.NaN, '10 m', true]) expect(refused({ cacheMaxAge }), String(cacheMaxAge)).toBe(true);
  });

  it('deprecated maxAge: still sets the cache lifetime', async () => {
    expect(await cacheControl({ maxAge: '2m' })).toBe('public, max-age=120');
    expect(refused({ maxAge: '120' })).toBe(true);
  });

  it('cacheMaxAge and the deprecated maxAge together: ERR_INVALID_OPTION', () => {
    expect(refused({ cacheMaxAge: '2m', maxAge: '2m' })).toBe(true);
  });
});

describe('createJwksEndpoint and JwksEndpointOptions: deprecated names', () => {
  it('are createJWKSEndpoint and JWKSEndpointOptions, in both adapters', async () => {
    expect(expressAdapter.createJwksEndpoint).toBe(expressAdapter.createJWKSEndpoint);
    expect(fetchAdapter.createJwksEndpoint).toBe(fetchAdapter.createJWKSEndpoint);
    expectTypeOf<fetchAdapter.JwksEndpointOptions>().toEqualTypeOf<JWKSEndpointOptions>();
    expectTypeOf<expressAdapter.JwksEndpointOptions>().toEqualTypeOf<JWKSEndpointOptions>();
    const answer = await fetchAdapter.createJwksEndpoint({ jwks })(new Request('http://127.0.0.1/.well-known/jwks.json'));
    expect(await answer.json()).toEqual(jwks);
  });
});
