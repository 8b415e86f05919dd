import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, exportJWK, generateSecret, importKey, sign, thumbprint, verify } from '../../src/index.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { runJwtkit, runJwtkitJson } from './run-jwtkit.js';

let dir: string;
const file = (name: string): string => join(dir, name);
const HS_SECRET_TEXT = 'correct horse battery staple, long enough for HS256';

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli-sign-'));
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(file('ec.private.pem'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(file('ec.public.pem'), ec.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(
    file('ec.encrypted.pem'),
    ec.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' }),
  );
  writeFileSync(file('hs.jwk.json'), JSON.stringify(exportJWK(generateSecret('HS256', { kid: 'hs-1' }), { private: true })));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ErrorJson {
  code: string;
  claim?: string;
  reason?: string;
  expiredAt?: string;
}
const errorOf = (json: Record<string, unknown>): ErrorJson => json['error'] as ErrorJson;

describe('jwtkit sign', () => {
  it('signs with a PEM private key; the kid is the public key thumbprint; the library verifies it', async () => {
    const run = await runJwtkit([
      'sign',
      '--key',
      file('ec.private.pem'),
      '--alg',
      'ES256',
      '--claims',
      '{"scope":"read"}',
      '--exp',
      '15m',
      '--sub',
      'u1',
      '--iss',
      'https://issuer',
      '--aud',
      'api',
    ]);
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    const publicKey = importKey((await import('node:fs')).readFileSync(file('ec.public.pem'), 'utf8'), { alg: 'ES256' });
    const { payload, header } = await verify(token, publicKey, { algorithms: ['ES256'], issuer: 'https://issuer', audience: 'api' });
    expect(payload).toMatchObject({ scope: 'read', sub: 'u1', iss: 'https://issuer', aud: 'api' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(header.kid).toBe(thumbprint(exportJWK(publicKey)));
  });

  it('prints token, header and payload with --json, and honours --kid, --typ, --nbf, --jti, --no-iat and several --aud', async () => {
    const { code, json } = await runJwtkitJson([
      'sign',
      '--key',
      file('hs.jwk.json'),
      '--alg',
      'HS256',
      '--kid',
      'other',
      '--typ',
      'at+jwt',
      '--nbf',
      '1m',
      '--exp',
      '1h',
      '--jti',
      'id-1',
      '--no-iat',
      '--aud',
      'a',
      '--aud',
      'b',
    ]);
    expect(code).toBe(0);
    expect(json['header']).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: 'other' });
    const payload = json['payload'] as Record<string, unknown>;
    expect(payload['iat']).toBeUndefined();
    expect(payload['jti']).toBe('id-1');
    expect(payload['aud']).toEqual(['a', 'b']);
    expect((payload['exp'] as number) - (payload['nbf'] as number)).toBe(3600 - 60);
    expect(decode(json['token'] as string).payload).toEqual(payload);
  });

  it('reads the claims from standard input with --claims -', async () => {
    const run = await runJwtkit(['sign', '--key', file('hs.jwk.json'), '--alg', 'HS256', '--claims', '-', '--exp', '5m'], {
      stdin: '{"role":"admin"}',
    });
    expect(run.code).toBe(0);
    expect(decode(run.stdout.trim()).payload['role']).toBe('admin');
  });

  it('reads an encrypted PEM with --passphrase-env', async () => {
    const args = ['sign', '--key', file('ec.encrypted.pem'), '--alg', 'ES256', '--exp', '5m'];
    expect((await runJwtkit([...args, '--passphrase-env', 'KEY_PASS'], { env: { KEY_PASS: 'open sesame' } })).code).toBe(0);
    const missing = await runJwtkitJson(args);
    expect(missing.code).toBe(2);
    expect(errorOf(missing.json).code).toBe('ERR_KEY_INVALID');
  });

  it('signs with a secret from the environment (base64url by default, or utf8)', async () => {
    const utf8 = await runJwtkit(['sign', '--secret-env', 'JWT_SECRET', '--secret-encoding', 'utf8', '--alg', 'HS256', '--exp', '5m'], {
      env: { JWT_SECRET: HS_SECRET_TEXT },
    });
    expect(utf8.code).toBe(0);
    const fromText = await verify(utf8.stdout.trim(), HS_SECRET_TEXT, { algorithms: ['HS256'] });
    expect(fromText.header.alg).toBe('HS256');
    expect((fromText.payload.exp as number) - (fromText.payload.iat as number)).toBe(300);
    const bytes = new Uint8Array(48).fill(9);
    const b64 = await runJwtkit(['sign', '--secret-env', 'S', '--alg', 'HS384', '--exp', '5m'], {
      env: { S: Buffer.from(bytes).toString('base64url') },
    });
    expect(b64.code).toBe(0);
    const fromBytes = await verify(b64.stdout.trim(), bytes, { algorithms: ['HS384'] });
    expect(fromBytes.header.alg).toBe('HS384');
    expect((fromBytes.payload.exp as number) - (fromBytes.payload.iat as number)).toBe(300);
  });

  it.each([
    [['--alg', 'HS256', '--exp', '5m'], 'ERR_INVALID_OPTION'], // no key
    [['--key', 'KEY', '--secret-env', 'X', '--alg', 'HS256'], 'ERR_INVALID_OPTION'], // two keys
    [['--key', 'KEY'], 'ERR_INVALID_OPTION'], // no alg
    [['--key', 'KEY', '--alg', 'HS256', '--exp', '60'], 'ERR_INVALID_OPTION'], // a duration without unit
    [['--key', 'KEY', '--alg', 'HS256', '--claims', '[1]'], 'ERR_INVALID_OPTION'], // claims not an object
    [['--key', 'KEY', '--alg', 'HS256', '--claims', '{"exp":"soon"}'], 'ERR_INVALID_OPTION'], // a registered claim of the wrong type
    [['--key', 'KEY', '--alg', 'ES256'], 'ERR_KEY_INVALID'], // an HMAC key for ES256
    [['--key', 'missing.pem', '--alg', 'ES256'], 'ERR_INVALID_OPTION'], // no such file
    [['--secret-env', 'SHORT', '--alg', 'HS256'], 'ERR_KEY_INVALID'], // a secret shorter than the hash
  ])('refuses %j with exit 2 and %s', async (args, code) => {
    const resolved = args.map((arg) => (arg === 'KEY' ? file('hs.jwk.json') : arg));
    const run = await runJwtkitJson(['sign', ...resolved], { env: { SHORT: Buffer.from('too short').toString('base64url') } });
    expect(run.code).toBe(2);
    expect(errorOf(run.json).code).toBe(code);
  });

  it('refuses to sign with a public key', async () => {
    const run = await runJwtkitJson(['sign', '--key', file('ec.public.pem'), '--alg', 'ES256']);
    expect(run.code).toBe(2);
    expect(errorOf(run.json).code).toBe('ERR_KEY_INVALID');
  });
});

describe('jwtkit verify', () => {
  const secret = new Uint8Array(32).fill(1);
  let hsFile: string;
  beforeAll(() => {
    hsFile = file('verify-hs.jwk.json');
    writeFileSync(hsFile, JSON.stringify(exportJWK(importKey(secret, { alg: 'HS256' }), { private: true })));
  });
  const token = (claims: Record<string, unknown>, options: Partial<Parameters<typeof sign>[2]> = {}): Promise<string> =>
    sign(claims, secret, { alg: 'HS256', expiresIn: '1h', ...options });

  it('exits 0 and prints the verified payload', async () => {
    const good = await token({ sub: 'u1' }, { issuer: 'https://issuer', audience: 'api' });
    const { code, json } = await runJwtkitJson([
      'verify',
      good,
      '--key',
      hsFile,
      '--alg',
      'HS256',
      '--iss',
      'https://issuer',
      '--aud',
      'api',
    ]);
    expect(code).toBe(0);
    expect(json['valid']).toBe(true);
    expect(json['payload']).toMatchObject({ sub: 'u1', iss: 'https://issuer', aud: 'api' });
    const text = await runJwtkit(['verify', '-', '--key', hsFile, '--alg', 'HS256'], { stdin: good });
    expect(text.code).toBe(0);
    expect(text.stdout.startsWith('VALID')).toBe(true);
  });

  it('exits 1 with ERR_JWT_EXPIRED and expiredAt for an expired token', async () => {
    const expired = await token({}, { clock: () => new Date('2020-01-01T00:00:00Z'), expiresIn: '1h' });
    const { code, json } = await runJwtkitJson(['verify', expired, '--key', hsFile, '--alg', 'HS256']);
    expect(code).toBe(1);
    expect(json['valid']).toBe(false);
    expect(errorOf(json)).toMatchObject({ code: 'ERR_JWT_EXPIRED', expiredAt: '2020-01-01T01:00:00.000Z' });
    const text = await runJwtkit(['verify', expired, '--key', hsFile, '--alg', 'HS256']);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('ERR_JWT_EXPIRED');
    expect(text.stderr).not.toContain(expired);
  });

  it.each([
    ['a wrong audience', { audience: 'other' }, ['--aud', 'api'], { code: 'ERR_JWT_CLAIM_INVALID', claim: 'aud', reason: 'mismatch' }],
    ['a missing issuer', {}, ['--iss', 'https://issuer'], { code: 'ERR_JWT_CLAIM_INVALID', claim: 'iss', reason: 'missing' }],
    ['a wrong subject', { subject: 'u2' }, ['--sub', 'u1'], { code: 'ERR_JWT_CLAIM_INVALID', claim: 'sub' }],
    ['a wrong typ', {}, ['--typ', 'at+jwt'], { code: 'ERR_JWT_TYPE_MISMATCH' }],
    ['a missing required claim', {}, ['--require', 'scope'], { code: 'ERR_JWT_CLAIM_INVALID', claim: 'scope', reason: 'missing' }],
  ])('exits 1 for %s', async (_name, signOptions, flags, error) => {
    const bad = await token({}, signOptions);
    const alg = flags.includes('--alg') ? [] : ['--alg', 'HS256'];
    const { code, json } = await runJwtkitJson(['verify', bad, '--key', hsFile, ...alg, ...flags]);
    expect(code).toBe(1);
    expect(errorOf(json)).toMatchObject(error);
  });

  it('exits 1 with ERR_JWT_ALG_NOT_ALLOWED for an algorithm not in --alg', async () => {
    const hs512 = await sign({}, new Uint8Array(64).fill(1), { alg: 'HS512', expiresIn: '1h' });
    const { code, json } = await runJwtkitJson(['verify', hs512, '--key', hsFile, '--alg', 'HS256']);
    expect(code).toBe(1);
    expect(errorOf(json).code).toBe('ERR_JWT_ALG_NOT_ALLOWED');
  });

  it('exits 1 with ERR_JWT_SIGNATURE_INVALID for a tampered token', async () => {
    const good = await token({ role: 'user' });
    const [header, , signature] = good.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ role: 'admin', exp: 4102444800 })).toString('base64url')}.${signature}`;
    const { code, json } = await runJwtkitJson(['verify', forged, '--key', hsFile, '--alg', 'HS256']);
    expect(code).toBe(1);
    expect(errorOf(json).code).toBe('ERR_JWT_SIGNATURE_INVALID');
  });

  it('applies --max-age, --clock-tolerance and --exp-optional', async () => {
    const old = await token({}, { clock: () => new Date(Date.now() - 7_200_000), expiresIn: '1d' });
    expect(errorOf((await runJwtkitJson(['verify', old, '--key', hsFile, '--alg', 'HS256', '--max-age', '1h'])).json)).toMatchObject({
      code: 'ERR_JWT_EXPIRED',
      claim: 'iat',
    });
    const justExpired = await token({}, { clock: () => new Date(Date.now() - 3_620_000), expiresIn: '1h' });
    expect((await runJwtkitJson(['verify', justExpired, '--key', hsFile, '--alg', 'HS256', '--clock-tolerance', '60'])).code).toBe(0);
    const noExp = await sign({}, secret, { alg: 'HS256' });
    expect(errorOf((await runJwtkitJson(['verify', noExp, '--key', hsFile, '--alg', 'HS256'])).json)).toMatchObject({
      code: 'ERR_JWT_CLAIM_INVALID',
      claim: 'exp',
    });
    expect((await runJwtkitJson(['verify', noExp, '--key', hsFile, '--alg', 'HS256', '--exp-optional'])).code).toBe(0);
  });

  it('verifies with a public PEM, and binds a key to each --alg it fits', async () => {
    const signed = await runJwtkit(['sign', '--key', file('ec.private.pem'), '--alg', 'ES256', '--exp', '5m']);
    const good = signed.stdout.trim();
    expect((await runJwtkit(['verify', good, '--key', file('ec.public.pem'), '--alg', 'ES256'])).code).toBe(0);
    expect((await runJwtkit(['verify', good, '--key', file('ec.public.pem'), '--alg', 'RS256,ES256'])).code).toBe(0);
    const wrongKey = await runJwtkitJson(['verify', good, '--key', file('ec.public.pem'), '--alg', 'RS256']);
    expect(wrongKey.code).toBe(2);
    expect(errorOf(wrongKey.json).code).toBe('ERR_KEY_INVALID');
  });

  it('verifies with a secret from the environment', async () => {
    const good = await sign({}, HS_SECRET_TEXT, { alg: 'HS256', expiresIn: '5m' });
    const run = await runJwtkit(['verify', good, '--secret-env', 'S', '--secret-encoding', 'utf8', '--alg', 'HS256'], {
      env: { S: HS_SECRET_TEXT },
    });
    expect(run.code).toBe(0);
  });

  it('exits 2 for bad arguments', async () => {
    const good = await token({});
    for (const args of [
      ['verify', good, '--key', hsFile], // no --alg
      ['verify', good, '--alg', 'HS256'], // no key
      ['verify', good, '--key', hsFile, '--alg', 'HS256', '--max-age', '3600'], // no unit
      ['verify', good, '--key', hsFile, '--alg', 'HS256', '--clock-tolerance', 'lots'],
      ['verify', good, '--key', hsFile, '--alg', 'HS256', '--clock-tolerance', '1000'], // above the library's cap
      ['verify', '--key', hsFile, '--alg', 'HS256'], // no token
    ]) {
      const { code, json } = await runJwtkitJson(args);
      expect(code, args.join(' ')).toBe(2);
      expect(errorOf(json).code).toBe('ERR_INVALID_OPTION');
    }
  });
});
