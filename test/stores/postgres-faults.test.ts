// Fault injection on a real PostgreSQL server during a refresh burst through the token service:
// the server (postmaster and every backend) is paused with SIGSTOP, or stopped (fast shutdown) and
// started again. Callers get ERR_STORE_UNAVAILABLE, no refresh token is lost or duplicated, and the
// store works again after.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, PostgresRefreshTokenStore } from '../../src/stores/postgres/index.js';
import { findPostgresBindir } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { openPool } from '../helpers/servers/postgres-clients.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';
import { codeOf } from '../helpers/servers/records.js';
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
    const countFamily = async (familyId: string) => {
      const { rows } = await pool.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM jwtkit_refresh_tokens WHERE family_id = $1', [
        familyId,
      ]);
      return rows[0]?.n ?? 0;
    };
    return { store, service, tokens, countFamily };
  }

  it('SIGSTOP mid-burst: calls fail with ERR_STORE_UNAVAILABLE, change nothing, and succeed after SIGCONT', async () => {
    const { store, service, tokens, countFamily } = await setUp();
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
    const live = expectNothingLost(outcomes, await familyStates(store, outcomes, countFamily));
    for (const token of live) expect(await codeOf(service.refresh(token))).toBe('resolved');
  });

  it('stopped mid-burst (fast shutdown) and started again: calls fail with ERR_STORE_UNAVAILABLE, nothing is lost', async () => {
    const { store, service, tokens, countFamily } = await setUp();
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
    const live = expectNothingLost(outcomes, await familyStates(store, outcomes, countFamily));
    for (const token of live) expect(await codeOf(service.refresh(token))).toBe('resolved');
  });
});
