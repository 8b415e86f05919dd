/**
 * Starts a real `redis-server` on 127.0.0.1 and a free port, in a temporary directory, for one
 * test file. Persistence is off by default (`--save '' --appendonly no`); `appendonly: true` turns
 * the AOF on (fsync always) so that a stop/start keeps every acknowledged write.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port.js';
import { startServerProcess, waitUntil, type ServerProcess } from './process-group.js';

/** Options of {@link startRedisServer}. */
export interface StartRedisServerOptions {
  /** Turn the append-only file on (`appendfsync always`). Default: false. */
  appendonly?: boolean;
}

/** A running redis-server owned by the test. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly url: string;
  /** SIGSTOP: the server keeps its connections but answers nothing. */
  pause(): void;
  /** SIGCONT after {@link pause}. */
  resume(): void;
  /** Graceful SHUTDOWN through SIGTERM (the AOF is flushed when on); waits for the exit. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and directory; waits until it answers PING. */
  start(): Promise<void>;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
  /** The server's log, for failure messages. */
  log(): string;
}

/** Sends a RESP PING over a fresh loopback connection; true on `+PONG`. */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
  });
}

/** Starts a redis-server binary at `binary`. */
export async function startRedisServer(binary: string, options: StartRedisServerOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'jwtkit-redis-'));
  const logFile = join(dir, 'redis.log');
  const port = await findFreePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(options.appendonly === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];
  let current: ServerProcess | undefined;

  const start = async (): Promise<void> => {
    if (current !== undefined) return;
    const proc = startServerProcess(binary, args, logFile, { cwd: dir });
    current = proc;
    void proc.exited.then(() => {
      if (current === proc) current = undefined;
    });
    await waitUntil(
      async () => {
        if (current !== proc) throw new Error(`redis-server exited:\n${readFileSync(logFile, 'utf8')}`);
        return pingRedis(port);
      },
      15_000,
      `redis-server on port ${port}`,
    );
  };

  await start();
  const stop = async (): Promise<void> => {
    const proc = current;
    if (proc === undefined) return;
    await proc.stop('SIGTERM');
    current = undefined;
  };

  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: () => current?.signal('SIGSTOP'),
    resume: () => current?.signal('SIGCONT'),
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => readFileSync(logFile, 'utf8'),
  };
}
