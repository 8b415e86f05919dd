/**
 * Unknown option names of the key functions: importKey, exportJWK, generateKeyPair, generateSecret,
 * createKeyRing (and its `retired` entries and `rotate`), createLocalJWKS, createRemoteJWKS and
 * discoverJWKS refuse a member that is not one of their options with ERR_INVALID_OPTION, before any
 * key is read or any request is made. Maps (`headers`) keep free names.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyRing,
  createLocalJWKS,
  createRemoteJWKS,
  discoverJWKS,
  exportJWK,
  generateKeyPair,
  generateSecret,
  importKey,
  type FetchFunction,
  type GeneratedKeyPair,
} from '../../src/index.js';
import { expectCode, expectCodeSync } from './helpers.js';
import { expectCodeSync as expectThrownCode } from '../helpers/core.js';

let a: GeneratedKeyPair;
let b: GeneratedKeyPair;

beforeAll(async () => {
  [a, b] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
});

/** Options as plain JavaScript passes them: no type checks. */
function loose<T>(options: Record<string, unknown>): T {
  return options as T;
}

/** The ERR_INVALID_OPTION that `run` throws synchronously. */
const refused = (run: () => unknown) => expectThrownCode(run, 'ERR_INVALID_OPTION');

/** A fetch that counts its requests and serves `documents` by URL. */
function fakeFetch(documents: Record<string, unknown>): { fetch: FetchFunction; requests: string[] } {
  const requests: string[] = [];
  const fetch: FetchFunction = async (url) => {
    requests.push(url);
    const body = documents[url];
    return body === undefined ? new Response('', { status: 404 }) : Response.json(body);
  };
  return { fetch, requests };
}

describe('key functions: unknown option names', () => {
  it('importKey', () => {
    const error = refused(() => importKey(a.publicKey.keyObject, loose({ alg: 'ES256', keyId: 'k1' })));
    expect(error.message).toContain('"keyId"');
    expect(error.message).toContain('"kid"');
    expectCodeSync(() => importKey(a.publicKey.keyObject, loose({ algorithm: 'ES256' })), 'ERR_INVALID_OPTION');
    expect(importKey(a.publicKey.keyObject, { alg: 'ES256', kid: 'k1' }).kid).toBe('k1');
  });

  it('exportJWK', () => {
    expectCodeSync(() => exportJWK(a.privateKey, loose({ includePrivate: true })), 'ERR_INVALID_OPTION');
    expectCodeSync(() => exportJWK(a.privateKey, loose({ Private: true })), 'ERR_INVALID_OPTION');
    expect(exportJWK(a.privateKey, { private: true }).d).toBeTypeOf('string');
  });

  it('generateKeyPair and generateSecret', async () => {
    await expectCode(() => generateKeyPair('RS256', loose({ modulusLenght: 4096 })), 'ERR_INVALID_OPTION');
    expectCodeSync(() => generateSecret('HS256', loose({ keyid: 'k' })), 'ERR_INVALID_OPTION');
    expect(generateSecret('HS256', { kid: 'k' }).kid).toBe('k');
  });

  it('createKeyRing, its retired entries and rotate', () => {
    expectCodeSync(
      () => createKeyRing(loose({ current: a.privateKey, maxTokenLifetime: '1h', maxTokenLifeTime: '2h' })),
      'ERR_INVALID_OPTION',
    );
    const retiredEntry = { key: b.privateKey, retired_at: new Date() };
    const error = refused(() => createKeyRing(loose({ current: a.privateKey, maxTokenLifetime: '1h', retired: [retiredEntry] })));
    expect(error.message).toContain('"retiredAt"');
    const ring = createKeyRing({ current: a.privateKey, next: b.privateKey, maxTokenLifetime: '1h' });
    expectCodeSync(() => ring.rotate(loose({ nextKey: a.privateKey })), 'ERR_INVALID_OPTION');
    expect(ring.signingKey).toBe(a.privateKey); // nothing rotated
    ring.rotate();
    expect(ring.signingKey.kid).toBe(b.privateKey.kid);
  });

  it('createLocalJWKS', () => {
    const jwks = { keys: [exportJWK(a.publicKey)] };
    expectCodeSync(() => createLocalJWKS(jwks, loose({ maxkeys: 5 })), 'ERR_INVALID_OPTION');
    expect(createLocalJWKS(jwks, { maxKeys: 5 })).toBeTypeOf('function');
  });

  it('createRemoteJWKS refuses an unknown option at creation; header names are free', () => {
    const { fetch, requests } = fakeFetch({});
    const error = refused(() => createRemoteJWKS('https://issuer.example/jwks', loose({ fetch, cacheMaxAge: '5m', coolDown: '10s' })));
    expect(error.message).toContain('"cooldown"');
    expect(requests).toEqual([]);
    expect(createRemoteJWKS('https://issuer.example/jwks', { fetch, headers: { 'x-anything': 'yes', 'User-Agent': 'test' } })).toBeTypeOf(
      'function',
    );
  });

  it('discoverJWKS refuses an unknown option before any request', async () => {
    const { fetch, requests } = fakeFetch({});
    await expectCode(() => discoverJWKS('https://issuer.example', loose({ fetch, timout: '1s' })), 'ERR_INVALID_OPTION');
    expect(requests).toEqual([]);
  });

  it('discoverJWKS hands its own options, and only those of createRemoteJWKS, on', async () => {
    const issuer = 'https://issuer.example';
    const { fetch, requests } = fakeFetch({
      [`${issuer}/.well-known/openid-configuration`]: { issuer, jwks_uri: 'https://keys.example/jwks' },
      'https://keys.example/jwks': { keys: [exportJWK(a.publicKey)] },
    });
    const jwks = await discoverJWKS(issuer, { fetch, jwksOrigins: ['https://keys.example'], cooldown: '10s' });
    await jwks.refresh();
    expect(requests).toEqual([`${issuer}/.well-known/openid-configuration`, 'https://keys.example/jwks']);
  });
});
