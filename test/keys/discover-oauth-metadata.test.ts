/**
 * discoverJWKS beyond OpenID Connect: RFC 8414 authorization server metadata, read at the
 * well-known URI inserted between the issuer's host and path (§3.1), and a metadata document at an
 * explicit URL. The rules of OpenID discovery hold for both: exact `issuer` (RFC 8414 §3.3),
 * acceptable URLs, `jwks_uri` on the issuer's origin.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverJWKS, exportJWK, generateKeyPair, sign, verify, type GeneratedKeyPair } from '../../src/index.js';
import { expectCode, fakeClock, serveJson, startServer, type TestServer } from './helpers.js';

let server: TestServer;
let key: GeneratedKeyPair;

beforeAll(async () => {
  server = await startServer((_request, response) => response.writeHead(404).end());
  key = await generateKeyPair('ES256');
});
afterAll(() => server.close());

/** Serves `document` at `metadataPath` and the key set at `<base>/keys`; returns the key set's URL and path. */
function serve(metadataPath: string, document: (jwksUri: string) => unknown, base: string): { jwksPath: string } {
  const jwksPath = `${base}/keys`;
  server.handle((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === metadataPath) return serveJson(document(`${server.origin}${jwksPath}`))(request, response);
    if (path === jwksPath) return serveJson({ keys: [exportJWK(key.publicKey)] })(request, response);
    response.writeHead(404).end();
  });
  return { jwksPath };
}

async function expectVerifies(jwks: Awaited<ReturnType<typeof discoverJWKS>>, issuer: string, clock: () => Date): Promise<void> {
  const token = await sign({ sub: 'u1', iss: issuer }, key.privateKey, { alg: 'ES256', expiresIn: 60, clock });
  await expect(verify(token, jwks, { algorithms: ['ES256'], issuer, clock })).resolves.toMatchObject({ payload: { sub: 'u1' } });
}

describe("discoverJWKS, wellKnown: 'oauth-authorization-server' (RFC 8414)", () => {
  it('inserts the well-known path between the host and the issuer path (§3.1)', async () => {
    const tenant = `/${randomUUID()}`;
    const issuer = `${server.origin}${tenant}`;
    const metadataPath = `/.well-known/oauth-authorization-server${tenant}`;
    const { jwksPath } = serve(metadataPath, (jwksUri) => ({ issuer, jwks_uri: jwksUri }), tenant);
    const clock = fakeClock();
    const jwks = await discoverJWKS(issuer, { wellKnown: 'oauth-authorization-server', clock });
    await expectVerifies(jwks, issuer, clock);
    expect([server.count(metadataPath), server.count(`${tenant}/.well-known/openid-configuration`), server.count(jwksPath)]).toEqual([
      1, 0, 1,
    ]);
  });

  it("removes the path's terminating slash before inserting (§3.1), and keeps the issuer as given", async () => {
    const tenant = `/${randomUUID()}`;
    const issuer = `${server.origin}${tenant}/`;
    const metadataPath = `/.well-known/oauth-authorization-server${tenant}`;
    serve(metadataPath, (jwksUri) => ({ issuer, jwks_uri: jwksUri }), tenant);
    const clock = fakeClock();
    await expectVerifies(await discoverJWKS(issuer, { wellKnown: 'oauth-authorization-server', clock }), issuer, clock);
    expect(server.count(metadataPath)).toBe(1);
  });

  it('reads /.well-known/oauth-authorization-server for an issuer without a path', async () => {
    const issuer = server.origin;
    const metadataPath = '/.well-known/oauth-authorization-server';
    serve(metadataPath, (jwksUri) => ({ issuer, jwks_uri: jwksUri }), `/${randomUUID()}`);
    const clock = fakeClock();
    await expectVerifies(await discoverJWKS(issuer, { wellKnown: 'oauth-authorization-server', clock }), issuer, clock);
  });

  it('refuses metadata naming another issuer (§3.3), even the same issuer without its path', async () => {
    const tenant = `/${randomUUID()}`;
    const issuer = `${server.origin}${tenant}`;
    serve(`/.well-known/oauth-authorization-server${tenant}`, (jwksUri) => ({ issuer: server.origin, jwks_uri: jwksUri }), tenant);
    await expectCode(() => discoverJWKS(issuer, { wellKnown: 'oauth-authorization-server' }), 'ERR_JWKS_INVALID');
  });

  it("refuses a jwks_uri on another origin than the issuer's", async () => {
    const tenant = `/${randomUUID()}`;
    const issuer = `${server.origin}${tenant}`;
    serve(`/.well-known/oauth-authorization-server${tenant}`, () => ({ issuer, jwks_uri: 'https://elsewhere.example/keys' }), tenant);
    await expectCode(() => discoverJWKS(issuer, { wellKnown: 'oauth-authorization-server' }), 'ERR_JWKS_INVALID');
  });
});

describe('discoverJWKS, metadataUrl', () => {
  it('reads the metadata document at the URL given, with the same issuer check', async () => {
    const base = `/${randomUUID()}`;
    const issuer = `${server.origin}${base}`;
    const metadataPath = `${base}/custom/metadata.json`;
    serve(metadataPath, (jwksUri) => ({ issuer, jwks_uri: jwksUri }), base);
    const clock = fakeClock();
    await expectVerifies(await discoverJWKS(issuer, { metadataUrl: `${server.origin}${metadataPath}`, clock }), issuer, clock);
    expect(server.count(metadataPath)).toBe(1);
    serve(metadataPath, (jwksUri) => ({ issuer: `${issuer}/other`, jwks_uri: jwksUri }), base);
    await expectCode(() => discoverJWKS(issuer, { metadataUrl: `${server.origin}${metadataPath}` }), 'ERR_JWKS_INVALID');
  });

  it.each([
    ['both metadataUrl and wellKnown', { metadataUrl: 'https://as.example/meta', wellKnown: 'oauth-authorization-server' }],
    ['a metadataUrl that is not a URL', { metadataUrl: 'not a url' }],
    ['a metadataUrl with credentials', { metadataUrl: 'https://user:pw@as.example/meta' }],
    ['a plain-http metadataUrl under an https issuer', { metadataUrl: 'http://127.0.0.1/meta' }],
    ['an unknown wellKnown', { wellKnown: 'openid' }],
  ])('refuses %s before any request (ERR_INVALID_OPTION)', async (_case, options) => {
    const before = server.count('/meta');
    await expectCode(() => discoverJWKS('https://as.example', options as never), 'ERR_INVALID_OPTION');
    expect(server.count('/meta')).toBe(before);
  });
});
