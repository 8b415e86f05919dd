// Four worker processes share one store (Redis with both clients mixed, on one node and on a
// three-master Redis Cluster, then PostgreSQL) and refresh the same token at the same moment
// through the token service: exactly one wins; the successor works from another process; and a
// replay of the rotated token after the grace window revokes the family for every process.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JwtClaims } from '../../src/jwt/types.js';
import { migrate, PostgresRefreshTokenStore, PostgresRevocationStore } from '../../src/stores/postgres/index.js';
import { RedisRefreshTokenStore, RedisRevocationStore } from '../../src/stores/redis/index.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import type { RefreshTokenStore, RevocationStore } from '../../src/tokens/store.js';
import { findPostgresBindir, findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { openPool } from '../helpers/servers/postgres-clients.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';
import { connectRedis, type TestRedisClient } from '../helpers/servers/redis-clients.js';
import { connectRedisCluster, type TestRedisClusterClient } from '../helpers/servers/redis-cluster-clients.js';
import { findRedisClusterBinaries, startRedisCluster, type RedisCluster } from '../helpers/servers/redis-cluster.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';
import { bundleWorker, WorkerProcess } from '../helpers/servers/worker-processes.js';
import type { RefreshResult, WorkerConfig } from './workers/refresh-worker.js';

const WORKERS = 4;
const CALLS_PER_WORKER = 5;
const GRACE_SECONDS = 30;

let bundle: { file: string; remove: () => void };
beforeAll(async () => {
  bundle = await bundleWorker('test/stores/workers/refresh-worker.ts');
});
afterAll(() => {
  bundle?.remove();
});

/** The scenario, for workers configured by `configs` and a store for the test's own process. */
function sharedStoreScenario(
  getStore: () => RefreshTokenStore,
  getRevocationStore: () => RevocationStore,
  configs: () => Omit<WorkerConfig, 'secret' | 'reuseGraceSeconds'>[],
): void {
  let workers: WorkerProcess[] = [];
  const secret = randomBytes(32);
  beforeAll(async () => {
    workers = configs().map(
      (config) =>
        new WorkerProcess(bundle.file, {
          JWTKIT_WORKER: JSON.stringify({ ...config, secret: secret.toString('base64url'), reuseGraceSeconds: GRACE_SECONDS }),
        }),
    );
    await Promise.all(workers.map((worker) => worker.ready()));
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
  });

  const refreshIn = async (worker: WorkerProcess, tokens: string[]) =>
    (await worker.request<{ results: RefreshResult[] }>({ type: 'refresh', tokens })).results;

  it(`${WORKERS} processes × ${CALLS_PER_WORKER} concurrent refreshes of one token: exactly one wins; a later replay revokes the family everywhere`, async () => {
    const login = createTokenService({
      key: secret,
      alg: 'HS256',
      issuer: 'https://issuer.test',
      audience: 'https://api.test',
      store: getStore(),
    });
    const first = (await login.issue(`user-${randomBytes(4).toString('hex')}`)).refreshToken;

    // 1. Everyone refreshes the same token at once.
    const results = (await Promise.all(workers.map((worker) => refreshIn(worker, Array(CALLS_PER_WORKER).fill(first))))).flat();
    const winners = results.filter((result) => result.ok);
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => !result.ok).map((result) => (result.ok ? '' : result.code))).toEqual(
      Array(WORKERS * CALLS_PER_WORKER - 1).fill('ERR_REFRESH_REUSED'),
    );
    const second = (winners[0] as { refreshToken: string }).refreshToken;

    // 2. Inside the grace window the losers did not revoke the family: the winner's token works,
    //    from any process.
    const [third] = await refreshIn(workers[WORKERS - 1] as WorkerProcess, [second]);
    expect(third?.ok).toBe(true);
    const live = (third as { refreshToken: string }).refreshToken;

    // 3. After the grace window, one process replays the first token: that is theft; the family dies.
    await Promise.all(workers.map((worker) => worker.request({ type: 'clock', offsetSeconds: GRACE_SECONDS * 4 })));
    expect(await refreshIn(workers[0] as WorkerProcess, [first])).toEqual([{ ok: false, code: 'ERR_REFRESH_REUSED' }]);

    // 4. Every process now refuses the live token of that family.
    const afterReplay = await Promise.all(workers.map((worker) => refreshIn(worker, [live])));
    expect(afterReplay.flat()).toEqual(Array(WORKERS).fill({ ok: false, code: 'ERR_REFRESH_REVOKED' }));
    expect(await getStore().find(live.slice(0, live.indexOf('.')))).toMatchObject({ generation: 2, revoked: true, revokedReason: 'reuse' });
  });

  it('a resource server in another process refuses the access tokens of a session the auth server ended (createRevocationCheck)', async () => {
    const auth = createTokenService({
      key: secret,
      alg: 'HS256',
      issuer: 'https://issuer.test',
      audience: 'https://api.test',
      store: getStore(),
      revocationStore: getRevocationStore(),
    });
    const subject = `user-${randomBytes(4).toString('hex')}`;
    const [phone, laptop, other] = await Promise.all([auth.issue(subject), auth.issue(subject), auth.issue(`${subject}-other`)]);
    const payloadOf = async (accessToken: string): Promise<JwtClaims> => (await auth.verifyAccessToken(accessToken)).payload;
    const [phoneClaims, laptopClaims, otherClaims] = await Promise.all([phone, laptop, other].map((pair) => payloadOf(pair.accessToken)));
    const resourceServer = workers[1] as WorkerProcess;
    const revokedThere = async (payload: JwtClaims) =>
      (await resourceServer.request<{ revoked: boolean }>({ type: 'isRevoked', payload })).revoked;

    expect(await revokedThere(phoneClaims as JwtClaims)).toBe(false);
    await auth.revoke(phone.refreshToken); // logout of one session
    expect(await revokedThere(phoneClaims as JwtClaims)).toBe(true);
    expect(await revokedThere(laptopClaims as JwtClaims)).toBe(false);
    await auth.revokeAll(subject); // logout everywhere, within the same second as the login
    expect(await revokedThere(laptopClaims as JwtClaims)).toBe(true);
    expect(await revokedThere(otherClaims as JwtClaims)).toBe(false);
  });
}

describeWithServer('several processes sharing a Redis store', findRedisServer(), (binary) => {
  let server: RedisServer;
  let client: TestRedisClient;
  const keyPrefix = `multi:${randomBytes(4).toString('hex')}:`;
  beforeAll(async () => {
    server = await startRedisServer(binary);
    client = await connectRedis('ioredis', server.port);
  });
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
  });
  describe('two node-redis and two ioredis workers', () => {
    sharedStoreScenario(
      () => new RedisRefreshTokenStore({ client: client.client, keyPrefix }),
      () => new RedisRevocationStore({ client: client.client, keyPrefix }),
      () =>
        ['node-redis', 'ioredis', 'node-redis', 'ioredis'].map((backend) => ({
          backend: backend as WorkerConfig['backend'],
          port: server.port,
          keyPrefix,
        })),
    );
  });
});

describeWithServer('several processes sharing a Redis store on a three-master Redis Cluster', findRedisClusterBinaries(), (binary) => {
  let cluster: RedisCluster;
  let client: TestRedisClusterClient;
  const keyPrefix = `multi:${randomBytes(4).toString('hex')}:`;
  beforeAll(async () => {
    cluster = await startRedisCluster(binary);
    client = await connectRedisCluster('ioredis Cluster', cluster);
  }, 90_000);
  afterAll(async () => {
    await client?.close();
    await cluster?.dispose();
  });
  describe('two node-redis createCluster and two ioredis Cluster workers', () => {
    sharedStoreScenario(
      () => new RedisRefreshTokenStore({ client: client.client, keyPrefix }),
      () => new RedisRevocationStore({ client: client.client, keyPrefix }),
      () =>
        ['node-redis-cluster', 'ioredis-cluster', 'node-redis-cluster', 'ioredis-cluster'].map((backend) => ({
          backend: backend as WorkerConfig['backend'],
          ports: cluster.nodes.map((node) => node.port),
          keyPrefix,
        })),
    );
  });
});

describeWithServer('several processes sharing a PostgreSQL store', findPostgresBindir(), (bindir) => {
  let server: PostgresServer;
  let pool: ReturnType<typeof openPool>;
  let url: string;
  beforeAll(async () => {
    server = await startPostgresServer(bindir);
    url = server.url(await server.createDatabase());
    pool = openPool(url);
    await migrate(pool.client);
  });
  afterAll(async () => {
    await pool?.close();
    await server?.dispose();
  });
  describe('four pg Pool workers', () => {
    sharedStoreScenario(
      () => new PostgresRefreshTokenStore({ client: pool.client }),
      () => new PostgresRevocationStore({ client: pool.client }),
      () => Array.from({ length: WORKERS }, () => ({ backend: 'postgres' as const, url })),
    );
  });
});
