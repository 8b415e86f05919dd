#!/usr/bin/env node
// Storage per session of PostgresRefreshTokenStore (store contract v2: one row per family), on a
// PostgreSQL server started here: N sessions measured after login, then after R rotations each,
// before and after a plain VACUUM. Not run in CI.
//
//   npx tsup && node bench/postgres-session-size.mjs [--sessions N] [--rotations R]
//
// Defaults: 200 sessions, 1,000 rotations each. Claims: { scope: 'read write', role: 'user' }.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, PostgresRefreshTokenStore } from 'jwtkit/postgres';
import { startPostgres } from './lib/servers.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} takes a positive integer`);
  return value;
}

const SESSIONS = option('--sessions', 200);
const ROTATIONS = option('--rotations', 1000);
const CONCURRENCY = 8;
const TABLE = 'jwtkit_refresh_families';

const hash = () => createHash('sha256').update(randomBytes(32)).digest('base64url');

/** Runs `work` on every item, `CONCURRENCY` at a time. */
async function eachLimited(items, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const server = await startPostgres();
if (server.skip) {
  console.log(`skipped: ${server.skip}`);
  process.exit(0);
}
const pool = new pg.Pool({ connectionString: server.url, max: CONCURRENCY });
pool.on('error', () => {});
// Measures on its own connection; the pool's connections are ended first, so that their backends
// have reported their statistics (a backend reports them when it exits, else up to 10 s later).
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
try {
  await migrate(pool);
  // query() alone: one round trip per call (the same statements as over a pool's connect()).
  const store = new PostgresRefreshTokenStore({ client: { query: (text, values) => pool.query(text, values) } });
  const now = Math.floor(Date.now() / 1000);
  const claims = { scope: 'read write', role: 'user' };
  const tokens = Array.from({ length: SESSIONS }, (_, index) => ({
    family: {
      familyId: randomBytes(16).toString('base64url'),
      subject: `user-${index}`,
      hash: hash(),
      tagKey: randomBytes(32).toString('base64url'),
      createdAt: now,
      expiresAt: now + 30 * 86_400,
      idleExpiresAt: now + 14 * 86_400,
      claims,
      jkt: null,
    },
    generation: 0,
  }));
  await eachLimited(tokens, (token) => store.insert(token.family, 10));

  const measure = async (label) => {
    const { rows } = await admin.query(
      `SELECT pg_relation_size('${TABLE}')::bigint AS heap, pg_indexes_size('${TABLE}')::bigint AS indexes,
              pg_relation_size('jwtkit_refresh_families_live_idx')::bigint AS live_index,
              pg_total_relation_size('${TABLE}')::bigint AS total,
              (SELECT avg(pg_column_size(f.*))::int FROM ${TABLE} f) AS row_bytes,
              (SELECT count(*) FROM ${TABLE})::int AS rows,
              s.n_tup_upd::bigint AS updates, s.n_tup_hot_upd::bigint AS hot_updates, s.n_dead_tup::bigint AS dead
       FROM pg_stat_user_tables s WHERE s.relname = '${TABLE}'`,
    );
    const row = rows[0];
    const perSession = (bytes) => Math.round(Number(bytes) / SESSIONS);
    console.log(
      `${label.padEnd(34)} rows ${String(row.rows).padStart(6)}  row ${String(row.row_bytes).padStart(4)} B  ` +
        `heap ${String(perSession(row.heap)).padStart(5)} B  indexes ${String(perSession(row.indexes)).padStart(5)} B ` +
        `(live ${String(perSession(row.live_index)).padStart(4)} B)  ` +
        `total ${String(perSession(row.total)).padStart(5)} B/session  ` +
        `(updates ${row.updates}, HOT ${row.hot_updates}, dead ${row.dead})`,
    );
  };

  console.log(`PostgreSQL ${(await admin.query('SHOW server_version')).rows[0].server_version}: ${SESSIONS} sessions`);
  await measure('0 rotations');
  await admin.query(`VACUUM ${TABLE}`);
  await measure('0 rotations, after VACUUM');
  const started = Date.now();
  for (let round = 1; round <= ROTATIONS; round++) {
    await eachLimited(tokens, async (token) => {
      const successor = { hash: hash(), idleExpiresAt: now + round + 14 * 86_400, claims };
      const result = await store.rotate(
        { familyId: token.family.familyId, generation: token.generation, hash: token.family.hash },
        successor,
        now + round,
      );
      if (result.status !== 'rotated') throw new Error(`rotation ${round} of a session: ${result.status}`);
      token.generation += 1;
      token.family.hash = successor.hash;
    });
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`${SESSIONS * ROTATIONS} rotations in ${seconds.toFixed(1)} s`);
  await pool.end();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await measure(`${ROTATIONS} rotations each`);
  await admin.query(`VACUUM ${TABLE}`);
  await measure(`${ROTATIONS} rotations each, after VACUUM`);
} finally {
  if (!pool.ended) await pool.end();
  await admin.end();
  await server.stop();
}
