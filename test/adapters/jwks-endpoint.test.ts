/**
 * The JWKS endpoint's cache lifetime: `cacheMaxAge` (a duration) sets `Cache-Control: max-age`;
 * the deprecated `maxAge` is still accepted alone and refused together with `cacheMaxAge`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express.js';
import * as fetchAdapter from '../../src/adapters/fetch.js';
import type { JwksEndpointOptions } from '../../src/adapters/fetch.js';
import { exportJWK, generateKeyPair, isJwtError, type JsonWebKeySet } from '../../src/index.js';

let jwks: JsonWebKeySet;

beforeAll(async () => {
  jwks = { keys: [exportJWK((await generateKeyPair('ES256')).publicKey)] };
});

async function cacheControl(options: Omit<JwksEndpointOptions, 'jwks'>): Promise<string | null> {
  const answer = await fetchAdapter.createJwksEndpoint({ jwks, ...options })(new Request('http://127.0.0.1/.well-known/jwks.json'));
  expect(answer.status).toBe(200);
  return answer.headers.get('cache-control');
}

function refused(options: Record<string, unknown>): boolean {
  const all = { jwks, ...options } as JwksEndpointOptions;
  let express = false;
  let fetch = false;
  try {
    expressAdapter.createJwksEndpoint(all);
  } catch (error) {
    express = isJwtError(error, 'ERR_INVALID_OPTION');
  }
  try {
    fetchAdapter.createJwksEndpoint(all);
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
