// Three auth-server processes share one key ring (createSharedKeyRing) over one real Redis, and
// over one real PostgreSQL: a rotation made on one is followed by all within `refreshEvery`; a
// resource server that trusts the JWKS of one instance verifies every token of every instance
// through three scheduled rotations; a restarted instance finds the ring; a wrong KEK fails at start.
// Second-scale settings (docs/auth-server-and-jwks.md, "Several instances"): each scenario runs in
// well under 60 s.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../src/jwt/verify.js';
import { createRemoteJWKS } from '../../src/keys/remote-jwks.js';
import { migrate } from '../../src/stores/postgres/index.js';
import { findPostgresBindir, findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { openPool } from '../helpers/servers/postgres-clients.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';
import { bundleWorker, WorkerProcess } from '../helpers/servers/worker-processes.js';
import type { IssueReply, KeyRingWorkerConfig, StartReply } from './workers/key-ring-worker.js';

/** The issuer and audience of the workers' tokens. */
const ISSUER = 'https://auth.test';
const AUDIENCE = 'https://api.test';

/** Seconds: refresh 1 s + JWKS cached 1 s < published 3 s ahead; rotation every 4 s; tokens live 5 s. */
const TIMING = { refreshEvery: 1, jwksCacheMaxAge: 1, publishBefore: 3, maxTokenLifetime: 6, accessTokenTtl: 5 } as const;
/** What the test allows beyond `refreshEvery` for messages and a loaded machine. */
const SLACK_MS = 1000;

type Backend = Pick<KeyRingWorkerConfig, 'backend' | 'port' | 'url'>;

let bundle: { file: string; remove: () => void };
beforeAll(async () => {
  bundle = await bundleWorker('test/stores/workers/key-ring-worker.ts');
});
afterAll(() => {
  bundle?.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Instance {
  readonly worker: WorkerProcess;
  readonly jwksUrl: string;
}

async function startWorker(config: KeyRingWorkerConfig): Promise<WorkerProcess & { started: StartReply }> {
  const worker = new WorkerProcess(bundle.file, { JWTKIT_WORKER: JSON.stringify(config) });
  await worker.ready();
  const started = await worker.request<StartReply & { id: number }>({ type: 'start' });
  return Object.assign(worker, { started });
}

async function startInstances(backends: readonly Backend[], shared: Omit<KeyRingWorkerConfig, keyof Backend>): Promise<Instance[]> {
  const workers = await Promise.all(backends.map((backend) => startWorker({ ...backend, ...shared })));
  return workers.map((worker) => {
    if (!worker.started.ok) throw new Error(`an instance did not start: ${worker.started.code}`);
    return { worker, jwksUrl: worker.started.jwksUrl };
  });
}

async function issue(instance: Instance): Promise<{ token: string; kid: string }> {
  const reply = await instance.worker.request<IssueReply>({ type: 'issue' });
  if (!reply.ok) throw new Error(`issue failed: ${reply.code}`);
  return reply;
}

async function jwksOf(instance: Instance): Promise<{ keys: { kid: string }[] }> {
  return (await (await fetch(instance.jwksUrl)).json()) as { keys: { kid: string }[] };
}

function sharedRingScenario(backends: () => readonly Backend[]): void {
  const kek = randomBytes(32).toString('base64url');
  const running: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((worker) => worker.stop()));
  });
  const start = async (ringId: string, extra: Partial<KeyRingWorkerConfig> = {}) => {
    const instances = await startInstances(backends(), { ringId, kek, ...TIMING, ...extra });
    running.push(...instances.map((instance) => instance.worker));
    return instances;
  };

  it('rotate on one instance: all three sign with the new key within refreshEvery; a restart keeps the ring; a wrong KEK fails at start', async () => {
    const ringId = `manual-${randomBytes(4).toString('hex')}`;
    const instances = await start(ringId);
    const kids = async () => Promise.all(instances.map(async (instance) => (await issue(instance)).kid));
    const [first] = await kids();
    expect(new Set(await kids())).toEqual(new Set([first]));
    const next = (await jwksOf(instances[0]!)).keys.map((key) => key.kid).find((kid) => kid !== first);

    await sleep(TIMING.publishBefore * 1000 + 200);
    const rotated = await instances[1]!.worker.request<{ ok: boolean; rotated: boolean }>({ type: 'rotate' });
    expect(rotated).toMatchObject({ ok: true, rotated: true });
    const rotatedAt = Date.now();
    for (let signing = await kids(); signing.some((kid) => kid !== next); signing = await kids()) {
      expect(Date.now() - rotatedAt, 'every instance follows within refreshEvery').toBeLessThan(TIMING.refreshEvery * 1000 + SLACK_MS);
      await sleep(50);
    }

    // A restarted instance finds the ring: the same current key and the same published keys.
    const before = await jwksOf(instances[0]!);
    await instances[2]!.worker.stop();
    const [restarted] = await startInstances([backends()[2]!], { ringId, kek, ...TIMING });
    running.push(restarted!.worker);
    expect((await issue(restarted!)).kid).toBe(next);
    expect(await jwksOf(restarted!)).toEqual(before);

    // A wrong KEK fails at start, and changes nothing: no key is made in place of the stored ones.
    const wrong = await startWorker({ ...backends()[0]!, ringId, kek: randomBytes(32).toString('base64url'), ...TIMING });
    running.push(wrong);
    expect(wrong.started).toMatchObject({ ok: false, code: 'ERR_KEY_INVALID' });
    expect(await jwksOf(instances[0]!)).toEqual(before);
    expect((await issue(instances[0]!)).kid).toBe(next);
  }, 60_000);

  it('a resource server with createRemoteJWKS on one instance verifies every token of every instance through three scheduled rotations', async () => {
    const ringId = `scheduled-${randomBytes(4).toString('hex')}`;
    const rotateEvery = 4;
    const instances = await start(ringId, { rotateEvery });
    const keys = createRemoteJWKS(instances[0]!.jwksUrl, { minCacheMaxAge: TIMING.jwksCacheMaxAge, cooldown: 0.5 });
    const check = (token: string) => verify(token, keys, { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE });
    const failures: string[] = [];
    const signedWith = new Set<string>();
    /** Tokens to verify again near the end of their life (signed by a key since retired). */
    const pending: { token: string; at: number }[] = [];
    const started = Date.now();
    while (signedWith.size < 4) {
      expect(Date.now() - started, 'three rotations within 3 × rotateEvery + a margin').toBeLessThan(3 * rotateEvery * 1000 + 8000);
      const issued = await Promise.all(instances.map(issue));
      for (const { token, kid } of issued) {
        signedWith.add(kid);
        pending.push({ token, at: Date.now() });
      }
      const due = pending.filter((entry) => Date.now() - entry.at >= (TIMING.accessTokenTtl - 1) * 1000);
      pending.splice(0, due.length);
      await Promise.all(
        [...issued.map((entry) => entry.token), ...due.map((entry) => entry.token)].map((token) =>
          check(token).catch((error: unknown) => void failures.push(String((error as { code?: unknown }).code))),
        ),
      );
      await sleep(150);
    }
    expect(failures).toEqual([]);
    expect(signedWith.size).toBe(4);
  }, 60_000);
}

describeWithServer('a shared key ring over one Redis, three processes', findRedisServer(), (binary) => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer(binary);
  });
  afterAll(async () => {
    await server?.dispose();
  });
  sharedRingScenario(() => (['node-redis', 'ioredis', 'node-redis'] as const).map((backend) => ({ backend, port: server.port })));
});

describeWithServer('a shared key ring over one PostgreSQL, three processes', findPostgresBindir(), (bindir) => {
  let server: PostgresServer;
  let url: string;
  beforeAll(async () => {
    server = await startPostgresServer(bindir);
    url = server.url(await server.createDatabase());
    const pool = openPool(url);
    await migrate(pool.client);
    await pool.close();
  });
  afterAll(async () => {
    await server?.dispose();
  });
  sharedRingScenario(() => Array.from({ length: 3 }, () => ({ backend: 'postgres' as const, url })));
});

describe('the shared ring test settings', () => {
  it('keep the timeline rule with room to spare', () => {
    expect(TIMING.refreshEvery + TIMING.jwksCacheMaxAge).toBeLessThan(TIMING.publishBefore);
  });
});
