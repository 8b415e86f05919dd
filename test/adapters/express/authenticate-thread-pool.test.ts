/**
 * The Express middleware's synchronous shortcut for a key given directly is kept for HMAC keys
 * only: an RSA, ECDSA or EdDSA token is verified on the thread pool (src/jws/thread-pool.ts), so
 * `next` comes after the middleware returned; with `configureThreadPool({ enabled: false })` every
 * key given directly takes the shortcut again. The outcome is the same either way. Real node:http
 * server on 127.0.0.1:0.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, type AuthRequest, type Middleware } from '../../../src/adapters/express/index.js';
import { configureThreadPool, generateKeyPair, generateSecret, signSync, type BoundKey, type JwsAlgorithm } from '../../../src/index.js';

const ALGORITHMS: readonly JwsAlgorithm[] = ['HS256', 'ES256', 'RS256', 'PS256', 'EdDSA'];
const signingKeys = new Map<string, BoundKey>();
const middlewares = new Map<string, Middleware>();
let server: Server;
let url: string;
const observed: Array<{ path: string; handedOnBeforeReturn: boolean; sub: unknown }> = [];

beforeAll(async () => {
  for (const alg of ALGORITHMS) {
    const path = `/${alg}`;
    let verifyKey: BoundKey;
    if (alg === 'HS256') {
      verifyKey = await generateSecret('HS256');
      signingKeys.set(path, verifyKey);
    } else {
      const pair = await generateKeyPair(alg);
      signingKeys.set(path, pair.privateKey);
      verifyKey = pair.publicKey;
    }
    middlewares.set(path, authenticate({ key: verifyKey, verify: { algorithms: [alg], audience: 'api' } }));
  }
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    let returned = false;
    (middlewares.get(path) as Middleware)(req, res, () => {
      observed.push({ path, handedOnBeforeReturn: !returned, sub: (req as AuthRequest).auth?.payload.sub });
      res.end('ok');
    });
    returned = true;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  configureThreadPool({ enabled: true });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function request(alg: JwsAlgorithm, token?: string): Promise<number> {
  const path = `/${alg}`;
  token ??= signSync({ sub: `user${path}` }, signingKeys.get(path) as BoundKey, { alg, audience: 'api', expiresIn: 60 });
  const answer = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return answer.status;
}

describe('express authenticate with a key given directly', () => {
  it.each([
    ['HS256', true],
    ['ES256', false],
    ['RS256', false],
    ['PS256', false],
    ['EdDSA', false],
  ] as const)('%s: handed on before the middleware returned = %s (the thread pool is on)', async (alg, synchronous) => {
    expect(await request(alg)).toBe(200);
    expect(observed.at(-1)).toEqual({ path: `/${alg}`, handedOnBeforeReturn: synchronous, sub: `user/${alg}` });
  });

  it.each(ALGORITHMS)('%s: handed on before the middleware returned when the thread pool is off', async (alg) => {
    configureThreadPool({ enabled: false });
    expect(await request(alg)).toBe(200);
    expect(observed.at(-1)).toEqual({ path: `/${alg}`, handedOnBeforeReturn: true, sub: `user/${alg}` });
  });

  it('a bad ES256 signature is answered 401 on either path, and next is not called', async () => {
    const good = signSync({ sub: 'x' }, signingKeys.get('/ES256') as BoundKey, { alg: 'ES256', audience: 'api', expiresIn: 60 });
    const bad = `${good.slice(0, good.lastIndexOf('.'))}.${Buffer.alloc(64).toString('base64url')}`;
    const before = observed.length;
    expect(await request('ES256', bad)).toBe(401);
    configureThreadPool({ enabled: false });
    expect(await request('ES256', bad)).toBe(401);
    expect(observed.length).toBe(before);
  });
});
