// `jwtkit verify --key <url>` fetches the key set and nothing else: the token never leaves.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, sign } from '../../src/index.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { runJwtkitJson } from './run-jwtkit.js';

interface SeenRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: SeenRequest[] = [];
let token: string;

beforeAll(async () => {
  ensureBuilt();
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  token = await sign({ sub: 'u1' }, privateKey, { alg: 'ES256', expiresIn: '5m', issuer: 'https://issuer' });
  const jwks = JSON.stringify({ keys: [{ ...exportJWK(publicKey), use: 'sig' }] });
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      if (request.url === '/.well-known/jwks.json') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      } else {
        response.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('jwtkit verify with a JWKS URL', () => {
  it('verifies, and the only request is a GET of the key set, without the token', async () => {
    seen.length = 0;
    const { code, json } = await runJwtkitJson([
      'verify',
      token,
      '--key',
      `${base}/.well-known/jwks.json`,
      '--alg',
      'ES256',
      '--iss',
      'https://issuer',
    ]);
    expect(code).toBe(0);
    expect(json['valid']).toBe(true);
    expect(seen).toHaveLength(1);
    const [request] = seen as [SeenRequest];
    expect(request.method).toBe('GET');
    expect(request.url).toBe('/.well-known/jwks.json');
    expect(request.body).toBe('');
    expect(request.headers['authorization']).toBeUndefined();
    const [, payload, signature] = token.split('.') as [string, string, string];
    const everything = JSON.stringify(request);
    for (const part of [token, payload, signature]) expect(everything).not.toContain(part);
  });

  it('exits 1 with ERR_JWKS_FETCH when the key set cannot be fetched', async () => {
    const { code, json } = await runJwtkitJson(['verify', token, '--key', `${base}/missing.json`, '--alg', 'ES256']);
    expect(code).toBe(1);
    expect((json['error'] as { code: string }).code).toBe('ERR_JWKS_FETCH');
  });

  it('refuses a plain http: URL to a remote host before any request (exit 2)', async () => {
    const { code, json } = await runJwtkitJson(['verify', token, '--key', 'http://example.com/jwks.json', '--alg', 'ES256']);
    expect(code).toBe(2);
    expect((json['error'] as { code: string }).code).toBe('ERR_INVALID_OPTION');
  });
});
