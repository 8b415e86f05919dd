/**
 * A server process started in its own process group, so that SIGSTOP/SIGCONT reach every process of
 * the server (PostgreSQL forks a backend per connection) and nothing outlives the test run.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A started server process. */
export interface ServerProcess {
  readonly pid: number;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Sends a signal to the whole process group. */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` (SIGTERM by default) and waits up to `waitMs` for the exit, then SIGKILLs. */
  stop(signal?: NodeJS.Signals, waitMs?: number): Promise<void>;
}

/** Starts `command` detached in a new process group; stdout and stderr go to `logFile`. */
export function startServerProcess(
  command: string,
  args: readonly string[],
  logFile: string,
  options: Pick<SpawnOptions, 'uid' | 'gid' | 'env' | 'cwd'> = {},
): ServerProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  running.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', () => {
      running.delete(child);
      resolve('spawn-error');
    });
  });
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name);
    } catch {
      // the group is gone already
    }
  };
  return {
    pid,
    exited,
    signal,
    async stop(name: NodeJS.Signals = 'SIGTERM', waitMs = 10_000) {
      if (!running.has(child)) return;
      signal('SIGCONT');
      signal(name);
      const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, waitMs, 'timeout').unref());
      if ((await Promise.race([exited, timer])) === 'timeout') {
        signal('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls `probe` every 50 ms until it resolves true, or throws after `timeoutMs`. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
