// DPoP (RFC 9449) and certificate-bound tokens (RFC 8705) on the resource-server adapters: the
// `dpop` option of authenticate / withAuth / authenticateRequest, against the four servers of
// test/adapters/helpers/resource-servers.ts on 127.0.0.1:0, an Express router mounted under a
// path (htu is the original URL), oauth4webapi's protectedResourceRequest, and a real TLS server
// asking for client certificates (test/fixtures/certificates).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express/index.js';
import * as fetchAdapter from '../../src/adapters/fetch/index.js';
import type { AuthenticateOptions } from '../../src/adapters/express/index.js';
import {
  JwtError,
  MemoryDPoPReplayCache,
  createDPoPNonces,
  generateSecret,
  isJwtError,
  sign,
  thumbprint,
  type DPoPReplayCache,
} from '../../src/index.js';
import { makeProof, NOW, NOW_CLOCK, proofKeyPair, publicJwk, tokenHash } from '../dpop/helpers.js';
import { SERVER_FACTORIES, type RunningServer, type RouteSpec } from './helpers/resource-servers.js';

const secret = generateSecret('HS256');
const JKT = thumbprint(publicJwk(proofKeyPair('ES256').publicKey) as Parameters<typeof thumbprint>[0]);
const OTHER_JKT = thumbprint(publicJwk(proofKeyPair('ES384').publicKey) as Parameters<typeof thumbprint>[0]);
const verifyOptions = { algorithms: ['HS256'], audience: 'api', clock: NOW_CLOCK } as const;
/** The public origin of the test servers: the requests send `Host: api.example` (see `get`). */
const HOST = 'api.example';
const ORIGIN = `http://${HOST}`;
const origins = [ORIGIN];

function token(claims: Record<string, unknown>): Promise<string> {
  return sign({ sub: 'user-1', ...claims }, secret, { alg: 'HS256', audience: 'api', expiresIn: '5m', clock: NOW_CLOCK });
}

/** The `onError` codes of the routes, newest last. */
const codes: string[] = [];
const onError = (error: unknown): void => {
  codes.push(isJwtError(error) ? error.code : 'not a JwtError');
};

const failingCache: DPoPReplayCache = {
  checkAndRemember: () => Promise.reject(new JwtError('ERR_STORE_UNAVAILABLE', 'the test cache is down')),
};
const nonces = createDPoPNonces({ secret: randomBytes(32), clock: NOW_CLOCK });

function options(dpop: AuthenticateOptions['dpop']): AuthenticateOptions {
  return { key: secret, verify: verifyOptions, onError, ...(dpop === undefined ? {} : { dpop }) };
}

const routes: RouteSpec[] = [
  { method: 'GET', path: '/off', options: options(undefined) },
  {
    method: 'GET',
    path: '/allowed',
    options: options({ mode: 'allowed', origins, replayCache: new MemoryDPoPReplayCache(), algorithms: ['ES256'], clock: NOW_CLOCK }),
  },
  {
    method: 'GET',
    path: '/required',
    options: options({ mode: 'required', origins, replayCache: new MemoryDPoPReplayCache(), algorithms: ['ES256'], clock: NOW_CLOCK }),
  },
  {
    method: 'GET',
    path: '/nonce',
    options: options({ mode: 'allowed', origins, replayCache: false, algorithms: ['ES256'], nonces, clock: NOW_CLOCK }),
  },
  {
    method: 'GET',
    path: '/cache-down',
    options: options({ mode: 'allowed', origins, replayCache: failingCache, algorithms: ['ES256'], clock: NOW_CLOCK }),
  },
];

interface Answer {
  status: number;
  challenge: string | undefined;
  nonce: string | undefined;
  body: string;
}

/**
 * A GET with the given headers (an array value sends the header several times), with `Host:
 * api.example` unless `headers` says otherwise. The path is sent as written (`/a/../b` too).
 */
function get(url: string, headers: Record<string, string | string[]>): Promise<Answer> {
  const { hostname, port, origin } = new URL(url);
  const path = url.slice(origin.length) || '/';
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET', headers: { host: HOST, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          challenge: res.headers['www-authenticate'],
          nonce: res.headers['dpop-nonce'] as string | undefined,
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const DESCRIPTION_PROOF = 'error_description="The DPoP proof is not valid"';
const DESCRIPTION_TOKEN = 'error_description="The access token is not valid"';

describe.each(SERVER_FACTORIES)('DPoP on %s', (_name, start) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start(routes);
  });
  afterAll(() => server.close());

  const proofFor = (path: string, jwt: string, claims: Record<string, unknown> = {}, spec: Parameters<typeof makeProof>[0] = {}): string =>
    makeProof({ ...spec, claims: { htu: `${ORIGIN}${path}`, ath: tokenHash(jwt), ...claims } });

  it('accepts a DPoP-bound token with a valid proof (allowed and required)', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    for (const path of ['/allowed', '/required']) {
      const answer = await get(`${server.url}${path}?q=1`, { authorization: `DPoP ${jwt}`, dpop: proofFor(path, jwt) });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ handled: true, sub: 'user-1' });
    }
  });

  const proofFailures: Array<[string, Record<string, unknown>, Parameters<typeof makeProof>[0]?]> = [
    ['wrong htm', { htm: 'POST' }],
    ['wrong htu', { htu: 'http://127.0.0.1:1/allowed' }],
    ['stale iat', { iat: NOW - 600 }],
    ['future iat', { iat: NOW + 600 }],
    ['wrong ath', { ath: tokenHash('another-token') }],
    ['an algorithm not allowed', {}, { alg: 'ES384' }],
    ['private members in jwk', {}, { header: { jwk: proofKeyPair('ES256').privateKey.export({ format: 'jwk' }) } }],
  ];
  for (const [what, claims, spec] of proofFailures) {
    it(`refuses a proof with ${what}: 401 invalid_dpop_proof in the DPoP challenge`, async () => {
      const jwt = await token({ cnf: { jkt: JKT } });
      const answer = await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt}`, dpop: proofFor('/allowed', jwt, claims, spec) });
      expect(answer.status).toBe(401);
      expect(codes.at(-1)).toBe('ERR_DPOP_PROOF_INVALID');
      expect(answer.challenge).toBe(`Bearer realm="api", DPoP realm="api", error="invalid_dpop_proof", ${DESCRIPTION_PROOF}, algs="ES256"`);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_dpop_proof' });
    });
  }

  it('refuses a replayed proof, and a request with two DPoP headers or none', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const proof = proofFor('/allowed', jwt);
    expect((await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt}`, dpop: proof })).status).toBe(200);
    const replay = await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt}`, dpop: proof });
    expect([replay.status, codes.at(-1)]).toEqual([401, 'ERR_DPOP_PROOF_INVALID']);
    expect(replay.challenge).toContain('DPoP realm="api", error="invalid_dpop_proof"');

    const two = await get(`${server.url}/allowed`, {
      authorization: `DPoP ${jwt}`,
      dpop: [proofFor('/allowed', jwt), proofFor('/allowed', jwt)],
    });
    expect([two.status, codes.at(-1)]).toEqual([401, 'ERR_DPOP_PROOF_INVALID']);
    expect(two.challenge).toBe(`Bearer realm="api", DPoP realm="api", error="invalid_dpop_proof", ${DESCRIPTION_PROOF}, algs="ES256"`);

    const none = await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt}` });
    expect([none.status, codes.at(-1)]).toEqual([401, 'ERR_DPOP_PROOF_INVALID']);
  });

  it('refuses a token bound to another key: 401 invalid_token in the DPoP challenge', async () => {
    const jwt = await token({ cnf: { jkt: OTHER_JKT } });
    const answer = await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt}`, dpop: proofFor('/allowed', jwt) });
    expect([answer.status, codes.at(-1)]).toEqual([401, 'ERR_TOKEN_BINDING_MISMATCH']);
    expect(answer.challenge).toBe(`Bearer realm="api", DPoP realm="api", error="invalid_token", ${DESCRIPTION_TOKEN}, algs="ES256"`);
  });

  it('refuses a token without cnf.jkt sent with the DPoP scheme', async () => {
    const jwt = await token({});
    const answer = await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt}`, dpop: proofFor('/allowed', jwt) });
    expect([answer.status, codes.at(-1)]).toEqual([401, 'ERR_TOKEN_BINDING_MISMATCH']);
  });

  it('refuses a DPoP-bound token sent as Bearer, whatever the mode', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const off = await get(`${server.url}/off`, { authorization: `Bearer ${jwt}` });
    expect([off.status, codes.at(-1)]).toEqual([401, 'ERR_TOKEN_BINDING_MISMATCH']);
    expect(off.challenge).toBe(`Bearer realm="api", error="invalid_token", ${DESCRIPTION_TOKEN}`);
    const allowed = await get(`${server.url}/allowed`, { authorization: `Bearer ${jwt}` });
    expect([allowed.status, codes.at(-1)]).toEqual([401, 'ERR_TOKEN_BINDING_MISMATCH']);
    expect(allowed.challenge).toBe(`Bearer realm="api", error="invalid_token", ${DESCRIPTION_TOKEN}, DPoP realm="api", algs="ES256"`);
    // With DPoP required, `Bearer` is another scheme: no credentials.
    const required = await get(`${server.url}/required`, { authorization: `Bearer ${jwt}` });
    expect([required.status, codes.at(-1)]).toEqual([401, 'ERR_CREDENTIALS_MISSING']);
    expect(required.challenge).toBe('DPoP realm="api", algs="ES256"');
    expect(server.handled()).toBeGreaterThan(0);
  });

  it('refuses a token with a cnf member it cannot check, and a certificate-bound token without a certificate', async () => {
    for (const cnf of [{ kid: 'k1' }, { 'x5t#S256': 'Fkz5ozcLNiDcpxEJ-1IEuAYXX1oL7npyH41wHIYamTM' }]) {
      const answer = await get(`${server.url}/off`, { authorization: `Bearer ${await token({ cnf })}` });
      expect([answer.status, codes.at(-1)]).toEqual([401, 'ERR_TOKEN_BINDING_MISMATCH']);
    }
  });

  it('with DPoP off, reads `DPoP <token>` as another scheme', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const answer = await get(`${server.url}/off`, { authorization: `DPoP ${jwt}`, dpop: proofFor('/off', jwt) });
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe('Bearer realm="api"');
  });

  it('refuses a token and proof made for another server, replayed here with its Host (dpop.origins)', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const other = makeProof({ claims: { htu: 'http://b.example/allowed', ath: tokenHash(jwt) } });
    const answer = await get(`${server.url}/allowed`, { host: 'b.example', authorization: `DPoP ${jwt}`, dpop: other });
    expect([answer.status, codes.at(-1)]).toEqual([401, 'ERR_DPOP_PROOF_INVALID']);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_dpop_proof' });
    // The same kind of request addressed to the listed origin passes.
    expect((await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt}`, dpop: proofFor('/allowed', jwt) })).status).toBe(200);
  });

  it('refuses a malformed DPoP credential with 400', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const answer = await get(`${server.url}/allowed`, { authorization: `DPoP ${jwt} extra`, dpop: proofFor('/allowed', jwt) });
    expect([answer.status, codes.at(-1)]).toEqual([400, 'ERR_REQUEST_INVALID']);
  });

  it('asks for a server nonce (use_dpop_nonce with DPoP-Nonce), then accepts the proof that carries it', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const first = await get(`${server.url}/nonce`, { authorization: `DPoP ${jwt}`, dpop: proofFor('/nonce', jwt) });
    expect([first.status, codes.at(-1)]).toEqual([401, 'ERR_DPOP_NONCE_REQUIRED']);
    expect(first.challenge).toBe(
      'Bearer realm="api", DPoP realm="api", error="use_dpop_nonce", error_description="The DPoP proof must carry the server nonce", algs="ES256"',
    );
    expect(first.nonce).toBe(nonces.issue());
    const second = await get(`${server.url}/nonce`, {
      authorization: `DPoP ${jwt}`,
      dpop: proofFor('/nonce', jwt, { nonce: first.nonce }),
    });
    expect(second.status).toBe(200);
  });

  it('answers 503 when the replay cache is down', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const answer = await get(`${server.url}/cache-down`, { authorization: `DPoP ${jwt}`, dpop: proofFor('/cache-down', jwt) });
    expect([answer.status, codes.at(-1)]).toEqual([503, 'ERR_STORE_UNAVAILABLE']);
  });
});

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

describe('DPoP behind an Express router mounted under a path', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    const app = express();
    const router = express.Router();
    router.get(
      '/orders',
      expressAdapter.authenticate(options({ mode: 'allowed', origins, replayCache: false, clock: NOW_CLOCK })),
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    app.use('/api', router);
    server = createHttpServer(app);
    origin = `http://${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('compares htu with the original URL (req.originalUrl), not the mount-relative one', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const proof = (htu: string): string => makeProof({ claims: { htu, ath: tokenHash(jwt) } });
    expect((await get(`${origin}/api/orders`, { authorization: `DPoP ${jwt}`, dpop: proof(`${ORIGIN}/api/orders`) })).status).toBe(200);
    const relative = await get(`${origin}/api/orders`, { authorization: `DPoP ${jwt}`, dpop: proof(`${ORIGIN}/orders`) });
    expect([relative.status, codes.at(-1)]).toEqual([401, 'ERR_DPOP_PROOF_INVALID']);
  });
});

describe.each(SERVER_FACTORIES.filter(([name]) => ['express 5', 'hono (fetch)', 'hono', 'koa'].includes(name)))(
  'oauth4webapi protectedResourceRequest with DPoP against %s',
  (_name, start) => {
    const interopNonces = createDPoPNonces({ secret: randomBytes(32) });
    let server: RunningServer;
    beforeAll(async () => {
      const interopOptions: AuthenticateOptions = {
        key: secret,
        verify: { algorithms: ['HS256'], audience: 'api' },
        dpop: { mode: 'required', origins, replayCache: new MemoryDPoPReplayCache(), nonces: interopNonces },
      };
      server = await start([{ method: 'GET', path: '/orders', options: interopOptions }]);
    });
    afterAll(() => server.close());

    it('accepts the request after the use_dpop_nonce retry, and refuses another key', async () => {
      const handle = oauth.DPoP({}, await oauth.generateKeyPair('ES256'));
      const jwt = await sign({ sub: 'user-1', cnf: { jkt: await handle.calculateThumbprint() } }, secret, {
        alg: 'HS256',
        audience: 'api',
        expiresIn: '5m',
      });
      const url = new URL(`${ORIGIN}/orders`);
      // The client addresses http://api.example/orders; it reaches the test server with that Host.
      const viaHost = async (target: string, init?: RequestInit): Promise<Response> => {
        const answer = await get(`${server.url}${new URL(target).pathname}`, Object.fromEntries(new Headers(init?.headers)));
        const headers = new Headers();
        if (answer.challenge !== undefined) headers.set('www-authenticate', answer.challenge);
        if (answer.nonce !== undefined) headers.set('dpop-nonce', answer.nonce);
        headers.set('content-type', 'application/json');
        return new Response(answer.body, { status: answer.status, headers });
      };
      const requestOptions = { DPoP: handle, [oauth.allowInsecureRequests]: true, [oauth.customFetch]: viaHost };
      const first = await oauth
        .protectedResourceRequest(jwt, 'GET', url, undefined, undefined, requestOptions)
        .catch((error: unknown) => error);
      expect(oauth.isDPoPNonceError(first)).toBe(true);
      const response = await oauth.protectedResourceRequest(jwt, 'GET', url, undefined, undefined, requestOptions);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ sub: 'user-1' });

      const other = {
        DPoP: oauth.DPoP({}, await oauth.generateKeyPair('ES256')),
        [oauth.allowInsecureRequests]: true,
        [oauth.customFetch]: viaHost,
      };
      await oauth.protectedResourceRequest(jwt, 'GET', url, undefined, undefined, other).catch(() => undefined);
      const refused = await oauth.protectedResourceRequest(jwt, 'GET', url, undefined, undefined, other).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
      expect((refused as oauth.WWWAuthenticateChallengeError).cause[0]?.parameters.error).toBe('invalid_token');
    });
  },
);

describe('certificate-bound tokens (RFC 8705) over a real TLS server', () => {
  const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/certificates/${name}`, import.meta.url));
  const X5T_CLIENT_1 = 'Fkz5ozcLNiDcpxEJ-1IEuAYXX1oL7npyH41wHIYamTM';
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const middleware = expressAdapter.authenticate(options(undefined));
    server = createHttpsServer(
      { key: fixture('server.key'), cert: fixture('server.pem'), ca: fixture('ca.pem'), requestCert: true, rejectUnauthorized: false },
      (req, res) => middleware(req, res, () => res.end('ok')),
    ) as unknown as Server;
    port = Number((await listen(server)).split(':')[1]);
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  function tlsGet(authorization: string, client?: 'client-1' | 'client-2'): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          ca: fixture('ca.pem'),
          headers: { authorization },
          agent: false,
          ...(client === undefined ? {} : { key: fixture(`${client}.key`), cert: fixture(`${client}.pem`) }),
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('accepts the token only with the client certificate it is bound to', async () => {
    const jwt = await token({ cnf: { 'x5t#S256': X5T_CLIENT_1 } });
    expect(await tlsGet(`Bearer ${jwt}`, 'client-1')).toBe(200);
    expect(await tlsGet(`Bearer ${jwt}`, 'client-2')).toBe(401);
    expect(codes.at(-1)).toBe('ERR_TOKEN_BINDING_MISMATCH');
    expect(await tlsGet(`Bearer ${jwt}`)).toBe(401);
    expect(codes.at(-1)).toBe('ERR_TOKEN_BINDING_MISMATCH');
    // A bearer token (no cnf) still passes with or without a certificate.
    expect(await tlsGet(`Bearer ${await token({})}`, 'client-2')).toBe(200);
  });

  it('never takes a certificate from a header on jwtkit/fetch', async () => {
    const jwt = await token({ cnf: { 'x5t#S256': X5T_CLIENT_1 } });
    const pem = fixture('client-1.pem').toString('utf8');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const response = await fetchAdapter.authenticateRequest(
      new Request('https://api.example/', { headers: { authorization: `Bearer ${jwt}`, 'client-cert': `:${der.toString('base64')}:` } }),
      options(undefined),
    );
    expect((response as Response).status).toBe(401);
    expect(codes.at(-1)).toBe('ERR_TOKEN_BINDING_MISMATCH');
  });
});

describe('the dpop option is checked when the middleware is made', () => {
  const base = { key: secret, verify: verifyOptions };
  const refusal = (dpop: unknown, extra: Partial<AuthenticateOptions> = {}): string | undefined => {
    try {
      expressAdapter.authenticate({ ...base, ...extra, dpop } as AuthenticateOptions);
      return undefined;
    } catch (error) {
      return isJwtError(error) ? error.code : 'not a JwtError';
    }
  };

  it('refuses misuse with ERR_INVALID_OPTION', () => {
    expect(refusal({ mode: 'allowed', origins })).toBe('ERR_INVALID_OPTION'); // no replayCache
    expect(refusal({ mode: 'on', origins, replayCache: false })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ mode: 'allowed', origins, replayCache: false, htu: 'https://api.example' })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ mode: 'allowed', origins, replayCache: false, algorithms: ['HS256'] })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ mode: 'allowed', origins, replayCache: false, maxAge: 3600 })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ mode: 'allowed', origins, replayCache: {} })).toBe('ERR_INVALID_OPTION');
    expect(refusal('allowed')).toBe('ERR_INVALID_OPTION');
    expect(refusal({ mode: 'required', origins, replayCache: false }, { cookie: 'access' })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ mode: 'required', origins, replayCache: false }, { allowQueryToken: true })).toBe('ERR_INVALID_OPTION');
    expect(() =>
      fetchAdapter.withAuth({ ...base, dpop: { mode: 'allowed', origins } } as AuthenticateOptions, () => new Response()),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });

  it('requires dpop.origins, http(s) origins without path, unless the mode is off', () => {
    for (const bad of [undefined, [], 'https://api.example', ['api.example'], ['ftp://api.example'], ['https://api.example/v1']]) {
      expect(refusal({ mode: 'allowed', origins: bad, replayCache: false })).toBe('ERR_INVALID_OPTION');
    }
    for (const bad of [['https://api.example?x'], ['https://user@api.example'], [42]]) {
      expect(refusal({ mode: 'required', origins: bad, replayCache: false })).toBe('ERR_INVALID_OPTION');
    }
    expect(refusal({ mode: 'allowed', origins: ['https://API.example:443/', 'http://[::1]:8080'], replayCache: false })).toBeUndefined();
  });

  it('refuses nonces without an issue function (the adapters send DPoP-Nonce)', () => {
    expect(refusal({ mode: 'allowed', origins, replayCache: false, nonces: { check: () => true } })).toBe('ERR_INVALID_OPTION');
  });

  it('accepts the valid shapes', () => {
    expect(refusal({ mode: 'off' })).toBeUndefined();
    expect(refusal({ mode: 'allowed', origins, replayCache: false })).toBeUndefined();
    expect(refusal({ mode: 'required', origins, replayCache: new MemoryDPoPReplayCache() })).toBeUndefined();
    expect(refusal({ mode: 'allowed', origins, replayCache: false }, { cookie: 'access' })).toBeUndefined();
  });
});

describe('the order of the checks', () => {
  it('verifies the access token before the proof: an invalid token adds nothing to the replay cache', async () => {
    let calls = 0;
    const counting: DPoPReplayCache = {
      checkAndRemember: () => {
        calls += 1;
        return Promise.resolve(true);
      },
    };
    const counted = options({
      mode: 'allowed',
      origins: ['https://api.example'],
      replayCache: counting,
      algorithms: ['ES256'],
      clock: NOW_CLOCK,
    });
    const url = 'https://api.example/orders';
    const forged = `${(await token({ cnf: { jkt: JKT } })).slice(0, -4)}AAAA`;
    const refused = await fetchAdapter.authenticateRequest(
      new Request(url, { headers: { authorization: `DPoP ${forged}`, dpop: makeProof({ claims: { htu: url, ath: tokenHash(forged) } }) } }),
      counted,
    );
    expect([(refused as Response).status, codes.at(-1), calls]).toEqual([401, 'ERR_JWT_SIGNATURE_INVALID', 0]);
    const jwt = await token({ cnf: { jkt: JKT } });
    const accepted = await fetchAdapter.authenticateRequest(
      new Request(url, { headers: { authorization: `DPoP ${jwt}`, dpop: makeProof({ claims: { htu: url, ath: tokenHash(jwt) } }) } }),
      counted,
    );
    expect(accepted).not.toBeInstanceOf(Response);
    expect(calls).toBe(1);
  });
});

describe('the replay cache is written last', () => {
  const counting = (): DPoPReplayCache & { keys: string[] } => {
    const keys: string[] = [];
    return {
      keys,
      checkAndRemember: (key) => {
        keys.push(key);
        return Promise.resolve(true);
      },
    };
  };
  const url = 'https://api.example/orders';
  const send = (jwt: string, dpop: AuthenticateOptions['dpop'], extra: Partial<AuthenticateOptions> = {}): Promise<unknown> =>
    fetchAdapter.authenticateRequest(
      new Request(url, { headers: { authorization: `DPoP ${jwt}`, dpop: makeProof({ claims: { htu: url, ath: tokenHash(jwt) } }) } }),
      { ...options(dpop), ...extra },
    );

  it('leaves the cache empty for a valid token without cnf.jkt and attacker proofs', async () => {
    const cache = counting();
    const dpop = { mode: 'allowed' as const, origins: ['https://api.example'], replayCache: cache, clock: NOW_CLOCK };
    const unbound = await token({});
    for (let i = 0; i < 5; i += 1) {
      expect(((await send(unbound, dpop)) as Response).status).toBe(401);
      expect(codes.at(-1)).toBe('ERR_TOKEN_BINDING_MISMATCH');
    }
    expect(cache.keys).toEqual([]);
  });

  it('leaves the cache empty for a revoked bound token, and a MemoryDPoPReplayCache too', async () => {
    const cache = counting();
    const memory = new MemoryDPoPReplayCache();
    const bound = await token({ cnf: { jkt: JKT } });
    for (const replayCache of [cache, memory]) {
      const dpop = { mode: 'allowed' as const, origins: ['https://api.example'], replayCache, clock: NOW_CLOCK };
      for (let i = 0; i < 5; i += 1) {
        expect(((await send(bound, dpop, { isRevoked: () => true })) as Response).status).toBe(401);
        expect(codes.at(-1)).toBe('ERR_JWT_REVOKED');
      }
      // Not revoked: the proof is remembered, once.
      expect(await send(bound, dpop)).not.toBeInstanceOf(Response);
    }
    expect(cache.keys).toHaveLength(1);
    expect(memory.size).toBe(1);
  });
});

describe('a nonce that cannot be issued', () => {
  it('refuses with the same 401 use_dpop_nonce, without a DPoP-Nonce header', async () => {
    const broken = {
      check: () => false,
      issue: (): string => {
        throw new Error('the nonce secret is gone');
      },
    };
    const url = 'https://api.example/orders';
    const jwt = await token({ cnf: { jkt: JKT } });
    const dpop = {
      mode: 'allowed' as const,
      origins: ['https://api.example'],
      replayCache: false as const,
      nonces: broken,
      clock: NOW_CLOCK,
    };
    const request = (): Request =>
      new Request(url, {
        headers: { authorization: `DPoP ${jwt}`, dpop: makeProof({ claims: { htu: url, ath: tokenHash(jwt), nonce: 'n' } }) },
      });
    const response = (await fetchAdapter.authenticateRequest(request(), options(dpop))) as Response;
    expect([response.status, codes.at(-1), response.headers.get('dpop-nonce')]).toEqual([401, 'ERR_DPOP_NONCE_REQUIRED', null]);
    expect(((await response.json()) as { error: string }).error).toBe('use_dpop_nonce');
    const viaWithAuth = await fetchAdapter.withAuth(options(dpop), () => new Response('ok'))(request());
    expect(viaWithAuth.status).toBe(401);
  });
});

describe('a DPoP request whose path has dot segments or a backslash', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    const middleware = expressAdapter.authenticate(options({ mode: 'allowed', origins, replayCache: false, clock: NOW_CLOCK }));
    // Every path reaches the middleware as sent, as a route with parameters or a wildcard would.
    server = createHttpServer((req, res) => middleware(req, res, () => res.end('{}')));
    origin = `http://${await listen(server)}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('refuses /a/../b, /a/%2e%2e/b, /a\\..\\b, ... with 400 invalid_request on Node, even with a proof for /b', async () => {
    const jwt = await token({ cnf: { jkt: JKT } });
    const headers = (): Record<string, string> => ({
      authorization: `DPoP ${jwt}`,
      dpop: makeProof({ claims: { htu: `${ORIGIN}/b`, ath: tokenHash(jwt) } }),
    });
    expect((await get(`${origin}/b?x=/../`, headers())).status).toBe(200);
    for (const path of ['/a/../b', '/a/%2e%2e/b', '/a/%2E%2e/b', '/a/.%2E/b', '/./b', '/a\\..\\b', '/a/b/..', '/a/b/.']) {
      const answer = await get(`${origin}${path}`, headers());
      expect([path, answer.status, codes.at(-1)]).toEqual([path, 400, 'ERR_REQUEST_INVALID']);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
      expect(answer.challenge).toContain('DPoP realm="api", error="invalid_request"');
    }
  });

  it('on Fetch, reads request.url, which the runtime already normalised (as the router reads it)', async () => {
    expect(new Request('http://api.example/a/%2e%2E/b').url).toBe('http://api.example/b');
    expect(new Request('http://api.example/a\\..\\b').url).toBe('http://api.example/b');
    const jwt = await token({ cnf: { jkt: JKT } });
    const request = new Request('http://api.example/a/../b', {
      headers: { authorization: `DPoP ${jwt}`, dpop: makeProof({ claims: { htu: `${ORIGIN}/b`, ath: tokenHash(jwt) } }) },
    });
    expect(
      await fetchAdapter.authenticateRequest(request, options({ mode: 'allowed', origins, replayCache: false, clock: NOW_CLOCK })),
    ).not.toBeInstanceOf(Response);
  });
});
