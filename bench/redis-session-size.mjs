#!/usr/bin/env node
// Storage per session and the cost of logging out a subject with many sessions, for
// RedisRefreshTokenStore (store contract v2: one hash per family), on a redis-server started here.
// Not run in CI.
//
//   npx tsup && node bench/redis-session-size.mjs [--rotations R] [--sessions N] [--subject-sessions S]
//
// Defaults: 1,000 rotations of one session; 1,000 sessions (of one subject, then of as many
// subjects); revokeSubject over 40,000 sessions of one subject. Bytes: MEMORY USAGE ... SAMPLES 0 of
// every key under the store's prefix. Times: wall clock of each script call from this process
// (loopback), and Redis's own time per script (INFO commandstats).
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import { RedisRefreshTokenStore } from 'jwtkit/redis';
import { startRedis } from './lib/servers.mjs';

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} takes a positive integer`);
  return value;
}

const ROTATIONS = option('--rotations', 1000);
const SESSIONS = option('--sessions', 1000);
const SUBJECT_SESSIONS = option('--subject-sessions', 40_000);
const NOW = Math.floor(Date.now() / 1000);
const SMALL_CLAIMS = { scope: 'read' };
const LARGE_CLAIMS = {
  scope: 'read write admin',
  roles: ['orders:read', 'orders:write', 'billing:read'],
  tenant: 'tenant-0123456789abcdef',
  plan: 'enterprise',
};

const hash = () => createHash('sha256').update(randomBytes(32)).digest('base64url');
const family = (subject, claims = SMALL_CLAIMS, createdAt = NOW) => ({
  familyId: randomBytes(16).toString('base64url'),
  subject,
  hash: hash(),
  tagKey: randomBytes(32).toString('base64url'),
  createdAt,
  expiresAt: createdAt + 30 * 86_400,
  idleExpiresAt: createdAt + 14 * 86_400,
  claims,
  jkt: null,
});
const successor = (now, claims) => ({ hash: hash(), idleExpiresAt: now + 14 * 86_400, claims });

const server = await startRedis();
if (server.skip) {
  console.log(`skipped: ${server.skip}`);
  process.exit(0);
}
const client = createClient({ url: server.url, disableOfflineQueue: true });
client.on('error', () => {});
await client.connect();
let prefixes = 0;
const freshPrefix = () => `bench${prefixes++}:`;

/** Bytes and number of keys under `prefix`. */
async function usage(prefix) {
  const keys = await client.sendCommand(['KEYS', `${prefix}*`]);
  let bytes = 0;
  for (const key of keys) bytes += Number(await client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
  return { bytes, keys: keys.length };
}

/** Runs `work` on every item, 1,000 at a time. */
async function inChunks(items, work) {
  for (let start = 0; start < items.length; start += 1000) await Promise.all(items.slice(start, start + 1000).map(work));
}

try {
  const version = /redis_version:(\S+)/.exec(await client.sendCommand(['INFO', 'server']))?.[1];
  console.log(`redis-server ${version}, node ${process.version}`);

  console.log(`\none session alone, every key of it (bytes / keys), after 0 and ${ROTATIONS.toLocaleString('en')} rotations:`);
  for (const claims of [SMALL_CLAIMS, LARGE_CLAIMS]) {
    const keyPrefix = freshPrefix();
    const store = new RedisRefreshTokenStore({ client, keyPrefix });
    const login = family('user-0123456789', claims);
    await store.insert(login, 100);
    const before = await usage(keyPrefix);
    let current = { familyId: login.familyId, generation: 0, hash: login.hash };
    for (let step = 1; step <= ROTATIONS; step++) {
      const result = await store.rotate(current, successor(NOW + step, claims), NOW + step);
      if (result.status !== 'rotated') throw new Error(`rotation ${step}: ${result.status}`);
      current = result.family;
    }
    const after = await usage(keyPrefix);
    const familyBytes = await client.sendCommand(['MEMORY', 'USAGE', `${keyPrefix}rt:{${login.familyId}}`, 'SAMPLES', '0']);
    console.log(
      `  claims of ${JSON.stringify(claims).length} B: ${before.bytes} B / ${before.keys} keys -> ${after.bytes} B / ${after.keys} keys (the session's hash: ${familyBytes} B)`,
    );
  }

  console.log(`\n${SESSIONS.toLocaleString('en')} sessions, small claims, bytes per session:`);
  for (const [label, subjectOf] of [
    ['of one subject', () => 'user-0123456789'],
    ['of as many subjects', (index) => `user-${String(index).padStart(10, '0')}`],
  ]) {
    const keyPrefix = freshPrefix();
    const store = new RedisRefreshTokenStore({ client, keyPrefix });
    await inChunks(
      Array.from({ length: SESSIONS }, (_, index) => index),
      (index) => store.insert(family(subjectOf(index)), 1_000_000),
    );
    const { bytes, keys } = await usage(keyPrefix);
    console.log(`  ${label}: ${Math.round(bytes / SESSIONS)} B (${bytes} B in ${keys} keys)`);
  }

  console.log(`\nrevokeSubject over ${SUBJECT_SESSIONS.toLocaleString('en')} sessions of one subject:`);
  const keyPrefix = freshPrefix();
  const seed = new RedisRefreshTokenStore({ client, keyPrefix });
  const inserting = performance.now();
  await inChunks(Array.from({ length: SUBJECT_SESSIONS }), () => seed.insert(family('user-many'), 1_000_000));
  console.log(`  inserted in ${Math.round(performance.now() - inserting)} ms (1,000 at a time)`);
  const times = [];
  const timed = {
    async sendCommand(args) {
      const start = performance.now();
      const reply = await client.sendCommand(args);
      if (args[0] === 'EVALSHA' || args[0] === 'EVAL') times.push(performance.now() - start);
      return reply;
    },
  };
  const store = new RedisRefreshTokenStore({ client: timed, keyPrefix });
  for (const label of ['first call', 'again (all revoked already)']) {
    times.length = 0;
    await client.sendCommand(['CONFIG', 'RESETSTAT']);
    const start = performance.now();
    const answered = await store.revokeSubject('user-many', 'logout_all', NOW);
    const total = performance.now() - start;
    const stats = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await client.sendCommand(['INFO', 'commandstats']));
    const batches = times.slice(1).sort((a, b) => a - b);
    const at = (q) => batches[Math.min(batches.length - 1, Math.floor(q * batches.length))].toFixed(1);
    console.log(
      `  ${label}: ${answered.length} answered, ${times.length} scripts (the cut-off, then ${batches.length}, one per session); ` +
        `ms per script: min ${batches[0].toFixed(1)}, median ${at(0.5)}, p90 ${at(0.9)}, max ${at(1)}; total ${Math.round(total)} ms; ` +
        `Redis's time: ${stats ? (Number(stats[2]) / 1000 / Number(stats[1])).toFixed(1) : '?'} ms per script`,
    );
  }
  for (let index = 0; index < 100; index++) await seed.insert(family('user-many', SMALL_CLAIMS, NOW + 1 + index), 100);
  times.length = 0;
  const capping = performance.now();
  const capped = await store.insert(family('user-many', SMALL_CLAIMS, NOW + 200), 100);
  console.log(
    `  a login over the cap (100 live sessions, ${SUBJECT_SESSIONS.toLocaleString('en')} revoked): ${(performance.now() - capping).toFixed(2)} ms, ${times.length} script, ${capped.length} session ended`,
  );
} finally {
  client.destroy();
  await server.stop();
}
