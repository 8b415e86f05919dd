// What the PostgreSQL stores promise beyond the conformance kit: option checks, the migration
// (as a string and as migrate(), serialised between concurrent callers, and from a database of
// store contract v1), its indexes, schemas, the write fence, writes as transactions on a lent
// connection, the session cap under concurrent logins, batched clean-up, storage that does not grow
// with rotations, and error mapping. On PGlite always, and on a real PostgreSQL server when installed.
import { EventEmitter } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LegacyRefreshTokenRecord } from '../../src/testing/index.js';
import type { PresentedRefreshToken, RevokedFamily } from '../../src/tokens/store.js';
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
import { insertLegacyRecord, V1_MIGRATION_SQL } from '../helpers/servers/postgres-families.js';
import { serviceOn } from '../helpers/servers/refresh-burst.js';
import { codeOf, legacyRecord, newFamily, NOW, presented, randomHash, randomId, successorAt } from '../helpers/servers/records.js';

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
      { deleteBudget: 0 },
      { deleteBudget: '1' },
      { connectionTimeout: -1 },
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
      expect(await codeOf(store.find(randomId()))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(store.insert(newFamily(), 10))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(new PostgresRevocationStore({ client, queryTimeout: 0.05 }).isJtiRevoked('j', NOW))).toBe(
        'ERR_STORE_UNAVAILABLE',
      );
    }
  });

  it('refuses malformed arguments with ERR_INVALID_OPTION before sending anything', async () => {
    let sent = 0;
    const counting: PostgresQueryable = { query: async () => (sent++, { rows: [] }) };
    const store = new PostgresRefreshTokenStore({ client: counting });
    const family = newFamily();
    expect(await codeOf(store.rotate(presented(family), successorAt(NOW), 1.5))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.rotate(presented(family, { generation: -1 }), successorAt(NOW), NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.rotate(presented(family), successorAt(NOW, { claims: [] as never }), NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...family, claims: { big: 1n } as never }, 10))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...family, expiresAt: '1' as never }, 10))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.insert({ ...family, jkt: 7 as never }, 10))).toBe('ERR_INVALID_OPTION');
    for (const cap of [0, 1.5, -1, '3']) expect(await codeOf(store.insert(family, cap as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.revokeSubject(family.subject, 'because' as never, NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.revokeSubject(family.subject, 'admin', undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.find(42 as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.adoptLegacy(randomHash(), 42 as never, NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.adoptLegacy(randomHash(), 'key', NOW - 0.5))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(store.deleteExpired(-0.5))).toBe('ERR_INVALID_OPTION');
    const revocations = new PostgresRevocationStore({ client: counting });
    expect(await codeOf(revocations.revokeJti('j', NOW + 10, undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.revokeSession('s', NOW + 10, undefined as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.isSessionRevoked(1 as never, NOW))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(revocations.revokeIssuedBefore('s', NOW, NOW + 10, NOW + 0.5))).toBe('ERR_INVALID_OPTION');
    expect(sent).toBe(0);
  });
});

/** A pool-like client whose `connect()` lends one recorded connection answering with `answer`. */
function lendingClient(
  answer: (text: string) => PostgresQueryResult | Promise<PostgresQueryResult> = () => ({ rows: [{ open: true }] }),
  lend?: (connection: PostgresConnection) => Promise<unknown>,
) {
  const log = { texts: [] as string[], values: [] as unknown[][], releases: [] as unknown[][], connects: 0, poolQueries: 0 };
  const connection: PostgresConnection = {
    query: async (text, values) => {
      log.texts.push(text);
      log.values.push(values);
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
    // Reads take a lent connection too (so that waiting for it is not counted), without a transaction.
    await store.find(randomId()).catch(() => undefined);
    expect(log.poolQueries).toBe(0);
    expect(log.connects).toBe(2);
    expect(log.texts).toHaveLength(5);
    expect(log.texts[4]).toContain('FROM jwtkit_refresh_families');
    expect(log.releases).toEqual([[], []]);
  });

  it('insert first takes the transaction-level advisory lock of the subject, in the same transaction', async () => {
    const { client, log } = lendingClient();
    const family = newFamily();
    expect(await new PostgresRefreshTokenStore({ client }).insert(family, 3)).toEqual([]);
    expect(log.texts).toHaveLength(5);
    expect([log.texts[0], log.texts[4]]).toEqual(['BEGIN', 'COMMIT']);
    expect(log.texts[1]).toMatch(LOCAL_TIMEOUTS);
    expect(log.texts[2]).toMatch(/^SELECT pg_advisory_xact_lock\(\d+, hashtext\(\$1::text\)\)$/);
    expect(log.texts[3]).toContain('INSERT INTO jwtkit_refresh_families');
    expect(log.releases).toEqual([[]]);
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
      text.includes('INSERT INTO') ? Promise.reject(Object.assign(new Error('failed'), { code })) : { rows: [] };
    for (const [code, expected] of [
      ['55P03', 'ERR_STORE_UNAVAILABLE'], // lock_timeout
      ['57014', 'ERR_STORE_UNAVAILABLE'], // statement_timeout
      ['23505', 'ERR_INVALID_OPTION'], // unique violation: a duplicate family id
    ] as const) {
      const { client, log } = lendingClient(failing(code));
      expect(await codeOf(new PostgresRefreshTokenStore({ client }).insert(newFamily(), 3))).toBe(expected);
      expect(log.texts.at(-1)).toBe('ROLLBACK');
      expect(log.texts).not.toContain('COMMIT');
      expect(log.releases).toEqual([[]]);
    }
    const broken = lendingClient((text) =>
      text === 'BEGIN' || LOCAL_TIMEOUTS.test(text) ? { rows: [] } : Promise.reject(new Error('connection terminated')),
    );
    expect(await codeOf(new PostgresRefreshTokenStore({ client: broken.client }).insert(newFamily(), 3))).toBe('ERR_STORE_UNAVAILABLE');
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
    expect(await codeOf(new PostgresRefreshTokenStore({ client: throwing }).insert(newFamily(), 3))).toBe('ERR_STORE_UNAVAILABLE');
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
      expect(await codeOf(new PostgresRefreshTokenStore({ client, queryTimeout: 0.05 }).insert(newFamily(), 3))).toBe(
        'ERR_STORE_UNAVAILABLE',
      );
    }
  });

  it('a timeout while waiting for connect() or for the statement commits nothing and gives the connection back', async () => {
    const lateConnection = lendingClient(undefined, async (connection) => (await sleep(150), connection));
    const store = new PostgresRefreshTokenStore({ client: lateConnection.client, queryTimeout: 0.05 });
    expect(await codeOf(store.rotate(presented(newFamily()), successorAt(NOW + 1), NOW + 1))).toBe('ERR_STORE_UNAVAILABLE');
    await vi.waitFor(() => expect(lateConnection.log.releases).toEqual([[]]));
    expect(lateConnection.log.texts).toEqual([]);

    const lateStatement = lendingClient(async (text) => {
      if (text.includes('INSERT INTO')) await sleep(150);
      return { rows: [{ open: true }] };
    });
    const slow = new PostgresRefreshTokenStore({ client: lateStatement.client, queryTimeout: 0.05 });
    expect(await codeOf(slow.insert(newFamily(), 3))).toBe('ERR_STORE_UNAVAILABLE');
    await vi.waitFor(() => expect(lateStatement.log.releases).toEqual([[]]));
    expect(lateStatement.log.texts.at(-1)).toBe('ROLLBACK');
    expect(lateStatement.log.texts).not.toContain('COMMIT');
  });

  it('the wait for a connection counts against connectionTimeout, not queryTimeout: the deadline and the fence start once it is held', async () => {
    const answer = (text: string) => ({ rows: text.startsWith('WITH') ? [{ open: true }] : [] });
    const slowPool = lendingClient(answer, async (connection) => (await sleep(150), connection));
    const store = new PostgresRefreshTokenStore({ client: slowPool.client, queryTimeout: 0.05, connectionTimeout: 1 });
    const started = Date.now();
    await store.revokeFamily('family', 'admin');
    expect(slowPool.log.texts.slice(0, 2)).toEqual(['BEGIN', slowPool.log.texts[1]]);
    const fence = Number(slowPool.log.values[2]?.[0]);
    // The fence is half of queryTimeout after the connection came, not after the call started.
    expect(fence).toBeGreaterThanOrEqual(started + 150 + 25 - 5);
    expect(await store.find(randomId())).toBe(null);
    expect(slowPool.log.releases).toEqual([[], []]);
    expect(
      await codeOf(new PostgresRefreshTokenStore({ client: slowPool.client, queryTimeout: 1, connectionTimeout: 0.05 }).find(randomId())),
    ).toBe('ERR_STORE_UNAVAILABLE');
    for (const connectionTimeout of [0, '1', '25d'] as never[]) {
      expect(await codeOf((async () => new PostgresRefreshTokenStore({ client: slowPool.client, connectionTimeout }))())).toBe(
        'ERR_INVALID_OPTION',
      );
    }
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

/** Columns, constraints and indexes of the tables in `schema`, for comparing two databases. */
async function schemaShape(db: PGlite, schema: string): Promise<string[]> {
  const { rows } = await db.query<{ d: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' #' || ordinal_position AS d
       FROM information_schema.columns WHERE table_schema = $1
     UNION ALL
     SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
       FROM pg_constraint WHERE connamespace = $1::regnamespace
     UNION ALL
     SELECT tablename || ':' || indexdef FROM pg_indexes WHERE schemaname = $1`,
    [schema],
  );
  return rows.map((row) => row.d.replaceAll(`${schema}.`, '')).sort();
}

describe('POSTGRES_MIGRATION_SQL', () => {
  it('is one idempotent script that creates the same tables and indexes as migrate()', async () => {
    const db = await PGlite.create();
    try {
      await db.exec(POSTGRES_MIGRATION_SQL);
      await db.exec(POSTGRES_MIGRATION_SQL);
      await migrate(db, { schema: 'via_migrate' });
      await migrate(db, { schema: 'via_migrate' });
      const indexes = async (schema: string) =>
        (
          await db.query<{ d: string }>(
            `SELECT tablename || ':' || replace(indexdef, schemaname || '.', '') AS d FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
            [schema],
          )
        ).rows.map((row) => row.d);
      expect(await indexes('public')).toEqual(await indexes('via_migrate'));
      expect(await indexes('public')).toHaveLength(14);
      expect(await schemaShape(db, 'public')).toEqual(await schemaShape(db, 'via_migrate'));
    } finally {
      await db.close();
    }
  });

  it('brings a database created by the migration of contract v1 to the schema of an empty one', async () => {
    const upgraded = await PGlite.create();
    const fresh = await PGlite.create();
    try {
      await upgraded.exec(V1_MIGRATION_SQL);
      const v1Shape = await schemaShape(upgraded, 'public');
      expect(v1Shape).toContainEqual(
        "jwtkit_refresh_families jwtkit_refresh_families_revoked_reason_check CHECK ((revoked_reason = ANY (ARRAY['reuse'::text, 'logout'::text, 'logout_all'::text, 'admin'::text])))",
      );
      await upgraded.exec(POSTGRES_MIGRATION_SQL);
      await upgraded.exec(POSTGRES_MIGRATION_SQL);
      await fresh.exec(POSTGRES_MIGRATION_SQL);
      const shape = await schemaShape(fresh, 'public');
      expect(await schemaShape(upgraded, 'public')).toEqual(shape);
      expect(shape).not.toEqual(v1Shape);
      // What contract v2 added.
      for (const column of ['hash', 'tag_key', 'generation', 'created_at', 'rotated_at', 'idle_expires_at', 'claims', 'jkt']) {
        expect(shape.some((line) => line.startsWith(`jwtkit_refresh_families.${column} `) && line.includes(' YES #'))).toBe(true);
      }
      expect(shape.filter((line) => line.includes('revoked_reason_check'))).toEqual([
        "jwtkit_refresh_families jwtkit_refresh_families_revoked_reason_check CHECK ((revoked_reason = ANY (ARRAY['reuse'::text, 'logout'::text, 'logout_all'::text, 'admin'::text, 'session_limit'::text, 'refresh_denied'::text, 'key_mismatch'::text])))",
      ]);
      expect(shape.some((line) => line.startsWith('jwtkit_revoked_sessions.sid '))).toBe(true);
    } finally {
      await Promise.all([upgraded.close(), fresh.close()]);
    }
  });
});

/** A database for one `storeBehaviour`: a client, and how to run a text of several statements. */
interface OpenDatabase {
  client: PostgresQueryable;
  exec: (text: string) => Promise<unknown>;
  close: () => Promise<void>;
}

/** The rotation of `token` to a fresh successor at `now`, and the presented token of that successor. */
async function rotateOnce(store: PostgresRefreshTokenStore, token: PresentedRefreshToken, now: number): Promise<PresentedRefreshToken> {
  const successor = successorAt(now, { idleExpiresAt: null });
  const result = await store.rotate(token, successor, now);
  expect(result.status).toBe('rotated');
  return { familyId: token.familyId, generation: token.generation + 1, hash: successor.hash };
}

const byFamilyId = (a: RevokedFamily, b: RevokedFamily) => (a.familyId < b.familyId ? -1 : a.familyId > b.familyId ? 1 : 0);

/** The store behaviour that needs a database, on one `client`. */
function storeBehaviour(name: string, open: () => Promise<OpenDatabase>): void {
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

    it('has indexes for lookup, subject revocation, the session cap and expiry cleanup', async () => {
      const rows = await sql(`SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1`, [schema]);
      const indexed = rows.map((row) => `${String(row['tablename'])}(${/\((.*)\)/.exec(String(row['indexdef']))?.[1] ?? ''})`).sort();
      expect(indexed).toEqual(
        [
          'jwtkit_key_rings(ring_id)',
          'jwtkit_refresh_families(expires_at)',
          'jwtkit_refresh_families(family_id)',
          'jwtkit_refresh_families(subject)',
          'jwtkit_refresh_families(subject, created_at, family_id) WHERE (revoked_reason IS NULL)',
          'jwtkit_refresh_tokens(expires_at)',
          'jwtkit_refresh_tokens(family_id)',
          'jwtkit_refresh_tokens(hash)',
          'jwtkit_revoked_jtis(expires_at)',
          'jwtkit_revoked_jtis(jti)',
          'jwtkit_revoked_sessions(expires_at)',
          'jwtkit_revoked_sessions(sid)',
          'jwtkit_subject_cutoffs(expires_at)',
          'jwtkit_subject_cutoffs(subject)',
        ].sort(),
      );
    });

    it('uses the configured schema, and reports a missing table as ERR_STORE_UNAVAILABLE', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const family = newFamily();
      await store.insert(family, 10);
      expect(await sql(`SELECT hash FROM "${schema}".jwtkit_refresh_families WHERE family_id = $1`, [family.familyId])).toEqual([
        { hash: family.hash },
      ]);
      const unmigrated = new PostgresRefreshTokenStore({ client, schema: 'nowhere' });
      expect(await codeOf(unmigrated.find(family.familyId))).toBe('ERR_STORE_UNAVAILABLE');
      expect(await codeOf(unmigrated.insert(newFamily(), 10))).toBe('ERR_STORE_UNAVAILABLE');
      const revocations = new PostgresRevocationStore({ client, schema: 'nowhere' });
      expect(await codeOf(revocations.isSessionRevoked('sid', NOW))).toBe('ERR_STORE_UNAVAILABLE');
    });

    it('keeps one row per family, with what it is given: hashes, never a token; claims as JSON text', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const family = newFamily({ claims: { scope: 'a b', n: 1.5, list: [1, 'x', null] }, jkt: 'thumbprint' });
      await store.insert(family, 10);
      const claims = { scope: 'c', role: ['admin'] };
      const successor = successorAt(NOW + 1, { claims });
      await store.rotate(presented(family), successor, NOW + 1);
      const rows = await sql(
        `SELECT hash, tag_key, generation::int AS generation, rotated_at::int AS rotated_at, claims, jkt
           FROM "${schema}".jwtkit_refresh_families WHERE family_id = $1`,
        [family.familyId],
      );
      expect(rows).toHaveLength(1);
      expect({ ...rows[0], claims: JSON.parse(String(rows[0]?.['claims'])) }).toEqual({
        hash: successor.hash,
        tag_key: family.tagKey,
        generation: 1,
        rotated_at: NOW + 1,
        claims,
        jkt: 'thumbprint',
      });
    });

    it('refuses a family id stored already (of either contract) with ERR_INVALID_OPTION, changing nothing', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const family = newFamily();
      await store.insert(family, 10);
      expect(await codeOf(store.insert(newFamily({ familyId: family.familyId, subject: family.subject }), 1))).toBe('ERR_INVALID_OPTION');
      expect(await store.find(family.familyId)).toMatchObject({ hash: family.hash, revoked: false, generation: 0 });
      const legacy = legacyRecord();
      await insertLegacyRecord(client, legacy, schema);
      expect(await codeOf(store.insert(newFamily({ familyId: legacy.familyId }), 10))).toBe('ERR_INVALID_OPTION');
      expect(await store.find(legacy.familyId)).toBe(null);
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
      const family = newFamily();
      await store.insert(family, 10);
      const legacy = legacyRecord();
      await insertLegacyRecord(client, legacy, schema);
      const successor = successorAt(NOW + 1);
      const fresh = newFamily({ subject: family.subject, createdAt: NOW + 1 });
      const calls = [
        lateStore.rotate(presented(family), successor, NOW + 1),
        lateStore.insert(fresh, 1),
        lateStore.revokeFamily(family.familyId, 'admin'),
        lateStore.revokeSubject(family.subject, 'admin', NOW),
        lateStore.adoptLegacy(legacy.hash, family.tagKey, NOW),
        lateStore.deleteExpired(NOW + 7200),
        lateRevocations.revokeJti('j', NOW + 10, NOW),
        lateRevocations.revokeSession('s', NOW + 10, NOW),
        lateRevocations.revokeIssuedBefore('s', NOW, NOW + 10, NOW),
        lateRevocations.deleteExpired(NOW + 7200),
      ];
      expect(await Promise.all(calls.map(codeOf))).toEqual(calls.map(() => 'ERR_STORE_UNAVAILABLE'));
      await Promise.all(settled);
      expect(settled).toHaveLength(calls.length);
      expect(await store.find(family.familyId)).toMatchObject({ generation: 0, hash: family.hash, revoked: false });
      expect(await store.find(fresh.familyId)).toBe(null);
      expect(await store.find(legacy.familyId)).toBe(null);
      expect(await revocations.isJtiRevoked('j', NOW)).toBe(false);
      expect(await revocations.isSessionRevoked('s', NOW)).toBe(false);
      expect(await revocations.issuedBeforeCutoff('s', NOW)).toBe(null);
      expect((await store.rotate(presented(family), successor, NOW + 1)).status).toBe('rotated');
    });

    it('holds the session cap under concurrent logins of one subject: each revoked family is answered once', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const subject = `user-${randomId()}`;
      const logins = Array.from({ length: 30 }, (_, index) => newFamily({ subject, createdAt: NOW + index }));
      const answers = await Promise.all(logins.map((family) => store.insert(family, 3)));
      const revoked = answers.flat().map((family) => family.familyId);
      const live = await sql(`SELECT family_id FROM "${schema}".jwtkit_refresh_families WHERE subject = $1 AND revoked_reason IS NULL`, [
        subject,
      ]);
      expect(live).toHaveLength(3);
      expect(new Set(revoked).size).toBe(revoked.length);
      expect([...live.map((row) => row['family_id']), ...revoked].sort()).toEqual(logins.map((family) => family.familyId).sort());
      const reasons = await sql(
        `SELECT DISTINCT revoked_reason FROM "${schema}".jwtkit_refresh_families WHERE subject = $1 AND revoked_reason IS NOT NULL`,
        [subject],
      );
      expect(reasons).toEqual([{ revoked_reason: 'session_limit' }]);
    });

    it('deleteExpired removes expired families and rows of contract v1 in batches of 1,000, and keeps the rest', async () => {
      const batches = 'jwtkit_batches';
      await migrate(client, { schema: batches });
      await sql(
        `INSERT INTO "${batches}".jwtkit_refresh_families (family_id, subject, hash, tag_key, generation, created_at, expires_at, claims)
         SELECT 'f' || i, 's' || (i % 50), 'h' || i, 'k', 0, $1::bigint, $1::bigint + 100, '{}' FROM generate_series(1, 2500) AS i`,
        [NOW],
      );
      const deletes: string[] = [];
      const counting: PostgresQueryable = {
        query: (text, values) => {
          if (text.includes('DELETE FROM')) deletes.push(text.includes('jwtkit_refresh_tokens') ? 'tokens' : 'families');
          return client.query(text, values);
        },
      };
      const store = new PostgresRefreshTokenStore({ client: counting, schema: batches });
      const live = newFamily({ expiresAt: NOW + 5000 });
      await store.insert(live, 10);
      // A family of contract v1 whose first token expires before it.
      const first = legacyRecord({ expiresAt: NOW + 10, usedAt: NOW + 5 });
      const second = legacyRecord({ familyId: first.familyId, subject: first.subject, parentHash: first.hash, expiresAt: NOW + 5000 });
      await insertLegacyRecord(client, first, batches);
      await insertLegacyRecord(client, second, batches);
      expect(await store.deleteExpired(NOW + 100)).toBe(2500);
      expect(deletes).toEqual(['tokens', 'families', 'families', 'families']);
      expect(await store.find(live.familyId)).toMatchObject({ familyId: live.familyId });
      expect(await store.adoptLegacy(first.hash, live.tagKey, NOW + 100)).toBe(null);
      expect(await store.adoptLegacy(second.hash, live.tagKey, NOW + 100)).toEqual({ status: 'current', familyId: first.familyId });
      expect(await sql(`SELECT count(*)::int AS n FROM "${batches}".jwtkit_refresh_families`)).toEqual([{ n: 2 }]);
      expect(await store.deleteExpired(NOW + 5000)).toBe(2);
      expect(await sql(`SELECT count(*)::int AS n FROM "${batches}".jwtkit_refresh_tokens`)).toEqual([{ n: 0 }]);
    });

    it('deleteExpired on 50,000 expired families: at most 1,000 rows per statement, a call stops after its deleteBudget, the next continues', async () => {
      const backlog = 'jwtkit_backlog';
      await migrate(client, { schema: backlog });
      await sql(
        `INSERT INTO "${backlog}".jwtkit_refresh_families (family_id, subject, hash, tag_key, generation, created_at, expires_at, claims)
         SELECT 'f' || i, 's' || (i % 500), 'h' || i, 'k', 0, $1::bigint, $1::bigint + 100, '{}' FROM generate_series(1, 50000) AS i`,
        [NOW],
      );
      await sql(
        `INSERT INTO "${backlog}".jwtkit_revoked_jtis (jti, expires_at) SELECT 'j' || i, $1::bigint FROM generate_series(1, 3000) AS i`,
        [NOW],
      );
      const deletes: { limit: unknown; removed: unknown }[] = [];
      const counting: PostgresQueryable = {
        query: async (text, values) => {
          const result = await client.query(text, values);
          if (text.includes('DELETE FROM')) deletes.push({ limit: values[2], removed: (result.rows[0] as Rows[number])['removed'] });
          return result;
        },
      };
      const store = new PostgresRefreshTokenStore({ client: counting, schema: backlog, deleteBudget: 0.001 });
      const live = newFamily({ expiresAt: NOW + 5000 });
      await store.insert(live, 10);
      // 1 ms: the budget is spent after the first batch of each table.
      const first = await store.deleteExpired(NOW + 100);
      expect(first).toBe(1000);
      expect(await sql(`SELECT count(*)::int AS n FROM "${backlog}".jwtkit_refresh_families`)).toEqual([{ n: 49_001 }]);
      let calls = 1;
      let total = first;
      for (let removed = first; removed > 0; calls++) total += removed = await store.deleteExpired(NOW + 100);
      expect(total).toBe(50_000);
      expect(calls).toBeGreaterThan(2);
      expect(deletes.length).toBeGreaterThanOrEqual(100); // a tokens and a families batch per call
      for (const { limit, removed } of deletes) {
        expect(limit).toBe(1000);
        expect(Number(removed)).toBeLessThanOrEqual(1000);
      }
      expect(await store.find(live.familyId)).toMatchObject({ familyId: live.familyId });

      const revocations = new PostgresRevocationStore({ client, schema: backlog, deleteBudget: 0.001 });
      expect(await revocations.deleteExpired(NOW + 100)).toBe(1000);
      expect(await revocations.deleteExpired(NOW + 100)).toBe(1000);
      expect(await new PostgresRevocationStore({ client, schema: backlog }).deleteExpired(NOW + 100)).toBe(1000);
      expect(await revocations.deleteExpired(NOW + 100)).toBe(0);
    });

    it('storage per session does not grow with rotations: 2,000 rotations of 20 sessions leave the table as it was', async () => {
      const sizes = 'jwtkit_sizes';
      await migrate(client, { schema: sizes });
      const store = new PostgresRefreshTokenStore({ client, schema: sizes });
      const families = Array.from({ length: 20 }, () => newFamily({ expiresAt: NOW + 86_400, idleExpiresAt: null }));
      for (const family of families) await store.insert(family, 10);
      const table = `"${sizes}".jwtkit_refresh_families`;
      const size = async () => {
        await sql(`VACUUM ${table}`);
        return Number((await sql(`SELECT pg_total_relation_size('${table}') AS n`))[0]?.['n']);
      };
      const before = await size();
      // One rotation at a time: each is a HOT update pruning its page (concurrent ones may not find
      // the page free to prune, and then spill to a new page now and then).
      const tokens = families.map((family) => presented(family));
      for (let round = 1; round <= 100; round++) {
        for (const [index, token] of tokens.entries()) tokens[index] = await rotateOnce(store, token, NOW + round);
      }
      expect(await sql(`SELECT count(*)::int AS n, min(generation)::int AS g FROM ${table}`)).toEqual([{ n: 20, g: 100 }]);
      // Contract v1 kept a row per token: 2,000 rows, some 680 kB with their index entries.
      expect((await size()) - before).toBeLessThanOrEqual(16 * 1024);
    });

    it('reports data it did not write as ERR_STORE_UNAVAILABLE, never as a made-up family', async () => {
      const store = new PostgresRefreshTokenStore({ client, schema });
      const corruptions = [`claims = '[1]'`, 'generation = -1', 'tag_key = NULL', `revoked_reason = 'admin', hash = NULL`];
      for (const [index, corruption] of corruptions.entries()) {
        const family = newFamily();
        await store.insert(family, 10);
        await sql(`UPDATE "${schema}".jwtkit_refresh_families SET ${corruption} WHERE family_id = $1`, [family.familyId]);
        expect(await codeOf(store.find(family.familyId))).toBe('ERR_STORE_UNAVAILABLE');
        // A rotation replaces the claims; every other member is read back.
        if (index > 0) expect(await codeOf(store.rotate(presented(family), successorAt(NOW + 1), NOW + 1))).toBe('ERR_STORE_UNAVAILABLE');
      }
    });
  });
}

/**
 * Upgrading from contract v1, on an empty database from `open`: the migration of contract v1 and
 * rows written as that version wrote them, then `migrate()`.
 */
function upgradeBehaviour(name: string, open: () => Promise<OpenDatabase>): void {
  it(`${name}: migrate() on a database of contract v1: its tokens are adopted and rotate, its families are revoked, capped and cleaned up alike`, async () => {
    const { client, exec, close } = await open();
    try {
      await exec(V1_MIGRATION_SQL);
      const subject = `user-${randomId()}`;
      // A: rotated once by contract v1 (a0 used, a1 current). B: revoked by contract v1. D: never
      // rotated, never adopted. C: another subject's, expiring first.
      const a0 = legacyRecord({ subject, usedAt: NOW + 10 });
      const a1 = legacyRecord({
        subject,
        familyId: a0.familyId,
        parentHash: a0.hash,
        createdAt: NOW + 10,
        idleExpiresAt: NOW + 610,
        claims: { scope: 'write' },
      });
      const b0 = legacyRecord({ subject });
      const d0 = legacyRecord({ subject });
      const c0 = legacyRecord({ expiresAt: NOW + 100, idleExpiresAt: null });
      for (const record of [a0, a1, b0, c0, d0]) await insertLegacyRecord(client, record);
      await client.query(`UPDATE jwtkit_refresh_families SET revoked_reason = 'logout' WHERE family_id = $1`, [b0.familyId]);
      // The CHECK of contract v1 refuses the new reasons.
      const capped = client.query(`UPDATE jwtkit_refresh_families SET revoked_reason = 'session_limit' WHERE family_id = $1`, [
        d0.familyId,
      ]);
      expect(await codeOf(capped)).not.toBe('resolved');

      await migrate(client);
      await migrate(client);
      const store = new PostgresRefreshTokenStore({ client });
      const { tagKey } = newFamily();
      expect(await store.find(a0.familyId)).toBe(null);
      expect(await store.adoptLegacy(a0.hash, tagKey, NOW + 20)).toEqual({
        status: 'used',
        familyId: a0.familyId,
        subject: a0.subject,
        usedAt: NOW + 10,
      });
      expect(await store.find(a0.familyId)).toBe(null);
      expect(await store.adoptLegacy(a1.hash, tagKey, NOW + 20)).toEqual({ status: 'current', familyId: a0.familyId });
      expect(await store.find(a0.familyId)).toEqual({
        familyId: a0.familyId,
        subject,
        hash: a1.hash,
        tagKey,
        generation: 0,
        createdAt: NOW + 10,
        rotatedAt: null,
        expiresAt: NOW + 3600,
        idleExpiresAt: NOW + 610,
        claims: { scope: 'write' },
        jkt: null,
        revoked: false,
        revokedReason: null,
      });
      // Adopted once: a second adoption changes nothing.
      expect(await store.adoptLegacy(a1.hash, newFamily().tagKey, NOW + 21)).toEqual({ status: 'current', familyId: a0.familyId });
      expect((await store.find(a0.familyId))?.tagKey).toBe(tagKey);
      const a = await rotateOnce(store, { familyId: a0.familyId, generation: 0, hash: a1.hash }, NOW + 30);
      expect(await store.rotate({ familyId: a0.familyId, generation: 0, hash: a1.hash }, successorAt(NOW + 31), NOW + 31)).toMatchObject({
        status: 'used',
        successorUsed: false,
      });
      expect(a.generation).toBe(1);

      // Revoked by contract v1: adopted with its reason, and refused.
      expect(await store.adoptLegacy(b0.hash, tagKey, NOW + 40)).toEqual({ status: 'current', familyId: b0.familyId });
      expect(await store.find(b0.familyId)).toMatchObject({ generation: 0, revoked: true, revokedReason: 'logout' });
      expect((await store.rotate({ familyId: b0.familyId, generation: 0, hash: b0.hash }, successorAt(NOW + 40), NOW + 40)).status).toBe(
        'revoked',
      );
      expect(await store.adoptLegacy(randomHash(), tagKey, NOW + 40)).toBe(null);

      // The session cap counts families of both contracts; one never adopted is older than any other.
      const login = newFamily({ subject, createdAt: NOW + 50 });
      expect(await store.insert(login, 2)).toEqual([{ familyId: d0.familyId, expiresAt: NOW + 3600 }]);
      expect(await store.adoptLegacy(d0.hash, tagKey, NOW + 50)).toEqual({ status: 'current', familyId: d0.familyId });
      expect(await store.find(d0.familyId)).toMatchObject({ revoked: true, revokedReason: 'session_limit' });
      await store.revokeFamily(login.familyId, 'key_mismatch');
      expect(await store.find(login.familyId)).toMatchObject({ revokedReason: 'key_mismatch' });

      // revokeSubject answers and revokes families of both contracts.
      expect((await store.revokeSubject(subject, 'logout_all', NOW + 60)).sort(byFamilyId)).toEqual(
        [a0, b0, d0, login].map((family) => ({ familyId: family.familyId, expiresAt: NOW + 3600 })).sort(byFamilyId),
      );
      expect(await store.revokeSubject(c0.subject, 'logout_all', NOW + 60)).toEqual([{ familyId: c0.familyId, expiresAt: NOW + 100 }]);
      expect(await store.adoptLegacy(c0.hash, tagKey, NOW + 60)).toEqual({ status: 'current', familyId: c0.familyId });
      expect(await store.find(c0.familyId)).toMatchObject({ revokedReason: 'logout_all', idleExpiresAt: null });

      // deleteExpired removes a family of contract v1 with its rows.
      expect(await store.deleteExpired(NOW + 100)).toBe(1);
      expect(await store.adoptLegacy(c0.hash, tagKey, NOW + 100)).toBe(null);
      expect((await client.query(`SELECT count(*)::int AS n FROM jwtkit_refresh_tokens`, [])).rows).toEqual([{ n: 4 }]);
    } finally {
      await close();
    }
  });
}

storeBehaviour('PostgreSQL stores on PGlite', async () => {
  const db = await PGlite.create();
  return { client: db, exec: (text) => db.exec(text), close: () => db.close() };
});

describe('PostgreSQL stores upgraded from contract v1', () => {
  upgradeBehaviour('PGlite', async () => {
    const db = await PGlite.create();
    return { client: db, exec: (text) => db.exec(text), close: () => db.close() };
  });
});

describeWithServer('PostgreSQL stores on a PostgreSQL server', findPostgresBindir(), (bindir) => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer(bindir);
  });
  afterAll(async () => {
    await server?.dispose();
  });
  const openDatabase = async (): Promise<OpenDatabase> => {
    const { pool, client, close } = openPool(server.url(await server.createDatabase()));
    return { client, exec: (text) => pool.query(text), close };
  };
  storeBehaviour('pg Pool', openDatabase);
  upgradeBehaviour('pg Pool', openDatabase);

  /**
   * Six instances starting at once, each running migrate(), twice over; then the schema works, and
   * the token of contract v1 (when the database held one) is adopted and rotates.
   */
  async function migrateConcurrently(client: PostgresQueryable, schema?: string, legacy?: LegacyRefreshTokenRecord): Promise<void> {
    const options = schema === undefined ? {} : { schema };
    for (let round = 0; round < 2; round++) {
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => codeOf(migrate(client, options))));
      expect(outcomes).toEqual(Array.from({ length: 6 }, () => 'resolved'));
    }
    const store = new PostgresRefreshTokenStore({ client, ...options });
    const family = newFamily();
    await store.insert(family, 10);
    await rotateOnce(store, presented(family), NOW + 1);
    if (legacy !== undefined) {
      expect(await store.adoptLegacy(legacy.hash, family.tagKey, NOW + 1)).toEqual({ status: 'current', familyId: legacy.familyId });
      await rotateOnce(store, { familyId: legacy.familyId, generation: 0, hash: legacy.hash }, NOW + 1);
    }
    const revocations = new PostgresRevocationStore({ client, ...options });
    await revocations.revokeJti('j', NOW + 10, NOW);
    expect(await revocations.isJtiRevoked('j', NOW)).toBe(true);
    await revocations.revokeSession('s', NOW + 10, NOW);
    expect(await revocations.isSessionRevoked('s', NOW)).toBe(true);
  }

  it('a burst of 500 concurrent refreshes through the token service on a pool of 4 connections: every refresh succeeds', async () => {
    const { client, close } = openPool(server.url(await server.createDatabase()), 4);
    try {
      await migrate(client);
      // The burst takes about a second to drain through 4 connections: longer than queryTimeout,
      // which counts only from when a call holds its connection (connectionTimeout bounds the wait).
      const service = serviceOn(new PostgresRefreshTokenStore({ client, queryTimeout: 0.5, connectionTimeout: 30 }));
      const tokens: string[] = [];
      for (let index = 0; index < 500; index++) tokens.push((await service.issue(`user-${index}`)).refreshToken);
      const outcomes = await Promise.all(tokens.map((token) => codeOf(service.refresh(token))));
      expect(outcomes.filter((outcome) => outcome !== 'resolved')).toEqual([]);
    } finally {
      await close();
    }
  });

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

  it('migrate() run by six instances at once on a database of contract v1 holding its rows: every call succeeds', async () => {
    const { pool, client, close } = openPool(server.url(await server.createDatabase()), 8);
    try {
      await pool.query(V1_MIGRATION_SQL);
      const legacy = legacyRecord();
      await insertLegacyRecord(client, legacy);
      await migrateConcurrently(client, undefined, legacy);
      const queryOnly: PostgresQueryable = { query: (text, values) => pool.query(text, values) };
      await migrateConcurrently(queryOnly);
    } finally {
      await close();
    }
  });
});
