// Runs the built CLI (dist/cli.js) as a child process, the way `npx jwtkit` does.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../package-quality/built-package.js';

export const CLI = join(root, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the CLI's standard input, which is then closed. */
  stdin?: string;
  /** Extra environment variables (PATH is passed; nothing else from this process). */
  env?: Record<string, string>;
  /** Working directory. Default: the repository root. */
  cwd?: string;
}

export function runJwtkit(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env['PATH'] ?? '', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs with `--json` and parses standard output. */
export async function runJwtkitJson(
  args: readonly string[],
  options: RunOptions = {},
): Promise<{ code: number | null; json: Record<string, unknown>; stderr: string }> {
  const run = await runJwtkit([...args, '--json'], options);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, json, stderr: run.stderr };
}
