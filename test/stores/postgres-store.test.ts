// What the PostgreSQL stores promise beyond the conformance kit: option checks, the migration
// (as a string and as migrate()), its indexes, schemas, the write fence and error mapping. On
// PGlite always, and on a real PostgreSQL server when installed.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  migrate,
  POSTGRES_MIGRATION_SQL,
  PostgresRefreshTokenStore,
  PostgresRevocationStore,
  type PostgresQueryable,
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
});
