/**
 * The options of `authenticate` (jwtkit/express) and `authenticateRequest` / `withAuth`
 * (jwtkit/fetch), and of the authorization helpers of both, are checked when the middleware or
 * handler is made: `ERR_INVALID_OPTION` (or `ERR_KEY_INVALID`) at once, never a 401 later. The
 * `verify` options go through the same check `verify` runs on every call.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../../src/adapters/express/index.js';
import * as fetchAdapter from '../../../src/adapters/fetch/index.js';
import type { AuthenticateOptions, RequiredAuthenticateOptions } from '../../../src/adapters/fetch/index.js';
import { createVerifiedTokenCache, generateKeyPair, isJwtError, sign } from '../../../src/index.js';

const NOW = 1_700_000_000;
let options: RequiredAuthenticateOptions;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  options = { key: pair.publicKey, verify: { algorithms: ['EdDSA'], audience: 'api', clock: () => new Date(NOW * 1000) } };
});

function get(): Request {
  return new Request('http://127.0.0.1/resource');
}

function invalidOption(run: () => unknown): boolean {
  try {
    run();
  } catch (error) {
    return isJwtError(error, 'ERR_INVALID_OPTION');
  }
  return false;
}

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
      { ...options, verify: { algorithms: ['none'], audience: 'api' } },
      { ...options, verify: { ...options.verify, clockTolerance: -1 } },
      { ...options, verify: { ...options.verify, maxAge: '60' } },
      { ...options, verify: { ...options.verify, clock: 'now' } },
      { ...options, verify: { ...options.verify, maxTokenLength: 0 } },
      { ...options, verify: { ...options.verify, cache: {} } },
      { ...options, verify: { ...options.verify, requireExp: 'no' } },
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

  it('accepts the verify options verify accepts, a verified-token cache and a length limit among them', async () => {
    const pair = await generateKeyPair('EdDSA');
    const cache = createVerifiedTokenCache();
    const verify = { ...options.verify, cache, maxTokenLength: 300, requireExp: false, typ: 'at+jwt' };
    const accepted = { ...options, key: pair.publicKey, verify };
    const token = await sign({ sub: 'u1', aud: 'api' }, pair.privateKey, {
      alg: 'EdDSA',
      typ: 'at+jwt',
      clock: () => new Date(NOW * 1000),
    });
    const authorization = `Bearer ${token}`;

    // jwtkit/express: the middleware verifies the token and hands on with req.auth set.
    const req = new IncomingMessage(new Socket());
    Object.assign(req, {
      method: 'GET',
      url: '/resource',
      headers: { host: '127.0.0.1', authorization },
      rawHeaders: ['Host', '127.0.0.1', 'Authorization', authorization],
    });
    // An EdDSA signature is checked on the thread pool (docs/benchmarks.md, "Signatures on the
    // thread pool"), so the middleware hands on once that check ends.
    const handedOn = await new Promise<unknown[]>((resolve) => {
      expressAdapter.authenticate(accepted)(req, new ServerResponse(req), (...args: unknown[]) => resolve(args));
    });
    expect(handedOn).toEqual([]);
    expect((req as expressAdapter.AuthRequest).auth?.payload).toEqual({ sub: 'u1', aud: 'api', iat: NOW });

    // jwtkit/fetch: the handler runs with the verified token; the cache keeps it.
    const handler = fetchAdapter.withAuth(accepted, (_request, auth) => Response.json(auth.payload));
    const response = await handler(new Request('http://127.0.0.1/resource', { headers: { authorization } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'u1', aud: 'api', iat: NOW });
    expect(cache.size).toBe(1);
    expect((await handler(get())).status).toBe(401);
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
