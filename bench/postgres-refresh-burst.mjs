#!/usr/bin/env node
// Refresh throughput of PostgresRefreshTokenStore under a burst: N sessions log in, then all N
// refresh at once through the token service, over a pg Pool of M connections, on a PostgreSQL
// server started here. Prints how many refreshes succeeded, the failures by code, the burst's
// wall time and the latency percentiles. Not run in CI.
//
//   npx tsup && node bench/postgres-refresh-burst.mjs [--burst N] [--pool M] [--timeout-ms T] [--connection-timeout-ms C]
//
// Defaults: a burst of 1,500 refreshes, a pool of 4 connections, queryTimeout 2,000 ms,
// connectionTimeout the store's default (queryTimeout).
import { createSecretKey, randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTokenService } from 'jwtkit';
import { migrate, PostgresRefreshTokenStore } from 'jwtkit/postgres';
import { startPostgres } from './lib/servers.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} takes a positive integer`);
  return value;
}

const BURST = option('--burst', 1500);
const POOL = option('--pool', 4);
const TIMEOUT_MS = option('--timeout-ms', 2000);
const CONNECTION_TIMEOUT_MS = option('--connection-timeout-ms', TIMEOUT_MS);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

const server = await startPostgres();
if (server.skip) {
  console.log(`skipped: ${server.skip}`);
  process.exit(0);
}
const pool = new pg.Pool({ connectionString: server.url, max: POOL });
pool.on('error', () => {});
try {
  await migrate(pool);
  const store = new PostgresRefreshTokenStore({
    client: pool,
    queryTimeout: TIMEOUT_MS / 1000,
    connectionTimeout: CONNECTION_TIMEOUT_MS / 1000,
  });
  const service = createTokenService({
    key: createSecretKey(randomBytes(32)),
    alg: 'HS256',
    issuer: 'https://issuer.test',
    audience: 'https://api.test',
    store,
  });
  const tokens = [];
  for (let index = 0; index < BURST; index++) tokens.push((await service.issue(`user-${index}`)).refreshToken);
  const started = performance.now();
  const outcomes = await Promise.all(
    tokens.map(async (token) => {
      const at = performance.now();
      try {
        await service.refresh(token);
        return { ms: performance.now() - at, code: null };
      } catch (error) {
        return { ms: performance.now() - at, code: String(error?.code ?? 'no code') };
      }
    }),
  );
  const wallMs = performance.now() - started;
  const failures = new Map();
  for (const { code } of outcomes) if (code !== null) failures.set(code, (failures.get(code) ?? 0) + 1);
  const latencies = outcomes.map(({ ms }) => ms).sort((a, b) => a - b);
  const version = (await pool.query('SHOW server_version')).rows[0].server_version;
  console.log(
    `PostgreSQL ${version}: burst ${BURST}, pool max ${POOL}, queryTimeout ${TIMEOUT_MS} ms, connectionTimeout ${CONNECTION_TIMEOUT_MS} ms`,
  );
  console.log(
    `ok ${outcomes.length - [...failures.values()].reduce((a, b) => a + b, 0)}/${BURST}` +
      `  failures ${failures.size === 0 ? 'none' : [...failures].map(([code, n]) => `${code}×${n}`).join(' ')}` +
      `  wall ${wallMs.toFixed(0)} ms (${((BURST / wallMs) * 1000).toFixed(0)} refreshes/s)` +
      `  p50 ${percentile(latencies, 50).toFixed(0)} ms  p99 ${percentile(latencies, 99).toFixed(0)} ms  max ${latencies.at(-1).toFixed(0)} ms`,
  );
} finally {
  await pool.end();
  await server.stop();
}
