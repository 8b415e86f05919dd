// What the Redis stores promise beyond the conformance kit: option checks, key TTLs, the key
// prefix, no keyspace scans, EVALSHA with EVAL fallback, the write fence, and error mapping.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisRefreshTokenStore, RedisRevocationStore, type RedisClientLike } from '../../src/stores/redis/index.js';
import { findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { codeOf, firstRecord, NOW, randomHash, randomId, successorOf } from '../helpers/servers/records.js';
import { connectRedis, REDIS_FLAVOURS, type TestRedisClient } from '../helpers/servers/redis-clients.js';
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
    const io: RedisClientLike = { call: async (command: string, args: string[]) => (seen.push([command, ...args]), null) };
    const node: RedisClientLike = { sendCommand: async (args: string[]) => (seen.push(args), null) };
    expect(await new RedisRevocationStore({ client: io, keyPrefix: 'p:' }).isJtiRevoked('j', NOW)).toBe(false);
    expect(await new RedisRevocationStore({ client: node, keyPrefix: 'p:' }).isJtiRevoked('j', NOW)).toBe(false);
    expect(seen).toEqual([
      ['GET', 'p:revoked:jti:j'],
      ['GET', 'p:revoked:jti:j'],
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
      expect(await codeOf(store.find(randomHash()))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(store.insert(firstRecord()))).toBe('ERR_STORE_UNAVAILABLE');
    }
  });

  it('refuses malformed arguments with ERR_INVALID_OPTION before sending anything', async () => {
    let sent = 0;
    const counting: RedisClientLike = { sendCommand: async () => (sent++, null) };
    const store = new RedisRefreshTokenStore({ client: counting });
    const record = firstRecord();
    expect(await codeOf(store.rotate(record.hash, successorOf(record, NOW), NOW + 0.5))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...record, claims: { big: 1n } as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...record, claims: [] as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.revokeFamily(record.familyId, 'because' as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.find(42 as never))).toBe('ERR_INVALID_OPTION');
    const revocations = new RedisRevocationStore({ client: counting });
    expect(await codeOf(revocations.revokeJti('j', Number.POSITIVE_INFINITY, NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.revokeJti('j', NOW + 10, undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.revokeIssuedBefore('s', NOW, NOW + 10, NOW + 0.5))).toBe('ERR_INVALID_OPTION');
    expect(sent).toBe(0);
  });
});

describeWithServer('Redis stores on redis-server', findRedisServer(), (binary) => {
  let server: RedisServer;
  let admin: TestRedisClient;
  const raw = (...args: string[]) => (admin.client as { sendCommand(a: string[]): Promise<unknown> }).sendCommand(args);

  beforeAll(async () => {
    server = await startRedisServer(binary);
    admin = await connectRedis('node-redis', server.port);
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

      it('gives every token key a TTL of expiresAt - now, and family/subject keys at least as long', async () => {
        fresh();
        const record = firstRecord({ expiresAt: NOW + 3600, idleExpiresAt: null });
        await store.insert(record);
        const successor = successorOf(record, NOW + 600);
        expect((await store.rotate(record.hash, successor, NOW + 600)).status).toBe('rotated');
        const ttl = async (key: string) => Number(await raw('TTL', `${keyPrefix}${key}`));
        expect(await ttl(`rt:token:${record.hash}`)).toBeGreaterThan(3590);
        expect(await ttl(`rt:token:${record.hash}`)).toBeLessThanOrEqual(3600);
        expect(await ttl(`rt:token:${successor.hash}`)).toBeGreaterThan(2990);
        expect(await ttl(`rt:token:${successor.hash}`)).toBeLessThanOrEqual(3000);
        for (const key of [`rt:family:${record.familyId}`, `rt:family-tokens:${record.familyId}`, `rt:subject:${record.subject}`]) {
          expect(await ttl(key)).toBeGreaterThanOrEqual(await ttl(`rt:token:${record.hash}`));
        }
        // Only the expiry index has no TTL (deleteExpired trims it).
        const keys = (await raw('KEYS', `${keyPrefix}*`)) as string[];
        const persistent: string[] = [];
        for (const key of keys) if (Number(await raw('TTL', key)) === -1) persistent.push(key.slice(keyPrefix.length));
        expect(persistent).toEqual(['rt:expiry']);
      });

      it('keeps stores with different prefixes apart', async () => {
        const a = fresh();
        const b = fresh();
        const record = firstRecord();
        await a.insert(record);
        expect(await b.find(record.hash)).toBe(null);
        await b.revokeSubject(record.subject, 'logout_all');
        expect((await a.find(record.hash))?.revoked).toBe(false);
        expect(await b.rotate(record.hash, successorOf(record, NOW + 1), NOW + 1)).toEqual({ status: 'unknown' });
      });

      it('revokes families and subjects without scanning the keyspace', async () => {
        fresh();
        const subject = randomId();
        const records = [firstRecord({ subject }), firstRecord({ subject }), firstRecord()];
        for (const record of records) await store.insert(record);
        await raw('CONFIG', 'RESETSTAT');
        await store.revokeSubject(subject, 'logout_all');
        await store.revokeFamily((records[2] as { familyId: string }).familyId, 'logout');
        await store.deleteExpired(NOW);
        const stats = String(await raw('INFO', 'commandstats'));
        expect(stats).not.toMatch(/cmdstat_(scan|keys):/);
        expect(stats).toMatch(/cmdstat_smembers:/);
        for (const record of records) expect((await store.find(record.hash))?.revoked).toBe(true);
      });

      it('loads its scripts again with EVAL after SCRIPT FLUSH (EVALSHA answers NOSCRIPT)', async () => {
        fresh();
        const record = firstRecord();
        await store.insert(record);
        await raw('SCRIPT', 'FLUSH');
        await raw('CONFIG', 'RESETSTAT');
        expect((await store.rotate(record.hash, successorOf(record, NOW + 1), NOW + 1)).status).toBe('rotated');
        const stats = String(await raw('INFO', 'commandstats'));
        expect(stats).toMatch(/cmdstat_eval:calls=1,/);
        await raw('CONFIG', 'RESETSTAT');
        expect((await store.find(record.hash))?.usedAt).toBe(NOW + 1);
        expect((await store.find(record.hash))?.usedAt).toBe(NOW + 1);
        expect(String(await raw('INFO', 'commandstats'))).toMatch(/cmdstat_evalsha:calls=2,/);
      });

      it('refuses a duplicate hash with ERR_INVALID_OPTION and changes nothing', async () => {
        fresh();
        const record = firstRecord();
        const other = firstRecord();
        await store.insert(record);
        await store.insert(other);
        expect(await codeOf(store.insert({ ...firstRecord(), hash: record.hash }))).toBe('ERR_INVALID_OPTION');
        expect(await codeOf(store.rotate(record.hash, successorOf(record, NOW + 1, { hash: other.hash }), NOW + 1))).toBe(
          'ERR_INVALID_OPTION',
        );
        expect((await store.find(record.hash))?.usedAt).toBe(null);
        expect((await store.find(other.hash))?.subject).toBe(other.subject);
      });

      it('fences writes: a script that reaches Redis after half the timeout changes nothing', async () => {
        fresh();
        const record = firstRecord();
        await store.insert(record);
        // The application's clock runs 10 s behind Redis's: every fence is already past when the script runs.
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.now() - 10_000);
        const successor = successorOf(record, NOW + 1);
        expect(await codeOf(store.rotate(record.hash, successor, NOW + 1))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(store.insert(firstRecord()))).toBe('ERR_STORE_UNAVAILABLE');
        expect(await codeOf(store.revokeFamily(record.familyId, 'admin'))).toBe('ERR_STORE_UNAVAILABLE');
        const revocations = new RedisRevocationStore({ client: connection.client, keyPrefix });
        expect(await codeOf(revocations.revokeJti('j', NOW + 10, NOW))).toBe('ERR_STORE_UNAVAILABLE');
        vi.useRealTimers();
        expect(await store.find(record.hash)).toMatchObject({ usedAt: null, revoked: false });
        expect(await store.find(successor.hash)).toBe(null);
        expect(await revocations.isJtiRevoked('j', NOW)).toBe(false);
        expect((await store.rotate(record.hash, successor, NOW + 1)).status).toBe('rotated');
      });

      it('reports data it did not write as ERR_STORE_UNAVAILABLE, never as a made-up record', async () => {
        fresh();
        const hash = randomHash();
        await raw(
          'HSET',
          `${keyPrefix}rt:token:${hash}`,
          'subject',
          's',
          'family',
          'f',
          'parent',
          '',
          'created',
          'x',
          'expires',
          '1',
          'idle',
          '',
          'claims',
          '{}',
        );
        expect(await codeOf(store.find(hash))).toBe('ERR_STORE_UNAVAILABLE');
        await raw('HSET', `${keyPrefix}rt:token:${hash}`, 'created', '1', 'claims', '[1]');
        expect(await codeOf(store.find(hash))).toBe('ERR_STORE_UNAVAILABLE');
        const revocations = new RedisRevocationStore({ client: connection.client, keyPrefix });
        await raw('SET', `${keyPrefix}revoked:jti:j`, 'not a time');
        expect(await codeOf(revocations.isJtiRevoked('j', NOW))).toBe('ERR_STORE_UNAVAILABLE');
        await raw('SET', `${keyPrefix}revoked:jti:e`, '');
        expect(await codeOf(revocations.isJtiRevoked('e', NOW))).toBe('ERR_STORE_UNAVAILABLE');
        await raw('SET', `${keyPrefix}revoked:cutoff:s`, '12');
        expect(await codeOf(revocations.issuedBeforeCutoff('s', NOW))).toBe('ERR_STORE_UNAVAILABLE');
      });

      it('gives every revocation key a TTL of expiresAt - now from the call, extended but never shortened', async () => {
        fresh();
        const revocations = new RedisRevocationStore({ client: connection.client, keyPrefix });
        const ttl = async (key: string) => Number(await raw('TTL', `${keyPrefix}${key}`));
        // The caller's clock is years behind Redis's: the TTL is a duration from the call all the same.
        const then = 1_000_000_000;
        await revocations.revokeJti('j', then + 900, then);
        await revocations.revokeIssuedBefore('s', then, then + 600, then);
        expect(await ttl('revoked:jti:j')).toBeGreaterThan(890);
        expect(await ttl('revoked:jti:j')).toBeLessThanOrEqual(900);
        expect(await ttl('revoked:cutoff:s')).toBeGreaterThan(590);
        expect(await ttl('revoked:cutoff:s')).toBeLessThanOrEqual(600);
        // A later revocation with an earlier expiry keeps the entry and its TTL; a later expiry extends both.
        await revocations.revokeJti('j', then + 400, then + 100);
        expect(await ttl('revoked:jti:j')).toBeGreaterThan(890);
        expect(await revocations.isJtiRevoked('j', then + 899)).toBe(true);
        await revocations.revokeIssuedBefore('s', then + 100, then + 3700, then + 100);
        expect(await ttl('revoked:cutoff:s')).toBeGreaterThan(3590);
        expect(await revocations.issuedBeforeCutoff('s', then + 3699)).toBe(then + 100);
        // An entry already past its expiry still gets a TTL (one second), never none.
        await revocations.revokeJti('gone', then - 10, then);
        expect(await ttl('revoked:jti:gone')).toBeGreaterThan(0);
        // Only the expiry indexes have no TTL (deleteExpired trims them).
        const keys = (await raw('KEYS', `${keyPrefix}*`)) as string[];
        const persistent: string[] = [];
        for (const key of keys) if (Number(await raw('TTL', key)) === -1) persistent.push(key.slice(keyPrefix.length));
        expect(persistent.sort()).toEqual(['revoked:cutoff-expiry', 'revoked:jti-expiry']);
        // deleteExpired removes the entries and their index entries; one vanished by its TTL is not counted.
        await raw('DEL', `${keyPrefix}revoked:jti:gone`);
        expect(await revocations.deleteExpired(then + 3700)).toBe(2);
        expect(await raw('KEYS', `${keyPrefix}*`)).toEqual([]);
      });

      it('deleteExpired removes families and subject entries with their last token', async () => {
        fresh();
        const record = firstRecord({ expiresAt: NOW + 100 });
        await store.insert(record);
        await store.rotate(record.hash, successorOf(record, NOW + 10), NOW + 10);
        expect(await store.deleteExpired(NOW + 100)).toBe(2);
        expect(await raw('KEYS', `${keyPrefix}*`)).toEqual([]);
      });
    });
  }
});
