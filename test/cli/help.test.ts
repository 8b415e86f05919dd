import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../package-quality/built-package.js';
import { runJwtkit, runJwtkitJson } from './run-jwtkit.js';

const COMMANDS = ['decode', 'verify', 'sign', 'keygen', 'secret', 'jwks', 'encrypt', 'decrypt'];

beforeAll(() => ensureBuilt());

describe('jwtkit help and usage errors', () => {
  it('lists the commands and exits 2 when run without one', async () => {
    const run = await runJwtkit([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    for (const command of COMMANDS) expect(run.stderr).toContain(`  ${command} `);
  });

  it('prints the overview on --help and help, exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const run = await runJwtkit(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: jwtkit <command>');
    }
  });

  for (const command of COMMANDS) {
    it(`${command} --help prints its usage, exit 0`, async () => {
      const run = await runJwtkit([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: jwtkit ${command}`);
      expect(run.stdout).toContain('Exit codes:');
      expect((await runJwtkit(['help', command])).stdout).toBe(run.stdout);
    });
  }

  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const run = await runJwtkit(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('refuses an unknown command, exit 2, and never echoes a pasted token', async () => {
    const typo = await runJwtkit(['decod']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown command "decod"');
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl';
    const pasted = await runJwtkit([token]);
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).not.toContain('eyJ');
  });

  it('reports an unknown option as ERR_INVALID_OPTION, exit 2, as JSON with --json', async () => {
    const text = await runJwtkit(['secret', '--alg', 'HS256', '--bogus']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('ERR_INVALID_OPTION');
    const json = await runJwtkitJson(['secret', '--alg', 'HS256', '--bogus']);
    expect(json.code).toBe(2);
    expect((json.json['error'] as { code: string }).code).toBe('ERR_INVALID_OPTION');
  });

  it('refuses an unknown algorithm', async () => {
    const { code, json } = await runJwtkitJson(['keygen', '--alg', 'none']);
    expect(code).toBe(2);
    expect((json['error'] as { code: string }).code).toBe('ERR_INVALID_OPTION');
  });
});
