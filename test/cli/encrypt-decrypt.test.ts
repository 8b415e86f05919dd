import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decrypt, encrypt, exportJWK, generateKeyPair, generateSecret, type GeneratedJweKeyPair } from '../../src/index.js';
import { aesUnwrap } from '../../src/jwe/aes-kw.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { runJwtkit, runJwtkitJson } from './run-jwtkit.js';

const directory = mkdtempSync(join(tmpdir(), 'jwtkit-jwe-cli-'));
let pair: GeneratedJweKeyPair;
let privateFile: string;
let publicFile: string;
const kw = generateSecret('A256KW');
const KW_ENV = { SEAL: exportJWK(kw, { private: true }).k as string };

beforeAll(async () => {
  ensureBuilt();
  pair = await generateKeyPair('ECDH-ES+A256KW');
  privateFile = join(directory, 'private.jwk.json');
  publicFile = join(directory, 'public.jwk.json');
  writeFileSync(privateFile, JSON.stringify(exportJWK(pair.privateKey, { private: true })));
  writeFileSync(publicFile, JSON.stringify(exportJWK(pair.publicKey)));
});

describe('jwtkit encrypt / decrypt', () => {
  it('encrypts to a public JWK; the library and `jwtkit decrypt` open it', async () => {
    const run = await runJwtkit([
      'encrypt',
      'hello “world”',
      '--alg',
      'ECDH-ES+A256KW',
      '--enc',
      'A256GCM',
      '--key',
      publicFile,
      '--kid',
      'k1',
    ]);
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    const { plaintext, header } = await decrypt(token, pair.privateKey, {
      keyManagementAlgorithms: ['ECDH-ES+A256KW'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    expect(Buffer.from(plaintext).toString()).toBe('hello “world”');
    expect(header.kid).toBe('k1');
    const opened = await runJwtkitJson(['decrypt', token, '--alg', 'ECDH-ES+A256KW', '--enc', 'A256GCM', '--key', privateFile]);
    expect(opened.code).toBe(0);
    expect(opened.json).toMatchObject({ decrypted: true, plaintext: 'hello “world”', header: { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' } });
  });

  it('decrypts with a secret from the environment and never prints the content key', async () => {
    const token = await encrypt('the secret text', kw, { enc: 'A128CBC-HS256' });
    const cek = aesUnwrap(kw.keyObject, Buffer.from(token.split('.')[1] as string, 'base64url')) as Buffer;
    expect(cek).toHaveLength(32);
    for (const json of [false, true]) {
      const run = await runJwtkit(
        ['decrypt', '-', '--alg', 'A256KW', '--enc', 'A128CBC-HS256', '--secret-env', 'SEAL', ...(json ? ['--json'] : [])],
        { stdin: token, env: KW_ENV },
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('the secret text');
      for (const encoding of ['base64url', 'base64', 'hex'] as const) {
        expect(run.stdout + run.stderr).not.toContain(cek.toString(encoding));
        expect(run.stdout + run.stderr).not.toContain(kw.keyObject.export().toString(encoding));
      }
    }
  });

  it('a tampered token is rejected with exit 1 and the decryption-failure code; RSA1_5 and bad arguments exit 2', async () => {
    const parts = (await encrypt('x', kw, { enc: 'A256GCM' })).split('.');
    parts[4] = Buffer.alloc(16).toString('base64url');
    const rejected = await runJwtkitJson(['decrypt', parts.join('.'), '--alg', 'A256KW', '--enc', 'A256GCM', '--secret-env', 'SEAL'], {
      env: KW_ENV,
    });
    expect(rejected.code).toBe(1);
    expect(rejected.json).toMatchObject({ decrypted: false, error: { code: 'ERR_JWE_DECRYPTION_FAILED' } });
    expect((await runJwtkit(['decrypt', parts.join('.'), '--alg', 'RSA1_5', '--enc', 'A256GCM', '--key', privateFile])).code).toBe(2);
    expect((await runJwtkit(['decrypt', parts.join('.'), '--alg', 'A256KW', '--secret-env', 'SEAL'], { env: KW_ENV })).code).toBe(2);
    expect((await runJwtkit(['encrypt', 'x', '--alg', 'A256KW', '--secret-env', 'SEAL'], { env: KW_ENV })).code).toBe(2);
  });

  it('`jwtkit decode` says a JWE cannot be decoded without its key', async () => {
    const token = await encrypt('x', kw, { enc: 'A256GCM' });
    const run = await runJwtkit(['decode', token]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('jwtkit decrypt');
    const json = await runJwtkitJson(['decode', token]);
    expect(json.json).toMatchObject({ verified: false, error: { code: 'ERR_JWT_MALFORMED' } });
  });
});
