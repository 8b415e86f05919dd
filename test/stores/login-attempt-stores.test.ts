// The LoginAttemptStore contract (src/tokens/login-attempt-store.ts) on MemoryLoginAttemptStore and
// on RedisLoginAttemptStore against a real redis-server with both client libraries: atomic adds
// within a fixed window, reads, resets, expiry by the caller's time; the Redis keys under keyPrefix.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLoginAttemptStore, type LoginAttemptStore } from '../../src/index.js';
import { RedisLoginAttemptStore, type RedisClientLike } from '../../src/stores/redis/index.js';
import { findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { connectRedis, REDIS_FLAVOURS, type TestRedisClient } from '../helpers/servers/redis-clients.js';
import { rawRedis } from '../helpers/servers/redis-families.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';

const NOW = 1_700_000_000_000;
const WINDOW = 60_000;

function contract(makeStore: () => LoginAttemptStore): void {
  it('adds within a fixed window, never below 0; lastAt moves only with +1', async () => {
    const store = makeStore();
    expect(await store.read('k', NOW)).toBeUndefined();
    expect(await store.add('k', 1, NOW, WINDOW)).toEqual({ count: 1, lastAt: NOW, expiresAt: NOW + WINDOW });
    expect(await store.add('k', 1, NOW + 10, WINDOW)).toEqual({ count: 2, lastAt: NOW + 10, expiresAt: NOW + WINDOW });
    expect(await store.add('k', -1, NOW + 20, WINDOW)).toEqual({ count: 1, lastAt: NOW + 10, expiresAt: NOW + WINDOW });
    expect(await store.add('k', -1, NOW + 20, WINDOW)).toMatchObject({ count: 0 });
    expect(await store.add('k', -1, NOW + 20, WINDOW)).toMatchObject({ count: 0 });
    expect(await store.read('k', NOW + 30)).toEqual({ count: 0, lastAt: NOW + 10, expiresAt: NOW + WINDOW });
  });

  it('a counter expires at the end of its window (the caller’s time) and starts again', async () => {
    const store = makeStore();
    await store.add('k', 1, NOW, WINDOW);
    expect(await store.read('k', NOW + WINDOW - 1)).toMatchObject({ count: 1 });
    expect(await store.read('k', NOW + WINDOW)).toBeUndefined();
    expect(await store.add('k', 1, NOW + WINDOW, WINDOW)).toEqual({ count: 1, lastAt: NOW + WINDOW, expiresAt: NOW + 2 * WINDOW });
  });

  it('reset removes one counter', async () => {
    const store = makeStore();
    await store.add('a', 1, NOW, WINDOW);
    await store.add('b', 1, NOW, WINDOW);
    await store.reset('a');
    expect(await store.read('a', NOW)).toBeUndefined();
    expect(await store.read('b', NOW)).toMatchObject({ count: 1 });
  });

  it('concurrent adds are atomic: each sees its own count', async () => {
    const store = makeStore();
    const counts = await Promise.all(Array.from({ length: 50 }, () => store.add('k', 1, NOW, WINDOW)));
    expect(counts.map((counter) => counter.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
}

describe('MemoryLoginAttemptStore', () => {
  contract(() => new MemoryLoginAttemptStore());

  it('a sweep off the request path removes expired counters', async () => {
    const store = new MemoryLoginAttemptStore({ sweepInterval: 1 });
    await store.add('old', 1, NOW, 1000);
    expect(store.size).toBe(1);
    await store.read('other', NOW + 5000); // schedules a sweep; nothing is removed inside the call
    expect(store.size).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.size).toBe(0);
  });

  it('refuses unknown options and bad times with ERR_INVALID_OPTION', async () => {
    expect(() => new MemoryLoginAttemptStore({ sweepIntervl: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    await expect(new MemoryLoginAttemptStore().add('k', 1, Number.NaN, WINDOW)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});

describe('RedisLoginAttemptStore commands', () => {
  it('an unexpected reply or a failing client → ERR_STORE_UNAVAILABLE', async () => {
    const odd: RedisClientLike = { sendCommand: async () => 1 };
    await expect(new RedisLoginAttemptStore({ client: odd }).read('k', NOW)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    const failing: RedisClientLike = { call: async () => Promise.reject(new Error('ECONNRESET')) };
    await expect(new RedisLoginAttemptStore({ client: failing }).add('k', 1, NOW, WINDOW)).rejects.toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
    });
    expect(() => new RedisLoginAttemptStore({ client: odd, keyPrefx: 'x' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

describeWithServer('RedisLoginAttemptStore on redis-server', findRedisServer(), (binary) => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer(binary);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  for (const flavour of REDIS_FLAVOURS) {
    describe(flavour, () => {
      let client: TestRedisClient;
      beforeAll(async () => {
        client = await connectRedis(flavour, server.port);
      });
      afterAll(async () => {
        await client?.close();
      });
      const send = (args: string[]): Promise<unknown> => rawRedis(client.client)(...args);

      contract(() => new RedisLoginAttemptStore({ client: client.client, keyPrefix: `t${randomBytes(6).toString('hex')}:` }));

      it('keeps each counter at <keyPrefix>login:<key> with a Redis TTL of the window left', async () => {
        const keyPrefix = `t${randomBytes(6).toString('hex')}:`;
        const store = new RedisLoginAttemptStore({ client: client.client, keyPrefix });
        await store.add('client:192.0.2.1', 1, NOW, WINDOW);
        const ttl = Number(await send(['PTTL', `${keyPrefix}login:client:192.0.2.1`]));
        expect(ttl).toBeGreaterThan(WINDOW - 5_000);
        expect(ttl).toBeLessThanOrEqual(WINDOW);
      });
    });
  }
});
