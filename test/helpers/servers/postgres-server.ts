/**
 * Starts a real PostgreSQL server for one test file: `initdb` on a temporary data directory, then
 * `postgres` on 127.0.0.1 and a free port (its unix socket in the same directory). When the tests
 * run as root, both run as the `postgres` system user, which owns the directory.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findFreePort } from './free-port.js';
import { startServerProcess, waitUntil, type ServerProcess } from './process-group.js';

/** A running PostgreSQL server owned by the test. Superuser `postgres`, trust auth on loopback. */
export interface PostgresServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: 'postgres';
  /** A connection string for a database (default `postgres`). */
  url(database?: string): string;
  /** Creates an empty database and returns its name. */
  createDatabase(): Promise<string>;
  /** SIGSTOP to the postmaster and every backend: connections stay open, nothing answers. */
  pause(): void;
  /** SIGCONT after {@link pause}. */
  resume(): void;
  /** Fast shutdown (SIGINT): committed transactions are kept. Waits for the exit. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server and deletes the data directory. */
  dispose(): Promise<void>;
  log(): string;
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

async function canQuery(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

let databaseCounter = 0;

/** The ids of the processes whose parent is `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process exited meanwhile
    }
  }
  return children;
}

function signalEach(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** Initialises and starts a server with the binaries in `bindir`. */
export async function startPostgresServer(bindir: string): Promise<PostgresServer> {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? systemUser('postgres') : undefined;
  if (asRoot && owner === undefined) throw new Error('running as root but there is no "postgres" user to run PostgreSQL as');
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-pg-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(dataDir, owner.uid, owner.gid);
  }
  const logFile = join(dir, 'postgres.log');
  const runAs = { ...(owner ?? {}), cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' } };
  execFileSync(join(bindir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
    ...runAs,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await findFreePort();
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ];
  let current: ServerProcess | undefined;
  let paused: number[] = [];

  const start = async (): Promise<void> => {
    if (current !== undefined) return;
    const proc = startServerProcess(join(bindir, 'postgres'), args, logFile, runAs);
    current = proc;
    void proc.exited.then(() => {
      if (current === proc) current = undefined;
    });
    await waitUntil(
      async () => {
        if (current !== proc) throw new Error(`postgres exited:\n${readFileSync(logFile, 'utf8')}`);
        return canQuery(port);
      },
      30_000,
      `postgres on port ${port}`,
    );
  };
  // the log file must be writable by the server user
  execFileSync('touch', [logFile]);
  if (owner !== undefined) chownSync(logFile, owner.uid, owner.gid);
  await start();

  const stop = async (): Promise<void> => {
    signalEach(paused, 'SIGCONT');
    paused = [];
    const proc = current;
    if (proc === undefined) return;
    await proc.stop('SIGINT', 20_000);
    current = undefined;
  };
  const url = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${database}`;

  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    url,
    async createDatabase() {
      databaseCounter += 1;
      const name = `jwtkit_${process.pid}_${databaseCounter}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return name;
    },
    // Every backend runs in its own process group (PostgreSQL calls setsid), so stop the
    // postmaster first (no new backends), then each of its children.
    pause() {
      if (current === undefined) return;
      signalEach([current.pid], 'SIGSTOP');
      paused = [current.pid, ...childrenOf(current.pid)];
      signalEach(paused, 'SIGSTOP');
    },
    resume() {
      signalEach(paused.reverse(), 'SIGCONT');
      paused = [];
    },
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => readFileSync(logFile, 'utf8'),
  };
}
