// Builds the package once (npx tsup) when dist/ is missing a file that package.json points at, or
// is older than a source file. A lock directory keeps parallel test files from building at once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const LOCK = join(root, 'node_modules', '.cache', 'jwtkit-build.lock');
const STALE_LOCK_MS = 180_000;

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(stringsIn);
}

/** Every file of dist/ that package.json names (exports, main, module, types, bin). */
export function publishedFiles(): string[] {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const named = stringsIn([manifest['exports'], manifest['main'], manifest['module'], manifest['types'], manifest['bin']]);
  return [...new Set(named.filter((path) => path.startsWith('./dist/')).map((path) => join(root, path)))];
}

function isFresh(): boolean {
  const sources = newestSource(join(root, 'src'));
  return publishedFiles().every((file) => existsSync(file) && statSync(file).mtimeMs >= sources);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(action: () => void): void {
  mkdirSync(dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      sleep(200);
    }
  }
  try {
    action();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Makes sure dist/ is built from the current sources. */
export function ensureBuilt(): void {
  if (isFresh()) return;
  withLock(() => {
    if (!isFresh()) execFileSync('npx', ['tsup'], { cwd: root, stdio: 'pipe' });
  });
}
