// The trustedProxies option on both adapters, against real servers on 127.0.0.1:0 (Express 5 with
// jwtkit/express, Hono through @hono/node-server with jwtkit/fetch): the RFC 9440 `Client-Cert`
// header for certificate-bound tokens (RFC 8705), DPoP's htu behind a proxy (X-Forwarded-Proto /
// -Host, Forwarded), and the CSRF own-origin check behind a proxy. The test client connects from
// 127.0.0.1, so a route trusting '127.0.0.1' sees the test as its proxy, and one trusting
// '10.0.0.0/8' sees it as an untrusted peer.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express/index.js';
import type { AuthEndpointsOptions, AuthenticateOptions } from '../../src/adapters/express/index.js';
import * as fetchAdapter from '../../src/adapters/fetch/index.js';
import {
  MemoryDPoPReplayCache,
  MemoryRefreshTokenStore,
  createKeyRing,
  createTokenService,
  generateKeyPair,
  generateSecret,
  isJwtError,
  sign,
  thumbprint,
  type TokenService,
} from '../../src/index.js';
import { makeProof, NOW_CLOCK, proofKeyPair, publicJwk, tokenHash } from '../dpop/helpers.js';

const secret = generateSecret('HS256');
const JKT = thumbprint(publicJwk(proofKeyPair('ES256').publicKey) as Parameters<typeof thumbprint>[0]);
const X5T_CLIENT_1 = 'Fkz5ozcLNiDcpxEJ-1IEuAYXX1oL7npyH41wHIYamTM';
const verifyOptions = { algorithms: ['HS256'], audience: 'api', clock: NOW_CLOCK } as const;

function token(claims: Record<string, unknown>): Promise<string> {
  return sign({ sub: 'user-1', ...claims }, secret, { alg: 'HS256', audience: 'api', expiresIn: '5m', clock: NOW_CLOCK });
}

/** The RFC 9440 `Client-Cert` value of a fixture certificate: `:` Base64 of its DER `:`. */
function clientCert(name: 'client-1' | 'client-2'): string {
  const pem = readFileSync(new URL(`../fixtures/certificates/${name}.pem`, import.meta.url), 'utf8');
  return `:${Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64')}:`;
}

const codes: string[] = [];
const onError = (error: unknown): void => {
  codes.push(isJwtError(error) ? error.code : 'not a JwtError');
};

/** How a route trusts proxies: the test client (127.0.0.1), another network only, or not at all. */
type Trust = 'loopback' | 'elsewhere' | 'none';

/** The peer of each request, as the Hono route saw it (Hono's getConnInfo needs the context). */
const peers = new WeakMap<Request, string | undefined>();

function trustedProxies(trust: Trust, adapter: 'express' | 'fetch'): AuthenticateOptions['trustedProxies'] {
  if (trust === 'none') return undefined;
  const addresses = trust === 'loopback' ? ['127.0.0.1', '::1'] : ['10.0.0.0/8'];
  return adapter === 'express' ? { addresses } : { addresses, clientAddress: (request) => peers.get(request) };
}

interface Route {
  method: 'GET' | 'POST';
  path: string;
  trust: Trust;
  extra?: Partial<AuthenticateOptions>;
}

/** DPoP, for the public origins the tests use and the server's own (`url`). */
const dpop = (url: string): AuthenticateOptions['dpop'] => ({
  mode: 'allowed',
  origins: ['https://api.example', 'https://api.example:8443', url],
  replayCache: new MemoryDPoPReplayCache(),
  algorithms: ['ES256'],
  clock: NOW_CLOCK,
});

const TRUSTS = ['loopback', 'elsewhere', 'none'] as const;

/** The routes, made once the server listens (DPoP's origins name it). */
function routes(url: string): Route[] {
  const list: Route[] = [];
  for (const trust of TRUSTS) {
    list.push({ method: 'GET', path: `/cert/${trust}`, trust });
    list.push({ method: 'GET', path: `/dpop/${trust}`, trust, extra: { dpop: dpop(url) } });
    list.push({ method: 'POST', path: `/cookie/${trust}`, trust, extra: { cookie: 'access' } });
  }
  return list;
}

/** The login endpoints (cookie transport, so CSRF-checked), one per kind of trust. */
let tokens: TokenService;
function loginEndpoint(trust: Trust, adapter: 'express' | 'fetch'): AuthEndpointsOptions {
  const proxies = trustedProxies(trust, adapter);
  return {
    tokens,
    verifyCredentials: () => ({ subject: 'user-1' }),
    cookie: { path: '/login', secure: false },
    onError,
    ...(proxies === undefined ? {} : { trustedProxies: proxies }),
  };
}

function routeOptions(route: Route, adapter: 'express' | 'fetch'): AuthenticateOptions {
  const proxies = trustedProxies(route.trust, adapter);
  return { key: secret, verify: verifyOptions, onError, ...route.extra, ...(proxies === undefined ? {} : { trustedProxies: proxies }) };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

async function startExpress(): Promise<{ url: string; server: Server }> {
  const app = express();
  const server = createServer(app);
  const url = await listen(server);
  for (const route of routes(url)) {
    const handlers = [
      expressAdapter.authenticate(routeOptions(route, 'express')),
      (_req: unknown, res: express.Response) => res.json({ ok: true }),
    ];
    if (route.method === 'GET') app.get(route.path, ...handlers);
    else app.post(route.path, ...handlers);
  }
  for (const trust of TRUSTS) app.post(`/login/${trust}`, expressAdapter.createAuthEndpoints(loginEndpoint(trust, 'express')).login);
  return { url, server };
}

async function startHono(): Promise<{ url: string; server: Server }> {
  const app = new Hono();
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as Server;
  const url = await listen(server);
  for (const route of routes(url)) {
    const handler = fetchAdapter.withAuth(routeOptions(route, 'fetch'), () => Response.json({ ok: true }));
    const answer = (c: Parameters<typeof getConnInfo>[0]): Promise<Response> => {
      peers.set(c.req.raw, getConnInfo(c).remote.address);
      return handler(c.req.raw);
    };
    if (route.method === 'GET') app.get(route.path, answer);
    else app.post(route.path, answer);
  }
  for (const trust of TRUSTS) {
    const login = fetchAdapter.createAuthEndpoints(loginEndpoint(trust, 'fetch')).login;
    app.post(`/login/${trust}`, (c) => {
      peers.set(c.req.raw, getConnInfo(c).remote.address);
      return login(c.req.raw);
    });
  }
  return { url, server };
}

describe.each([
  ['express 5 (jwtkit/express)', startExpress],
  ['hono (jwtkit/fetch)', startHono],
] as const)('trustedProxies on %s', (_name, start) => {
  let url: string;
  let server: Server;
  beforeAll(async () => {
    const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '15m' });
    tokens = createTokenService({ key: ring, issuer: 'https://auth.example', audience: 'api', store: new MemoryRefreshTokenStore() });
    ({ url, server } = await start());
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const get = async (path: string, headers: Record<string, string>): Promise<number> => (await fetch(`${url}${path}`, { headers })).status;

  describe('Client-Cert (RFC 9440) for certificate-bound tokens', () => {
    it('accepts the token with the matching certificate from a trusted proxy', async () => {
      const jwt = await token({ cnf: { 'x5t#S256': X5T_CLIENT_1 } });
      expect(await get('/cert/loopback', { authorization: `Bearer ${jwt}`, 'client-cert': clientCert('client-1') })).toBe(200);
    });

    it('refuses another certificate, a malformed header, and none', async () => {
      const jwt = await token({ cnf: { 'x5t#S256': X5T_CLIENT_1 } });
      for (const header of [clientCert('client-2'), ':not base64!:', clientCert('client-1').slice(1), undefined]) {
        const headers: Record<string, string> = { authorization: `Bearer ${jwt}` };
        if (header !== undefined) headers['client-cert'] = header;
        expect(await get('/cert/loopback', headers)).toBe(401);
        expect(codes.at(-1)).toBe('ERR_TOKEN_BINDING_MISMATCH');
      }
    });

    it('ignores the header without the option, and from a peer that is not a trusted proxy', async () => {
      const jwt = await token({ cnf: { 'x5t#S256': X5T_CLIENT_1 } });
      for (const path of ['/cert/none', '/cert/elsewhere']) {
        expect(await get(path, { authorization: `Bearer ${jwt}`, 'client-cert': clientCert('client-1') })).toBe(401);
        expect(codes.at(-1)).toBe('ERR_TOKEN_BINDING_MISMATCH');
      }
    });
  });

  describe('DPoP htu behind a proxy', () => {
    const proofHeaders = async (htu: string, forwarded: Record<string, string>): Promise<Record<string, string>> => {
      const jwt = await token({ cnf: { jkt: JKT } });
      return { authorization: `DPoP ${jwt}`, dpop: makeProof({ claims: { htu, ath: tokenHash(jwt) } }), ...forwarded };
    };

    it('accepts the public URL from X-Forwarded-Proto/-Host or Forwarded of a trusted proxy', async () => {
      const xForwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example', 'x-forwarded-for': '192.0.2.7' };
      expect(await get('/dpop/loopback?q=1', await proofHeaders('https://api.example/dpop/loopback', xForwarded))).toBe(200);
      const forwarded = { forwarded: 'for=192.0.2.7;proto=https;host="api.example:8443"' };
      expect(await get('/dpop/loopback', await proofHeaders('https://api.example:8443/dpop/loopback', forwarded))).toBe(200);
    });

    it('prefers Forwarded to X-Forwarded-*', async () => {
      const both = {
        forwarded: 'for=192.0.2.7;proto=https;host=api.example',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'evil.example',
      };
      expect(await get('/dpop/loopback', await proofHeaders('https://api.example/dpop/loopback', both))).toBe(200);
    });

    it('ignores the forwarded headers without the option, and from an untrusted peer', async () => {
      const xForwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example', 'x-forwarded-for': '10.0.0.1' };
      for (const path of ['/dpop/none', '/dpop/elsewhere']) {
        expect(await get(path, await proofHeaders(`https://api.example${path}`, xForwarded))).toBe(401);
        expect(codes.at(-1)).toBe('ERR_DPOP_PROOF_INVALID');
        // The URL the request really had still works.
        expect(await get(path, await proofHeaders(`${url}${path}`, xForwarded))).toBe(200);
      }
    });
  });

  describe('the CSRF own-origin check behind a proxy', () => {
    const post = async (path: string, headers: Record<string, string>): Promise<number> => {
      const jwt = await token({});
      return (
        await fetch(`${url}${path}`, { method: 'POST', headers: { cookie: `access=${jwt}`, 'x-requested-with': 'fetch', ...headers } })
      ).status;
    };
    const fromPublicOrigin = { origin: 'https://app.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' };

    it('takes the own origin from a trusted proxy', async () => {
      expect(await post('/cookie/loopback', fromPublicOrigin)).toBe(200);
      expect(
        await post('/cookie/loopback', {
          origin: 'https://other.example',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'app.example',
        }),
      ).toBe(403);
    });

    it('ignores the forwarded headers without the option, and from an untrusted peer', async () => {
      for (const path of ['/cookie/none', '/cookie/elsewhere']) {
        expect(await post(path, fromPublicOrigin)).toBe(403);
        expect(codes.at(-1)).toBe('ERR_CSRF');
        expect(await post(path, { origin: url })).toBe(200);
      }
    });

    it('applies to the login endpoint (createAuthEndpoints) too', async () => {
      const login = async (trust: Trust, headers: Record<string, string>): Promise<number> =>
        (
          await fetch(`${url}/login/${trust}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-requested-with': 'fetch', ...headers },
            body: JSON.stringify({ username: 'ada', password: 'pw' }),
          })
        ).status;
      expect(await login('loopback', fromPublicOrigin)).toBe(200);
      for (const trust of ['none', 'elsewhere'] as const) {
        expect(await login(trust, fromPublicOrigin)).toBe(403);
        expect(codes.at(-1)).toBe('ERR_CSRF');
      }
    });
  });
});

describe('the trustedProxies option is checked when the middleware is made', () => {
  const base = { key: secret, verify: verifyOptions };
  const refusals: unknown[] = [
    'loopback',
    {},
    { addresses: ['127.0.0.1'], hops: 1 },
    { addresses: [] },
    { addresses: ['10.0.0.0/33'] },
    { addresses: ['10.0.0.1/8'] },
    { addresses: ['localhost'] },
    { addresses: ['010.0.0.1'] },
    { addresses: ['::1/129'] },
    { addresses: ['fe80::1%eth0'] },
    { hops: 0 },
    { hops: 1.5 },
    { hops: 1, adresses: ['10.0.0.0/8'] },
  ];

  it('refuses misuse with ERR_INVALID_OPTION on both adapters', () => {
    for (const trusted of refusals) {
      const options = { ...base, trustedProxies: trusted } as AuthenticateOptions;
      expect(() => expressAdapter.authenticate(options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
      expect(() => fetchAdapter.withAuth(options, () => new Response())).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });

  it('refuses clientAddress on Express, and addresses without it on jwtkit/fetch', () => {
    const withCallback = { ...base, trustedProxies: { addresses: ['10.0.0.0/8'], clientAddress: () => undefined } };
    expect(() => expressAdapter.authenticate(withCallback)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => fetchAdapter.withAuth(withCallback, () => new Response())).not.toThrow();
    const withoutCallback = { ...base, trustedProxies: { addresses: ['10.0.0.0/8'] } };
    expect(() => expressAdapter.authenticate(withoutCallback)).not.toThrow();
    expect(() => fetchAdapter.withAuth(withoutCallback, () => new Response())).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() =>
      expressAdapter.createAuthEndpoints({ tokens: {} as never, verifyCredentials: () => null, trustedProxies: { hops: 0 } }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});
