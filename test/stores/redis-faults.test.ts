// Fault injection on a real redis-server during a refresh burst through the token service: the
// server is paused (SIGSTOP) or stopped and restarted with the append-only file on. Callers get
// ERR_STORE_UNAVAILABLE, no refresh token is lost or duplicated, and the store works again after.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRefreshTokenStore } from '../../src/stores/redis/index.js';
import { findRedisServer } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { codeOf } from '../helpers/servers/records.js';
import { expectNothingLost, expectOutage, familyStates, refreshBurst, serviceOn, waitForStore } from '../helpers/servers/refresh-burst.js';
import { connectRedis, REDIS_FLAVOURS, type TestRedisClient } from '../helpers/servers/redis-clients.js';
import { startRedisServer, type RedisServer } from '../helpers/servers/redis-server.js';

const TOKENS = 60;
const SPACING_MS = 10;
const TIMEOUT_SECONDS = 1;

describeWithServer('Redis stores under faults', findRedisServer(), (binary) => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer(binary, { appendonly: true });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  for (const flavour of REDIS_FLAVOURS) {
    describe(flavour, () => {
      let connection: TestRedisClient;
      beforeAll(async () => {
        connection = await connectRedis(flavour, server.port);
      });
      afterAll(async () => {
        await connection?.close();
      });

      async function setUp() {
        const keyPrefix = `fault:${randomBytes(6).toString('hex')}:`;
        const store = new RedisRefreshTokenStore({ client: connection.client, keyPrefix, commandTimeout: TIMEOUT_SECONDS });
        const service = serviceOn(store);
        const tokens: string[] = [];
        for (let index = 0; index < TOKENS; index++) tokens.push((await service.issue(`user-${index}`)).refreshToken);
        return { store, service, tokens };
      }

      it('SIGSTOP mid-burst: calls fail with ERR_STORE_UNAVAILABLE, change nothing, and succeed after SIGCONT', async () => {
        const { store, service, tokens } = await setUp();
        const outcomes = await refreshBurst(service, tokens, {
          spacingMs: SPACING_MS,
          faultAfter: TOKENS / 3,
          fault: () => server.pause(),
          recover: () => server.resume(),
        });
        expectOutage(outcomes, TOKENS / 3);
        // The scripts that reached Redis while it was stopped ran after SIGCONT, past their fence,
        // and changed nothing: only a script already run when the pause hit may have completed.
        await waitForStore(() => store.find('x'));
        const live = expectNothingLost(outcomes, await familyStates(store, outcomes));
        for (const token of live) expect(await codeOf(service.refresh(token))).toBe('resolved');
      });

      it('stopped mid-burst with appendonly on: calls fail with ERR_STORE_UNAVAILABLE, nothing is lost across the restart', async () => {
        const { store, service, tokens } = await setUp();
        const outcomes = await refreshBurst(service, tokens, {
          spacingMs: SPACING_MS,
          faultAfter: TOKENS / 3,
          fault: () => server.stop(),
          recover: async () => {
            await server.start();
            await waitForStore(() => store.find('x'));
          },
        });
        expectOutage(outcomes, TOKENS / 3);
        // Every success survived the restart (AOF, fsync always); every failure can be retried.
        const live = expectNothingLost(outcomes, await familyStates(store, outcomes));
        for (const token of live) expect(await codeOf(service.refresh(token))).toBe('resolved');
      });
    });
  }
});
