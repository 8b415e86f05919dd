// Fault injection on a real PostgreSQL server during a refresh burst through the token service:
// the server (postmaster and every backend) is paused with SIGSTOP, or stopped (fast shutdown) and
// started again. Callers get ERR_STORE_UNAVAILABLE, no refresh token is lost or duplicated, and the
// store works again after. A refresh stuck behind a row lock (of its family) is cancelled by the
// server itself.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, PostgresRefreshTokenStore } from '../../src/stores/postgres/index.js';
import { findPostgresBindir } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { openPool } from '../helpers/servers/postgres-clients.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';
import { codeOf, newFamily, NOW, presented, successorAt } from '../helpers/servers/records.js';
import { expectNothingLost, expectOutage, familyStates, refreshBurst, serviceOn, waitForStore } from '../helpers/servers/refresh-burst.js';

const TOKENS = 60;
const SPACING_MS = 10;
const TIMEOUT_SECONDS = 1;

describeWithServer('PostgreSQL stores under faults', findPostgresBindir(), (bindir) => {
  let server: PostgresServer;
  let pool: ReturnType<typeof openPool>;
  beforeAll(async () => {
    server = await startPostgresServer(bindir);
    pool = openPool(server.url(await server.createDatabase()), 10);
    await migrate(pool.client);
  });
  afterAll(async () => {
    await pool?.close();
    await server?.dispose();
  });

  async function setUp() {
    const store = new PostgresRefreshTokenStore({ client: pool.client, queryTimeout: TIMEOUT_SECONDS });
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
    // The statements that reached the server while it was stopped ran after SIGCONT, past their
    // fence, and changed nothing: only a statement already running when the pause hit may have committed.
    await waitForStore(() => store.find('x'));
    const live = expectNothingLost(outcomes, await familyStates(store, outcomes));
    for (const token of live) expect(await codeOf(service.refresh(token))).toBe('resolved');
  });

  it('stopped mid-burst (fast shutdown) and started again: calls fail with ERR_STORE_UNAVAILABLE, nothing is lost', async () => {
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
    const live = expectNothingLost(outcomes, await familyStates(store, outcomes));
    for (const token of live) expect(await codeOf(service.refresh(token))).toBe('resolved');
  });

  /** Waits until no other backend runs a statement of the store (a cancelled one, or one that went on). */
  async function settled(): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { rows } = await pool.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
         WHERE pid <> pg_backend_pid() AND state <> 'idle'
           AND (query LIKE '%jwtkit_refresh_families%' OR query LIKE '%pg_advisory_xact_lock%')`,
      );
      if (rows[0]?.n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('a statement on the store tables is still running');
  }

  it('a refresh stuck on a row lock fails with ERR_STORE_UNAVAILABLE, commits nothing later, and its retry rotates', async () => {
    const store = new PostgresRefreshTokenStore({ client: pool.client, queryTimeout: 0.5 });
    const family = newFamily();
    await store.insert(family, 10);
    const successor = successorAt(NOW + 1);
    // Another transaction holds the family's row, past the refresh's queryTimeout.
    const locker = await pool.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT family_id FROM jwtkit_refresh_families WHERE family_id = $1 FOR UPDATE', [family.familyId]);
      expect(await codeOf(store.rotate(presented(family), successor, NOW + 1))).toBe('ERR_STORE_UNAVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    // Had the server kept the refresh waiting, it would run now that the lock is free.
    await settled();
    expect(await store.find(family.familyId)).toMatchObject({ generation: 0, hash: family.hash, revoked: false });
    expect((await store.rotate(presented(family), successor, NOW + 1)).status).toBe('rotated');
  });

  it('a login stuck on the advisory lock of its subject fails with ERR_STORE_UNAVAILABLE and stores nothing', async () => {
    const store = new PostgresRefreshTokenStore({ client: pool.client, queryTimeout: 0.5 });
    const family = newFamily();
    // Another transaction holds the subject's lock (as a concurrent login does), past the queryTimeout.
    const locker = await pool.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))', [0x6a776b74, family.subject]);
      expect(await codeOf(store.insert(family, 10))).toBe('ERR_STORE_UNAVAILABLE');
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    await settled();
    expect(await store.find(family.familyId)).toBe(null);
    expect(await store.insert(family, 10)).toEqual([]);
  });

  it('a refresh that times out waiting for a pooled connection fails closed and gives the connection back unused', async () => {
    const single = openPool(server.url(await server.createDatabase()), 1);
    try {
      await migrate(single.client);
      const store = new PostgresRefreshTokenStore({ client: single.client, queryTimeout: 0.3 });
      const family = newFamily();
      await store.insert(family, 10);
      const successor = successorAt(NOW + 1);
      const held = await single.pool.connect();
      try {
        expect(await codeOf(store.rotate(presented(family), successor, NOW + 1))).toBe('ERR_STORE_UNAVAILABLE');
      } finally {
        held.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect({ idle: single.pool.idleCount, waiting: single.pool.waitingCount }).toEqual({ idle: 1, waiting: 0 });
      expect(await store.find(family.familyId)).toMatchObject({ generation: 0, hash: family.hash });
      expect((await store.rotate(presented(family), successor, NOW + 1)).status).toBe('rotated');
    } finally {
      await single.close();
    }
  });
});
