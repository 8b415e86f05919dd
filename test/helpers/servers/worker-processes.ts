/**
 * Runs TypeScript worker scripts in real child processes: the script is bundled once with esbuild
 * (its npm imports stay external and load from node_modules), then forked with an IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Bundles `entry` (relative to the repository root) into node_modules/.cache; returns the file and a cleanup. */
export async function bundleWorker(entry: string): Promise<{ file: string; remove: () => void }> {
  const dir = join(root, 'node_modules', '.cache', 'jwtkit-workers', randomBytes(6).toString('hex'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'worker.mjs');
  await build({
    entryPoints: [join(root, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A forked worker answering `{ id, ... }` requests with `{ id, ... }` replies. */
export class WorkerProcess {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (reply: Record<string, unknown>) => void>();
  readonly #ready: Promise<void>;
  #nextId = 1;
  #stderr = '';

  constructor(file: string, env: Record<string, string>) {
    this.#child = fork(file, [], {
      env: { ...process.env, ...env },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    this.#ready = new Promise((resolveReady, reject) => {
      this.#child.once('exit', (code) => reject(new Error(`worker exited with ${String(code)}: ${this.#stderr}`)));
      this.#child.on('message', (message: Record<string, unknown>) => {
        if (message['ready'] === true) resolveReady();
        const settle = this.#pending.get(message['id'] as number);
        if (settle !== undefined) {
          this.#pending.delete(message['id'] as number);
          settle(message);
        }
      });
    });
    this.#ready.catch(() => undefined);
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  /** Sends a request and resolves with the reply. */
  request<Reply extends Record<string, unknown>>(message: Record<string, unknown>): Promise<Reply> {
    const id = this.#nextId++;
    return new Promise((resolveReply) => {
      this.#pending.set(id, resolveReply as (reply: Record<string, unknown>) => void);
      this.#child.send({ ...message, id });
    });
  }

  /** Asks the worker to close its connections and exit; kills it if it does not within 5 s. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((resolveExit) => this.#child.once('exit', resolveExit));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    this.request({ type: 'close' }).catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }
}
