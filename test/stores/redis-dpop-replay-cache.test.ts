// RedisDPoPReplayCache: the DPoP replay cache (RFC 9449 §11.1) shared through Redis, on a real
// redis-server with both client libraries, and its command and error mapping on fake clients.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDPoPProof } from '../../src/index.js';
import {
  RedisDPoPReplayCache,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
} from '../../src/stores/redis/index.js';
import { expectError, makeProof, NOW, NOW_CLOCK, REQUEST_URL, caught } from '../dpop/helpers.js';
import { findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { connectRedis, REDIS_FLAVOURS, type TestRedisClient } from '../helpers/servers/redis-clients.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';

describe('RedisDPoPReplayCache commands', () => {
  it('is one SET NX PX per proof, with the lifetime measured from the call', async () => {
    const seen: string[][] = [];
    const client: RedisClientLike = { sendCommand: async (args: string[]) => (seen.push(args), 'OK') };
    const cache = new RedisDPoPReplayCache({ client, keyPrefix: 'p:' });
    expect(await cache.checkAndRemember('k', NOW + 66, NOW)).toBe(true);
    expect(seen).toEqual([['SET', 'p:dpop:k', '1', 'NX', 'PX', '66000']]);
  });

  it('an entry already expired at the call is not sent', async () => {
    const seen: string[][] = [];
    const client: RedisClientLike = { sendCommand: async (args: string[]) => (seen.push(args), 'OK') };
    expect(await new RedisDPoPReplayCache({ client }).checkAndRemember('k', NOW, NOW)).toBe(true);
    expect(seen).toEqual([]);
  });

  it('an unexpected reply or a failing client → ERR_STORE_UNAVAILABLE; bad arguments → ERR_INVALID_OPTION', async () => {
    const odd: RedisClientLike = { sendCommand: async () => 1 };
    expectError(await caught(() => new RedisDPoPReplayCache({ client: odd }).checkAndRemember('k', NOW + 1, NOW)), 'ERR_STORE_UNAVAILABLE');
    const failing: RedisClientLike = { call: async () => Promise.reject(new Error('ECONNRESET')) };
    expectError(
      await caught(() => new RedisDPoPReplayCache({ client: failing }).checkAndRemember('k', NOW + 1, NOW)),
      'ERR_STORE_UNAVAILABLE',
    );
    const fine: RedisClientLike = { sendCommand: async () => 'OK' };
    expectError(await caught(() => new RedisDPoPReplayCache({ client: fine }).checkAndRemember('k', NOW + 0.5, NOW)), 'ERR_INVALID_OPTION');
    expectError(await caught(() => new RedisDPoPReplayCache({ client: {} as never })), 'ERR_INVALID_OPTION');
  });
});

describeWithServer('RedisDPoPReplayCache on redis-server', findRedisServer(), (binary) => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer(binary);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  for (const flavour of REDIS_FLAVOURS) {
    describe(flavour, () => {
      let first: TestRedisClient;
      let second: TestRedisClient;
      beforeAll(async () => {
        first = await connectRedis(flavour, server.port);
        second = await connectRedis(flavour, server.port);
      });
      afterAll(async () => {
        await first?.close();
        await second?.close();
      });
      const prefix = () => `t${randomBytes(6).toString('hex')}:`;

      it('remembers a key once, with a Redis TTL of the lifetime', async () => {
        const keyPrefix = prefix();
        const cache = new RedisDPoPReplayCache({ client: first.client, keyPrefix });
        expect(await cache.checkAndRemember('k', NOW + 66, NOW)).toBe(true);
        expect(await cache.checkAndRemember('k', NOW + 66, NOW + 1)).toBe(false);
        const ttl = Number(
          first.flavour === 'ioredis'
            ? await (first.client as IoRedisClientLike).call('PTTL', [`${keyPrefix}dpop:k`])
            : await (first.client as NodeRedisClientLike).sendCommand(['PTTL', `${keyPrefix}dpop:k`]),
        );
        expect(ttl).toBeGreaterThan(60_000);
        expect(ttl).toBeLessThanOrEqual(66_000);
      });

      it('of concurrent calls with one key, on two connections, exactly one is first', async () => {
        const keyPrefix = prefix();
        const caches = [first, second].map((connection) => new RedisDPoPReplayCache({ client: connection.client, keyPrefix }));
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, index) => caches[index % 2]?.checkAndRemember('k', NOW + 60, NOW)),
        );
        expect(answers.filter(Boolean)).toHaveLength(1);
      });

      it('a proof accepted by one instance is refused as a replay by another', async () => {
        const keyPrefix = prefix();
        const proof = makeProof();
        const options = { method: 'GET', url: REQUEST_URL, clock: NOW_CLOCK };
        await verifyDPoPProof(proof, { ...options, replayCache: new RedisDPoPReplayCache({ client: first.client, keyPrefix }) });
        expectError(
          await caught(() =>
            verifyDPoPProof(proof, { ...options, replayCache: new RedisDPoPReplayCache({ client: second.client, keyPrefix }) }),
          ),
          'ERR_DPOP_PROOF_INVALID',
          'jti',
          'replayed',
        );
      });
    });
  }
});
