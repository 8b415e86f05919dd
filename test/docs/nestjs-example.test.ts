// The NestJS example project (docs/examples/nestjs, shown in docs/nestjs.md): compiled with its
// own tsconfig (decorators need experimentalDecorators and emitDecoratorMetadata, which the root
// config and vitest's transform do not give), then run as an application would be, with `node`,
// on 127.0.0.1, against a JWKS served here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJWKSEndpoint } from '../../src/adapters/express/index.js';
import { exportJWK, generateKeyPair, sign, type BoundKey } from '../../src/index.js';
import { call, jsonOf } from '../adapters/helpers/http-client.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { docsDirectory } from './guide-blocks.js';

const project = join(docsDirectory, 'examples', 'nestjs');
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'https://api.example.com';

let jwksServer: Server;
let app: ChildProcess;
let url: string;
let privateKey: BoundKey;
let stderr = '';

function token(claims: Record<string, unknown>): Promise<string> {
  return sign({ sub: 'user-1', ...claims }, privateKey, { alg: 'ES256', issuer: ISSUER, audience: AUDIENCE, expiresIn: '5m' });
}

/** Resolves with the URL the app prints once it listens. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the app did not start: ${output} ${stderr}`)), 30_000);
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve((match[1] as string).replace(/\/$/, ''));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited with ${String(code)}: ${stderr}`));
    });
  });
}

beforeAll(async () => {
  ensureBuilt();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { stdio: 'pipe', timeout: 120_000 });
  const pair = await generateKeyPair('ES256', { kid: 'k1' });
  privateKey = pair.privateKey;
  const jwks = createJWKSEndpoint({ jwks: { keys: [{ ...exportJWK(pair.publicKey), alg: 'ES256', use: 'sig' }] } });
  jwksServer = createServer((req, res) => jwks(req, res));
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  app = spawn(process.execPath, [join(project, 'dist', 'main.js')], {
    env: { ...process.env, PORT: '0', JWKS_URL: jwksUrl, ISSUER, AUDIENCE, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  url = await listening(app);
}, 180_000);

afterAll(async () => {
  if (app !== undefined && app.exitCode === null) {
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill();
    await exited;
  }
  jwksServer?.closeAllConnections();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

describe('the NestJS example (docs/examples/nestjs)', () => {
  it('listens on 127.0.0.1 and serves its public route without a token', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await call(`${url}/health`);
    expect(health.status).toBe(200);
    expect(jsonOf(health)).toEqual({ ok: true });
  });

  it('refuses a protected route without a token or with a bad one (RFC 6750), and serves it with one', async () => {
    const anonymous = await call(`${url}/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    const forged = await call(`${url}/me`, { headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(jsonOf(forged)).toEqual({ error: 'invalid_token', error_description: 'The access token is not valid' });
    const allowed = await call(`${url}/me`, { headers: { authorization: `Bearer ${await token({})}` } });
    expect(allowed.status).toBe(200);
    expect(jsonOf(allowed)).toEqual({ user: 'user-1' });
  });

  it('@Scopes: 403 insufficient_scope without the scope, 200 with it', async () => {
    const without = await call(`${url}/orders`, { headers: { authorization: `Bearer ${await token({ scope: 'profile' })}` } });
    expect(without.status).toBe(403);
    expect(without.headers.get('www-authenticate')).toContain('scope="orders:read"');
    const granted = await call(`${url}/orders`, { headers: { authorization: `Bearer ${await token({ scope: 'orders:read' })}` } });
    expect(granted.status).toBe(200);
    expect(jsonOf(granted)).toEqual({ user: 'user-1', orders: [] });
    // jwtkit's default log of refusals (no onAuthEvent is set); never a stack trace.
    expect(stderr).toContain('[jwtkit] request refused: 403 GET /orders (ERR_INSUFFICIENT_SCOPE)');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
