/**
 * The resource-server features users of express-oauth2-jwt-bearer rely on, through both adapters
 * on real servers (the table of test/adapters/helpers/resource-servers.ts): validators that fail
 * authentication (401 `invalid_token`), the RFC 9068 profile, and the issuer chosen per request.
 * Statuses and `WWW-Authenticate` challenges are the peer's (RFC 6750 §3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticateOptions, AuthEvent } from '../../src/adapters/express/index.js';
import { JwtError, createTokenService, generateKeyPair, sign } from '../../src/index.js';
import type { BoundKey, GeneratedKeyPair, JwtClaims } from '../../src/index.js';
import { call, expectChallenge, jsonOf } from './helpers/http-client.js';
import { SERVER_FACTORIES } from './helpers/resource-servers.js';
import type { RouteSpec, RunningServer } from './helpers/resource-servers.js';

const NOW = 1_700_000_000;
const clock = (): Date => new Date(NOW * 1000);
const ISSUER = 'https://auth.test';
const TENANT_A = 'https://a.tenant.test/';
const TENANT_B = 'https://b.tenant.test/';
const AUDIENCE = 'api';
const INVALID_TOKEN = 'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"';

let main: GeneratedKeyPair;
let tenantA: GeneratedKeyPair;
let tenantB: GeneratedKeyPair;
/** The issuers whose key sets `issuers.keys` was asked for, in order. */
const keysAskedFor: string[] = [];
/** The `origin` each `fromRequest` call saw. */
const originsSeen: Array<string | undefined> = [];
const events: AuthEvent[] = [];

interface TokenShape {
  claims?: JwtClaims;
  key?: BoundKey;
  typ?: string;
  kid?: string;
  issuer?: string;
}

function token({ claims = {}, key = main.privateKey, typ, kid, issuer = ISSUER }: TokenShape = {}): Promise<string> {
  return sign({ sub: 'user-1', ...claims }, key, {
    alg: 'ES256',
    issuer,
    audience: AUDIENCE,
    clock,
    expiresIn: 600,
    ...(typ === undefined ? {} : { typ }),
    ...(kid === undefined ? {} : { kid }),
  });
}

/** A complete RFC 9068 access token, less the claims named in `without` (`sub`, `client_id`, `jti`, `iat`). */
async function profileToken(without: string[] = [], extra: JwtClaims = {}, typ = 'at+jwt'): Promise<string> {
  const claims: JwtClaims = { sub: 'user-1', client_id: 'web', jti: 'id-1', ...extra };
  for (const name of without) delete claims[name];
  return sign(claims, main.privateKey, {
    alg: 'ES256',
    typ,
    issuer: ISSUER,
    audience: AUDIENCE,
    clock,
    expiresIn: 600,
    ...(without.includes('iat') ? { iat: false } : {}),
  });
}

function routes(): RouteSpec[] {
  const verify = { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, clock } as const;
  const base: AuthenticateOptions = { key: main.publicKey, verify, onAuthEvent: (event) => events.push(event) };
  const tenantKeys = (issuer: string): BoundKey => {
    keysAskedFor.push(issuer);
    return issuer === TENANT_A ? tenantA.publicKey : tenantB.publicKey;
  };
  const perIssuerVerify = { algorithms: ['ES256'], audience: AUDIENCE, clock } as const;
  return [
    {
      method: 'GET',
      path: '/validated',
      options: {
        ...base,
        validators: {
          claims: { tenant: (value) => value === 'acme', org: async (value) => value !== 'banned' },
          header: { kid: (value) => value !== 'retired' },
        },
      },
    },
    {
      method: 'GET',
      path: '/validator-down',
      options: {
        ...base,
        validators: {
          claims: {
            tenant: async () => {
              throw new JwtError('ERR_STORE_UNAVAILABLE', 'the tenant directory did not answer');
            },
          },
        },
      },
    },
    {
      method: 'GET',
      path: '/validator-throws',
      options: {
        ...base,
        validators: {
          claims: {
            tenant: () => {
              throw new TypeError('a bug in the check');
            },
          },
        },
      },
    },
    { method: 'GET', path: '/profile', options: { ...base, profile: 'rfc9068' } },
    {
      method: 'GET',
      path: '/tenants',
      options: { verify: perIssuerVerify, issuers: { allowed: [TENANT_A, TENANT_B], keys: tenantKeys } },
    },
    {
      method: 'GET',
      path: '/tenant-by-header',
      options: {
        verify: perIssuerVerify,
        issuers: {
          allowed: async (issuer) => issuer === TENANT_A || issuer === TENANT_B,
          keys: tenantKeys,
          fromRequest: ({ origin, header }) => {
            originsSeen.push(origin);
            const tenant = header('x-tenant');
            return tenant === undefined ? undefined : `https://${tenant}.tenant.test/`;
          },
        },
      },
    },
  ];
}

beforeAll(async () => {
  [main, tenantA, tenantB] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256'), generateKeyPair('ES256')]);
});

describe.each(SERVER_FACTORIES)('resource-server parity on %s', (_name, start) => {
  let server: RunningServer;
  const get = async (path: string, bearer?: string, headers: Record<string, string> = {}) =>
    call(`${server.url}${path}`, { headers: bearer === undefined ? headers : { ...headers, authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    server = await start(routes());
  });
  afterAll(() => server.close());

  describe('validators', () => {
    it('let a token through when every claim and header check returns true (sync and async)', async () => {
      const answer = await get('/validated', await token({ claims: { tenant: 'acme', org: 'ok' }, kid: 'current' }));
      expect(answer.status).toBe(200);
    });

    it('refuse with 401 invalid_token when a claim check returns false, the claim missing included', async () => {
      for (const claims of [{ tenant: 'other' }, {}, { tenant: 'acme', org: 'banned' }]) {
        events.length = 0;
        expectChallenge(await get('/validated', await token({ claims })), 401, INVALID_TOKEN);
        expect(events).toMatchObject([{ type: 'request_refused', code: 'ERR_JWT_CLAIM_INVALID', status: 401 }]);
        expect(events[0]?.type === 'request_refused' && events[0].error).toMatchObject({ reason: 'rejected' });
      }
    });

    it('refuse with 401 invalid_token when a header check returns false', async () => {
      events.length = 0;
      const answer = await get('/validated', await token({ claims: { tenant: 'acme' }, kid: 'retired' }));
      expectChallenge(answer, 401, INVALID_TOKEN);
      expect(events[0]?.type === 'request_refused' && events[0].error).toMatchObject({ claim: 'kid', reason: 'rejected' });
    });

    it('fail closed: a check that throws refuses (401), one that throws ERR_STORE_UNAVAILABLE answers 503', async () => {
      const good = await token({ claims: { tenant: 'acme' } });
      expectChallenge(await get('/validator-throws', good), 401, INVALID_TOKEN);
      const down = await get('/validator-down', good);
      expect(down.status).toBe(503);
      expect(jsonOf(down)).toEqual({ error: 'temporarily_unavailable' });
    });
  });

  describe("profile: 'rfc9068'", () => {
    it('accepts a complete at+jwt access token, and one from a token service with clientId', async () => {
      expect((await get('/profile', await profileToken())).status).toBe(200);
      const service = createTokenService({ key: main.privateKey, issuer: ISSUER, audience: AUDIENCE, clientId: 'web', clock });
      const { accessToken } = await service.issue('user-2');
      expect(jsonOf(await get('/profile', accessToken))).toMatchObject({ handled: true, sub: 'user-2' });
    });

    it.each(['client_id', 'jti', 'sub', 'iat'])('refuses a token without %s (401 invalid_token)', async (claim) => {
      expectChallenge(await get('/profile', await profileToken([claim])), 401, INVALID_TOKEN);
    });

    it('refuses typ JWT, and a client_id that is not a string (401 invalid_token)', async () => {
      expectChallenge(await get('/profile', await profileToken([], {}, 'JWT')), 401, INVALID_TOKEN);
      expectChallenge(await get('/profile', await profileToken([], { client_id: 42 })), 401, INVALID_TOKEN);
    });

    it('refuses a token service access token without clientId (no client_id)', async () => {
      const service = createTokenService({ key: main.privateKey, issuer: ISSUER, audience: AUDIENCE, clock });
      const { accessToken } = await service.issue('user-2');
      expectChallenge(await get('/profile', accessToken), 401, INVALID_TOKEN);
    });
  });

  describe('issuers chosen per request', () => {
    it("verifies each tenant's token with that tenant's keys, making each key set once", async () => {
      keysAskedFor.length = 0;
      for (let round = 0; round < 2; round++) {
        expect((await get('/tenants', await token({ key: tenantA.privateKey, issuer: TENANT_A }))).status).toBe(200);
        expect((await get('/tenants', await token({ key: tenantB.privateKey, issuer: TENANT_B }))).status).toBe(200);
      }
      // Kept per middleware: the node:http table makes its middleware per request, the others once.
      const expected = server.name === 'node:http' ? 2 : 1;
      expect(keysAskedFor.filter((issuer) => issuer === TENANT_A)).toHaveLength(expected);
      expect(keysAskedFor.filter((issuer) => issuer === TENANT_B)).toHaveLength(expected);
    });

    it("keeps each issuer's keys to its own tokens (RFC 8725 §3.8): a token claiming B signed by A is refused", async () => {
      expectChallenge(await get('/tenants', await token({ key: tenantA.privateKey, issuer: TENANT_B })), 401, INVALID_TOKEN);
    });

    it('refuses an unknown issuer before asking for any key set (401 invalid_token)', async () => {
      keysAskedFor.length = 0;
      const unknown = 'https://evil.test/';
      expectChallenge(await get('/tenants', await token({ key: tenantA.privateKey, issuer: unknown })), 401, INVALID_TOKEN);
      expectChallenge(await get('/tenant-by-header', await token({ issuer: unknown }), { 'x-tenant': 'evil' }), 401, INVALID_TOKEN);
      expect(keysAskedFor).toEqual([]);
    });

    it("takes the issuer from the request: another tenant's token, or no tenant, is refused before any key set", async () => {
      originsSeen.length = 0;
      const tokenA = await token({ key: tenantA.privateKey, issuer: TENANT_A });
      expect((await get('/tenant-by-header', tokenA, { 'x-tenant': 'a' })).status).toBe(200);
      expect(originsSeen).toEqual([server.url]);
      keysAskedFor.length = 0;
      expectChallenge(await get('/tenant-by-header', tokenA, { 'x-tenant': 'b' }), 401, INVALID_TOKEN);
      expectChallenge(await get('/tenant-by-header', tokenA), 401, INVALID_TOKEN);
      expect(keysAskedFor).toEqual([]);
    });
  });
});
