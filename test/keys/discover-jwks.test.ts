import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverJWKS, exportJWK, generateKeyPair, sign, verify, type GeneratedKeyPair } from '../../src/index.js';
import { NOW, expectCode, fakeClock, serveJson, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let key: GeneratedKeyPair;

beforeAll(async () => {
  server = await startServer((_request, response) => response.writeHead(404).end());
  key = await generateKeyPair('ES256');
});
afterAll(() => server.close());

/** An issuer on the test server whose discovery document is `document(issuer)`. */
function provider(document: (issuer: string, jwksUri: string) => unknown): { issuer: string; jwksPath: string } {
  const base = `/${randomUUID()}`;
  const issuer = `${server.origin}${base}`;
  const jwksPath = `${base}/keys`;
  server.handle((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === `${base}/.well-known/openid-configuration`)
      return serveJson(document(issuer, `${server.origin}${jwksPath}`))(request, response);
    if (path === jwksPath) return serveJson({ keys: [exportJWK(key.publicKey)] })(request, response);
    response.writeHead(404).end();
  });
  return { issuer, jwksPath };
}

describe('discoverJWKS', () => {
  it('reads jwks_uri from the OpenID configuration and verifies with it', async () => {
    const { issuer, jwksPath } = provider((iss, jwksUri) => ({
      issuer: iss,
      jwks_uri: jwksUri,
      id_token_signing_alg_values_supported: ['ES256'],
    }));
    const clock = fakeClock();
    const jwks = await discoverJWKS(issuer, { clock });
    const token = await sign({ sub: 'u1', iss: issuer }, key.privateKey, { alg: 'ES256', expiresIn: 60, currentDate: clock() });
    const { payload } = await verify(token, jwks, { algorithms: ['ES256'], issuer, currentDate: clock() });
    expect(payload.sub).toBe('u1');
    expect(server.count(jwksPath)).toBe(1);
  });

  it('accepts an issuer with a trailing slash (the configuration path is appended once)', async () => {
    const { issuer, jwksPath } = provider((iss, jwksUri) => ({ issuer: `${iss}/`, jwks_uri: jwksUri }));
    const clock = fakeClock();
    const jwks = await discoverJWKS(`${issuer}/`, { clock });
    const token = await sign({ sub: 'u1' }, key.privateKey, { alg: 'ES256', expiresIn: 60, clock });
    await expect(verify(token, jwks, { algorithms: ['ES256'], clock })).resolves.toMatchObject({ payload: { sub: 'u1' } });
    expect(server.count(jwksPath)).toBe(1);
  });

  it('refuses a document naming another issuer (OIDC Discovery 4.3)', async () => {
    const { issuer } = provider((_iss, jwksUri) => ({ issuer: 'https://evil.example', jwks_uri: jwksUri }));
    await expectCode(() => discoverJWKS(issuer), 'ERR_JWKS_INVALID');
  });

  it.each([
    ['no jwks_uri', (iss: string) => ({ issuer: iss })],
    ['an http jwks_uri to a non-loopback host', (iss: string) => ({ issuer: iss, jwks_uri: 'http://keys.example/jwks' })],
    ['a non-string jwks_uri', (iss: string) => ({ issuer: iss, jwks_uri: ['https://keys.example/jwks'] })],
    ['not an object', () => ['issuer']],
  ])('refuses %s', async (_name, document) => {
    const { issuer } = provider(document);
    await expectCode(() => discoverJWKS(issuer), 'ERR_JWKS_INVALID');
  });

  it('a missing document gives ERR_JWKS_FETCH', async () => {
    await expectCode(() => discoverJWKS(`${server.origin}/${randomUUID()}`), 'ERR_JWKS_FETCH');
  });

  it('an injected fetch that fails or returns something odd gives ERR_JWKS_FETCH', async () => {
    await expectCode(() => discoverJWKS('https://issuer.example', { fetch: () => Promise.reject(new Error('down')) }), 'ERR_JWKS_FETCH');
    await expectCode(() => discoverJWKS('https://issuer.example', { fetch: (() => Promise.resolve(null)) as never }), 'ERR_JWKS_FETCH');
  });

  it('refuses an issuer that is not an acceptable URL', async () => {
    await expectCode(() => discoverJWKS('http://issuer.example'), 'ERR_INVALID_OPTION');
    await expectCode(() => discoverJWKS('issuer'), 'ERR_INVALID_OPTION');
    await expectCode(() => discoverJWKS(`${server.origin}/x`, { timeout: 0 }), 'ERR_INVALID_OPTION');
  });

  it.each([
    ['a query', 'https://issuer.example/realm?x=1'],
    ['an empty query', 'https://issuer.example/realm?'],
    ['a fragment', 'https://issuer.example/realm#frag'],
    ['an empty fragment', 'https://issuer.example/realm#'],
    ['a query on the origin', 'https://issuer.example?x=1'],
    ['user and password', 'https://user:pass@issuer.example/realm'],
    ['a user name', 'https://user@issuer.example/realm'],
  ])('refuses an issuer with %s before any request (OIDC Discovery 1.0 §2, RFC 8414 §2)', async (_name, issuer) => {
    let calls = 0;
    const fetch = (): Promise<Response> => {
      calls++;
      return Promise.resolve(Response.json({ issuer, jwks_uri: 'https://issuer.example/jwks' }));
    };
    await expectCode(() => discoverJWKS(issuer, { fetch }), 'ERR_INVALID_OPTION');
    expect(calls).toBe(0);
  });

  describe("jwks_uri is https: and on the issuer's origin or a listed one: no request reaches another origin", () => {
    const ISSUER = 'https://tenant.example';
    /** A fetch that serves the discovery document and a key set, and records every URL asked for. */
    function recordingFetch(jwksUri: string): { fetch: (input: string | URL | Request) => Promise<Response>; requested: string[] } {
      const requested: string[] = [];
      const fetch = (input: string | URL | Request): Promise<Response> => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        requested.push(url);
        if (url === `${ISSUER}/.well-known/openid-configuration`)
          return Promise.resolve(Response.json({ issuer: ISSUER, jwks_uri: jwksUri }));
        return Promise.resolve(Response.json({ keys: [exportJWK(key.publicKey)] }));
      };
      return { fetch, requested };
    }

    it.each([
      ['another origin', 'https://evil.example/jwks', {}],
      ['a sibling host of the issuer', 'https://keys.tenant.example/jwks', {}],
      ['plain http to loopback under an https issuer', 'http://127.0.0.1:6379/', {}],
      ['plain http to loopback even when that origin is listed', 'http://127.0.0.1:6379/', { jwksOrigins: ['http://127.0.0.1:6379'] }],
      ['another port of the issuer host', 'https://tenant.example:8443/jwks', {}],
    ])('refuses %s with ERR_JWKS_INVALID and never fetches it', async (_name, jwksUri, extra) => {
      const { fetch, requested } = recordingFetch(jwksUri);
      await expectCode(() => discoverJWKS(ISSUER, { fetch, ...extra }), 'ERR_JWKS_INVALID');
      expect(requested).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
    });

    it.each([
      ["the issuer's origin", 'https://tenant.example/keys', {}],
      [
        'a listed origin (Google keeps its keys on another host than its issuer)',
        'https://keys.example/jwks',
        { jwksOrigins: ['https://keys.example'] },
      ],
      ['a listed origin written with a trailing slash', 'https://keys.example/jwks', { jwksOrigins: ['https://keys.example/'] }],
    ])('accepts %s', async (_name, jwksUri, extra) => {
      const { fetch, requested } = recordingFetch(jwksUri);
      const jwks = await discoverJWKS(ISSUER, { fetch, ...extra });
      await jwks.refresh();
      expect(requested).toEqual([`${ISSUER}/.well-known/openid-configuration`, jwksUri]);
    });

    it.each([['https://keys.example/path'], ['keys.example'], ['ftp://keys.example'], ['https://keys.example?x=1'], [42]])(
      'refuses jwksOrigins holding %s with ERR_INVALID_OPTION before any request',
      async (origin) => {
        const { fetch, requested } = recordingFetch('https://keys.example/jwks');
        await expectCode(() => discoverJWKS(ISSUER, { fetch, jwksOrigins: [origin as string] }), 'ERR_INVALID_OPTION');
        expect(requested).toEqual([]);
      },
    );
  });

  it('uses the clock of its options for the remote set', async () => {
    const { issuer, jwksPath } = provider((iss, jwksUri) => ({ issuer: iss, jwks_uri: jwksUri }));
    const clock = fakeClock();
    const jwks = await discoverJWKS(issuer, { clock, cacheMaxAge: 60 });
    await jwks.refresh();
    expect(jwks.snapshot()).toMatchObject({ fetchedAt: NOW, expiresAt: NOW + 60 });
    expect(server.count(jwksPath)).toBe(1);
  });
});
