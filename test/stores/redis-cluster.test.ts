// What the Redis stores promise on Redis Cluster beyond the conformance kits (those run in
// redis-cluster-conformance.test.ts): the client detection and the construction refusals, the
// DPoP replay cache and the login counters on a real three-master cluster, sessions spread over
// the masters (keys and script calls), NOSCRIPT answered per node, and a revokeSubject racing a
// rotate that read the subject's cut-off before it was written.
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RedisDPoPReplayCache,
  RedisLoginAttemptStore,
  RedisRefreshTokenStore,
  RedisRevocationStore,
  type IoRedisClientLike,
  type NodeRedisClusterLike,
  type RedisClientLike,
} from '../../src/stores/redis/index.js';
import { RedisExecutor, type LuaScript } from '../../src/stores/redis/client.js';
import { familyKey, subjectKeys } from '../../src/stores/redis/keys.js';
import { REVOKE_MEMBER_SCRIPT, REVOKE_SUBJECT_START_SCRIPT, ROTATE_SCRIPT } from '../../src/stores/redis/scripts.js';
import type { NewRefreshFamily } from '../../src/tokens/store.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { codeOf, newFamily, NOW, presented, successorAt } from '../helpers/servers/records.js';
import { findRedisClusterBinaries, startRedisCluster, type RedisCluster } from '../helpers/servers/redis-cluster.js';
import { connectRedisCluster, REDIS_CLUSTER_FLAVOURS, type TestRedisClusterClient } from '../helpers/servers/redis-cluster-clients.js';

const STORES = [RedisRefreshTokenStore, RedisRevocationStore, RedisDPoPReplayCache, RedisLoginAttemptStore] as const;

describe('Redis clients: detection and refusals', () => {
  it('sends a node-redis cluster its commands as sendCommand(firstKey, isReadonly, args), routed by the first declared key', async () => {
    const seen: unknown[][] = [];
    const cluster: NodeRedisClusterLike = {
      sendCommand: async (firstKey, isReadonly, args) => (seen.push([firstKey, isReadonly, args]), args.slice(2).map(() => null)),
      getSlotMaster: () => undefined,
    };
    const store = new RedisRefreshTokenStore({ client: cluster, keyPrefix: 'p:' });
    expect(await store.find('fam')).toBe(null);
    const [routedBy, readonly, sent] = seen[0] as [string, boolean, string[]];
    expect([routedBy, readonly, sent.slice(0, 2)]).toEqual(['p:rt:{fam}', false, ['HMGET', 'p:rt:{fam}']]);
    seen.length = 0;
    await new RedisRevocationStore({ client: cluster, keyPrefix: 'p:' }).revokeJti('j', NOW + 10, NOW).catch(() => undefined);
    const [firstKey, , args] = seen[0] as [string, boolean, string[]];
    expect(args.slice(0, 2)).toEqual(['EVALSHA', expect.any(String)]);
    expect(args[2]).toBe('2');
    expect(args[3]).toBe(firstKey);
    expect(firstKey).toMatch(/^p:revoked:\{r\d+\}:jti:j$/);
  });

  it('reads a revocation with one GET on a cluster (jwtkit 0.1 left no keys there), both keys with one MGET on a single node', async () => {
    const seen: unknown[][] = [];
    const cluster: NodeRedisClusterLike = {
      sendCommand: async (_firstKey, _isReadonly, args) => (seen.push(args), null),
      getSlotMaster: () => undefined,
    };
    expect(await new RedisRevocationStore({ client: cluster, keyPrefix: 'p:' }).isJtiRevoked('j', NOW)).toBe(false);
    expect(seen).toEqual([['GET', expect.stringMatching(/^p:revoked:\{r\d+\}:jti:j$/)]]);
    // ioredis: a Cluster is told from a Redis by its isCluster.
    const lazy = { lazyConnect: true } as const;
    expect(new RedisExecutor(new Cluster([{ host: '127.0.0.1', port: 1 }], lazy), 1000).cluster).toBe(true);
    expect(new RedisExecutor(new Redis(lazy), 1000).cluster).toBe(false);
    expect(new RedisExecutor({ sendCommand: async () => null }, 1000).cluster).toBe(false);
  });

  it('refuses a keyPrefix with { or } on any client (the store sets the hash tags)', async () => {
    const single: RedisClientLike = { sendCommand: async () => null };
    for (const keyPrefix of ['{jwtkit}:', 'app{', 'app}', '{}']) {
      for (const Store of STORES) expect(await codeOf((async () => new Store({ client: single, keyPrefix }))())).toBe('ERR_INVALID_OPTION');
    }
  });

  it('refuses a client configured with its own key prefix (ioredis Redis and Cluster, node-redis)', async () => {
    const io = new Redis({ lazyConnect: true, keyPrefix: 'app:' });
    const ioCluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true, keyPrefix: 'app:' });
    const ioClusterNested = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true, redisOptions: { keyPrefix: 'app:' } });
    const nodeRedis = { sendCommand: async () => null, _keyPrefix: 'app:' };
    for (const client of [io, ioCluster, ioClusterNested, nodeRedis]) {
      for (const Store of STORES)
        expect(await codeOf((async () => new Store({ client: client as IoRedisClientLike }))())).toBe('ERR_INVALID_OPTION');
    }
    // The same clients without a prefix are taken.
    expect(new RedisRefreshTokenStore({ client: new Redis({ lazyConnect: true }) })).toBeInstanceOf(RedisRefreshTokenStore);
    expect(new RedisRefreshTokenStore({ client: new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true }) })).toBeInstanceOf(
      RedisRefreshTokenStore,
    );
  });
});

describeWithServer('Redis stores on a three-master Redis Cluster', findRedisClusterBinaries(), (binary) => {
  let cluster: RedisCluster;
  const connections = new Map<string, TestRedisClusterClient>();
  beforeAll(async () => {
    cluster = await startRedisCluster(binary);
    for (const flavour of REDIS_CLUSTER_FLAVOURS) connections.set(flavour, await connectRedisCluster(flavour, cluster));
  }, 90_000);
  afterAll(async () => {
    for (const connection of connections.values()) await connection.close();
    await cluster?.dispose();
  });
  const clientOf = (flavour: string): RedisClientLike => (connections.get(flavour) as TestRedisClusterClient).client;

  /** The port of the master that owns `key`'s slot. */
  async function ownerOf(key: string): Promise<number> {
    const first = cluster.nodes[0] as { port: number };
    const slot = Number(await cluster.cli(first.port, 'CLUSTER', 'KEYSLOT', key));
    for (const node of cluster.nodes) {
      const myself = (await cluster.cli(node.port, 'CLUSTER', 'NODES')).split('\n').find((line) => line.includes('myself')) ?? '';
      for (const range of myself.split(' ').slice(8)) {
        const [low, high] = range.split('-').map(Number) as [number, number | undefined];
        if (slot >= low && slot <= (high ?? low)) return node.port;
      }
    }
    throw new Error(`no owner for slot ${slot}`);
  }

  /**
   * The scripts one node ran since its last CONFIG RESETSTAT: `evalsha` calls that did not fail
   * (a failure is NOSCRIPT, resent as `eval`) plus `eval` calls. (Calls a node refused before
   * running them, such as a MOVED redirect, are not counted by Redis as calls.)
   */
  async function scriptCalls(port: number): Promise<number> {
    const stats = await cluster.cli(port, 'INFO', 'commandstats');
    const stat = (name: string, field: string): number => Number(new RegExp(`cmdstat_${name}:.*?\\b${field}=(\\d+)`).exec(stats)?.[1] ?? 0);
    return stat('evalsha', 'calls') - stat('evalsha', 'failed_calls') + stat('eval', 'calls');
  }

  for (const flavour of REDIS_CLUSTER_FLAVOURS) {
    describe(flavour, () => {
      it('the DPoP replay cache accepts a proof once across clients, wherever its key lands', async () => {
        const keyPrefix = `dpop:${randomBytes(4).toString('hex')}:`;
        const cache = new RedisDPoPReplayCache({ client: clientOf(flavour), keyPrefix });
        const other = new RedisDPoPReplayCache({
          client: clientOf(REDIS_CLUSTER_FLAVOURS.find((f) => f !== flavour) as string),
          keyPrefix,
        });
        const keys = Array.from({ length: 30 }, () => randomBytes(8).toString('hex'));
        const owners = new Set(await Promise.all(keys.map((key) => ownerOf(`${keyPrefix}dpop:${key}`))));
        expect(owners.size).toBe(3);
        for (const key of keys) {
          const results = await Promise.all([cache.checkAndRemember(key, NOW + 60, NOW), other.checkAndRemember(key, NOW + 60, NOW)]);
          expect(results.filter(Boolean)).toHaveLength(1);
        }
      });

      it('the login counters count exactly under concurrency, read and reset, on every master', async () => {
        const keyPrefix = `login:${randomBytes(4).toString('hex')}:`;
        const store = new RedisLoginAttemptStore({ client: clientOf(flavour), keyPrefix });
        const now = 1_700_000_000_000;
        const keys = Array.from({ length: 12 }, (_, index) => `account:${index}`);
        expect(new Set(await Promise.all(keys.map((key) => ownerOf(`${keyPrefix}login:${key}`)))).size).toBe(3);
        await Promise.all(keys.flatMap((key) => Array.from({ length: 20 }, () => store.add(key, 1, now, 60_000))));
        for (const key of keys) expect(await store.read(key, now + 1)).toEqual({ count: 20, lastAt: now, expiresAt: now + 60_000 });
        await store.reset(keys[0] as string);
        expect(await store.read(keys[0] as string, now + 1)).toBeUndefined();
        expect((await store.add(keys[1] as string, -1, now + 2, 60_000)).count).toBe(19);
      });

      it('a node that lost its scripts (SCRIPT FLUSH) answers NOSCRIPT: the call goes on with EVAL on that node', async () => {
        const keyPrefix = `noscript:${randomBytes(4).toString('hex')}:`;
        const store = new RedisRefreshTokenStore({ client: clientOf(flavour), keyPrefix });
        const family = newFamily();
        await store.insert(family, 10);
        const port = await ownerOf(familyKey(keyPrefix, family.familyId));
        await cluster.cli(port, 'SCRIPT', 'FLUSH');
        await cluster.cli(port, 'CONFIG', 'RESETSTAT');
        const successor = successorAt(NOW + 1);
        expect((await store.rotate(presented(family), successor, NOW + 1)).status).toBe('rotated');
        expect(await cluster.cli(port, 'INFO', 'commandstats')).toMatch(/cmdstat_eval:calls=1,/);
        // The node has the script again: the next rotation is EVALSHA.
        await cluster.cli(port, 'CONFIG', 'RESETSTAT');
        const next = { familyId: family.familyId, generation: 1, hash: successor.hash };
        expect((await store.rotate(next, successorAt(NOW + 2), NOW + 2)).status).toBe('rotated');
        expect(await cluster.cli(port, 'INFO', 'commandstats')).not.toMatch(/cmdstat_eval:/);
      });
    });
  }

  it('a revokeSubject racing a rotate that read the cut-off before it was written leaves no usable successor', async () => {
    const inner = clientOf('ioredis Cluster') as IoRedisClientLike;
    const keyPrefix = `race:${randomBytes(4).toString('hex')}:`;
    const subject = `user-${randomBytes(4).toString('hex')}`;
    const family: NewRefreshFamily = newFamily({ subject });
    await new RedisRefreshTokenStore({ client: inner, keyPrefix }).insert(family, 10);
    const { state } = subjectKeys(keyPrefix, subject);
    /** Whether a command runs `script` (EVALSHA, or EVAL after NOSCRIPT). */
    const runs = (command: string, args: string[], script: LuaScript) =>
      (command === 'EVALSHA' && args[0] === script.sha1) || (command === 'EVAL' && args[0] === script.source);
    const signal = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      return { promise, resolve };
    };
    const cutoffRead = signal();
    const cutoffWritten = signal();
    const rotated = signal();
    // The order a slow network can give: the rotate reads the subject's cut-off (none yet); then
    // revokeSubject writes it; then the rotate's script runs; only then does revokeSubject revoke
    // the family.
    const rotating: IoRedisClientLike = {
      call: async (command, args) => {
        if (runs(command, args, ROTATE_SCRIPT)) await cutoffWritten.promise;
        const reply = await inner.call(command, args);
        if (command === 'HMGET' && args[0] === state) cutoffRead.resolve();
        if (runs(command, args, ROTATE_SCRIPT)) rotated.resolve();
        return reply;
      },
    };
    const revoking: IoRedisClientLike = {
      call: async (command, args) => {
        if (runs(command, args, REVOKE_SUBJECT_START_SCRIPT)) await cutoffRead.promise;
        if (runs(command, args, REVOKE_MEMBER_SCRIPT)) await rotated.promise;
        const reply = await inner.call(command, args);
        if (runs(command, args, REVOKE_SUBJECT_START_SCRIPT)) cutoffWritten.resolve();
        return reply;
      },
    };
    const rotateStore = new RedisRefreshTokenStore({ client: rotating, keyPrefix, commandTimeout: 10 });
    const revokeStore = new RedisRefreshTokenStore({ client: revoking, keyPrefix, commandTimeout: 10 });
    const successor = successorAt(NOW + 1);
    const [result, reached] = await Promise.all([
      rotateStore.rotate(presented(family), successor, NOW + 1),
      revokeStore.revokeSubject(subject, 'logout_all', NOW + 1),
    ]);
    // The rotate's script ran with no cut-off (it had read none): it rotated. revokeSubject then
    // revoked the family, and answers it, so the caller ends its access tokens too.
    expect(result.status).toBe('rotated');
    expect(reached.map((entry) => entry.familyId)).toEqual([family.familyId]);
    const after = { familyId: family.familyId, generation: 1, hash: successor.hash };
    expect((await rotateStore.rotate(after, successorAt(NOW + 2), NOW + 2)).status).toBe('revoked');
    expect(await rotateStore.find(family.familyId)).toMatchObject({ generation: 1, revoked: true, revokedReason: 'logout_all' });
  });

  it('3,000 sessions issued and refreshed once spread over the masters: none holds more than 50% of the keys or ran more than 50% of the scripts', async () => {
    for (const node of cluster.nodes) {
      await cluster.cli(node.port, 'FLUSHALL');
      await cluster.cli(node.port, 'CONFIG', 'RESETSTAT');
    }
    const store = new RedisRefreshTokenStore({ client: clientOf('ioredis Cluster'), keyPrefix: 'jwtkit:' });
    const families = Array.from({ length: 3_000 }, (_, index) => newFamily({ subject: `user-${index % 1_000}` }));
    for (let start = 0; start < families.length; start += 300) {
      const slice = families.slice(start, start + 300);
      await Promise.all(slice.map((family) => store.insert(family, 100)));
      const results = await Promise.all(slice.map((family) => store.rotate(presented(family), successorAt(NOW + 1), NOW + 1)));
      expect(results.every((result) => result.status === 'rotated')).toBe(true);
    }
    const keys = await Promise.all(cluster.nodes.map(async (node) => Number(await cluster.cli(node.port, 'DBSIZE'))));
    const scripts = await Promise.all(cluster.nodes.map((node) => scriptCalls(node.port)));
    const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
    // 3,000 session keys, 4 keys for each of 1,000 subjects, the 64 buckets of the expiry index.
    expect(total(keys)).toBe(3_000 + 4 * 1_000 + 64);
    // Per session: 3 scripts at login (subject and cap count, session, expiry index), 1 at the refresh.
    expect(total(scripts)).toBe(4 * 3_000);
    for (const count of keys) expect(count / total(keys)).toBeLessThanOrEqual(0.5);
    for (const count of scripts) expect(count / total(scripts)).toBeLessThanOrEqual(0.5);
  }, 120_000);
});
