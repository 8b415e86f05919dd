import { beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/index.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { runJwtkit, runJwtkitJson } from './run-jwtkit.js';

const SECRET = new Uint8Array(32).fill(7);
const ISSUED = new Date('2030-01-02T03:04:05Z');
let token: string;

beforeAll(async () => {
  ensureBuilt();
  token = await sign({ sub: 'user-1', scope: 'read' }, SECRET, { alg: 'HS256', clock: () => ISSUED, expiresIn: '15m', kid: 'k1' });
});

describe('jwtkit decode', () => {
  it('prints header and payload, marked UNVERIFIED, with ISO dates', async () => {
    const run = await runJwtkit(['decode', token]);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('UNVERIFIED')).toBe(true);
    expect(run.stdout).toContain('"kid": "k1"');
    expect(run.stdout).toContain('"sub": "user-1"');
    expect(run.stdout).toContain('iat       2030-01-02T03:04:05.000Z');
    expect(run.stdout).toContain('exp       2030-01-02T03:19:05.000Z');
  });

  it('reads the token from standard input with -', async () => {
    const run = await runJwtkit(['decode', '-'], { stdin: `${token}\n` });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"scope": "read"');
  });

  it('prints one JSON document with --json, verified: false', async () => {
    const { code, json } = await runJwtkitJson(['decode', token]);
    expect(code).toBe(0);
    expect(json).toEqual({
      verified: false,
      header: { alg: 'HS256', typ: 'JWT', kid: 'k1' },
      payload: { sub: 'user-1', scope: 'read', iat: 1893553445, exp: 1893554345 },
      times: { iat: '2030-01-02T03:04:05.000Z', exp: '2030-01-02T03:19:05.000Z' },
    });
  });

  it('decodes an expired token too, and says it is expired', async () => {
    const old = await sign({ sub: 'u' }, SECRET, { alg: 'HS256', clock: () => new Date('2001-01-01T00:00:00Z'), expiresIn: '1h' });
    const run = await runJwtkit(['decode', old]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('2001-01-01T01:00:00.000Z  (expired)');
  });

  it('exits 1 with ERR_JWT_MALFORMED for a malformed token', async () => {
    const text = await runJwtkit(['decode', 'not.a-token']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('ERR_JWT_MALFORMED');
    const { code, json } = await runJwtkitJson(['decode', 'a.b.c']);
    expect(code).toBe(1);
    expect((json['error'] as { code: string }).code).toBe('ERR_JWT_MALFORMED');
  });

  it('exits 2 without a token or with an empty standard input', async () => {
    expect((await runJwtkit(['decode'])).code).toBe(2);
    expect((await runJwtkit(['decode', '-'], { stdin: '' })).code).toBe(2);
    expect((await runJwtkit(['decode', token, token])).code).toBe(2);
  });
});
