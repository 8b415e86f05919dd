// Shell blocks marked `<!-- run: shell -->` in the guides run as written (with `npx jwtkit` being
// the built CLI), in a temporary directory: every command must exit 0 without a word on stderr.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../package-quality/built-package.js';
import { docsDirectory, fencedBlocks, guideFiles } from './guide-blocks.js';

const run = promisify(execFile);
const CLI = join(root, 'dist', 'cli.js');

beforeAll(() => ensureBuilt(), 120_000);

const marked = guideFiles().flatMap((guide) => {
  const lines = readFileSync(guide, 'utf8').split('\n');
  return fencedBlocks(lines.join('\n'))
    .filter((block) => block.language === 'sh' && lines[block.line - 2] === '<!-- run: shell -->')
    .map((block) => ({ where: `${guide.slice(docsDirectory.length + 1)}:${block.line}`, script: block.content }));
});

describe('shell blocks of the guides', () => {
  it('there is at least one', () => {
    expect(marked.length).toBeGreaterThan(0);
  });

  for (const { where, script } of marked) {
    it(`${where} runs`, async () => {
      const directory = mkdtempSync(join(tmpdir(), 'jwtkit-shell-'));
      try {
        const body = script.replaceAll('npx jwtkit', `node ${JSON.stringify(CLI)}`);
        const result = await run('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', body], {
          cwd: directory,
          env: { PATH: process.env['PATH'] ?? '' },
        });
        expect(result.stderr).toBe(''); // every command exited 0 (bash -e) and complained about nothing
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    }, 60_000);
  }
});
