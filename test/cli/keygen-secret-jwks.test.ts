import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalJWKS,
  exportJWK,
  generateSecret,
  importKey,
  sign,
  thumbprint,
  verify,
  type Jwk,
  type JwsAlgorithm,
} from '../../src/index.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { runJwtkit, runJwtkitJson } from './run-jwtkit.js';

let dir: string;
const file = (name: string): string => join(dir, name);

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

describe('jwtkit keygen', () => {
  it.each<[JwsAlgorithm, Partial<Jwk>]>([
    ['ES256', { kty: 'EC', crv: 'P-256' }],
    ['ES384', { kty: 'EC', crv: 'P-384' }],
    ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }],
    ['PS256', { kty: 'RSA' }],
  ])('makes a working %s key pair whose JWK kid is its thumbprint', async (alg, members) => {
    const { code, json } = await runJwtkitJson(['keygen', '--alg', alg]);
    expect(code).toBe(0);
    const jwk = json['publicJwk'] as Jwk;
    expect(jwk).toMatchObject({ ...members, alg, use: 'sig', kid: json['kid'] });
    expect(jwk.kid).toBe(thumbprint(jwk));
    for (const member of PRIVATE_MEMBERS) expect(jwk[member]).toBeUndefined();
    const privateKey = importKey(json['privateKeyPem'] as string, { alg });
    const token = await sign({ sub: 'u1' }, privateKey, { alg, expiresIn: '1m', kid: jwk.kid as string });
    const expected = { header: { alg, kid: jwk.kid }, payload: { sub: 'u1' } };
    await expect(verify(token, importKey(json['publicKeyPem'] as string, { alg }), { algorithms: [alg] })).resolves.toMatchObject(expected);
    await expect(verify(token, createLocalJWKS({ keys: [jwk] }), { algorithms: [alg] })).resolves.toMatchObject(expected);
  });

  it('prints PEM blocks and the JWK as text', async () => {
    const run = await runJwtkit(['keygen', '--alg', 'EdDSA', '--kid', 'mine']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('-----BEGIN PRIVATE KEY-----');
    expect(run.stdout).toContain('-----BEGIN PUBLIC KEY-----');
    expect(run.stdout).toContain('"kid": "mine"');
  });

  it('honours --bits for RSA', async () => {
    const { json } = await runJwtkitJson(['keygen', '--alg', 'RS256', '--bits', '3072']);
    const key = importKey(json['publicKeyPem'] as string, { alg: 'RS256' });
    expect(key.keyObject.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect((await runJwtkitJson(['keygen', '--alg', 'RS256', '--bits', '1024'])).code).toBe(2);
  });

  it('writes files with --out (the private key with mode 600) and never overwrites them', async () => {
    const prefix = file('auth');
    const { code, json } = await runJwtkitJson(['keygen', '--alg', 'ES256', '--out', prefix]);
    expect(code).toBe(0);
    expect(json['files']).toEqual({
      privateKey: `${prefix}.private.pem`,
      publicKey: `${prefix}.public.pem`,
      publicJwk: `${prefix}.public.jwk.json`,
    });
    expect(statSync(`${prefix}.private.pem`).mode & 0o777).toBe(0o600);
    const jwk = JSON.parse(readFileSync(`${prefix}.public.jwk.json`, 'utf8')) as Jwk;
    expect(jwk.kid).toBe(json['kid']);
    const before = readFileSync(`${prefix}.private.pem`, 'utf8');
    const again = await runJwtkitJson(['keygen', '--alg', 'ES256', '--out', prefix]);
    expect(again.code).toBe(2);
    expect((again.json['error'] as { code: string }).code).toBe('ERR_INVALID_OPTION');
    expect(readFileSync(`${prefix}.private.pem`, 'utf8')).toBe(before);
  });

  it('sends HMAC algorithms to `jwtkit secret`', async () => {
    const { code, json } = await runJwtkitJson(['keygen', '--alg', 'HS256']);
    expect(code).toBe(2);
    expect((json['error'] as { code: string }).code).toBe('ERR_INVALID_OPTION');
  });
});

describe('jwtkit secret', () => {
  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const)('makes a random %s secret of %i bytes', async (alg, bytes) => {
    const { code, json } = await runJwtkitJson(['secret', '--alg', alg]);
    expect(code).toBe(0);
    expect(json['bytes']).toBe(bytes);
    expect(Buffer.from(json['base64url'] as string, 'base64url')).toHaveLength(bytes);
    expect(json['jwk']).toEqual({ kty: 'oct', k: json['base64url'], alg });
    const other = await runJwtkitJson(['secret', '--alg', alg]);
    expect(other.json['base64url']).not.toBe(json['base64url']);
  });

  it('prints an oct JWK by default (a --key file) and only base64url with --base64url', async () => {
    const run = await runJwtkit(['secret', '--alg', 'HS256', '--kid', 's1']);
    const jwk = JSON.parse(run.stdout) as Jwk;
    expect(jwk).toMatchObject({ kty: 'oct', alg: 'HS256', kid: 's1' });
    writeFileSync(file('secret.jwk.json'), run.stdout);
    const signed = await runJwtkit(['sign', '--key', file('secret.jwk.json'), '--alg', 'HS256', '--exp', '1m']);
    expect((await runJwtkit(['verify', signed.stdout.trim(), '--key', file('secret.jwk.json'), '--alg', 'HS256'])).code).toBe(0);
    const line = await runJwtkit(['secret', '--alg', 'HS256', '--base64url']);
    expect(line.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
  });

  it('refuses a non-HMAC algorithm', async () => {
    expect((await runJwtkit(['secret', '--alg', 'ES256'])).code).toBe(2);
    expect((await runJwtkit(['secret'])).code).toBe(2);
  });
});

describe('jwtkit jwks', () => {
  let ecPublic: string;
  let ecPrivate: string;
  let rsaPublic: string;
  beforeAll(() => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    ecPublic = file('ec.pub.pem');
    ecPrivate = file('ec.key.pem');
    rsaPublic = file('rsa.pub.pem');
    writeFileSync(ecPublic, ec.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(ecPrivate, ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(rsaPublic, rsa.publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('builds a key set with alg from the curve, --alg for RSA, thumbprint kids and use "sig"', async () => {
    const run = await runJwtkit(['jwks', ecPublic, rsaPublic, '--alg', 'PS256']);
    expect(run.code).toBe(0);
    const { keys } = JSON.parse(run.stdout) as { keys: Jwk[] };
    expect(keys.map((key) => [key.kty, key.alg, key.use])).toEqual([
      ['EC', 'ES384', 'sig'],
      ['RSA', 'PS256', 'sig'],
    ]);
    for (const key of keys) expect(key.kid).toBe(thumbprint(key));
    const resolve = createLocalJWKS({ keys });
    for (const key of keys) {
      expect(resolve({ alg: key.alg as JwsAlgorithm, kid: key.kid as string }, '')).toMatchObject({
        alg: key.alg,
        kid: key.kid,
        type: 'public',
      });
    }
  });

  it('publishes only the public half of a private key, and keeps a JWK file its own kid', async () => {
    const jwkFile = file('named.jwk.json');
    writeFileSync(jwkFile, JSON.stringify({ ...exportJWK(importKey(readFileSync(ecPublic, 'utf8'), { alg: 'ES384' })), kid: 'named' }));
    const { keys } = JSON.parse((await runJwtkit(['jwks', ecPrivate, jwkFile])).stdout) as { keys: Jwk[] };
    expect(keys).toHaveLength(2);
    for (const member of PRIVATE_MEMBERS) expect(keys[0]?.[member]).toBeUndefined();
    expect(keys[1]?.kid).toBe('named');
  });

  it.each([
    ['an RSA key without --alg', (): string[] => [rsaPublic], 'ERR_INVALID_OPTION'],
    ['the same key twice', (): string[] => [ecPublic, ecPrivate], 'ERR_JWKS_INVALID'],
    ['no files', (): string[] => [], 'ERR_INVALID_OPTION'],
    ['a missing file', (): string[] => [file('nope.pem')], 'ERR_INVALID_OPTION'],
    [
      'an HMAC secret',
      (): string[] => {
        writeFileSync(file('oct.json'), JSON.stringify(exportJWK(generateSecret('HS256'), { private: true })));
        return [file('oct.json')];
      },
      'ERR_KEY_INVALID',
    ],
    [
      'a file that is not a key',
      (): string[] => {
        writeFileSync(file('notes.txt'), 'hello');
        return [file('notes.txt')];
      },
      'ERR_KEY_INVALID',
    ],
  ])('refuses %s with exit 2', async (_name, files, code) => {
    const run = await runJwtkitJson(['jwks', ...files()]);
    expect(run.code).toBe(2);
    expect((run.json['error'] as { code: string }).code).toBe(code);
  });
});
