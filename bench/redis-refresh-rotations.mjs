#!/usr/bin/env node
// Refresh rotations per second from 2 client processes through the token service (HS256), against
// one redis-server, against a three-master Redis Cluster, and against PostgreSQL, each started
// here on 127.0.0.1. Each process logs in its sessions (not timed), then, once both are ready,
// refreshes every session --rounds times (all its sessions at once, each one's refreshes in a row).
// Prints, per backend, rotations per second over the timed phase, the failures by code, and
// latency percentiles. Not run in CI (the lead runs it; the numbers go to docs/benchmarks.md).
//
//   npx tsup && node bench/redis-refresh-rotations.mjs [--sessions S] [--rounds R] [--only redis|cluster|postgres]
//
// Defaults: 500 sessions per process, 20 rounds (2 × 500 × 20 = 20,000 rotations per backend).
// A smoke run: --sessions 20 --rounds 2.
import { execFile, fork, spawn } from 'node:child_process';
import { createSecretKey, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startPostgres, startRedis } from './lib/servers.mjs';

const run = promisify(execFile);

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} takes a positive integer`);
  return value;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

if (process.argv[2] === '--worker') await worker(JSON.parse(process.argv[3]));
else await main();

/** One client process: its own connection, store and token service. */
async function worker(config) {
  const { createTokenService } = await import('jwtkit');
  let store;
  let close;
  if (config.backend === 'postgres') {
    const { default: pg } = await import('pg');
    const { PostgresRefreshTokenStore } = await import('jwtkit/postgres');
    const pool = new pg.Pool({ connectionString: config.url, max: 8 });
    pool.on('error', () => {});
    store = new PostgresRefreshTokenStore({ client: pool });
    close = () => pool.end();
  } else {
    const { Cluster, Redis } = await import('ioredis');
    const { RedisRefreshTokenStore } = await import('jwtkit/redis');
    const client =
      config.backend === 'cluster'
        ? new Cluster(
            config.ports.map((port) => ({ host: '127.0.0.1', port })),
            { lazyConnect: true, enableOfflineQueue: false },
          )
        : new Redis({ host: '127.0.0.1', port: config.ports[0], lazyConnect: true, enableOfflineQueue: false });
    client.on('error', () => {});
    await client.connect();
    store = new RedisRefreshTokenStore({ client, keyPrefix: `bench:${randomBytes(4).toString('hex')}:` });
    close = async () => client.disconnect();
  }
  const service = createTokenService({
    key: createSecretKey(Buffer.from(config.secret, 'base64url')),
    alg: 'HS256',
    issuer: 'https://issuer.test',
    audience: 'https://api.test',
    store,
  });
  const tokens = [];
  for (let start = 0; start < config.sessions; start += 100) {
    const batch = Array.from({ length: Math.min(100, config.sessions - start) }, (_, index) => service.issue(`user-${start + index}`));
    for (const pair of await Promise.all(batch)) tokens.push(pair.refreshToken);
  }
  process.send({ type: 'ready' });
  await new Promise((resolve) => process.once('message', resolve));
  const latencies = [];
  const failures = {};
  let rotated = 0;
  await Promise.all(
    tokens.map(async (first) => {
      let token = first;
      for (let round = 0; round < config.rounds; round++) {
        const start = performance.now();
        try {
          token = (await service.refresh(token)).refreshToken;
          rotated++;
        } catch (error) {
          failures[error.code ?? 'other'] = (failures[error.code ?? 'other'] ?? 0) + 1;
          return;
        } finally {
          latencies.push(performance.now() - start);
        }
      }
    }),
  );
  process.send({ type: 'done', rotated, failures, latencies });
  await close();
}

/** Starts a three-master cluster (ports and bus ports free), or answers `{ skip }`. */
async function startCluster() {
  const onPath = (name) => (process.env.PATH ?? '').split(delimiter).find((dir) => dir !== '' && existsSync(join(dir, name)));
  const serverDir = onPath('redis-server');
  const cliDir = onPath('redis-cli');
  if (serverDir === undefined || cliDir === undefined) return { skip: 'redis-server or redis-cli is not installed' };
  const ports = [];
  while (ports.length < 6) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const nodes = [0, 1, 2].map((index) => ({ port: ports[2 * index], bus: ports[2 * index + 1] }));
  const dirs = [];
  const children = [];
  const cli = (port, ...args) => run(join(cliDir, 'redis-cli'), ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  for (const node of nodes) {
    const dir = mkdtempSync(join(tmpdir(), 'jwtkit-bench-cluster-'));
    dirs.push(dir);
    const args = ['--port', String(node.port), '--cluster-port', String(node.bus), '--cluster-enabled', 'yes'];
    args.push('--cluster-config-file', 'nodes.conf', '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no');
    children.push(spawn(join(serverDir, 'redis-server'), args, { stdio: 'ignore', cwd: dir }));
  }
  const stop = async () => {
    for (const child of children) child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  const until = async (probe) => {
    for (let tries = 0; tries < 300; tries++) {
      if (await probe().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the cluster did not start');
  };
  try {
    for (const node of nodes) await until(async () => (await cli(node.port, 'PING')).stdout.includes('PONG'));
    const members = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run(join(cliDir, 'redis-cli'), ['--cluster', 'create', ...members, '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of nodes) await until(async () => (await cli(node.port, 'CLUSTER', 'INFO')).stdout.includes('cluster_state:ok'));
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports: nodes.map((node) => node.port), stop };
}

async function measure(label, config) {
  const secret = randomBytes(32).toString('base64url');
  const file = fileURLToPath(import.meta.url);
  const children = [0, 1].map(() => fork(file, ['--worker', JSON.stringify({ ...config, secret })]));
  const next = (child, type) => new Promise((resolve) => child.on('message', (message) => message.type === type && resolve(message)));
  await Promise.all(children.map((child) => next(child, 'ready')));
  const start = performance.now();
  const done = Promise.all(children.map((child) => next(child, 'done')));
  for (const child of children) child.send({ type: 'go' });
  const results = await done;
  const seconds = (performance.now() - start) / 1000;
  const rotated = results.reduce((sum, result) => sum + result.rotated, 0);
  const failures = {};
  for (const result of results) for (const [code, count] of Object.entries(result.failures)) failures[code] = (failures[code] ?? 0) + count;
  const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
  console.log(
    `${label}: ${Math.round(rotated / seconds).toLocaleString('en')} rotations/s (${rotated} in ${seconds.toFixed(2)} s, 2 processes); ` +
      `failures ${JSON.stringify(failures)}; ms p50 ${percentile(latencies, 50).toFixed(1)}, p90 ${percentile(latencies, 90).toFixed(1)}, ` +
      `p99 ${percentile(latencies, 99).toFixed(1)}`,
  );
}

async function main() {
  const sessions = option('--sessions', 500);
  const rounds = option('--rounds', 20);
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex === -1 ? undefined : process.argv[onlyIndex + 1];
  const wanted = (name) => only === undefined || only === name;
  console.log(`node ${process.version}; ${sessions} sessions per process, ${rounds} refreshes each`);
  if (wanted('redis')) {
    const server = await startRedis();
    if (server.skip) console.log(`one Redis node: skipped (${server.skip})`);
    else {
      try {
        await measure('one Redis node', { backend: 'redis', ports: [Number(new URL(server.url).port)], sessions, rounds });
      } finally {
        await server.stop();
      }
    }
  }
  if (wanted('cluster')) {
    const cluster = await startCluster();
    if (cluster.skip) console.log(`Redis Cluster: skipped (${cluster.skip})`);
    else {
      try {
        await measure('three-master Redis Cluster', { backend: 'cluster', ports: cluster.ports, sessions, rounds });
      } finally {
        await cluster.stop();
      }
    }
  }
  if (wanted('postgres')) {
    const server = await startPostgres();
    if (server.skip) console.log(`PostgreSQL: skipped (${server.skip})`);
    else {
      try {
        const { default: pg } = await import('pg');
        const { migrate } = await import('jwtkit/postgres');
        const pool = new pg.Pool({ connectionString: server.url, max: 1 });
        await migrate(pool);
        await pool.end();
        await measure('PostgreSQL', { backend: 'postgres', url: server.url, sessions, rounds });
      } finally {
        await server.stop();
      }
    }
  }
}
