// C1–C3, what a newcomer hits first on the command line:
// - C1: a token pasted with its "Bearer " scheme is refused (exit 2, ERR_INVALID_OPTION) naming
//   the fix, by `decode` and `verify`, from the argument or standard input; never echoed;
// - C2: one encoding for secrets: `--secret-env` reads base64url by default, the form `jwtkit
//   secret` prints, so a secret it makes signs and verifies as is; `--secret-encoding utf8|hex`;
// - C3: `keygen --out dir/sub/name` creates the folders.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign, verify } from '../../src/index.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { runJwtkit, runJwtkitJson } from './run-jwtkit.js';

let dir: string;
const SECRET_BYTES = new Uint8Array(32).fill(7);
const SECRET_B64U = Buffer.from(SECRET_BYTES).toString('base64url');
let token: string;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli-near-'));
  token = await sign({ sub: 'user-1' }, SECRET_BYTES, { alg: 'HS256', expiresIn: '1h' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ErrorJson {
  code: string;
  message: string;
}
const errorOf = (json: Record<string, unknown>): ErrorJson => json['error'] as ErrorJson;

/** Nothing of the token (its signature, its payload) in what the CLI wrote. */
function expectNoToken(text: string): void {
  const [, payload, signature] = token.split('.') as [string, string, string];
  expect(text).not.toContain(payload);
  expect(text).not.toContain(signature);
}

describe('C1. a pasted "Bearer " prefix: exit 2 and a message naming the fix', () => {
  const VERIFY_FLAGS = ['--secret-env', 'S', '--alg', 'HS256'];
  const ENV = { env: { S: SECRET_B64U } };

  it('the token alone decodes and verifies (the cases below differ only by the prefix)', async () => {
    expect((await runJwtkit(['decode', token])).code).toBe(0);
    expect((await runJwtkit(['verify', token, ...VERIFY_FLAGS], ENV)).code).toBe(0);
  });

  for (const pasted of ['Bearer ', 'bearer  ', 'BEARER\t', 'Authorization: Bearer ']) {
    it(`${JSON.stringify(pasted)}: decode and verify, argument and standard input, text and --json`, async () => {
      for (const [args, options] of [
        [['decode', `${pasted}${token}`], {}],
        [['decode', '-'], { stdin: `${pasted}${token}\n` }],
        [['verify', `${pasted}${token}`, ...VERIFY_FLAGS], ENV],
        [['verify', '-', ...VERIFY_FLAGS], { ...ENV, stdin: `${pasted}${token}` }],
      ] as const) {
        const text = await runJwtkit(args, options);
        expect(text.code, args.join(' ')).toBe(2);
        expect(text.stderr).toContain('remove the "Bearer " prefix');
        expectNoToken(text.stdout + text.stderr);
        const json = await runJwtkitJson(args, options);
        expect(json.code).toBe(2);
        expect(errorOf(json.json).code).toBe('ERR_INVALID_OPTION');
        expect(errorOf(json.json).message).toContain('Bearer');
        expectNoToken(JSON.stringify(json.json) + json.stderr);
      }
    });
  }

  it('a trailing newline in the argument is refused by the library, which names it (exit 1, ERR_JWT_MALFORMED)', async () => {
    const run = await runJwtkitJson(['decode', `${token}\n`]);
    expect(run.code).toBe(1);
    expect(errorOf(run.json).code).toBe('ERR_JWT_MALFORMED');
    expect(errorOf(run.json).message).toContain('trailing newline');
  });

  it('both commands document it in --help', async () => {
    for (const command of ['decode', 'verify']) expect((await runJwtkit([command, '--help'])).stdout).toContain('"Bearer " prefix');
  });
});

describe('C2. secrets: base64url everywhere by default', () => {
  it('a secret printed by `jwtkit secret --base64url` signs and verifies as is, with no encoding flag', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const printed = await runJwtkit(['secret', '--alg', alg, '--base64url']);
      expect(printed.code).toBe(0);
      const env = { env: { JWT_SECRET: printed.stdout.trim() } }; // as `export JWT_SECRET=$(jwtkit secret ...)` stores it
      const signed = await runJwtkit(['sign', '--secret-env', 'JWT_SECRET', '--alg', alg, '--sub', 'u1', '--exp', '5m'], env);
      expect(signed.code, signed.stderr).toBe(0);
      const verified = await runJwtkitJson(['verify', signed.stdout.trim(), '--secret-env', 'JWT_SECRET', '--alg', alg], env);
      expect(verified.code).toBe(0);
      expect(verified.json).toMatchObject({ valid: true, payload: { sub: 'u1' } });
      // The library reads the same variable the way the guides show, and agrees.
      const bytes = Buffer.from(printed.stdout.trim(), 'base64url');
      await expect(verify(signed.stdout.trim(), bytes, { algorithms: [alg as 'HS256'] })).resolves.toBeDefined();
    }
  });

  it('the "base64url" of `jwtkit secret --json` works as is too', async () => {
    const { json } = await runJwtkitJson(['secret', '--alg', 'HS256']);
    const env = { env: { S: json['base64url'] as string } };
    const signed = await runJwtkit(['sign', '--secret-env', 'S', '--alg', 'HS256', '--exp', '5m'], env);
    expect(signed.code).toBe(0);
    expect((await runJwtkit(['verify', signed.stdout.trim(), '--secret-env', 'S', '--alg', 'HS256'], env)).code).toBe(0);
    // The key is the secret's bytes, not its text.
    const bytes = Buffer.from(json['base64url'] as string, 'base64url');
    await expect(verify(signed.stdout.trim(), bytes, { algorithms: ['HS256'] })).resolves.toBeDefined();
  });

  it('--secret-encoding utf8 reads the text as the secret, hex reads hex; anything else is exit 2', async () => {
    const text = 'correct horse battery staple, long enough for HS256';
    const utf8 = await runJwtkit(['sign', '--secret-env', 'S', '--secret-encoding', 'utf8', '--alg', 'HS256', '--exp', '5m'], {
      env: { S: text },
    });
    expect(utf8.code).toBe(0);
    await expect(verify(utf8.stdout.trim(), text, { algorithms: ['HS256'] })).resolves.toBeDefined();
    const hex = await runJwtkit(['verify', token, '--secret-env', 'S', '--secret-encoding', 'hex', '--alg', 'HS256'], {
      env: { S: Buffer.from(SECRET_BYTES).toString('hex').toUpperCase() },
    });
    expect(hex.code).toBe(0);
    const bad = await runJwtkitJson(['sign', '--secret-env', 'S', '--secret-encoding', 'base64', '--alg', 'HS256'], {
      env: { S: SECRET_B64U },
    });
    expect(bad.code).toBe(2);
    expect(errorOf(bad.json).code).toBe('ERR_INVALID_OPTION');
    expect(errorOf(bad.json).message).toContain('hex');
  });

  it('a value that is not base64url names the fix (--secret-encoding utf8, or the trailing newline), never the value', async () => {
    const text = 'my secret text, not base64url at all!';
    const asText = await runJwtkitJson(['sign', '--secret-env', 'S', '--alg', 'HS256'], { env: { S: text } });
    expect(asText.code).toBe(2);
    expect(errorOf(asText.json).code).toBe('ERR_KEY_INVALID');
    expect(errorOf(asText.json).message).toContain('--secret-encoding utf8');
    expect(JSON.stringify(asText.json)).not.toContain(text);
    const newline = await runJwtkitJson(['sign', '--secret-env', 'S', '--alg', 'HS256'], { env: { S: `${SECRET_B64U}\n` } });
    expect(newline.code).toBe(2);
    expect(errorOf(newline.json).code).toBe('ERR_KEY_INVALID');
    expect(errorOf(newline.json).message).toContain('trailing newline');
    expect(JSON.stringify(newline.json)).not.toContain(SECRET_B64U);
    const badHex = await runJwtkitJson(['sign', '--secret-env', 'S', '--secret-encoding', 'hex', '--alg', 'HS256'], { env: { S: 'abc' } });
    expect(errorOf(badHex.json).code).toBe('ERR_KEY_INVALID');
  });

  it('a signature that fails with a secret read as base64url by default suggests --secret-encoding utf8', async () => {
    // The variable is valid base64url, but the token was signed with its text (as 0.1 read it).
    const textSecret = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';
    const signedWithText = await sign({ sub: 'u1' }, textSecret, { alg: 'HS256', expiresIn: '5m' });
    const run = await runJwtkit(['verify', signedWithText, '--secret-env', 'S', '--alg', 'HS256'], { env: { S: textSecret } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_JWT_SIGNATURE_INVALID');
    expect(run.stderr).toContain('--secret-encoding utf8');
    expect(run.stderr).not.toContain(textSecret);
    const explicit = await runJwtkit(['verify', signedWithText, '--secret-env', 'S', '--secret-encoding', 'utf8', '--alg', 'HS256'], {
      env: { S: textSecret },
    });
    expect(explicit.code).toBe(0);
  });

  it('the help of sign, verify and secret states the one default', async () => {
    for (const command of ['sign', 'verify']) expect((await runJwtkit([command, '--help'])).stdout).toContain('base64url (default)');
    expect((await runJwtkit(['secret', '--help'])).stdout).toContain('--secret-env NAME');
  });
});

describe('C3. keygen --out creates the folder of its prefix', () => {
  it('writes keys/nested/auth.* into folders it creates', async () => {
    const prefix = join(dir, 'keys', 'nested', 'auth');
    const { code, json } = await runJwtkitJson(['keygen', '--alg', 'EdDSA', '--out', prefix]);
    expect(code).toBe(0);
    expect(json['files']).toMatchObject({ privateKey: `${prefix}.private.pem` });
    for (const suffix of ['.private.pem', '.public.pem', '.public.jwk.json']) expect(existsSync(`${prefix}${suffix}`)).toBe(true);
    expect(statSync(`${prefix}.private.pem`).mode & 0o777).toBe(0o600);
  });

  it('a relative prefix works from the working directory, and an existing folder is fine', async () => {
    expect((await runJwtkitJson(['keygen', '--alg', 'ES256', '--out', 'out/a'], { cwd: dir })).code).toBe(0);
    expect((await runJwtkitJson(['keygen', '--alg', 'ES256', '--out', 'out/b'], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(dir, 'out', 'b.public.jwk.json'))).toBe(true);
  });

  it('a prefix under a file is exit 2 (ERR_INVALID_OPTION), not a crash', async () => {
    const prefix = join(dir, 'out', 'a.public.pem', 'x'); // a.public.pem is a file
    const run = await runJwtkitJson(['keygen', '--alg', 'ES256', '--out', prefix], { cwd: dir });
    expect(run.code).toBe(2);
    expect(errorOf(run.json).code).toBe('ERR_INVALID_OPTION');
  });
});
