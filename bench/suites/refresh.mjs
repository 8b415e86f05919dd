// Refresh-token rotations per second through createTokenService: the memory store, and the Redis
// and PostgreSQL stores (real servers started here) when their binaries and builds are present.
// Each rotation is one `refresh()`: find and consume the refresh token, insert its successor,
// sign a new HS256 access token. One session rotates in a loop; a new session every 1,000
// rotations keeps the session chain short.
import pg from 'pg';
import { createClient } from 'redis';
import { keysFor } from '../lib/keys.mjs';
import { startPostgres, startRedis } from '../lib/servers.mjs';
import { boundKey, hasExports, loadSubpath } from '../lib/subject.mjs';

const ROTATIONS_PER_SESSION = 1000;

function rotator(service) {
  let pair;
  let count = 0;
  return async () => {
    if (pair === undefined || count++ % ROTATIONS_PER_SESSION === 0) pair = await service.issue('user-1', { scope: 'read' });
    pair = await service.refresh(pair.refreshToken);
    return pair;
  };
}

export function groups({ jwtkit, options }) {
  const group = { id: 'refresh', title: 'refresh-token rotations (createTokenService, HS256 access tokens)' };
  if (!hasExports(jwtkit, 'createTokenService')) return [{ ...group, skip: 'createTokenService is not in this build' }];
  group.note = 'rotations/s = ops/s; one rotation = refresh(): consume + insert + sign';
  group.build = async () => {
    const key = boundKey(jwtkit, keysFor('HS256').signKey, 'HS256');
    const serviceWith = (store) =>
      jwtkit.createTokenService({ key, issuer: 'https://auth.example.com', audience: 'api.example.com', ...(store ? { store } : {}) });
    const contestants = [
      { name: 'memory store', role: 'subject', async: true, fn: rotator(serviceWith(new jwtkit.MemoryRefreshTokenStore())) },
    ];
    const cleanups = [];
    const notes = [];

    const redisStores = await loadSubpath(options.module, 'redis');
    if (redisStores === undefined) notes.push('Redis: jwtkit/redis is not in this build');
    else {
      const server = await startRedis();
      if (server.skip) notes.push(`Redis: ${server.skip}`);
      else {
        const client = createClient({ url: server.url });
        client.on('error', () => {});
        await client.connect();
        cleanups.push(async () => {
          await client.quit();
          await server.stop();
        });
        const store = new redisStores.RedisRefreshTokenStore({ client });
        contestants.push({ name: 'redis store', role: 'reference', async: true, fn: rotator(serviceWith(store)) });
      }
    }

    const postgresStores = await loadSubpath(options.module, 'postgres');
    if (postgresStores === undefined) notes.push('PostgreSQL: jwtkit/postgres is not in this build');
    else {
      const server = await startPostgres();
      if (server.skip) notes.push(`PostgreSQL: ${server.skip}`);
      else {
        const pool = new pg.Pool({ connectionString: server.url, max: 4 });
        // An idle connection closed by the server (at shutdown) must not crash the benchmark.
        pool.on('error', () => {});
        cleanups.push(async () => {
          await pool.end();
          await server.stop();
        });
        await postgresStores.migrate(pool);
        const store = new postgresStores.PostgresRefreshTokenStore({ client: pool });
        contestants.push({ name: 'postgres store', role: 'reference', async: true, fn: rotator(serviceWith(store)) });
      }
    }
    return {
      contestants,
      notes,
      check: (pair) => {
        if (typeof pair?.refreshToken !== 'string' || typeof pair?.accessToken !== 'string') throw new Error('refresh gave no pair');
      },
      teardown: async () => {
        for (const cleanup of cleanups) await cleanup();
      },
    };
  };
  return [group];
}
