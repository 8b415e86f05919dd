/**
 * jwtkit/fetch without a server: `Request` in, verified auth or `Response` out; the types users
 * see.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { AuthRequest, RequestAuth } from '../../../src/adapters/express/index.js';
import * as fetchAdapter from '../../../src/adapters/fetch/index.js';
import type { AuthenticateOptions, RequiredAuthenticateOptions } from '../../../src/adapters/fetch/index.js';
import { createTokenService, generateKeyPair, sign } from '../../../src/index.js';
import type { BoundKey, JwtClaims } from '../../../src/index.js';

const NOW = 1_700_000_000;
let privateKey: BoundKey;
let options: RequiredAuthenticateOptions;
let token: string;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  privateKey = pair.privateKey;
  options = { key: pair.publicKey, verify: { algorithms: ['EdDSA'], audience: 'api', clock: () => new Date(NOW * 1000) } };
  token = await sign({ sub: 'u1', scope: 'read' }, privateKey, { alg: 'EdDSA', audience: 'api', iat: NOW, expiresIn: 60 });
});

function get(headers: Record<string, string> = {}): Request {
  return new Request('http://127.0.0.1/resource', { headers });
}

describe('authenticateRequest', () => {
  it('returns the verified payload, header and token', async () => {
    const auth = await fetchAdapter.authenticateRequest<{ scope: string }>(get({ authorization: `Bearer ${token}` }), options);
    expect(auth).not.toBeInstanceOf(Response);
    const verified = auth as RequestAuth<{ scope: string }>;
    expect(verified.payload.sub).toBe('u1');
    expect(verified.payload.scope).toBe('read');
    expect(verified.header.alg).toBe('EdDSA');
    expect(verified.token).toBe(token);
  });

  it("reads the verify options' clock at every request: options made once see the time move", async () => {
    let now = NOW;
    const moving: RequiredAuthenticateOptions = {
      ...options,
      verify: { ...options.verify, clockTolerance: 0, clock: () => new Date(now * 1000) },
    };
    const request = () => fetchAdapter.authenticateRequest(get({ authorization: `Bearer ${token}` }), moving);
    expect(await request()).not.toBeInstanceOf(Response);
    now += 60;
    const expired = await request();
    expect((expired as Response).status).toBe(401);
    expect((expired as Response).headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('returns a ready Response on failure, and undefined for an anonymous optional request', async () => {
    const missing = await fetchAdapter.authenticateRequest(get(), options);
    expect(missing).toBeInstanceOf(Response);
    expect((missing as Response).status).toBe(401);
    expect((missing as Response).headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(await fetchAdapter.authenticateRequest(get(), { ...options, credentialsRequired: false })).toBeUndefined();
    const head = await fetchAdapter.authenticateRequest(new Request('http://127.0.0.1/', { method: 'HEAD' }), options);
    expect(await (head as Response).text()).toBe('');
  });

  it('reports every refusal to onError with its code, and ignores a throwing onError', async () => {
    const seen: unknown[] = [];
    const logging = { ...options, onError: (error: unknown) => seen.push(error) };
    await fetchAdapter.authenticateRequest(get({ authorization: 'Bearer abc' }), logging);
    await fetchAdapter.authenticateRequest(get({ authorization: 'Bearer a b' }), logging);
    expect(seen.map((error) => (error as { code: string }).code)).toEqual(['ERR_JWT_MALFORMED', 'ERR_REQUEST_INVALID']);
    const throwing = {
      ...options,
      onError: () => {
        throw new Error('logger down');
      },
    };
    const answer = await fetchAdapter.authenticateRequest(get({ authorization: 'Bearer abc' }), throwing);
    expect((answer as Response).status).toBe(401);
  });

  it('verifies access tokens of a token service with its own verification keys', async () => {
    const tokens = createTokenService({ key: privateKey, issuer: 'https://auth.test', audience: 'api', clock: () => new Date(NOW * 1000) });
    const pair = await tokens.issue('u2', { scope: 'read' });
    const viaService = { ...options, verify: { ...options.verify, issuer: 'https://auth.test', typ: 'at+jwt' } };
    const auth = await fetchAdapter.authenticateRequest(get({ authorization: `Bearer ${pair.accessToken}` }), viaService);
    expect((auth as RequestAuth).payload.sub).toBe('u2');
    const notAnAccessToken = await fetchAdapter.authenticateRequest(get({ authorization: `Bearer ${token}` }), viaService);
    expect((notAnAccessToken as Response).status).toBe(401);
  });
});

describe('withAuth and the fetch helpers', () => {
  it('runs the handler only for an authenticated request, and lets its own errors through', async () => {
    let runs = 0;
    const handler = fetchAdapter.withAuth(options, (_request, auth) => {
      runs += 1;
      return Response.json({ sub: auth.payload.sub });
    });
    expect((await handler(get())).status).toBe(401);
    expect(runs).toBe(0);
    const ok = await handler(get({ authorization: `Bearer ${token}` }));
    expect(await ok.json()).toEqual({ sub: 'u1' });
    const failing = fetchAdapter.withAuth(options, () => {
      throw new RangeError('application bug');
    });
    await expect(failing(get({ authorization: `Bearer ${token}` }))).rejects.toBeInstanceOf(RangeError);
  });

  it('the helpers answer 403 with the realm of the authentication that ran', async () => {
    const handler = fetchAdapter.withAuth(
      { ...options, realm: 'shop' },
      fetchAdapter.requireScopes(['write'], () => new Response('ok')),
    );
    const refused = await handler(get({ authorization: `Bearer ${token}` }));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer realm="shop", error="insufficient_scope", error_description="The access token does not grant access to this resource", scope="write"',
    );
  });
});

describe('types', () => {
  it('req.auth and the fetch overloads are typed by the claims generic', () => {
    type Claims = { scope: string; tenant: string };
    expectTypeOf<NonNullable<AuthRequest<Claims>['auth']>['payload']['tenant']>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<AuthRequest<Claims>['auth']>['payload']['sub']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(fetchAdapter.authenticateRequest<Claims>(get(), options)).resolves.toEqualTypeOf<RequestAuth<Claims> | Response>();
    const unknownMode: AuthenticateOptions = options;
    expectTypeOf(fetchAdapter.authenticateRequest<Claims>(get(), unknownMode)).resolves.toEqualTypeOf<
      RequestAuth<Claims> | Response | undefined
    >();
    const optional = { ...options, credentialsRequired: false as const };
    expectTypeOf(fetchAdapter.authenticateRequest<Claims>(get(), optional)).resolves.toEqualTypeOf<
      RequestAuth<Claims> | Response | undefined
    >();
    fetchAdapter.withAuth<Claims>(options, (_request, auth) => {
      expectTypeOf(auth.payload.tenant).toEqualTypeOf<string>();
      return new Response();
    });
    fetchAdapter.withAuth<Claims>(optional, (_request, auth) => {
      expectTypeOf(auth).toEqualTypeOf<RequestAuth<Claims> | undefined>();
      return new Response();
    });
    expectTypeOf<RequestAuth['payload']>().toEqualTypeOf<JwtClaims & JwtClaims>();
  });
});
