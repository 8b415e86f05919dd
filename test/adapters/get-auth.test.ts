/**
 * `getAuth` (jwtkit/express, jwtkit/fetch): the verified auth of a request the authentication step
 * let through, or a `JwtError` with a code: `ERR_INVALID_OPTION` when that step did not run for
 * this request (the middleware mounted after the route, a copy of the `Request`), or when the auth
 * on it is not one jwtkit made; `ERR_CREDENTIALS_MISSING` for an anonymous request let through
 * with `credentialsRequired: false`.
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express/index.js';
import type { AuthenticateOptions, RequestAuth } from '../../src/adapters/express/index.js';
import * as fetchAdapter from '../../src/adapters/fetch/index.js';
import { generateKeyPair, isJwtError, sign } from '../../src/index.js';
import { call, jsonOf } from './helpers/http-client.js';

let options: AuthenticateOptions;
let token: string;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  options = { key: pair.publicKey, verify: { algorithms: ['EdDSA'], audience: 'api' }, onAuthEvent: () => undefined };
  token = await sign({ sub: 'user-1', scope: 'read' }, pair.privateKey, { alg: 'EdDSA', audience: 'api', expiresIn: '5m' });
});

/** The code `run` throws, or `'returned'`. */
function codeOf(run: () => unknown): string {
  try {
    run();
    return 'returned';
  } catch (error) {
    return isJwtError(error) ? error.code : 'not a JwtError';
  }
}

describe('getAuth (jwtkit/express)', () => {
  async function withServer(app: express.Express, run: (url: string) => Promise<void>): Promise<void> {
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('returns the auth authenticate set; throws with a code where authenticate did not run, for an anonymous request, and for a replaced req.auth', async () => {
    const app = express();
    const answer = (req: express.Request, res: express.Response): void => {
      try {
        const auth = expressAdapter.getAuth<{ scope: string }>(req);
        res.json({ sub: auth.payload.sub, scope: auth.payload.scope, same: auth === (req as { auth?: unknown }).auth });
      } catch (error) {
        res.json({ code: isJwtError(error) ? error.code : 'not a JwtError' });
      }
    };
    // The mistake getAuth catches: a route registered before the middleware that should guard it.
    app.get('/api/early', answer);
    app.use('/api', expressAdapter.authenticate(options));
    app.get('/api/me', answer);
    app.get('/optional', expressAdapter.authenticate({ ...options, credentialsRequired: false }), answer);
    app.get(
      '/replaced',
      expressAdapter.authenticate(options),
      (req, _res, next) => {
        (req as { auth?: unknown }).auth = { payload: { sub: 'admin' }, header: { alg: 'none' }, token: 'x' };
        next();
      },
      answer,
    );
    app.get(
      '/forged',
      (req, _res, next) => {
        (req as { auth?: unknown }).auth = { payload: { sub: 'admin' }, header: { alg: 'none' }, token: 'x' };
        next();
      },
      answer,
    );
    await withServer(app, async (url) => {
      const bearer = { authorization: `Bearer ${token}` };
      expect(jsonOf(await call(`${url}/api/me`, { headers: bearer }))).toEqual({ sub: 'user-1', scope: 'read', same: true });
      expect(jsonOf(await call(`${url}/api/early`, { headers: bearer }))).toEqual({ code: 'ERR_INVALID_OPTION' });
      expect(jsonOf(await call(`${url}/optional`))).toEqual({ code: 'ERR_CREDENTIALS_MISSING' });
      expect(jsonOf(await call(`${url}/optional`, { headers: bearer }))).toMatchObject({ sub: 'user-1' });
      expect(jsonOf(await call(`${url}/replaced`, { headers: bearer }))).toEqual({ code: 'ERR_INVALID_OPTION' });
      expect(jsonOf(await call(`${url}/forged`))).toEqual({ code: 'ERR_INVALID_OPTION' });
    });
  });

  it('ignores an auth inherited through a polluted Object.prototype', () => {
    const req = Object.create({ auth: { payload: { sub: 'admin' } } }) as Parameters<typeof expressAdapter.getAuth>[0];
    expect(codeOf(() => expressAdapter.getAuth(req))).toBe('ERR_INVALID_OPTION');
  });
});

describe('getAuth (jwtkit/fetch)', () => {
  const bearer = (): Request => new Request('https://api.test/orders', { headers: { authorization: `Bearer ${token}` } });

  it('returns the auth authenticateRequest or withAuth returned for that very Request object', async () => {
    const request = bearer();
    const auth = await fetchAdapter.authenticateRequest(request, options);
    expect(fetchAdapter.getAuth(request)).toBe(auth);
    let inHandler: RequestAuth | undefined;
    const handler = fetchAdapter.withAuth(options, (seen, given) => {
      inHandler = fetchAdapter.getAuth(seen);
      expect(inHandler).toBe(given);
      return new Response('ok');
    });
    expect((await handler(bearer())).status).toBe(200);
    expect(inHandler?.payload.sub).toBe('user-1');
  });

  it('throws ERR_INVALID_OPTION for a Request never authenticated, a copy, or a refused one; ERR_CREDENTIALS_MISSING for an anonymous one', async () => {
    const authenticated = bearer();
    await fetchAdapter.authenticateRequest(authenticated, options);
    expect(codeOf(() => fetchAdapter.getAuth(bearer()))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => fetchAdapter.getAuth(authenticated.clone()))).toBe('ERR_INVALID_OPTION');
    const refused = new Request('https://api.test/orders', { headers: { authorization: 'Bearer abc' } });
    expect(await fetchAdapter.authenticateRequest(refused, options)).toBeInstanceOf(Response);
    expect(codeOf(() => fetchAdapter.getAuth(refused))).toBe('ERR_INVALID_OPTION');
    const anonymous = new Request('https://api.test/orders');
    expect(await fetchAdapter.authenticateRequest(anonymous, { ...options, credentialsRequired: false })).toBeUndefined();
    expect(codeOf(() => fetchAdapter.getAuth(anonymous))).toBe('ERR_CREDENTIALS_MISSING');
    expect(codeOf(() => fetchAdapter.getAuth(undefined as unknown as Request))).toBe('ERR_INVALID_OPTION');
  });
});
