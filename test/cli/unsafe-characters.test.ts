// A token (or a key set) can carry terminal controls and bidirectional overrides in its claim
// names and values: every output mode prints them as JSON escapes (src/cli/safe-text.ts), and
// the JSON still parses back to the same strings.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, sign } from '../../src/index.js';
import { ensureBuilt } from '../package-quality/built-package.js';
import { runJwtkit, type CliRun } from './run-jwtkit.js';

/** CSI, RIGHT-TO-LEFT OVERRIDE, LEFT-TO-RIGHT ISOLATE, LINE SEPARATOR, then the other code points the CLI escapes. */
const TRICKY = '\u009b\u202e\u2066\u2028\u2029\u200e\u200f\u061c\ufeff\u0085\u007f\u001b\u200b\u00ad\u2060\ufffa\u{e0041}';
const REQUIRED_ESCAPES = ['\\u009b', '\\u202e', '\\u2066', '\\u2028', '\\u200b', '\\udb40\\udc41'];
/** Any of those code points, raw. */
const RAW =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/u;

const SECRET = 'a shared secret for the unsafe-character tests, 32+ bytes';
const ENV = { JWTKIT_TEST_SECRET: SECRET };
const KEY_FLAGS = ['--secret-env', 'JWTKIT_TEST_SECRET', '--secret-encoding', 'utf8', '--alg', 'HS256'];

const claimName = `role${TRICKY}`;
const PAYLOAD = {
  sub: `admin${TRICKY}user`,
  [claimName]: `x${TRICKY}y`,
  nested: { [`k${TRICKY}`]: [`v${TRICKY}`, 1] },
};
const HEADER_EXTRA = { [`x-${TRICKY}`]: `h${TRICKY}` };
const KID = `kid${TRICKY}`;

let token: string;
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli-unsafe-'));
  token = await sign(PAYLOAD, SECRET, { alg: 'HS256', expiresIn: '1h', kid: KID, header: HEADER_EXTRA });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Nothing raw on either stream, and the escapes present in `text`. */
function expectEscaped(run: CliRun, text: string): void {
  expect(run.stdout).not.toMatch(RAW);
  expect(run.stderr).not.toMatch(RAW);
  for (const escape of REQUIRED_ESCAPES) expect(text).toContain(escape);
}

/** The pretty JSON block after `Header:` or `Payload:` in the text output. */
function block(stdout: string, title: 'Header' | 'Payload'): unknown {
  const match = new RegExp(`^${title}:\\n(\\{\\n[\\s\\S]*?\\n\\})\\n`, 'm').exec(stdout);
  expect(match).not.toBeNull();
  return JSON.parse((match as RegExpExecArray)[1] as string);
}

function expectOriginal(header: unknown, payload: unknown): void {
  expect(header).toMatchObject({ alg: 'HS256', kid: KID, ...HEADER_EXTRA });
  expect(payload).toMatchObject(PAYLOAD);
}

describe('jwtkit decode with control and bidirectional characters in the token', () => {
  it('text output: escaped, and the header and payload blocks parse back to the original strings', async () => {
    const run = await runJwtkit(['decode', token]);
    expect(run.code).toBe(0);
    expectEscaped(run, run.stdout);
    expectOriginal(block(run.stdout, 'Header'), block(run.stdout, 'Payload'));
  });

  it('--json output: escaped, and it parses back to the original strings', async () => {
    const run = await runJwtkit(['decode', '-', '--json'], { stdin: token });
    expect(run.code).toBe(0);
    expectEscaped(run, run.stdout);
    const json = JSON.parse(run.stdout) as { header: unknown; payload: unknown };
    expectOriginal(json.header, json.payload);
  });
});

describe('jwtkit verify with control and bidirectional characters in the token', () => {
  it('valid, text output: escaped, and the header and payload blocks parse back to the original strings', async () => {
    const run = await runJwtkit(['verify', token, ...KEY_FLAGS], { env: ENV });
    expect(run.code).toBe(0);
    expectEscaped(run, run.stdout);
    expectOriginal(block(run.stdout, 'Header'), block(run.stdout, 'Payload'));
  });

  it('valid, --json output: escaped, and it parses back to the original strings', async () => {
    const run = await runJwtkit(['verify', '-', ...KEY_FLAGS, '--json'], { stdin: token, env: ENV });
    expect(run.code).toBe(0);
    expectEscaped(run, run.stdout);
    const json = JSON.parse(run.stdout) as { valid: boolean; header: unknown; payload: unknown };
    expect(json.valid).toBe(true);
    expectOriginal(json.header, json.payload);
  });

  it('rejected, text and --json output: a claim name quoted in the error is escaped too', async () => {
    const text = await runJwtkit(['verify', token, ...KEY_FLAGS, '--require', `missing${TRICKY}`], { env: ENV });
    expect(text.code).toBe(1);
    expectEscaped(text, text.stderr);
    expect(text.stderr).toContain('ERR_JWT_CLAIM_INVALID');
    const run = await runJwtkit(['verify', token, ...KEY_FLAGS, '--require', `missing${TRICKY}`, '--json'], { env: ENV });
    expect(run.code).toBe(1);
    expectEscaped(run, run.stdout);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: false, error: { code: 'ERR_JWT_CLAIM_INVALID', claim: `missing${TRICKY}` } });
  });
});

describe('jwtkit usage errors quoting a key set', () => {
  it('text and --json output: a kid in the message is escaped', async () => {
    const jwks = { keys: [exportJWK((await generateKeyPair('ES256')).publicKey), exportJWK((await generateKeyPair('ES256')).publicKey)] };
    const path = join(dir, 'duplicate-kid.jwks.json');
    writeFileSync(path, JSON.stringify({ keys: jwks.keys.map((jwk) => ({ ...jwk, kid: KID })) }));
    const text = await runJwtkit(['jwks', path]);
    expect(text.code).toBe(2);
    expectEscaped(text, text.stderr);
    const run = await runJwtkit(['jwks', path, '--json']);
    expect(run.code).toBe(2);
    expectEscaped(run, run.stdout);
    const json = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('ERR_JWKS_INVALID');
    expect(json.error.message).toContain(KID);
  });
});
