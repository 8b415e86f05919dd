/**
 * When the Express middleware hands on: in the same tick when nothing in its options is
 * asynchronous (a key given directly, no `isRevoked`), after the resolver or `isRevoked` has
 * answered otherwise. Either way the outcome is the same. Real node:http server on 127.0.0.1:0.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, type AuthRequest, type Middleware } from '../../../src/adapters/express/index.js';
import { generateSecret, signSync, type BoundKey } from '../../../src/index.js';

let secret: BoundKey;
let server: Server;
let url: string;
const observed: Array<{ path: string; handedOnBeforeReturn: boolean; sub: unknown }> = [];

function middlewareFor(path: string): Middleware {
  const verify = { algorithms: ['HS256' as const], audience: 'api' };
  if (path === '/direct') return authenticate({ key: secret, verify });
  if (path === '/resolver') return authenticate({ key: () => secret, verify });
  return authenticate({ key: secret, verify, isRevoked: () => false });
}

beforeAll(async () => {
  secret = await generateSecret('HS256');
  const middlewares = new Map(['/direct', '/resolver', '/revocable'].map((path) => [path, middlewareFor(path)]));
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

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('express authenticate: when next is called', () => {
  it.each([
    ['/direct', true],
    ['/resolver', false],
    ['/revocable', false],
  ])('%s: handed on before the middleware returned = %s, with req.auth set', async (path, synchronous) => {
    const token = signSync({ sub: `user${path}` }, secret, { alg: 'HS256', audience: 'api', expiresIn: 60 });
    const answer = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    expect(observed.at(-1)).toEqual({ path, handedOnBeforeReturn: synchronous, sub: `user${path}` });
  });

  it('a refused token is answered 401 and next is not called', async () => {
    const before = observed.length;
    const answer = await fetch(`${url}/direct`, { headers: { authorization: 'Bearer a.b.c' } });
    expect(answer.status).toBe(401);
    expect(observed.length).toBe(before);
  });
});
