// What the PostgreSQL stores promise beyond the conformance kit: option checks, the migration
// (as a string and as migrate(), serialised between concurrent callers), its indexes, schemas, the
// write fence, writes as transactions on a lent connection, and error mapping. On PGlite always,
// and on a real PostgreSQL server when installed.
import { EventEmitter } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  migrate,
  POSTGRES_MIGRATION_SQL,
  PostgresRefreshTokenStore,
  PostgresRevocationStore,
  type PostgresConnection,
  type PostgresQueryable,
  type PostgresQueryResult,
} from '../../src/stores/postgres/index.js';
import { findPostgresBindir } from '../helpers/servers/binaries.js';
import { describeWithServer } from '../helpers/servers/describe-with-server.js';
import { openPool } from '../helpers/servers/postgres-clients.js';
import { startPostgresServer, type PostgresServer } from '../helpers/servers/postgres-server.js';
import { codeOf, firstRecord, NOW, randomHash, successorOf } from '../helpers/servers/records.js';

type Rows = Record<string, unknown>[];

describe('PostgreSQL store options', () => {
  const client: PostgresQueryable = { query: async () => ({ rows: [] }) };

  it('refuses a missing or foreign client, a bad schema or queryTimeout with ERR_INVALID_OPTION', async () => {
    for (const bad of [undefined, null, {}, { sendCommand: () => undefined }, 'postgres://localhost']) {
      expect(await codeOf((async () => new PostgresRefreshTokenStore({ client: bad as never }))())).toBe('ERR_INVALID_OPTION');
      expect(await codeOf((async () => new PostgresRevocationStore({ client: bad as never }))())).toBe('ERR_INVALID_OPTION');
    }
    const cases: object[] = [
      { schema: 'a-b' },
      { schema: 'a"; DROP TABLE x; --' },
      { schema: '' },
      { schema: 'x'.repeat(64) },
      { queryTimeout: 0 },
      { queryTimeout: '1' },
      { queryTimeout: '25d' },
    ];
    for (const options of cases) {
      expect(await codeOf((async () => new PostgresRefreshTokenStore({ client, ...options }))())).toBe('ERR_INVALID_OPTION');
    }
    expect(await codeOf(migrate(client, { schema: 'bad name' }))).toBe('ERR_INVALID_OPTION');
  });

  it('maps a driver that throws, rejects, never answers or returns no rows to ERR_STORE_UNAVAILABLE', async () => {
    const clients: PostgresQueryable[] = [
      {
        query: () => {
          throw new TypeError('Client was closed');
        },
      },
      { query: async () => Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' })) },
      { query: () => new Promise(() => undefined) },
      { query: async () => ({}) as never },
    ];
    for (const client of clients) {
      const store = new PostgresRefreshTokenStore({ client, queryTimeout: 0.05 });
      expect(await codeOf(store.find(randomHash()))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(store.insert(firstRecord()))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(new PostgresRevocationStore({ client, queryTimeout: 0.05 }).isJtiRevoked('j', NOW))).toBe(
        'ERR_STORE_UNAVAILABLE',
      );
    }
  });

  it('refuses malformed arguments with ERR_INVALID_OPTION before sending anything', async () => {
    let sent = 0;
    const counting: PostgresQueryable = { query: async () => (sent++, { rows: [] }) };
    const store = new PostgresRefreshTokenStore({ client: counting });
    const record = firstRecord();
    expect(await codeOf(store.rotate(record.hash, successorOf(record, NOW), 1.5))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...record, claims: { big: 1n } as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...record, expiresAt: '1' as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.revokeSubject(record.subject, 'because' as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.find(42 as never))).toBe('ERR_INVALID_OPTION');
    const revocations = new PostgresRevocationStore({ client: counting });
    expect(await codeOf(revocations.revokeJti('j', NOW + 10, undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.revokeIssuedBefore('s', NOW, NOW + 10, NOW + 0.5))).toBe('ERR_INVALID_OPTION');
    expect(sent).toBe(0);
  });
});

/** A pool-like client whose `connect()` lends one recorded connection answering with `answer`. */
function lendingClient(
  answer: (text: string) => PostgresQueryResult | Promise<PostgresQueryResult> = () => ({ rows: [{ open: true }] }),
  lend?: (connection: PostgresConnection) => Promise<unknown>,
) {
  const log = { texts: [] as string[], releases: [] as unknown[][], connects: 0, poolQueries: 0 };
  const connection: PostgresConnection = {
    query: async (text) => {
      log.texts.push(text);
      return answer(text);
    },
    release: (...args: unknown[]) => void log.releases.push(args),
  };
  const client: PostgresQueryable = {
    query: async () => (log.poolQueries++, { rows: [] }),
    connect: async () => {
      log.connects++;
      return (lend === undefined ? connection : await lend(connection)) as PostgresConnection;
    },
  };
  return { client, log };
}

const LOCAL_TIMEOUTS = /^SELECT set_config\('lock_timeout', '(\d+)ms', true\), set_config\('statement_timeout', '(\d+)ms', true\)$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PostgreSQL writes on a client with connect()', () => {
  it('run as BEGIN, transaction-local timeouts below half of queryTimeout, the statement, COMMIT, on one lent connection', async () => {
    const { client, log } = lendingClient();
    const store = new PostgresRefreshTokenStore({ client, queryTimeout: 2 });
    await store.revokeFamily('family', 'admin');
    expect(log.connects).toBe(1);
    expect(log.poolQueries).toBe(0);
    expect(log.texts).toHaveLength(4);
    expect([log.texts[0], log.texts[3]]).toEqual(['BEGIN', 'COMMIT']);
    expect(log.texts[2]).toContain('revoked_reason');
    const [, lockMs, statementMs] = LOCAL_TIMEOUTS.exec(log.texts[1] ?? '') ?? [];
    expect(Number(lockMs)).toBeGreaterThan(0);
    expect(Number(lockMs)).toBeLessThan(1000);
    expect(Number(statementMs)).toBeGreaterThan(0);
    expect(Number(statementMs)).toBeLessThan(1000);
    // Never a session-level SET: the connection goes back to the application's pool.
    expect(log.texts.filter((text) => /^\s*SET\b/i.test(text) || /set_config\([^)]*false\)/i.test(text))).toEqual([]);
    expect(log.releases).toEqual([[]]);
    // Reads go through query(): nothing to cancel.
    await store.find(randomHash());
    expect(log.poolQueries).toBe(1);
    expect(log.connects).toBe(1);
  });

  it('a lent connection whose socket dies between statements: its error event is heard, the call fails closed, the connection is discarded', async () => {
    const releases: unknown[][] = [];
    const connection = Object.assign(new EventEmitter(), {
      query: async (text: string) => {
        // pg: the socket closes while no query is running, the client emits 'error', and every later query rejects.
        if (text === 'BEGIN') {
          queueMicrotask(() => connection.emit('error', new Error('Connection terminated unexpectedly')));
          await new Promise((resolve) => setImmediate(resolve));
          return { rows: [] };
        }
        throw new Error('Client was closed and is not queryable');
      },
      release: (...args: unknown[]) => void releases.push(args),
    });
    const client: PostgresQueryable = { query: async () => ({ rows: [] }), connect: async () => connection };
    expect(await codeOf(new PostgresRefreshTokenStore({ client }).revokeFamily('family', 'admin'))).toBe('ERR_STORE_UNAVAILABLE');
    expect(releases).toHaveLength(1);
    expect(releases[0]?.[0]).toBeInstanceOf(Error);
    // The store's listener is gone once the connection is given back.
    expect(connection.listenerCount('error')).toBe(0);
  });

  it('roll back and give the connection back when the statement fails; a failed ROLLBACK discards the connection', async () => {
    const failing = (code: string) => (text: string) =>
      text.includes('revoked_reason') || text.includes('jwtkit_refresh_tokens')
        ? Promise.reject(Object.assign(new Error('failed'), { code }))
        : { rows: [] };
    for (const [code, expected] of [
      ['55P03', 'ERR_STORE_UNAVAILABLE'], // lock_timeout
      ['57014', 'ERR_STORE_UNAVAILABLE'], // statement_timeout
      ['23505', 'ERR_INVALID_OPTION'], // unique violation: a duplicate hash
    ] as const) {
      const { client, log } = lendingClient(failing(code));
      expect(await codeOf(new PostgresRefreshTokenStore({ client }).insert(firstRecord()))).toBe(expected);
      expect(log.texts.at(-1)).toBe('ROLLBACK');
      expect(log.texts).not.toContain('COMMIT');
      expect(log.releases).toEqual([[]]);
    }
    const broken = lendingClient((text) =>
      text === 'BEGIN' || LOCAL_TIMEOUTS.test(text) ? { rows: [] } : Promise.reject(new Error('connection terminated')),
    );
    expect(await codeOf(new PostgresRefreshTokenStore({ client: broken.client }).insert(firstRecord()))).toBe('ERR_STORE_UNAVAILABLE');
    expect(broken.log.texts.at(-1)).toBe('ROLLBACK');
    expect(broken.log.releases).toHaveLength(1);
    expect(broken.log.releases[0]?.[0]).toBeInstanceOf(Error);
    const releases: unknown[][] = [];
    const throwing: PostgresQueryable = {
      query: async () => ({ rows: [] }),
      connect: async () => ({
        query: () => {
          throw new TypeError('Client was closed');
        },
        release: (...args: unknown[]) => void releases.push(args),
      }),
    };
    expect(await codeOf(new PostgresRefreshTokenStore({ client: throwing }).insert(firstRecord()))).toBe('ERR_STORE_UNAVAILABLE');
    expect(releases).toHaveLength(1);
    expect(releases[0]?.[0]).toBeInstanceOf(Error);
  });

  it('fail closed when connect() fails, never answers or lends no connection', async () => {
    const clients: PostgresQueryable[] = [
      { query: async () => ({ rows: [] }), connect: () => Promise.reject(new Error('ECONNREFUSED')) },
      {
        query: async () => ({ rows: [] }),
        connect: () => {
          throw new Error('pool ended');
        },
      },
      { query: async () => ({ rows: [] }), connect: () => new Promise(() => undefined) },
      { query: async () => ({ rows: [] }), connect: async () => ({}) as never },
    ];
    for (const client of clients) {
      expect(await codeOf(new PostgresRefreshTokenStore({ client, queryTimeout: 0.05 }).insert(firstRecord()))).toBe(
        'ERR_STORE_UNAVAILABLE',
      );
    }
  });

  it('a timeout while waiting for connect() or for the statement commits nothing and gives the connection back', async () => {
    const lateConnection = lendingClient(undefined, async (connection) => (await sleep(150), connection));
    const store = new PostgresRefreshTokenStore({ client: lateConnection.client, queryTimeout: 0.05 });
    const record = firstRecord();
    expect(await codeOf(store.rotate(record.hash, successorOf(record, NOW + 1), NOW + 1))).toBe('ERR_STORE_UNAVAILABLE');
    await vi.waitFor(() => expect(lateConnection.log.releases).toEqual([[]]));
    expect(lateConnection.log.texts).toEqual([]);

    const lateStatement = lendingClient(async (text) => {
      if (text.includes('jwtkit_refresh_tokens')) await sleep(150);
      return { rows: [{ open: true }] };
    });
    const slow = new PostgresRefreshTokenStore({ client: lateStatement.client, queryTimeout: 0.05 });
    expect(await codeOf(slow.insert(firstRecord()))).toBe('ERR_STORE_UNAVAILABLE');
    await vi.waitFor(() => expect(lateStatement.log.releases).toEqual([[]]));
    expect(lateStatement.log.texts.at(-1)).toBe('ROLLBACK');
    expect(lateStatement.log.texts).not.toContain('COMMIT');
  });

  it('never asks a pg Client, or a connection a pool already lent, to connect(): their writes go through query()', async () => {
    // A pg Client's connect() opens that client (and rejects once open); a PoolClient is a Client.
    for (const extra of [{ connectionParameters: {} }, { release: () => undefined }]) {
      let connects = 0;
      const single: PostgresQueryable = {
        query: async () => ({ rows: [{ open: true }] }),
        connect: async () => (connects++, {}) as never,
        ...extra,
      };
      await new PostgresRefreshTokenStore({ client: single }).revokeFamily('family', 'admin');
      expect(connects).toBe(0);
    }
    // The real thing: a pg Client (never connected here) fits the client type and is recognised.
    const pgClient: PostgresQueryable = new pg.Client({ host: '127.0.0.1', port: 1 });
    expect(Object.prototype.hasOwnProperty.call(pgClient, 'connectionParameters')).toBe(true);
  });
});

describe('migrate() transactions', () => {
  it('with connect(): one transaction on one lent connection, the advisory lock first', async () => {
    const { client, log } = lendingClient(() => ({ rows: [] }));
    await migrate(client, { schema: 'auth' });
    expect(log.poolQueries).toBe(0);
    expect(log.texts[0]).toBe('BEGIN');
    expect(log.texts[1]).toMatch(LOCAL_TIMEOUTS);
    expect(log.texts[2]).toMatch(/^SELECT pg_advisory_xact_lock\(\d+\)$/);
    expect(log.texts[3]).toBe('CREATE SCHEMA IF NOT EXISTS "auth"');
    expect(log.texts.at(-1)).toBe('COMMIT');
    expect(log.texts.slice(4, -1).every((text) => /\bIF NOT EXISTS\b/.test(text))).toBe(true);
    expect(log.releases).toEqual([[]]);
  });

  it('with query() alone: one text of several statements in BEGIN ... COMMIT, rolled back after a failure', async () => {
    const texts: string[] = [];
    const failing: PostgresQueryable = {
      query: async (text) => {
        texts.push(text);
        if (text !== 'ROLLBACK') throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return { rows: [] };
      },
    };
    expect(await codeOf(migrate(failing))).toBe('ERR_STORE_UNAVAILABLE');
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^BEGIN;\nSELECT set_config\('lock_timeout'.*\nSELECT pg_advisory_xact_lock\(\d+\);\n/s);
    expect(texts[0]).toMatch(/;\nCOMMIT;$/);
    expect(texts[1]).toBe('ROLLBACK');
  });
});

describe('POSTGRES_MIGRATION_SQL', () => {
  it('is one idempotent script that creates the same tables and indexes as migrate()', async () => {
    const db = await PGlite.create();
    try {
      await db.exec(POSTGRES_MIGRATION_SQL);
      await db.exec(POSTGRES_MIGRATION_SQL);
      await migrate(db, { schema: 'via_migrate' });
      await migrate(db, { schema: 'via_migrate' });
      const shape = async (schema: string) =>
        (
          await db.query<{ d: string }>(
            `SELECT tablename || ':' || replace(indexdef, schemaname || '.', '') AS d FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
            [schema],
          )
        ).rows.map((row) => row.d);
      expect(await shape('public')).toEqual(await shape('via_migrate'));
      expect(await shape('public')).toHaveLength(10);
    } finally {
      await db.close();
    }
  });
});

/** The store behaviour that needs a database, on one `client`. */
function storeBehaviour(name: string, open: () => Promise<{ client: PostgresQueryable; close: () => Promise<void> }>): void {
  describe(name, () => {
    let client: PostgresQueryable;
    let close: () => Promise<void>;
    const schema = 'jwtkit_behaviour';
    beforeAll(async () => {
      ({ client, close } = await open());
      await migrate(client, { schema });
    });
    afterAll(async () => {
      await close?.();
    });
    const sql = async (text: string, values: unknown[] = []) => (await client.query(text, values)).rows as Rows;

    it('has indexes for hash lookup, family and subject revocation, and expiry cleanup', async () => {
      const rows = await sql(`SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1`, [schema]);
      const indexed = rows.map((row) => `${String(row['tablename'])}(${/\((.*)\)/.exec(String(row['indexdef']))?.[1] ?? ''})`).sort();
      expect(indexed).toEqual(
        [
          'jwtkit_refresh_families(expires_at)',
          'jwtkit_refresh_families(family_id)',
          'jwtkit_refresh_families(subject)',
          'jwtkit_refresh_tokens(expires_at)',
          'jwtkit_refresh_tokens(family_id)',
          'jwtkit_refresh_tokens(hash)',
          'jwtkit_revoked_jtis(expires_at)',
          'jwtkit_revoked_jtis(jti)',
          'jwtkit_subject_cutoffs(expires_at)',
          'jwtkit_subject_cutoffs(subject)',
        ].sort(),
      );
    });

    it('uses the configured schema, and reports a missing table as ERR_STORE_UNAVAILABLE', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const record = firstRecord();
      await store.insert(record);
      expect(await sql(`SELECT hash FROM "${schema}".jwtkit_refresh_tokens WHERE hash = $1`, [record.hash])).toEqual([
        { hash: record.hash },
      ]);
      const unmigrated = new PostgresRefreshTokenStore({ client, schema: 'nowhere' });
      expect(await codeOf(unmigrated.find(record.hash))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(unmigrated.insert(firstRecord()))).toBe('ERR_STORE_UNAVAILABLE');
    });

    it('stores only what it is given: hashes, never a token; claims as JSON text', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const record = firstRecord({ claims: { scope: 'a b', n: 1.5, list: [1, 'x', null] } });
      await store.insert(record);
      const [row] = await sql(`SELECT claims FROM "${schema}".jwtkit_refresh_tokens WHERE hash = $1`, [record.hash]);
      expect(JSON.parse(String(row?.['claims']))).toEqual(record.claims);
    });

    it('refuses a duplicate hash with ERR_INVALID_OPTION and rolls the whole rotation back', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
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

    it('fences writes: a statement that reaches the server after the caller gave up changes nothing', async () => {
      // A client that delivers every statement 300 ms late, to a store that waits 200 ms: the
      // statements still run once delivered (as after a paused server resumes), but too late.
      const settled: Promise<unknown>[] = [];
      const late: PostgresQueryable = {
        query: (text, values) => {
          const result = new Promise<void>((resolve) => setTimeout(resolve, 300)).then(() => client.query(text, values));
          settled.push(result.catch(() => undefined));
          return result;
        },
      };
      const store = new PostgresRefreshTokenStore({ client, schema });
      const revocations = new PostgresRevocationStore({ client, schema });
      const lateStore = new PostgresRefreshTokenStore({ client: late, schema, queryTimeout: 0.2 });
      const lateRevocations = new PostgresRevocationStore({ client: late, schema, queryTimeout: 0.2 });
      const record = firstRecord();
      await store.insert(record);
      const successor = successorOf(record, NOW + 1);
      const fresh = firstRecord();
      const calls = [
        lateStore.rotate(record.hash, successor, NOW + 1),
        lateStore.insert(fresh),
        lateStore.revokeFamily(record.familyId, 'admin'),
        lateStore.revokeSubject(record.subject, 'admin'),
        lateStore.deleteExpired(NOW + 7200),
        lateRevocations.revokeJti('j', NOW + 10, NOW),
        lateRevocations.revokeIssuedBefore('s', NOW, NOW + 10, NOW),
      ];
      expect(await Promise.all(calls.map(codeOf))).toEqual(calls.map(() => 'ERR_STORE_UNAVAILABLE'));
      await Promise.all(settled);
      expect(settled).toHaveLength(calls.length);
      expect(await store.find(record.hash)).toMatchObject({ usedAt: null, revoked: false });
      expect(await store.find(successor.hash)).toBe(null);
      expect(await store.find(fresh.hash)).toBe(null);
      expect(await revocations.isJtiRevoked('j', NOW)).toBe(false);
      expect(await revocations.issuedBeforeCutoff('s', NOW)).toBe(null);
      expect((await store.rotate(record.hash, successor, NOW + 1)).status).toBe('rotated');
    });

    it('deleteExpired removes a family with its last token, and counts tokens', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const record = firstRecord({ expiresAt: NOW + 100, familyId: `f-${randomHash()}` });
      await store.insert(record);
      await store.rotate(record.hash, successorOf(record, NOW + 10), NOW + 10);
      const familyRows = () => sql(`SELECT 1 FROM "${schema}".jwtkit_refresh_families WHERE family_id = $1`, [record.familyId]);
      expect(await familyRows()).toHaveLength(1);
      expect(await store.deleteExpired(NOW + 100)).toBeGreaterThanOrEqual(2);
      expect(await familyRows()).toHaveLength(0);
    });

    it('reports data it did not write as ERR_STORE_UNAVAILABLE, never as a made-up record', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const record = firstRecord();
      await store.insert(record);
      await sql(`UPDATE "${schema}".jwtkit_refresh_tokens SET claims = '[1]' WHERE hash = $1`, [record.hash]);
      expect(await codeOf(store.find(record.hash))).toBe('ERR_STORE_UNAVAILABLE');
    });
  });
}

storeBehaviour('PostgreSQL stores on PGlite', async () => {
  const db = await PGlite.create();
  return { client: db, close: () => db.close() };
});

describeWithServer('PostgreSQL stores on a PostgreSQL server', findPostgresBindir(), (bindir) => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer(bindir);
  });
  afterAll(async () => {
    await server?.dispose();
  });
  storeBehaviour('pg Pool', async () => {
    const { client, close } = openPool(server.url(await server.createDatabase()));
    return { client, close };
  });

  /** Six instances starting at once, each running migrate(), twice over; then the schema works. */
  async function migrateConcurrently(client: PostgresQueryable, schema?: string): Promise<void> {
    const options = schema === undefined ? {} : { schema };
    for (let round = 0; round < 2; round++) {
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => codeOf(migrate(client, options))));
      expect(outcomes).toEqual(Array.from({ length: 6 }, () => 'resolved'));
    }
    const store = new PostgresRefreshTokenStore({ client, ...options });
    const record = firstRecord();
    await store.insert(record);
    expect((await store.rotate(record.hash, successorOf(record, NOW + 1), NOW + 1)).status).toBe('rotated');
    const revocations = new PostgresRevocationStore({ client, ...options });
    await revocations.revokeJti('j', NOW + 10, NOW);
    expect(await revocations.isJtiRevoked('j', NOW)).toBe(true);
  }

  it('migrate() run by six instances at once on a fresh database: every call succeeds (pg Pool, connect())', async () => {
    const { client, close } = openPool(server.url(await server.createDatabase()), 8);
    try {
      await migrateConcurrently(client);
      await migrateConcurrently(client, 'jwtkit_concurrent');
    } finally {
      await close();
    }
  });

  it('migrate() run by six instances at once through a query()-only client: every call succeeds', async () => {
    const { pool, close } = openPool(server.url(await server.createDatabase()), 8);
    try {
      const queryOnly: PostgresQueryable = { query: (text, values) => pool.query(text, values) };
      await migrateConcurrently(queryOnly);
      await migrateConcurrently(queryOnly, 'jwtkit_concurrent');
    } finally {
      await close();
    }
  });
});
