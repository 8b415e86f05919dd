// The committed API reference (docs/api) must be what typedoc generates from the current TSDoc:
// regenerate it into a temporary directory (warnings are errors: an undocumented export fails)
// and compare file by file. Fix a failure with `npm run docs`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../package-quality/built-package.js';

const run = promisify(execFile);
const committed = join(root, 'docs', 'api');
const fresh = mkdtempSync(join(tmpdir(), 'jwtkit-api-'));

afterAll(() => rmSync(fresh, { recursive: true, force: true }));

function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

describe('API reference (typedoc)', () => {
  it('generates without a warning and matches the committed docs/api', async () => {
    const result = await run('npx', ['typedoc', '--out', fresh], { cwd: root, maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { stdout: string; stderr: string; code: number }) => error,
    );
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/\[(warning|error)\]/);
    const generated = filesUnder(fresh);
    expect(generated.length).toBeGreaterThan(10);
    expect(filesUnder(committed), 'docs/api is stale: run `npm run docs`').toEqual(generated);
    for (const file of generated) {
      expect(readFileSync(join(committed, file), 'utf8'), `docs/api/${file} is stale: run \`npm run docs\``).toBe(
        readFileSync(join(fresh, file), 'utf8'),
      );
    }
  }, 180_000);
});
