/**
 * jwtkit/fetch without a server: `Request` in, verified auth or `Response` out; the types users
 * see; option checks at construction for both adapters; bounded body reading; the CSRF check.
 */
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { assertSameOriginRequest, normalizeCsrfOptions } from '../../src/adapters/csrf.js';
import * as expressAdapter from '../../src/adapters/express.js';
import type { AuthRequest, RequestAuth } from '../../src/adapters/express.js';
import { fetchRequestFacts } from '../../src/adapters/fetch-exchange.js';
import * as fetchAdapter from '../../src/adapters/fetch.js';
import type { AuthenticateOptions, RequiredAuthenticateOptions } from '../../src/adapters/fetch.js';
import { createTokenService, generateKeyPair, isJwtError, sign } from '../../src/index.js';
import type { BoundKey, JwtClaims } from '../../src/index.js';

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

function invalidOption(run: () => unknown): boolean {
  try {
    run();
  } catch (error) {
    return isJwtError(error, 'ERR_INVALID_OPTION');
  }
  return false;
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

describe('options are checked at construction', () => {
  it('authenticate / withAuth / authenticateRequest refuse bad options with ERR_INVALID_OPTION', async () => {
    const bad: unknown[] = [
      undefined,
      {},
      { key: 'k' },
      { key: 'k', verify: {} },
      { key: 'k', verify: { algorithms: [] } },
      { ...options, cookie: 'bad name' },
      { ...options, realm: '' },
      { ...options, realm: 'tab\there' },
      { ...options, requiredScopes: 'read' },
      { ...options, requiredScopes: ['has space'] },
      { ...options, requiredRoles: [] },
      { ...options, credentialsRequired: 'no' },
      { ...options, allowQueryToken: 1 },
      { ...options, isRevoked: true },
      { ...options, csrf: { allowedOrigins: ['*'] } },
      { ...options, verify: { algorithms: ['none'] } },
      { ...options, verify: { ...options.verify, clockTolerance: -1 } },
      { ...options, verify: { ...options.verify, maxAge: '60' } },
      { ...options, verify: { ...options.verify, clock: 'now' } },
      { ...options, verify: { ...options.verify, currentDate: new Date(NOW * 1000) } }, // both clock and the deprecated currentDate
    ];
    for (const candidate of bad) {
      expect(
        invalidOption(() => expressAdapter.authenticate(candidate as AuthenticateOptions)),
        JSON.stringify(candidate),
      ).toBe(true);
      expect(invalidOption(() => fetchAdapter.withAuth(candidate as AuthenticateOptions, () => new Response()))).toBe(true);
    }
    await expect(fetchAdapter.authenticateRequest(get(), { key: 'k' } as AuthenticateOptions)).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    expect(invalidOption(() => fetchAdapter.withAuth(options, 'handler' as never))).toBe(true);
  });

  it('a key given directly that cannot verify is refused at once with ERR_KEY_INVALID', () => {
    for (const key of ['', new Uint8Array(0), '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----', 42]) {
      let caught: unknown;
      try {
        expressAdapter.authenticate({ ...options, key: key as never });
      } catch (error) {
        caught = error;
      }
      expect(isJwtError(caught, 'ERR_KEY_INVALID'), String(key)).toBe(true);
    }
  });

  it('the authorization helpers refuse bad arguments at once, in both adapters', () => {
    const handler = (): Response => new Response();
    expect(invalidOption(() => expressAdapter.requireScopes([]))).toBe(true);
    expect(invalidOption(() => expressAdapter.requireRoles(['admin'], { realm: '\n' }))).toBe(true);
    expect(invalidOption(() => expressAdapter.claimEquals('', 'x'))).toBe(true);
    expect(invalidOption(() => fetchAdapter.requireScopes(['a'], 'x' as never))).toBe(true);
    expect(invalidOption(() => fetchAdapter.claimIncludes('g', [], handler))).toBe(true);
    expect(invalidOption(() => fetchAdapter.claimCheck('x' as never, handler))).toBe(true);
  });
});

describe('bounded JSON bodies', () => {
  it('a streamed body over the limit is refused with 413 before it is all read', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(0x20));
        if (pulled > 1000) controller.close();
      },
    });
    const request = new Request('http://127.0.0.1/', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    } as RequestInit);
    await expect(fetchRequestFacts(request).readJson(4096)).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    expect(pulled).toBeLessThan(20);
  });

  it('an empty body is no body; a declared length over the limit is refused unread', async () => {
    const empty = new Request('http://127.0.0.1/', { method: 'POST', body: '', headers: { 'content-type': 'application/json' } });
    expect(await fetchRequestFacts(empty).readJson(100)).toBeUndefined();
    const declared = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: 'x'.repeat(200),
      headers: { 'content-type': 'application/json' },
    });
    await expect(fetchRequestFacts(declared).readJson(100)).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    const latin1 = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
      headers: { 'content-type': 'application/json' },
    });
    await expect(fetchRequestFacts(latin1).readJson(100)).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    const vendorJson = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' },
    });
    expect(await fetchRequestFacts(vendorJson).readJson(100)).toEqual({ a: 1 });
  });
});

describe('the cross-site request check', () => {
  function facts(headers: Record<string, string>, url = 'https://auth.test/auth/refresh'): ReturnType<typeof fetchRequestFacts> {
    return fetchRequestFacts(new Request(url, { method: 'POST', headers }));
  }

  function refused(policy: ReturnType<typeof normalizeCsrfOptions>, headers: Record<string, string>): boolean {
    try {
      assertSameOriginRequest(facts(headers), policy);
      return false;
    } catch (error) {
      return isJwtError(error, 'ERR_CSRF');
    }
  }

  it('default: the own origin (or no Origin) plus the custom header', () => {
    const policy = normalizeCsrfOptions(undefined);
    expect(refused(policy, { 'x-requested-with': '1' })).toBe(false);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'https://auth.test' })).toBe(false);
    expect(refused(policy, { 'x-requested-with': '1', 'sec-fetch-site': 'same-origin' })).toBe(false);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'https://auth.test.evil' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'http://auth.test' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'null' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': '1', 'sec-fetch-site': 'same-site' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': ' ' })).toBe(true);
    expect(refused(policy, { origin: 'https://auth.test' })).toBe(true);
  });

  it('an allow-list replaces the own origin; the header can be turned off', () => {
    const policy = normalizeCsrfOptions({ allowedOrigins: ['https://app.test'], requiredHeader: false });
    expect(refused(policy, { origin: 'https://app.test' })).toBe(false);
    expect(refused(policy, { origin: 'https://auth.test' })).toBe(true);
    expect(refused(policy, { origin: 'https://app.test, https://evil.test' })).toBe(true);
    expect(refused(policy, {})).toBe(false);
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
