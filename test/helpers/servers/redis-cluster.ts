/**
 * Starts a real three-master Redis Cluster on 127.0.0.1 for one test file: three `redis-server
 * --cluster-enabled yes` in temporary directories, each with its client port and its cluster bus
 * port set to two free ports (the default bus port, P + 10000, may fall outside the port range),
 * joined by `redis-cli --cluster create ... --cluster-replicas 0`, then waits until every node
 * reports `cluster_state:ok`. Persistence is off.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findRedisServer, type BinaryLookup } from './binaries.js';
import { findFreePort } from './free-port.js';
import { startServerProcess, waitUntil, type ServerProcess } from './process-group.js';
import { pingRedis } from './redis-server.js';

const run = promisify(execFile);

/** One master of the test cluster. */
export interface RedisClusterNode {
  readonly port: number;
  readonly busPort: number;
}

/** A running three-master cluster owned by the test. */
export interface RedisCluster {
  readonly host: '127.0.0.1';
  readonly nodes: readonly RedisClusterNode[];
  /** Runs `redis-cli -p <port> <args>` against one node; resolves with its output, trimmed. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** Stops every node and deletes their directories. */
  dispose(): Promise<void>;
  /** The nodes' logs, for failure messages. */
  log(): string;
}

/**
 * `redis-server` as {@link findRedisServer} finds it, provided `redis-cli` is next to it or on the
 * PATH (the cluster is created with `redis-cli --cluster create`).
 */
export function findRedisClusterBinaries(): BinaryLookup {
  const server = findRedisServer();
  if (!server.found) return server;
  return redisCli(server.path) === undefined
    ? { found: false, reason: 'redis-cli is not installed (apt-get install redis-tools)' }
    : server;
}

function redisCli(serverPath: string): string | undefined {
  const beside = join(dirname(serverPath), 'redis-cli');
  if (existsSync(beside)) return beside;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'redis-cli'))) return join(dir, 'redis-cli');
  }
  return undefined;
}

/** Two distinct free ports per node, all distinct. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await findFreePort());
  return [...ports];
}

/** Starts the cluster with the `redis-server` at `serverPath`. */
export async function startRedisCluster(serverPath: string): Promise<RedisCluster> {
  const cliPath = redisCli(serverPath);
  if (cliPath === undefined) throw new Error('redis-cli not found');
  const ports = await freePorts(6);
  const nodes: RedisClusterNode[] = [0, 1, 2].map((index) => ({
    port: ports[2 * index] as number,
    busPort: ports[2 * index + 1] as number,
  }));
  const dirs: string[] = [];
  const processes: ServerProcess[] = [];
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run(cliPath, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: 60_000 })).stdout.trim();
  const log = (): string => dirs.map((dir) => readFileSync(join(dir, 'redis.log'), 'utf8')).join('\n');
  const dispose = async (): Promise<void> => {
    await Promise.all(processes.map((proc) => proc.stop('SIGTERM')));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const node of nodes) {
      const dir = mkdtempSync(join(tmpdir(), 'jwtkit-redis-cluster-'));
      dirs.push(dir);
      const args = [
        '--port',
        String(node.port),
        '--cluster-port',
        String(node.busPort),
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        'nodes.conf',
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ];
      processes.push(startServerProcess(serverPath, args, join(dir, 'redis.log'), { cwd: dir }));
    }
    for (const node of nodes) await waitUntil(() => pingRedis(node.port), 15_000, `cluster node on port ${node.port}`);
    await run(
      cliPath,
      ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    for (const node of nodes) {
      await waitUntil(
        async () => (await cli(node.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
        30_000,
        `cluster_state:ok on ${node.port}`,
      );
    }
  } catch (error) {
    const logs = dirs.length > 0 ? log() : '';
    await dispose();
    throw new Error(`could not start the Redis cluster: ${String(error)}\n${logs}`);
  }
  return { host: '127.0.0.1', nodes, cli, dispose, log };
}
