// What the Redis stores promise beyond the conformance kit, on a single redis-server: option
// checks, key TTLs, the key prefix, no keyspace scans, EVALSHA with EVAL fallback, the write fence,
// error mapping, storage per session that does not grow with rotations, scripts that touch one
// family at most (revokeSubject, the session cap), the subject's cut-off, and records of contract
// v1. (On Redis Cluster: redis-cluster.test.ts.)
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  RedisRefreshTokenStore,
  RedisRevocationStore,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
} from '../../src/stores/redis/index.js';
import { REDIS_FAMILY_BATCH } from '../../src/stores/redis/refresh-token-store.js';
import { bucketOf, familyExpiryKey, familyKey, revocationKeys, subjectKeys } from '../../src/stores/redis/keys.js';
import { CREATE_FAMILY_SCRIPT, FAMILY_GRACE_SECONDS } from '../../src/stores/redis/scripts.js';
import type { NewRefreshFamily } from '../../src/tokens/store.js';
import { findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { codeOf, legacyRecord, newFamily, NOW, presented, randomHash, randomId, successorAt } from '../helpers/servers/records.js';
import { connectRedis, REDIS_FLAVOURS, type TestRedisClient } from '../helpers/servers/redis-clients.js';
import { insertLegacyRecord, rawRedis, type RawRedis } from '../helpers/servers/redis-families.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';

describe('Redis store options', () => {
  const client: RedisClientLike = { sendCommand: async () => null };

  it('refuses a missing or foreign client with ERR_INVALID_OPTION', async () => {
    for (const bad of [undefined, null, {}, { query: () => undefined }, 'redis://localhost']) {
      expect(await codeOf((async () => new RedisRefreshTokenStore({ client: bad as never }))())).toBe('ERR_INVALID_OPTION');
      expect(await codeOf((async () => new RedisRevocationStore({ client: bad as never }))())).toBe('ERR_INVALID_OPTION');
    }
    expect(await codeOf((async () => new RedisRefreshTokenStore(undefined as never))())).toBe('ERR_INVALID_OPTION');
  });

  it('refuses a bad keyPrefix or commandTimeout with ERR_INVALID_OPTION', async () => {
    const cases: object[] = [
      { keyPrefix: 42 },
      { keyPrefix: 'x'.repeat(257) },
      { commandTimeout: 0 },
      { commandTimeout: -1 },
      { commandTimeout: '10' },
      { commandTimeout: Number.NaN },
      { commandTimeout: '30d' },
    ];
    for (const options of cases) {
      expect(await codeOf((async () => new RedisRefreshTokenStore({ client, ...options }))())).toBe('ERR_INVALID_OPTION');
    }
  });

  it('accepts both call styles: ioredis call(command, args) and node-redis sendCommand(args)', async () => {
    const seen: string[][] = [];
    const io: RedisClientLike = { call: async (command: string, args: string[]) => (seen.push([command, ...args]), [null, null]) };
    const node: RedisClientLike = { sendCommand: async (args: string[]) => (seen.push(args), [null, null]) };
    expect(await new RedisRevocationStore({ client: io, keyPrefix: 'p:' }).isJtiRevoked('j', NOW)).toBe(false);
    expect(await new RedisRevocationStore({ client: node, keyPrefix: 'p:' }).isSessionRevoked('s', NOW)).toBe(false);
    // On a single node, the entry and its key of jwtkit 0.1 in one command.
    expect(seen).toEqual([
      ['MGET', revocationKeys('p:', 'jti', 'j').entry, 'p:revoked:jti:j'],
      ['MGET', revocationKeys('p:', 'session', 's').entry, 'p:revoked:session:s'],
    ]);
  });

  it('maps a client that throws, rejects or never answers to ERR_STORE_UNAVAILABLE', async () => {
    const throwing: RedisClientLike = {
      sendCommand: () => {
        throw new TypeError('socket closed');
      },
    };
    const rejecting: RedisClientLike = { sendCommand: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const silent: RedisClientLike = { sendCommand: () => new Promise(() => undefined) };
    for (const client of [throwing, rejecting, silent]) {
      const store = new RedisRefreshTokenStore({ client, commandTimeout: 0.05 });
      expect(await codeOf(store.find(randomId()))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(store.insert(newFamily(), 10))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(new RedisRevocationStore({ client, commandTimeout: 0.05 }).isSessionRevoked('s', NOW))).toBe(
        'ERR_STORE_UNAVAILABLE',
      );
    }
  });

  it('refuses malformed arguments with ERR_INVALID_OPTION before sending anything', async () => {
    let sent = 0;
    const counting: RedisClientLike = { sendCommand: async () => (sent++, null) };
    const store = new RedisRefreshTokenStore({ client: counting });
    const family = newFamily();
    expect(await codeOf(store.rotate(presented(family), successorAt(NOW), NOW + 0.5))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.rotate(presented(family, { generation: -1 }), successorAt(NOW), NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.rotate(presented(family), successorAt(NOW, { claims: [] as never }), NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...family, claims: { big: 1n } as never }, 10))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...family, claims: [] as never }, 10))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...family, jkt: 7 as never }, 10))).toBe('ERR_INVALID_OPTION');
    for (const cap of [0, 1.5, -1, '3', undefined]) expect(await codeOf(store.insert(family, cap as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.revokeFamily(family.familyId, 'because' as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.revokeSubject(family.subject, 'logout_all', undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.find(42 as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.adoptLegacy(randomHash(), 42 as never, NOW))).toBe('ERR_INVALID_OPTION');
    const revocations = new RedisRevocationStore({ client: counting });
    expect(await codeOf(revocations.revokeJti('j', Number.POSITIVE_INFINITY, NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.revokeSession('s', NOW + 10, undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.isSessionRevoked(7 as never, NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.revokeIssuedBefore('s', NOW, NOW + 10, NOW + 0.5))).toBe('ERR_INVALID_OPTION');
    expect(sent).toBe(0);
  });
});

/**
 * Wraps a single-node client so that the first call of the script `sha1` waits until `release()`
 * (as a slow network round trip would); `reached` resolves once the store sent it.
 */
function holdingClient(client: RedisClientLike, sha1: string): { client: RedisClientLike; reached: Promise<void>; release: () => void } {
  let reached!: () => void;
  const atHold = new Promise<void>((resolve) => (reached = resolve));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let armed = true;
  const hold = async (args: readonly string[]) => {
    if (armed && args[0] === 'EVALSHA' && args[1] === sha1) {
      armed = false;
      reached();
      await gate;
    }
  };
  if ('call' in client) {
    const io = client as IoRedisClientLike;
    return {
      client: { call: async (command, args) => (await hold([command, ...args]), io.call(command, args)) },
      reached: atHold,
      release,
    };
  }
  const node = client as NodeRedisClientLike;
  return { client: { sendCommand: async (args: string[]) => (await hold(args), node.sendCommand(args)) }, reached: atHold, release };
}

/** One script call (or command) as the counting client saw it. */
interface ScriptCall {
  /** How many distinct family keys (`rt:{<id>}`) the script or command read or wrote. */
  families: number;
  /** The first element of the script's reply (its status), or `'command'`. */
  status: unknown;
  /** The first key of the script or command. */
  key: string;
}

/**
 * Wraps `redis.call` of every script the store sends so that the script also answers how many
 * distinct family keys (`...rt:{<id>}`) it touched. EVALSHA answers NOSCRIPT, so the store
 * sends each script's source with EVAL, which this client rewrites. Commands are recorded too.
 */
function countingClient(client: NodeRedisClientLike): { client: NodeRedisClientLike; calls: ScriptCall[] } {
  const calls: ScriptCall[] = [];
  const instrument = (source: string) => `
local __redis = redis
local __seen, __families = {}, 0
local redis = setmetatable({ call = function(...)
  local args = {...}
  for i = 2, #args do
    local a = args[i]
    if type(a) == 'string' and string.find(a, 'rt:{', 1, true) and not __seen[a] then
      __seen[a] = true
      __families = __families + 1
    end
  end
  return __redis.call(...)
end }, { __index = __redis })
local __reply = (function()
${source}
end)()
return { __families, __reply }`;
  return {
    calls,
    client: {
      async sendCommand(args: string[]): Promise<unknown> {
        if (args[0] === 'EVALSHA') throw new Error('NOSCRIPT instrumented');
        if (args[0] !== 'EVAL') {
          calls.push({ families: String(args[1]).includes('rt:{') ? 1 : 0, status: 'command', key: String(args[1]) });
          return client.sendCommand(args);
        }
        const [families, reply] = (await client.sendCommand(['EVAL', instrument(args[1] as string), ...args.slice(2)])) as [
          number,
          unknown[],
        ];
        calls.push({ families, status: reply[0], key: String(args[3]) });
        return reply;
      },
    },
  };
}

describeWithServer('Redis stores on redis-server', findRedisServer(), (binary) => {
  let server: RedisServer;
  let admin: TestRedisClient;
  let raw: RawRedis;
  /** Every key under `prefix`, without it, sorted. */
  const keysOf = async (prefix: string) => ((await raw('KEYS', `${prefix}*`)) as string[]).map((key) => key.slice(prefix.length)).sort();

  beforeAll(async () => {
    server = await startRedisServer(binary);
    admin = await connectRedis('node-redis', server.port);
    raw = rawRedis(admin.client);
  });
  afterAll(async () => {
    await admin?.close();
    await server?.dispose();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const flavour of REDIS_FLAVOURS) {
    describe(flavour, () => {
      let connection: TestRedisClient;
      let keyPrefix: string;
      let store: RedisRefreshTokenStore;
      beforeAll(async () => {
        connection = await connectRedis(flavour, server.port);
      });
      afterAll(async () => {
        await connection?.close();
      });
      const fresh = () => {
        keyPrefix = `t:${randomBytes(6).toString('hex')}:`;
        store = new RedisRefreshTokenStore({ client: connection.client, keyPrefix });
        return store;
      };
      const ttl = async (key: string) => Number(await raw('TTL', `${keyPrefix}${key}`));

      it('gives the family key a TTL of expiresAt - createdAt plus the grace, and the subject keys at least as long', async () => {
        fresh();
        const family = newFamily({ expiresAt: NOW + 3600, idleExpiresAt: null });
        await store.insert(family, 10);
        expect((await store.rotate(presented(family), successorAt(NOW + 600, { idleExpiresAt: null }), NOW + 600)).status).toBe('rotated');
        const familyTtl = await ttl(familyKey('', family.familyId));
        expect(familyTtl).toBeGreaterThan(3590 + FAMILY_GRACE_SECONDS);
        expect(familyTtl).toBeLessThanOrEqual(3600 + FAMILY_GRACE_SECONDS);
        for (const key of subjectKeys('', family.subject).all) expect(await ttl(key)).toBeGreaterThanOrEqual(familyTtl);
        // One key per family and four per subject; only the expiry index (one bucket of 64) has no
        // TTL (deleteExpired trims it).
        const keys = await keysOf(keyPrefix);
        const bucket = familyExpiryKey('', bucketOf(family.familyId));
        expect(keys).toEqual([bucket, familyKey('', family.familyId), ...subjectKeys('', family.subject).all].sort());
        const persistent: string[] = [];
        for (const key of keys) if ((await ttl(key)) === -1) persistent.push(key);
        expect(persistent).toEqual([bucket]);
      });

      it('keeps stores with different prefixes apart', async () => {
        const a = fresh();
        const b = fresh();
        const family = newFamily();
        await a.insert(family, 10);
        expect(await b.find(family.familyId)).toBe(null);
        expect(await b.revokeSubject(family.subject, 'logout_all', NOW)).toEqual([]);
        expect((await a.find(family.familyId))?.revoked).toBe(false);
        expect(await b.rotate(presented(family), successorAt(NOW + 1), NOW + 1)).toEqual({ status: 'unknown' });
      });

      it('revokes families and subjects, and cleans up, without scanning the keyspace', async () => {
        fresh();
        const subject = `user-${randomId()}`;
        const families = [newFamily({ subject }), newFamily({ subject }), newFamily()];
        for (const family of families) await store.insert(family, 10);
        await raw('CONFIG', 'RESETSTAT');
        await store.revokeSubject(subject, 'logout_all', NOW);
        await store.revokeFamily((families[2] as NewRefreshFamily).familyId, 'logout');
        await store.deleteExpired(NOW);
        const stats = String(await raw('INFO', 'commandstats'));
        expect(stats).not.toMatch(/cmdstat_(scan|keys|sscan|zscan|hscan):/);
        for (const family of families) expect((await store.find(family.familyId))?.revoked).toBe(true);
      });

      it('loads its scripts again with EVAL after SCRIPT FLUSH (EVALSHA answers NOSCRIPT)', async () => {
        fresh();
        const family = newFamily();
        await store.insert(family, 10);
        await raw('SCRIPT', 'FLUSH');
        await raw('CONFIG', 'RESETSTAT');
        const successor = successorAt(NOW + 1);
        expect((await store.rotate(presented(family), successor, NOW + 1)).status).toBe('rotated');
        expect(String(await raw('INFO', 'commandstats'))).toMatch(/cmdstat_eval:calls=1,/);
        await raw('CONFIG', 'RESETSTAT');
        const next = { familyId: family.familyId, generation: 1, hash: successor.hash };
        expect((await store.rotate(next, successorAt(NOW + 2), NOW + 2)).status).toBe('rotated');
        expect(String(await raw('INFO', 'commandstats'))).toMatch(/cmdstat_evalsha:calls=1,/);
        expect(String(await raw('INFO', 'commandstats'))).not.toMatch(/cmdstat_eval:/);
      });

      it('refuses a duplicate family id with ERR_INVALID_OPTION and changes nothing', async () => {
        fresh();
        const family = newFamily();
        await store.insert(family, 10);
        const before = await store.find(family.familyId);
        expect(await codeOf(store.insert({ ...newFamily(), familyId: family.familyId }, 10))).toBe('ERR_INVALID_OPTION');
        expect(await store.find(family.familyId)).toEqual(before);
        // The index entry of the refused insert was taken back: the subject has its one family.
        expect(await raw('ZCARD', subjectKeys(keyPrefix, family.subject).families)).toBe(1);
      });

      it('fences writes: a script that reaches Redis after half the timeout changes nothing', async () => {
        fresh();
        const family = newFamily();
        await store.insert(family, 10);
        const before = await store.find(family.familyId);
        const legacy = legacyRecord();
        await insertLegacyRecord(raw, keyPrefix, legacy);
        // The application's clock runs 10 s behind Redis's: every fence is already past when the script runs.
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() - 10_000);
        const successor = successorAt(NOW + 1);
        expect(await codeOf(store.rotate(presented(family), successor, NOW + 1))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(store.insert(newFamily({ subject: family.subject }), 1))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(store.revokeFamily(family.familyId, 'admin'))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(store.revokeSubject(family.subject, 'admin', NOW))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(store.adoptLegacy(legacy.hash, randomHash(), NOW))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(store.deleteExpired(NOW + 7200))).toBe('ERR_STORE_UNAVAILABLE');
        const revocations = new RedisRevocationStore({ client: connection.client, keyPrefix });
        expect(await codeOf(revocations.revokeJti('j', NOW + 10, NOW))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(revocations.revokeSession('s', NOW + 10, NOW))).toBe('ERR_STORE_UNAVAILABLE');
        vi.useRealTimers();
        expect(await store.find(family.familyId)).toEqual(before);
        expect(await ttl(subjectKeys('', family.subject).state)).toBeGreaterThan(0);
        expect(await raw('HGET', subjectKeys(keyPrefix, family.subject).state, 'cutoff')).toBe(null);
        expect(await raw('EXISTS', familyKey(keyPrefix, legacy.familyId))).toBe(0);
        expect(await revocations.isJtiRevoked('j', NOW)).toBe(false);
        expect(await revocations.isSessionRevoked('s', NOW)).toBe(false);
        expect((await store.rotate(presented(family), successor, NOW + 1)).status).toBe('rotated');
      });

      it('reports data it did not write as ERR_STORE_UNAVAILABLE, never as a made-up family', async () => {
        fresh();
        const family = newFamily();
        await store.insert(family, 10);
        const key = familyKey(keyPrefix, family.familyId);
        const corruptions: [string, string | null][] = [
          ['created', 'x'],
          ['expires', ''],
          ['claims', '[1]'],
          ['gen', '-1'],
          ['gen', '1.5'],
          ['revoked', 'because'],
          ['tag', null],
          ['rotated', null],
          ['jkt', null],
        ];
        for (const [field, value] of corruptions) {
          const before = await raw('HGET', key, field);
          await (value === null ? raw('HDEL', key, field) : raw('HSET', key, field, value));
          expect(await codeOf(store.find(family.familyId))).toBe('ERR_STORE_UNAVAILABLE');
          await (before === null ? raw('HDEL', key, field) : raw('HSET', key, field, before as string));
        }
        expect((await store.find(family.familyId))?.familyId).toBe(family.familyId);
        const revocations = new RedisRevocationStore({ client: connection.client, keyPrefix });
        await raw('SET', revocationKeys(keyPrefix, 'jti', 'j').entry, 'not a time');
        expect(await codeOf(revocations.isJtiRevoked('j', NOW))).toBe('ERR_STORE_UNAVAILABLE');
        await raw('SET', revocationKeys(keyPrefix, 'session', 'e').entry, '');
        expect(await codeOf(revocations.isSessionRevoked('e', NOW))).toBe('ERR_STORE_UNAVAILABLE');
        await raw('SET', revocationKeys(keyPrefix, 'cutoff', 's').entry, '12');
        expect(await codeOf(revocations.issuedBeforeCutoff('s', NOW))).toBe('ERR_STORE_UNAVAILABLE');
      });

      it('gives every revocation key a TTL of expiresAt - now from the call, extended but never shortened', async () => {
        fresh();
        const revocations = new RedisRevocationStore({ client: connection.client, keyPrefix });
        // The caller's clock is years behind Redis's: the TTL is a duration from the call all the same.
        const then = 1_000_000_000;
        await revocations.revokeJti('j', then + 900, then);
        await revocations.revokeSession('s', then + 1200, then);
        await revocations.revokeIssuedBefore('s', then, then + 600, then);
        expect(await ttl(revocationKeys('', 'jti', 'j').entry)).toBeGreaterThan(890);
        expect(await ttl(revocationKeys('', 'jti', 'j').entry)).toBeLessThanOrEqual(900);
        expect(await ttl(revocationKeys('', 'session', 's').entry)).toBeGreaterThan(1190);
        expect(await ttl(revocationKeys('', 'session', 's').entry)).toBeLessThanOrEqual(1200);
        expect(await ttl(revocationKeys('', 'cutoff', 's').entry)).toBeGreaterThan(590);
        expect(await ttl(revocationKeys('', 'cutoff', 's').entry)).toBeLessThanOrEqual(600);
        // A later revocation with an earlier expiry keeps the entry and its TTL; a later expiry extends both.
        await revocations.revokeJti('j', then + 400, then + 100);
        await revocations.revokeSession('s', then + 400, then + 100);
        expect(await ttl(revocationKeys('', 'jti', 'j').entry)).toBeGreaterThan(890);
        expect(await ttl(revocationKeys('', 'session', 's').entry)).toBeGreaterThan(1190);
        expect(await revocations.isJtiRevoked('j', then + 899)).toBe(true);
        expect(await revocations.isSessionRevoked('s', then + 1199)).toBe(true);
        await revocations.revokeSession('s', then + 3000, then + 100);
        expect(await ttl(revocationKeys('', 'session', 's').entry)).toBeGreaterThan(2890);
        await revocations.revokeIssuedBefore('s', then + 100, then + 3700, then + 100);
        expect(await ttl(revocationKeys('', 'cutoff', 's').entry)).toBeGreaterThan(3590);
        expect(await revocations.issuedBeforeCutoff('s', then + 3699)).toBe(then + 100);
        // An entry already past its expiry still gets a TTL (one second), never none.
        await revocations.revokeJti('gone', then - 10, then);
        await revocations.revokeSession('gone', then - 10, then);
        expect(await ttl(revocationKeys('', 'jti', 'gone').entry)).toBeGreaterThan(0);
        expect(await ttl(revocationKeys('', 'session', 'gone').entry)).toBeGreaterThan(0);
        // Only the expiry indexes (their buckets) have no TTL (deleteExpired trims them).
        const persistent: string[] = [];
        for (const key of await keysOf(keyPrefix)) if ((await ttl(key)) === -1) persistent.push(key);
        const used = new Set([
          revocationKeys('', 'jti', 'j').index,
          revocationKeys('', 'jti', 'gone').index,
          revocationKeys('', 'session', 's').index,
          revocationKeys('', 'session', 'gone').index,
          revocationKeys('', 'cutoff', 's').index,
        ]);
        expect(new Set(persistent)).toEqual(used);
        // deleteExpired removes the entries and their index entries; one vanished by its TTL is not counted.
        await raw('DEL', revocationKeys(keyPrefix, 'jti', 'gone').entry);
        expect(await revocations.deleteExpired(then + 3700)).toBe(4);
        expect(await keysOf(keyPrefix)).toEqual([]);
      });

      it('honours a jti, a session and a cutoff revoked by jwtkit 0.1 (keys without a bucket) until they expire', async () => {
        fresh();
        // As jwtkit 0.1 wrote them (`<prefix>revoked:<kind>:<id>`): `expiresAt`, or `'<cutoff> <expiresAt>'`.
        await raw('SET', `${keyPrefix}revoked:jti:j1`, String(NOW + 900), 'EX', '900');
        await raw('SET', `${keyPrefix}revoked:session:s1`, String(NOW + 900), 'EX', '900');
        await raw('SET', `${keyPrefix}revoked:cutoff:alice`, `${NOW} ${NOW + 900}`, 'EX', '900');
        await raw('SET', `${keyPrefix}revoked:cutoff:bob`, `${NOW + 50} ${NOW + 900}`, 'EX', '900');
        const revocations = new RedisRevocationStore({ client: connection.client, keyPrefix });
        const read = async (at: number) => ({
          jti: await revocations.isJtiRevoked('j1', at),
          session: await revocations.isSessionRevoked('s1', at),
          alice: await revocations.issuedBeforeCutoff('alice', at),
          bob: await revocations.issuedBeforeCutoff('bob', at),
        });
        expect(await read(NOW + 1)).toEqual({ jti: true, session: true, alice: NOW, bob: NOW + 50 });
        // A cutoff written since: the later of the two counts.
        await revocations.revokeIssuedBefore('alice', NOW + 10, NOW + 600, NOW + 10);
        await revocations.revokeIssuedBefore('bob', NOW + 10, NOW + 600, NOW + 10);
        expect(await read(NOW + 11)).toMatchObject({ alice: NOW + 10, bob: NOW + 50 });
        expect(await read(NOW + 900)).toEqual({ jti: false, session: false, alice: null, bob: null });
        expect(await revocations.isJtiRevoked('other', NOW)).toBe(false);
        // deleteExpired trims the expiry indexes of 0.1 (ZSET id → expiresAt); the entries go by their TTL.
        for (const kind of ['jti', 'session', 'cutoff']) await raw('ZADD', `${keyPrefix}revoked:${kind}-expiry`, String(NOW + 900), 'x');
        await raw('ZADD', `${keyPrefix}revoked:jti-expiry`, String(NOW + 5000), 'later');
        await revocations.deleteExpired(NOW + 900);
        expect(await raw('ZRANGE', `${keyPrefix}revoked:jti-expiry`, '0', '-1')).toEqual(['later']);
        expect(await raw('EXISTS', `${keyPrefix}revoked:session-expiry`, `${keyPrefix}revoked:cutoff-expiry`)).toBe(0);
      });

      it('a login racing revokeSubject (its session indexed, not yet stored) is refused at refresh and answered by revokeSubject', async () => {
        fresh();
        const held = holdingClient(connection.client, CREATE_FAMILY_SCRIPT.sha1);
        const slow = new RedisRefreshTokenStore({ client: held.client, keyPrefix, commandTimeout: 30 });
        const family = newFamily();
        const login = slow.insert(family, 10);
        await held.reached;
        const answered = await store.revokeSubject(family.subject, 'logout_all', NOW);
        held.release();
        expect(await login).toEqual([]);
        expect(await store.find(family.familyId)).toMatchObject({ revoked: true, revokedReason: 'logout_all' });
        expect((await store.rotate(presented(family), successorAt(NOW + 1), NOW + 1)).status).toBe('revoked');
        // Answered, so that the caller revokes its access tokens too.
        expect(answered).toEqual([{ familyId: family.familyId, expiresAt: family.expiresAt }]);
      });

      it('the session cap counts a concurrent login not yet stored as live, and keeps it in the live sets', async () => {
        fresh();
        const subject = `user-${randomId()}`;
        const [first, pending, third] = [1, 2, 3].map((index) => newFamily({ subject, createdAt: NOW + index })) as [
          NewRefreshFamily,
          NewRefreshFamily,
          NewRefreshFamily,
        ];
        await store.insert(first, 2);
        const held = holdingClient(connection.client, CREATE_FAMILY_SCRIPT.sha1);
        const slow = new RedisRefreshTokenStore({ client: held.client, keyPrefix, commandTimeout: 30 });
        const login = slow.insert(pending, 2);
        await held.reached;
        // Three sessions and a cap of 2: the oldest stored one is revoked; the pending one is neither revoked nor forgotten.
        expect(await store.insert(third, 2)).toEqual([{ familyId: first.familyId, expiresAt: first.expiresAt }]);
        held.release();
        expect(await login).toEqual([]);
        const { live, liveExpiry } = subjectKeys(keyPrefix, subject);
        expect(await raw('ZRANGE', live, '0', '-1')).toEqual([pending.familyId, third.familyId]);
        expect(await raw('ZRANGE', liveExpiry, '0', '-1')).toEqual(expect.arrayContaining([pending.familyId, third.familyId]));
        // The next login over the cap counts it, and revokes it as the oldest.
        const fourth = newFamily({ subject, createdAt: NOW + 4 });
        expect(await store.insert(fourth, 2)).toEqual([{ familyId: pending.familyId, expiresAt: pending.expiresAt }]);
      });

      it('deleteExpired removes expired families with every index entry, records of contract v1 included', async () => {
        fresh();
        const subject = `user-${randomId()}`;
        const family = newFamily({ subject, expiresAt: NOW + 100 });
        await store.insert(family, 10);
        await store.rotate(presented(family), successorAt(NOW + 10), NOW + 10);
        const revoked = newFamily({ subject, expiresAt: NOW + 100 });
        await store.insert(revoked, 10);
        await store.revokeSubject(subject, 'logout_all', NOW + 20);
        // A legacy family of two tokens, and a legacy family adopted (it then has both kinds of keys).
        const first = legacyRecord({ subject, expiresAt: NOW + 100 });
        await insertLegacyRecord(raw, keyPrefix, { ...first, usedAt: NOW + 5 });
        await insertLegacyRecord(raw, keyPrefix, {
          ...legacyRecord({ subject, expiresAt: NOW + 100 }),
          familyId: first.familyId,
          parentHash: first.hash,
        });
        const adopted = legacyRecord({ subject, expiresAt: NOW + 100 });
        await insertLegacyRecord(raw, keyPrefix, adopted);
        expect(await store.adoptLegacy(adopted.hash, randomHash(), NOW + 30)).toEqual({ status: 'current', familyId: adopted.familyId });
        const lasting = newFamily({ subject, createdAt: NOW + 40, expiresAt: NOW + 200 });
        await store.insert(lasting, 10);
        expect(await store.deleteExpired(NOW + 99)).toBe(0);
        // Three families of contract v2 (one adopted) and the legacy family.
        expect(await store.deleteExpired(NOW + 100)).toBe(4);
        expect(await store.find(lasting.familyId)).not.toBe(null);
        expect(await store.adoptLegacy(first.hash, randomHash(), NOW + 100)).toBe(null);
        expect(await keysOf(keyPrefix)).toEqual(
          [familyExpiryKey('', bucketOf(lasting.familyId)), familyKey('', lasting.familyId), ...subjectKeys('', subject).all].sort(),
        );
        expect(await raw('ZRANGE', subjectKeys(keyPrefix, subject).families, '0', '-1')).toEqual([lasting.familyId]);
        expect(await store.deleteExpired(NOW + 200)).toBe(1);
        expect(await keysOf(keyPrefix)).toEqual([]);
      });
    });
  }

  describe('bounded storage and scripts (node-redis)', () => {
    let connection: TestRedisClient;
    beforeAll(async () => {
      connection = await connectRedis('node-redis', server.port);
    });
    afterAll(async () => {
      await connection?.close();
    });
    const freshPrefix = () => `b:${randomBytes(6).toString('hex')}:`;

    /** The bytes of every key under `prefix` (MEMORY USAGE, exact for collections: SAMPLES 0). */
    async function bytesUnder(prefix: string): Promise<number> {
      let total = 0;
      for (const key of (await raw('KEYS', `${prefix}*`)) as string[]) total += Number(await raw('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      return total;
    }

    it('a session takes the same storage after 1,000 and 2,000 rotations as after a few, in one key', async () => {
      const keyPrefix = freshPrefix();
      const store = new RedisRefreshTokenStore({ client: connection.client, keyPrefix });
      const family = newFamily({ expiresAt: NOW + 30 * 86_400 });
      await store.insert(family, 10);
      const before = await bytesUnder(keyPrefix);
      let current = { familyId: family.familyId, hash: family.hash, generation: 0 };
      const rotateTo = async (generation: number) => {
        while (current.generation < generation) {
          const now = NOW + current.generation + 1;
          const result = await store.rotate(presented(current), successorAt(now), now);
          if (result.status !== 'rotated') throw new Error(result.status);
          current = result.family;
        }
      };
      await rotateTo(200);
      const after200 = await bytesUnder(keyPrefix);
      await rotateTo(1000);
      const after1000 = await bytesUnder(keyPrefix);
      await rotateTo(2000);
      expect(await bytesUnder(keyPrefix)).toBe(after1000);
      expect(after1000).toBe(after200);
      // The few bytes between none and some rotations: `rotated` and `gen` gain digits.
      expect(after1000 - before).toBeLessThanOrEqual(64);
      // The family, its subject's four keys, one bucket of the expiry index.
      expect((await raw('KEYS', `${keyPrefix}*`)) as string[]).toHaveLength(6);
      // Every earlier generation still reads as used.
      expect((await store.rotate(presented(family), successorAt(NOW + 5000), NOW + 5000)).status).toBe('used');
    });

    it('revokeSubject over 10,000 sessions: the cut-off first, then one script per family, in pages of 500', async () => {
      const keyPrefix = freshPrefix();
      const subject = `user-${randomId()}`;
      const seed = new RedisRefreshTokenStore({ client: connection.client, keyPrefix, commandTimeout: 30 });
      const families: NewRefreshFamily[] = Array.from({ length: 10_000 }, () => newFamily({ subject }));
      for (let start = 0; start < families.length; start += 2_000) {
        await Promise.all(families.slice(start, start + 2_000).map((family) => seed.insert(family, 1_000_000)));
      }
      // One revoked before the call: answered too.
      await seed.revokeFamily((families[7] as NewRefreshFamily).familyId, 'logout');
      const counting = countingClient(connection.client as NodeRedisClientLike);
      const store = new RedisRefreshTokenStore({ client: counting.client, keyPrefix, commandTimeout: 30 });
      // A login of the subject right after the call started (same second), and a refresh of one of
      // its families that the batches have not reached yet.
      const oldest = families[0] as NewRefreshFamily;
      const last = families.at(-1) as NewRefreshFamily;
      const late = newFamily({ subject });
      let during: Promise<unknown> | undefined;
      const original = counting.client.sendCommand.bind(counting.client);
      counting.client.sendCommand = async (args) => {
        const reply = await original(args);
        // Right after the cut-off (the first script).
        if (args[0] === 'EVAL' && counting.calls.filter((call) => call.status !== 'command').length === 1 && during === undefined) {
          during = Promise.all([
            seed.insert(late, 1_000_000),
            seed.rotate(presented(last), successorAt(NOW + 1), NOW + 1),
            seed.rotate(presented(oldest), successorAt(NOW + 1), NOW + 1),
          ]);
          await during;
        }
        return reply;
      };
      const revoked = await store.revokeSubject(subject, 'logout_all', NOW);
      expect(revoked).toHaveLength(10_000);
      expect(new Set(revoked.map((family) => family.familyId))).toEqual(new Set(families.map((family) => family.familyId)));
      expect(revoked.every((family) => family.expiresAt === NOW + 3600)).toBe(true);
      // The cut-off touched no family; then one script per family (its own key only, so any
      // Redis Cluster slot), read in pages of 500.
      const scripts = counting.calls.filter((call) => call.status !== 'command');
      expect(scripts[0]).toMatchObject({ families: 0, status: 'ok' });
      expect(Math.max(...scripts.map((call) => call.families))).toBe(1);
      expect(scripts.filter((call) => call.families === 1)).toHaveLength(10_000);
      const pages = counting.calls.filter((call) => call.status === 'command' && call.key.endsWith(':families'));
      expect(pages).toHaveLength(1 + 10_000 / REDIS_FAMILY_BATCH);
      // During the revocations: the new login worked and is not revoked; the family not yet reached could not rotate.
      const [, lastRotated, oldestRotated] = (await during) as [unknown, { status: string }, { status: string }];
      expect(lastRotated.status).toBe('revoked');
      expect(oldestRotated.status).toBe('revoked');
      expect((await seed.find(late.familyId))?.revoked).toBe(false);
      expect((await seed.rotate(presented(late), successorAt(NOW + 2), NOW + 2)).status).toBe('rotated');
      expect(await seed.find(last.familyId)).toMatchObject({ revoked: true, revokedReason: 'logout_all', generation: 0 });
      expect(await seed.find((families[7] as NewRefreshFamily).familyId)).toMatchObject({ revokedReason: 'logout' });
      // Idempotent: again every family of before, the new login revoked now too.
      expect(await seed.revokeSubject(subject, 'admin', NOW)).toHaveLength(10_001);
      await raw('FLUSHDB');
    }, 120_000);

    it('revokeSubject that fails part-way: the cut-off holds (nothing of before refreshes), and a retry answers every family', async () => {
      const keyPrefix = freshPrefix();
      const subject = `user-${randomId()}`;
      const seed = new RedisRefreshTokenStore({ client: connection.client, keyPrefix, commandTimeout: 30 });
      const families = Array.from({ length: 1_200 }, () => newFamily({ subject }));
      await Promise.all(families.map((family) => seed.insert(family, 1_000_000)));
      // The connection breaks after the cut-off and the first batch.
      let scripts = 0;
      const inner = connection.client as NodeRedisClientLike;
      const breaking: NodeRedisClientLike = {
        sendCommand: async (args) => {
          if (args[0] === 'EVALSHA' && ++scripts > 2) throw new Error('ECONNRESET');
          return inner.sendCommand(args);
        },
      };
      const store = new RedisRefreshTokenStore({ client: breaking, keyPrefix });
      expect(await codeOf(store.revokeSubject(subject, 'logout_all', NOW))).toBe('ERR_STORE_UNAVAILABLE');
      const last = families.at(-1) as NewRefreshFamily;
      expect(await raw('HEXISTS', familyKey(keyPrefix, last.familyId), 'revoked')).toBe(0);
      expect(await seed.find(last.familyId)).toMatchObject({ revoked: true, revokedReason: 'logout_all' });
      expect((await seed.rotate(presented(last), successorAt(NOW + 1), NOW + 1)).status).toBe('revoked');
      const login = newFamily({ subject });
      await seed.insert(login, 1_000_000);
      const retried = await seed.revokeSubject(subject, 'logout_all', NOW + 2);
      expect(new Set(retried.map((family) => family.familyId))).toEqual(new Set([...families, login].map((family) => family.familyId)));
      await raw('FLUSHDB');
    }, 60_000);

    it('the session cap counts live families without reading revoked ones, and works in pages past 500', async () => {
      const keyPrefix = freshPrefix();
      const subject = `user-${randomId()}`;
      const seed = new RedisRefreshTokenStore({ client: connection.client, keyPrefix, commandTimeout: 30 });
      // 2,000 families revoked, then 3 live ones.
      const old = Array.from({ length: 2_000 }, (_, index) => newFamily({ subject, createdAt: NOW - 5000 + index }));
      await Promise.all(old.map((family) => seed.insert(family, 1_000_000)));
      await seed.revokeSubject(subject, 'logout_all', NOW);
      const live = [1, 2, 3].map((index) => newFamily({ subject, createdAt: NOW + index }));
      for (const family of live) await seed.insert(family, 3);
      const counting = countingClient(connection.client as NodeRedisClientLike);
      const store = new RedisRefreshTokenStore({ client: counting.client, keyPrefix });
      const familyTouches = () => counting.calls.reduce((sum, call) => sum + call.families, 0);
      // Under the cap: the new family only (its own script).
      expect(await store.insert(newFamily({ subject, createdAt: NOW + 10 }), 10)).toEqual([]);
      expect(familyTouches()).toBe(1);
      // Over the cap: the new family, a read of each of the 4 other live ones, the revocation of the oldest; never the 2,000 revoked.
      counting.calls.length = 0;
      const added = newFamily({ subject, createdAt: NOW + 11 });
      expect(await store.insert(added, 4)).toEqual([{ familyId: (live[0] as NewRefreshFamily).familyId, expiresAt: NOW + 3600 }]);
      expect(familyTouches()).toBe(6);
      // 1,200 live families and a cap lowered to 2: the oldest 1,199 are revoked, one script each.
      const many = Array.from({ length: 1_200 }, (_, index) => newFamily({ subject: `${subject}-2`, createdAt: NOW - 2000 + index }));
      await Promise.all(many.map((family) => seed.insert(family, 1_000_000)));
      counting.calls.length = 0;
      const newest = newFamily({ subject: `${subject}-2`, createdAt: NOW });
      const capped = await store.insert(newest, 2);
      expect(new Set(capped.map((family) => family.familyId))).toEqual(new Set(many.slice(0, 1_199).map((family) => family.familyId)));
      expect(Math.max(...counting.calls.map((call) => call.families))).toBe(1);
      expect((await seed.find((many.at(-1) as NewRefreshFamily).familyId))?.revoked).toBe(false);
      expect((await seed.find(newest.familyId))?.revoked).toBe(false);
      expect(await seed.find((many[0] as NewRefreshFamily).familyId)).toMatchObject({ revokedReason: 'session_limit' });
      await raw('FLUSHDB');
    }, 60_000);

    it('revokeSubject moves a subject’s families of contract v1 into its index in batches, and revokes them', async () => {
      const keyPrefix = freshPrefix();
      const subject = `user-${randomId()}`;
      const legacy = Array.from({ length: 1_100 }, () => legacyRecord({ subject }));
      await Promise.all(legacy.map((record) => insertLegacyRecord(raw, keyPrefix, record)));
      const adopted = legacy[0] as (typeof legacy)[number];
      const seed = new RedisRefreshTokenStore({ client: connection.client, keyPrefix, commandTimeout: 30 });
      expect(await seed.adoptLegacy(adopted.hash, randomHash(), NOW)).toEqual({ status: 'current', familyId: adopted.familyId });
      const current = newFamily({ subject });
      await seed.insert(current, 10);
      const counting = countingClient(connection.client as NodeRedisClientLike);
      const store = new RedisRefreshTokenStore({ client: counting.client, keyPrefix });
      const revoked = await store.revokeSubject(subject, 'admin', NOW);
      expect(new Set(revoked.map((family) => family.familyId))).toEqual(
        new Set([...legacy.map((record) => record.familyId), current.familyId]),
      );
      expect(revoked.every((family) => family.expiresAt === NOW + 3600)).toBe(true);
      // The moves (500 ids each) touch no family; every other script one family at most.
      const moves = counting.calls.filter((call) => call.status !== 'command' && call.key === `${keyPrefix}rt:subject:${subject}`);
      expect(moves.map((call) => call.families)).toEqual([0, 0, 0]);
      expect(Math.max(...counting.calls.map((call) => call.families))).toBe(1);
      expect(await raw('EXISTS', `${keyPrefix}rt:subject:${subject}`)).toBe(0);
      // A legacy token adopted after the call belongs to a revoked family.
      const later = legacy[5] as (typeof legacy)[number];
      expect(await seed.adoptLegacy(later.hash, randomHash(), NOW)).toEqual({ status: 'current', familyId: later.familyId });
      expect(await seed.find(later.familyId)).toMatchObject({ revoked: true, revokedReason: 'admin' });
      expect((await seed.rotate(presented({ familyId: later.familyId, hash: later.hash }), successorAt(NOW + 1), NOW + 1)).status).toBe(
        'revoked',
      );
      await raw('FLUSHDB');
    }, 60_000);
  });
});
