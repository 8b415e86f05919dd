/**
 * Protected resources through both adapters on real servers (Express 5, Express 4, node:http with
 * the Express-style middleware, Hono with jwtkit/fetch), all on 127.0.0.1:0 and called with fetch.
 * Covers the answers of RFC 6750 §3 (the "resource" column of docs/errors.md "Every code"), the
 * Authorization header (RFC 6750 §2.1) and failing dependencies; every server answers every
 * request identically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticateOptions } from '../../src/adapters/express/index.js';
import { JwtError, generateKeyPair, isJwtError, sign } from '../../src/index.js';
import type { BoundKey, JwtClaims } from '../../src/index.js';
import { call, expectChallenge, expectNoLeaks, findLeaks, jsonOf, rawCall, recordedAnswers } from './helpers/http-client.js';
import type { Answer } from './helpers/http-client.js';
import { SERVER_FACTORIES } from './helpers/resource-servers.js';
import type { RouteSpec, RunningServer } from './helpers/resource-servers.js';

const NOW = 1_700_000_000;
const NOW_DATE = new Date(NOW * 1000);
const ISSUER = 'https://auth.test';
const AUDIENCE = 'api';

let privateKey: BoundKey;
let otherKey: BoundKey;
const sentTokens: string[] = [];
/** The codes the routes without the custom CSRF header reported through `onError`. */
const csrfRouteCodes: string[] = [];
const recordCode = (error: unknown): void => {
  csrfRouteCodes.push(isJwtError(error) ? error.code : 'not a JwtError');
};

async function token(
  claims: JwtClaims = {},
  key: BoundKey = privateKey,
  overrides: { expiresIn?: number; iat?: number } = {},
): Promise<string> {
  const value = await sign({ sub: 'user-1', ...claims }, key, {
    alg: 'ES256',
    issuer: ISSUER,
    audience: AUDIENCE,
    iat: overrides.iat ?? NOW,
    expiresIn: overrides.expiresIn ?? 600,
  });
  sentTokens.push(value);
  return value;
}

function routes(publicKey: BoundKey): RouteSpec[] {
  const base: AuthenticateOptions = {
    key: publicKey,
    verify: { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, currentDate: NOW_DATE, clockTolerance: 0 },
  };
  return [
    { method: 'GET', path: '/me', options: base },
    { method: 'POST', path: '/me', options: base },
    { method: 'GET', path: '/optional', options: { ...base, credentialsRequired: false } },
    { method: 'GET', path: '/scoped', options: { ...base, requiredScopes: ['read', 'write'] } },
    { method: 'GET', path: '/role-option', options: { ...base, requiredRoles: ['admin'] } },
    { method: 'GET', path: '/realm', options: { ...base, realm: 'my "quoted" \\ realm' } },
    { method: 'GET', path: '/scope-helper', options: base, guard: { kind: 'scopes', scopes: ['write'] } },
    { method: 'GET', path: '/admin', options: base, guard: { kind: 'roles', roles: ['admin'] } },
    { method: 'GET', path: '/tenant', options: base, guard: { kind: 'equals', claim: 'tenant', expected: 'acme' } },
    { method: 'GET', path: '/groups', options: base, guard: { kind: 'includes', claim: 'groups', values: ['billing'] } },
    { method: 'GET', path: '/plan', options: base, guard: { kind: 'check', predicate: (payload) => payload['plan'] === 'pro' } },
    { method: 'GET', path: '/guard-alone', guard: { kind: 'roles', roles: ['admin'] } },
    { method: 'GET', path: '/cookie', options: { ...base, cookie: 'at' } },
    { method: 'POST', path: '/cookie', options: { ...base, cookie: 'at', csrf: { allowedOrigins: ['https://app.test'] } } },
    {
      method: 'POST',
      path: '/cookie-no-header',
      options: { ...base, cookie: 'at', csrf: { requiredHeader: false }, onError: recordCode },
    },
    {
      method: 'POST',
      path: '/cookie-non-browser',
      options: { ...base, cookie: 'at', csrf: { requiredHeader: false, allowMissingOrigin: true }, onError: recordCode },
    },
    { method: 'GET', path: '/query', options: { ...base, allowQueryToken: true } },
    {
      method: 'GET',
      path: '/revocable',
      options: {
        ...base,
        isRevoked: (payload) => {
          if (payload['jti'] === 'store-down') throw new Error('connection refused');
          return payload['jti'] === 'revoked';
        },
      },
    },
    {
      method: 'GET',
      path: '/resolver-throws',
      options: {
        ...base,
        key: () => {
          throw new TypeError('resolver bug at /srv/app/keys.js:12:3');
        },
      },
    },
    {
      method: 'GET',
      path: '/jwks-down',
      options: {
        ...base,
        key: () => {
          throw new JwtError('ERR_JWKS_FETCH', 'the key set could not be fetched');
        },
      },
    },
  ];
}

beforeAll(async () => {
  otherKey = (await generateKeyPair('ES256')).privateKey;
});

describe.each(SERVER_FACTORIES)('protected resources on %s', (_name, start) => {
  let server: RunningServer;
  let url: string;
  let good: string;

  beforeAll(async () => {
    // One key pair per server; `token()` signs with its private half.
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    server = await start(routes(pair.publicKey));
    url = server.url;
    good = await token({ scope: 'read' });
  });

  afterAll(async () => {
    await server.close();
  });

  describe('RFC 6750 responses', () => {
    it('no credentials: 401 with a realm-only challenge and no error code', async () => {
      const answer = await call(`${url}/me`);
      expectChallenge(answer, 401, 'Bearer realm="api"');
    });

    it('a valid token: the route runs with req.auth', async () => {
      const answer = await call(`${url}/me`, { headers: { authorization: `Bearer ${good}` } });
      expect(answer.status).toBe(200);
      expect(jsonOf(answer)).toEqual({ handled: true, sub: 'user-1', scope: 'read' });
    });

    it('a malformed header: 400 invalid_request', async () => {
      const answer = await call(`${url}/me`, { headers: { authorization: `Bearer ${good} extra` } });
      expectChallenge(answer, 400, 'Bearer realm="api", error="invalid_request", error_description="The request is malformed"');
      expect(jsonOf(answer)).toEqual({ error: 'invalid_request', error_description: 'The request is malformed' });
    });

    it('an expired token: 401 invalid_token saying it expired', async () => {
      const expired = await token({}, privateKey, { iat: NOW - 1000, expiresIn: 900 });
      const answer = await call(`${url}/me`, { headers: { authorization: `Bearer ${expired}` } });
      expectChallenge(answer, 401, 'Bearer realm="api", error="invalid_token", error_description="The access token expired"');
    });

    it('a token signed by another key: 401 invalid_token without saying which check failed', async () => {
      const forged = await token({}, otherKey);
      const answer = await call(`${url}/me`, { headers: { authorization: `Bearer ${forged}` } });
      expectChallenge(answer, 401, 'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"');
      expect(jsonOf(answer)).toEqual({ error: 'invalid_token', error_description: 'The access token is not valid' });
    });

    it('a token for another audience or issuer, or not a JWT at all: 401 invalid_token', async () => {
      const wrongAudience = await sign({ sub: 'u' }, privateKey, {
        alg: 'ES256',
        issuer: ISSUER,
        audience: 'other',
        iat: NOW,
        expiresIn: 60,
      });
      const wrongIssuer = await sign({ sub: 'u' }, privateKey, {
        alg: 'ES256',
        issuer: 'https://evil.test',
        audience: AUDIENCE,
        iat: NOW,
        expiresIn: 60,
      });
      sentTokens.push(wrongAudience, wrongIssuer);
      for (const candidate of [wrongAudience, wrongIssuer, 'abc', 'a.b.c', `${good}x`]) {
        const answer = await call(`${url}/me`, { headers: { authorization: `Bearer ${candidate}` } });
        expect(answer.status, candidate.slice(0, 12)).toBe(401);
        expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    });

    it('a revoked token: 401 invalid_token', async () => {
      const revoked = await token({ jti: 'revoked' });
      const answer = await call(`${url}/revocable`, { headers: { authorization: `Bearer ${revoked}` } });
      expectChallenge(answer, 401, 'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"');
      const fine = await call(`${url}/revocable`, { headers: { authorization: `Bearer ${await token({ jti: 'fine' })}` } });
      expect(fine.status).toBe(200);
    });

    it('a missing scope: 403 insufficient_scope naming the scopes needed', async () => {
      const answer = await call(`${url}/scoped`, { headers: { authorization: `Bearer ${good}` } });
      expectChallenge(
        answer,
        403,
        'Bearer realm="api", error="insufficient_scope", error_description="The access token does not grant access to this resource", scope="read write"',
      );
      expect(jsonOf(answer)['scope']).toBe('read write');
    });

    it('scopes from the scope string or the scp array', async () => {
      for (const claims of [{ scope: 'write read extra' }, { scp: ['read', 'write'] }, { scp: 'read write' }]) {
        const answer = await call(`${url}/scoped`, { headers: { authorization: `Bearer ${await token(claims)}` } });
        expect(answer.status, JSON.stringify(claims)).toBe(200);
      }
      const mistyped = await call(`${url}/scoped`, { headers: { authorization: `Bearer ${await token({ scope: ['read', 'write'] })}` } });
      expect(mistyped.status).toBe(403);
    });

    it('a missing role (option): 403 insufficient_scope without a scope attribute', async () => {
      const answer = await call(`${url}/role-option`, { headers: { authorization: `Bearer ${await token({ roles: ['user'] })}` } });
      expectChallenge(
        answer,
        403,
        'Bearer realm="api", error="insufficient_scope", error_description="The access token does not grant access to this resource"',
      );
      const admin = await call(`${url}/role-option`, { headers: { authorization: `Bearer ${await token({ roles: ['user', 'admin'] })}` } });
      expect(admin.status).toBe(200);
    });

    it('quotes and backslashes in the realm are escaped', async () => {
      const answer = await call(`${url}/realm`);
      expectChallenge(answer, 401, 'Bearer realm="my \\"quoted\\" \\\\ realm"');
    });
  });

  describe('the Authorization header (RFC 6750 §2.1)', () => {
    it('accepts the scheme in any case and one or more spaces', async () => {
      for (const header of [`Bearer ${good}`, `bearer ${good}`, `BEARER ${good}`, `Bearer  ${good}`, `  Bearer ${good}  `]) {
        const answer = await call(`${url}/me`, { headers: { authorization: header } });
        expect(answer.status, header.slice(0, 10)).toBe(200);
      }
    });

    it('treats other schemes as no credentials (401 without an error code)', async () => {
      for (const header of [`Basic ${good}`, `Token ${good}`, `Digest username="a", realm="b"`]) {
        const answer = await call(`${url}/me`, { headers: { authorization: header } });
        expectChallenge(answer, 401, 'Bearer realm="api"');
      }
      expect((await call(`${url}/optional`, { headers: { authorization: `Basic ${good}` } })).status).toBe(200);
    });

    it('refuses malformed bearer credentials with 400 invalid_request', async () => {
      const malformed = [
        `Bearer${good}`,
        `Bearer ${good} extra`,
        `Bearer ${good}, Bearer ${good}`,
        `Basic abc, Bearer ${good}`,
        'Bearer',
        'Bearer ',
        `Bearer\t${good}`,
        'Bearer abc$def',
        `Bearer "${good}"`,
      ];
      for (const header of malformed) {
        const answer = await call(`${url}/me`, { headers: { authorization: header } });
        expect(answer.status, header.slice(0, 12)).toBe(400);
        expect(answer.headers.get('www-authenticate')).toContain('error="invalid_request"');
      }
    });

    it('refuses two Authorization headers (Node keeps only the first one in req.headers)', async () => {
      const other = await token({ sub: 'user-2' });
      const answer = await rawCall(`${url}/me`, 'GET', [
        ['Authorization', `Bearer ${good}`],
        ['Authorization', `Bearer ${other}`],
      ]);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_request"');
      const withBasic = await rawCall(`${url}/me`, 'GET', [
        ['Authorization', `Bearer ${good}`],
        ['Authorization', 'Basic dXNlcjpwYXNz'],
      ]);
      expect(withBasic.status).toBe(400);
    });

    it('refuses an empty Authorization header', async () => {
      const answer = await rawCall(`${url}/me`, 'GET', [['Authorization', '']]);
      expect(answer.status).toBe(400);
    });

    it('ignores ?access_token= unless allowQueryToken is set', async () => {
      const ignored = await call(`${url}/me?access_token=${good}`);
      expectChallenge(ignored, 401, 'Bearer realm="api"');
      const accepted = await call(`${url}/query?access_token=${good}`);
      expect(accepted.status).toBe(200);
      const twice = await call(`${url}/query?access_token=${good}&access_token=${good}`);
      expect(twice.status).toBe(400);
      const both = await call(`${url}/query?access_token=${good}`, { headers: { authorization: `Bearer ${good}` } });
      expect(both.status).toBe(400);
    });

    it('reads a configured cookie, and refuses a token in both header and cookie', async () => {
      const fromCookie = await call(`${url}/cookie`, { headers: { cookie: `other=1; at=${good}` } });
      expect(fromCookie.status).toBe(200);
      const both = await call(`${url}/cookie`, { headers: { cookie: `at=${good}`, authorization: `Bearer ${good}` } });
      expectChallenge(both, 400, 'Bearer realm="api", error="invalid_request", error_description="The request is malformed"');
      const twice = await call(`${url}/cookie`, { headers: { cookie: `at=${good}; at=${good}` } });
      expect(twice.status).toBe(400);
      const notConfigured = await call(`${url}/me`, { headers: { cookie: `at=${good}` } });
      expect(notConfigured.status).toBe(401);
    });

    it('a comma is part of a cookie value: a planted "pref=x,at=..." is never read as the access-token cookie', async () => {
      const attackers = await token({ sub: 'mallory' });
      const plantedAlone = await call(`${url}/cookie`, { headers: { cookie: `pref=dark,at=${attackers}` } });
      expectChallenge(plantedAlone, 401, 'Bearer realm="api"');
      const beside = await call(`${url}/cookie`, { headers: { cookie: `pref=dark,at=${attackers}; at=${good}; theme="a,b"` } });
      expect(beside.status).toBe(200);
      expect(jsonOf(beside)['sub']).toBe('user-1');
    });

    it('refuses a cookie-authenticated state change from another origin or without the custom header', async () => {
      const cookie = `at=${good}`;
      const before = server.handled();
      const crossSite = await call(`${url}/cookie`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.test', 'x-requested-with': 'fetch' },
      });
      expect(crossSite.status).toBe(403);
      const noHeader = await call(`${url}/cookie`, { method: 'POST', headers: { cookie, origin: 'https://app.test' } });
      expect(noHeader.status).toBe(403);
      const fetchSite = await call(`${url}/cookie`, {
        method: 'POST',
        headers: { cookie, 'sec-fetch-site': 'cross-site', 'x-requested-with': 'fetch' },
      });
      expect(fetchSite.status).toBe(403);
      expect(server.handled()).toBe(before);
      const allowed = await call(`${url}/cookie`, {
        method: 'POST',
        headers: { cookie, origin: 'https://app.test', 'x-requested-with': 'fetch' },
      });
      expect(allowed.status).toBe(200);
      const bearerPost = await call(`${url}/me`, {
        method: 'POST',
        headers: { authorization: `Bearer ${good}`, origin: 'https://evil.test' },
      });
      expect(bearerPost.status).toBe(200);
    });

    it('without the custom header: Origin, else a Referer of the own origin; none of the three is refused (403, ERR_CSRF)', async () => {
      const cookie = `at=${good}`;
      const before = server.handled();
      csrfRouteCodes.length = 0;
      const refusals: Array<[string, Record<string, string>]> = [
        ['/cookie-no-header', { cookie }], // no Origin, Referer or Sec-Fetch-Site
        ['/cookie-no-header', { cookie, referer: 'https://evil.test/page' }],
        ['/cookie-no-header', { cookie, referer: 'not a url' }],
        ['/cookie-no-header', { cookie, origin: 'https://evil.test', referer: `${url}/page` }],
        ['/cookie-non-browser', { cookie, referer: 'https://evil.test/page' }],
        ['/cookie-non-browser', { cookie, 'sec-fetch-site': 'cross-site' }],
      ];
      for (const [path, headers] of refusals) {
        const answer = await call(`${url}${path}`, { method: 'POST', headers });
        expect(answer.status, `${path} ${JSON.stringify(Object.keys(headers))}`).toBe(403);
        expect(jsonOf(answer)['error']).toBe('access_denied');
      }
      expect(csrfRouteCodes).toEqual(refusals.map(() => 'ERR_CSRF'));
      expect(server.handled()).toBe(before);
      const accepted: Array<[string, Record<string, string>]> = [
        ['/cookie-no-header', { cookie, referer: `${url}/account?tab=1` }],
        ['/cookie-no-header', { cookie, origin: url }],
        ['/cookie-no-header', { cookie, 'sec-fetch-site': 'same-origin' }],
        ['/cookie-non-browser', { cookie }], // allowMissingOrigin: a client that is not a browser
      ];
      for (const [path, headers] of accepted) {
        const answer = await call(`${url}${path}`, { method: 'POST', headers });
        expect(answer.status, `${path} ${JSON.stringify(Object.keys(headers))}`).toBe(200);
      }
      expect(server.handled()).toBe(before + accepted.length);
    });
  });

  describe('optional authentication', () => {
    it('lets an anonymous request through without auth, but still refuses a bad token', async () => {
      const anonymous = await call(`${url}/optional`);
      expect(anonymous.status).toBe(200);
      expect(jsonOf(anonymous)['sub']).toBeNull();
      const bad = await call(`${url}/optional`, { headers: { authorization: 'Bearer abc' } });
      expect(bad.status).toBe(401);
      const malformed = await call(`${url}/optional`, { headers: { authorization: 'Bearer a b' } });
      expect(malformed.status).toBe(400);
    });
  });

  describe('authorization helpers', () => {
    it('requireScopes: 403 with scope="write", then 200', async () => {
      const refused = await call(`${url}/scope-helper`, { headers: { authorization: `Bearer ${good}` } });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toContain('scope="write"');
      const allowed = await call(`${url}/scope-helper`, { headers: { authorization: `Bearer ${await token({ scope: 'write' })}` } });
      expect(allowed.status).toBe(200);
    });

    it('requireRoles, claimEquals, claimIncludes, claimCheck', async () => {
      const cases: Array<[string, JwtClaims, JwtClaims]> = [
        ['/admin', { roles: ['user'] }, { roles: ['admin'] }],
        ['/tenant', { tenant: 'other' }, { tenant: 'acme' }],
        ['/groups', { groups: ['sales'] }, { groups: ['sales', 'billing'] }],
        ['/plan', { plan: 'free' }, { plan: 'pro' }],
      ];
      for (const [path, refusedClaims, allowedClaims] of cases) {
        const refused = await call(`${url}${path}`, { headers: { authorization: `Bearer ${await token(refusedClaims)}` } });
        expect(refused.status, path).toBe(403);
        expect(refused.headers.get('www-authenticate'), path).toContain('error="insufficient_scope"');
        const allowed = await call(`${url}${path}`, { headers: { authorization: `Bearer ${await token(allowedClaims)}` } });
        expect(allowed.status, path).toBe(200);
      }
    });

    it('scopes and roles are read from own claims only: a polluted Object.prototype grants nothing', async () => {
      const plain = await token({});
      const polluted = Object.prototype as Record<string, unknown>;
      const paths = ['/scope-helper', '/admin', '/scoped', '/role-option'];
      polluted['scope'] = 'read write';
      polluted['scp'] = ['read', 'write'];
      polluted['roles'] = ['admin'];
      // An inherited req.auth is no authentication: a guard without `authenticate` still answers 401.
      polluted['auth'] = { payload: { sub: 'mallory', scope: 'read write', roles: ['admin'] }, header: { alg: 'ES256' } };
      try {
        for (const path of paths) {
          const refused = await call(`${url}${path}`, { headers: { authorization: `Bearer ${plain}` } });
          expect(refused.status, path).toBe(403);
          expect(refused.headers.get('www-authenticate'), path).toContain('error="insufficient_scope"');
        }
        const planted = await call(`${url}/guard-alone`);
        expectChallenge(planted, 401, 'Bearer realm="api"');
      } finally {
        delete polluted['scope'];
        delete polluted['scp'];
        delete polluted['roles'];
        delete polluted['auth'];
      }
      const granted = await token({ scope: 'read write', roles: ['admin'] });
      for (const path of paths) {
        const allowed = await call(`${url}${path}`, { headers: { authorization: `Bearer ${granted}` } });
        expect(allowed.status, path).toBe(200);
      }
    });

    it('a helper without authentication before it answers 401', async () => {
      const answer = await call(`${url}/guard-alone`);
      expectChallenge(answer, 401, 'Bearer realm="api"');
    });
  });

  describe('failures of dependencies and of the resolver (docs/errors.md "Every code")', () => {
    it('a resolver that throws: 401 invalid_token, route not run', async () => {
      const before = server.handled();
      const answer = await call(`${url}/resolver-throws`, { headers: { authorization: `Bearer ${good}` } });
      expectChallenge(answer, 401, 'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"');
      expect(server.handled()).toBe(before);
    });

    it('the key set is unreachable: 503 without detail and without a challenge', async () => {
      const answer = await call(`${url}/jwks-down`, { headers: { authorization: `Bearer ${good}` } });
      expect(answer.status).toBe(503);
      expect(answer.headers.has('www-authenticate')).toBe(false);
      expect(jsonOf(answer)).toEqual({ error: 'temporarily_unavailable' });
    });

    it('the revocation check throws: 503, route not run', async () => {
      const before = server.handled();
      const answer = await call(`${url}/revocable`, { headers: { authorization: `Bearer ${await token({ jti: 'store-down' })}` } });
      expect(answer.status).toBe(503);
      expect(jsonOf(answer)).toEqual({ error: 'temporarily_unavailable' });
      expect(server.handled()).toBe(before);
    });

    it('error answers are JSON, not cached, and not sniffed', async () => {
      const answer = await call(`${url}/me`, { headers: { authorization: 'Bearer abc' } });
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });
});

describe('no answer leaks a token or a stack trace', () => {
  it('holds for every answer of every server above', () => {
    expect(recordedAnswers.length).toBeGreaterThan(250);
    expectNoLeaks(sentTokens);
  });

  it('the leak check itself finds a planted token and a planted stack trace', () => {
    const planted = sentTokens[0] as string;
    const answer = (body: string): Answer => ({ status: 401, headers: new Map(), setCookies: [], body });
    expect(findLeaks([answer(`{"token":"${planted}"}`)], [planted])).not.toEqual([]);
    expect(findLeaks([answer(`{"sig":"${planted.split('.')[2]}"}`)], [planted])).toHaveLength(1);
    expect(findLeaks([answer('{"error":"invalid_token"}')], [planted])).toEqual([]);
    expect(findLeaks([answer('TypeError: x\n    at verify (/srv/app/node_modules/jwtkit/dist/index.js:1:2)')], [])).not.toEqual([]);
  });
});
