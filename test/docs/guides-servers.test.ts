// The guide examples that need a database server (`*.redis.ts`, `*.postgres.ts`): each runs against
// a real server started here, reached through REDIS_URL / DATABASE_URL as an application would.
// Without the server binary the suite is skipped locally and fails with CI=true.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ensureBuilt } from '../package-quality/built-package.js';
import { findPostgresBindir, findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';
import { docsDirectory, exampleFiles } from './guide-blocks.js';

const examples = exampleFiles();

async function runExample(example: string): Promise<void> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await import(/* @vite-ignore */ join(docsDirectory, example));
  } finally {
    log.mockRestore();
  }
}

describeWithServer('guide examples on redis-server', findRedisServer(), (binary) => {
  let server: RedisServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startRedisServer(binary);
    vi.stubEnv('REDIS_URL', server.url);
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.dispose();
  });

  const redisExamples = examples.filter((example) => example.endsWith('.redis.ts'));
  it('finds the Redis examples', () => expect(redisExamples.length).toBeGreaterThan(0));
  for (const example of redisExamples) it(`${example} runs`, () => runExample(example), 30_000);
});

describeWithServer('guide examples on a PostgreSQL server', findPostgresBindir(), (bindir) => {
  let server: PostgresServer;
  beforeAll(async () => {
    ensureBuilt();
    server = await startPostgresServer(bindir);
    vi.stubEnv('DATABASE_URL', server.url(await server.createDatabase()));
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await server?.dispose();
  });

  const postgresExamples = examples.filter((example) => example.endsWith('.postgres.ts'));
  it('finds the PostgreSQL examples', () => expect(postgresExamples.length).toBeGreaterThan(0));
  for (const example of postgresExamples) it(`${example} runs`, () => runExample(example), 60_000);
});
