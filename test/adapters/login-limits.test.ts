/**
 * The login limiter (`loginLimits` of createAuthEndpoints, docs/express.md "Protecting the login
 * endpoint") through both adapters on real servers on 127.0.0.1:0, with a fake clock. The client is
 * the address a trusted proxy forwards (`trustedProxies: { hops: 1 }`, `X-Forwarded-For`), so one
 * server stands for many clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEndpointsOptions, AuthEvent, LoginIdentity, LoginThrottledEvent } from '../../src/adapters/express/index.js';
import { MemoryLoginAttemptStore, MemoryRefreshTokenStore, createKeyRing, createTokenService, generateKeyPair } from '../../src/index.js';
import { createFakeClock } from '../../src/testing/index.js';
import { ENDPOINT_SERVER_FACTORIES, type RunningEndpoints } from './helpers/endpoint-servers.js';
import { call, jsonOf } from './helpers/http-client.js';

const PASSWORD = 'correct horse';
const BUDGET = 12;

describe.each(ENDPOINT_SERVER_FACTORIES)('login limits on %s', (_name, start) => {
  let server: RunningEndpoints;
  const clock = createFakeClock();
  const events: AuthEvent[] = [];
  /** The accounts verifyCredentials was called for, in order. */
  const verified: string[] = [];

  async function verifyCredentials(credentials: Record<string, unknown>): Promise<LoginIdentity | null> {
    verified.push(String(credentials['username']));
    return credentials['password'] === PASSWORD ? { subject: String(credentials['username']) } : null;
  }

  beforeAll(async () => {
    const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '15m' });
    const tokens = createTokenService({ key: ring, issuer: 'https://auth.test', audience: 'api', store: new MemoryRefreshTokenStore() });
    const base: AuthEndpointsOptions = {
      tokens,
      verifyCredentials,
      onAuthEvent: (event) => events.push(event),
      refreshTokenTransport: 'body',
    };
    const loginLimits = { store: new MemoryLoginAttemptStore(), clientBudget: BUDGET, clock };
    server = await start({
      cookie: base,
      body: { ...base, trustedProxies: { hops: 1 }, loginLimits },
      dev: { ...base, cookie: { path: '/dev', secure: false } },
      jwks: { jwks: () => ring.jwks() },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const login = (client: string, username: string, password: string) =>
    call(`${server.url}/body/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ username, password }),
    });
  const throttles = (): LoginThrottledEvent[] => events.filter((event): event is LoginThrottledEvent => event.type === 'login_throttled');

  it('parallel requests from one client call verifyCredentials at most clientBudget times; the rest get 429 with Retry-After', async () => {
    const before = verified.length;
    const answers = await Promise.all(Array.from({ length: BUDGET * 3 }, (_, i) => login('192.0.2.10', `user${i}`, 'wrong')));
    expect(verified.length - before).toBe(BUDGET);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).toHaveLength(BUDGET * 2);
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(BUDGET);
    for (const answer of refused) {
      expect(answer.headers.get('retry-after')).toBe('900');
      expect(jsonOf(answer)['error']).toBe('too_many_attempts');
    }
    const event = throttles().at(-1)!;
    expect(event).toMatchObject({ reason: 'client_budget', retryAfter: 900, status: 429, method: 'POST', clientAddress: '192.0.2.10' });
    expect(event.accountHash).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(event)).not.toMatch(/wrong|user\d/);
    // A new window, a new budget.
    clock.advance('15m');
    expect((await login('192.0.2.10', 'user0', 'wrong')).status).toBe(401);
  });

  it('waits grow after freeFailures (1 s, 2 s, 4 s) and are refused before verifyCredentials runs', async () => {
    const client = '192.0.2.20';
    for (let i = 0; i < 5; i++) expect((await login(client, 'Alice', 'wrong')).status).toBe(401);
    const waits: string[] = [];
    for (let i = 0; i < 3; i++) {
      const calls = verified.length;
      const refused = await login(client, ' alice ', PASSWORD); // the same account, normalised
      expect(refused.status).toBe(429);
      expect(verified.length).toBe(calls);
      waits.push(refused.headers.get('retry-after')!);
      clock.advance(Number(refused.headers.get('retry-after')));
      expect((await login(client, 'alice', 'wrong')).status).toBe(401);
    }
    expect(waits).toEqual(['1', '2', '4']);
    expect((await login(client, 'alice', PASSWORD)).headers.get('retry-after')).toBe('8');
    expect(throttles().at(-1)).toMatchObject({ reason: 'account_client_wait', retryAfter: 8, clientAddress: client });
    // A success resets the (account, client) failures.
    clock.advance(8);
    expect((await login(client, 'alice', PASSWORD)).status).toBe(200);
    expect((await login(client, 'alice', 'wrong')).status).toBe(401);
    expect((await login(client, 'alice', 'wrong')).status).toBe(401);
  });

  it('the owner logs in from another client while an attacker hammers the account from many', async () => {
    let attackerRefused = 0;
    for (let round = 0; round < 30; round++) {
      // Three attacker addresses take turns: each tries every 3 s, more often than the account's wait allows.
      const attacker = `198.51.100.${round % 3}`;
      const answer = await login(attacker, 'bob', `guess${round}`);
      if (answer.status === 429) attackerRefused++;
      clock.advance(1);
    }
    expect(attackerRefused).toBeGreaterThan(0);
    // The owner's client has no failures on the account: never waits for it.
    expect((await login('203.0.113.5', 'bob', PASSWORD)).status).toBe(200);
    // A mistyped password then waits at most accountMaxWait (5 s) for the account.
    expect((await login('203.0.113.5', 'bob', 'typo')).status).toBe(401);
    await login('198.51.100.99', 'bob', 'guess');
    const owner = await login('203.0.113.5', 'bob', PASSWORD);
    expect(owner.status).toBe(429);
    expect(throttles().at(-1)).toMatchObject({ reason: 'account_wait', clientAddress: '203.0.113.5' });
    expect(Number(owner.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    clock.advance(Number(owner.headers.get('retry-after')));
    expect((await login('203.0.113.5', 'bob', PASSWORD)).status).toBe(200);
  });

  it('an owner with a typo is never kept out by an attacker who keeps failing from fresh addresses', async () => {
    for (let round = 0; round < 25; round++) await login(`198.51.100.${100 + round}`, 'carol', `guess${round}`);
    expect((await login('203.0.113.6', 'carol', 'typo')).status).toBe(401);
    let admitted = false;
    for (let second = 0; second < 10 && !admitted; second++) {
      // Every second a new attacker address fails on the account; the owner retries when told to.
      await login(`198.51.100.${150 + second}`, 'carol', 'guess');
      const owner = await login('203.0.113.6', 'carol', PASSWORD);
      admitted = owner.status === 200;
      clock.advance(1);
    }
    expect(admitted).toBe(true);
  });

  it('an account name that is not a string is refused (400) before verifyCredentials', async () => {
    const before = verified.length;
    const answer = await call(`${server.url}/body/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.77' },
      body: JSON.stringify({ username: ['victim'], password: 'guess' }),
    });
    expect(answer.status).toBe(400);
    expect(verified.length).toBe(before);
  });
});
