// Database servers for the store benchmarks: a redis-server and a PostgreSQL started by the
// benchmark itself on 127.0.0.1 and a free port, in a temporary directory, stopped at the end.
// A missing binary means the benchmark is skipped with a note.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port, child, what) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await portOpen(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start`);
}

function stopper(child, dir) {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** `{ url, stop }` of a fresh redis-server, or `{ skip }` when there is none. */
export async function startRedis() {
  const binary = process.env.REDIS_SERVER || onPath('redis-server');
  if (binary === undefined) return { skip: 'redis-server is not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-bench-redis-'));
  const port = await freePort();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await waitForPort(port, child, 'redis-server');
  return { url: `redis://127.0.0.1:${port}`, stop: stopper(child, dir) };
}

function postgresBindir() {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const candidates = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config
  }
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) {
      candidates.push(join('/usr/lib/postgresql', version, 'bin'));
    }
  }
  const initdb = onPath('initdb');
  if (initdb !== undefined) candidates.push(join(initdb, '..'));
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
}

/** `{ url, stop }` of a fresh PostgreSQL (fsync off), or `{ skip }` when there is none. */
export async function startPostgres() {
  const bindir = postgresBindir();
  if (bindir === undefined) return { skip: 'PostgreSQL server binaries are not installed' };
  let owner;
  if (process.getuid?.() === 0) {
    // PostgreSQL refuses to run as root: run it as the `postgres` system user.
    try {
      owner = {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
      };
    } catch {
      return { skip: 'running as root without a "postgres" user' };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-bench-pg-'));
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  if (owner !== undefined) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(data, owner.uid, owner.gid);
  }
  const runAs = { ...(owner ?? {}), cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' } };
  execFileSync(join(bindir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
    ...runAs,
    stdio: 'ignore',
  });
  const port = await freePort();
  const child = spawn(
    join(bindir, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
    { ...runAs, stdio: 'ignore' },
  );
  await waitForPort(port, child, 'postgres');
  // The port opens a little before the server accepts queries.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: stopper(child, dir) };
}
