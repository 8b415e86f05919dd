/**
 * `PostgresKeyRingStore`: the state of shared key rings in PostgreSQL.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { checkCompareAndSet, checkRingId, type KeyRingStore, type StoredKeyRing } from '../../keys/key-ring-store.js';
import { assertInTime, GATE_CTE, integerColumn, type PostgresExecutor } from './client.js';
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from './options.js';

/**
 * Options of {@link PostgresKeyRingStore}: those of the other PostgreSQL stores but `deleteBudget`
 * (a ring's row is never expired). Any other member is refused with `ERR_INVALID_OPTION`.
 */
export interface PostgresKeyRingStoreOptions extends Omit<PostgresStoreOptions, 'deleteBudget'> {}

const POSTGRES_KEY_RING_STORE_OPTION_NAMES = optionNames<PostgresKeyRingStoreOptions>({
  client: true,
  schema: true,
  queryTimeout: true,
  connectionTimeout: true,
});

/**
 * A `KeyRingStore` on PostgreSQL (12 or later; PGlite too) for `createSharedKeyRing`: one row per
 * ring in the table `jwtkit_key_rings` of `migrate`. `compareAndSet` is one statement: an insert
 * that does nothing when the ring exists (version 0), or an update whose `WHERE` holds the expected
 * version, so that of concurrent writers exactly one succeeds. The state it keeps holds private
 * keys only encrypted (by the ring, under its KEK). Outages reject with `ERR_STORE_UNAVAILABLE`
 * after `queryTimeout`, and late writes are fenced, as for `PostgresRefreshTokenStore`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createSharedKeyRing } from 'jwtkit';
 * import { migrate, PostgresKeyRingStore } from 'jwtkit/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const ring = await createSharedKeyRing({ store: new PostgresKeyRingStore({ client: pool }), ringId: 'auth', kek, alg: 'ES256', maxTokenLifetime: '16m' });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` has no `query` method, or
 * `schema`, `queryTimeout` or `connectionTimeout` is invalid, or an option name is unknown; the
 * methods reject with `ERR_STORE_UNAVAILABLE` when PostgreSQL fails or does not answer in time,
 * and `ERR_INVALID_OPTION` for bad arguments (see `KeyRingStore`).
 */
export class PostgresKeyRingStore implements KeyRingStore {
  readonly #executor: PostgresExecutor;
  readonly #load: string;
  readonly #compareAndSet: string;

  constructor(options: PostgresKeyRingStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new JwtError('ERR_INVALID_OPTION', 'PostgresKeyRingStore needs options with a "client"');
    }
    checkOptionNames(options, POSTGRES_KEY_RING_STORE_OPTION_NAMES, 'PostgresKeyRingStore');
    const { executor, tables } = resolvePostgresStoreOptions(options);
    this.#executor = executor;
    this.#load = `SELECT version, state FROM ${tables.keyRings} WHERE ring_id = $1::text`;
    // $2 ring id, $3 expected version, $4 state.
    this.#compareAndSet = `WITH ${GATE_CTE},
inserted AS (
  INSERT INTO ${tables.keyRings} (ring_id, version, state)
  SELECT $2::text, 1, $4::text FROM gate WHERE gate.open AND $3::bigint = 0
  ON CONFLICT (ring_id) DO NOTHING
  RETURNING 1
),
updated AS (
  UPDATE ${tables.keyRings} AS r SET version = r.version + 1, state = $4::text
  FROM gate WHERE gate.open AND $3::bigint > 0 AND r.ring_id = $2::text AND r.version = $3::bigint
  RETURNING 1
)
SELECT open, (SELECT count(*) FROM inserted) + (SELECT count(*) FROM updated) AS written FROM gate`;
  }

  async load(ringId: string): Promise<StoredKeyRing | undefined> {
    checkRingId(ringId);
    const [row] = await this.#executor.read(this.#load, [ringId]);
    if (row === undefined) return undefined;
    const state = row['state'];
    if (typeof state !== 'string') throw new JwtError('ERR_STORE_UNAVAILABLE', 'the PostgreSQL store holds an unreadable key ring');
    return { version: integerColumn(row['version']), state };
  }

  async compareAndSet(ringId: string, expectedVersion: number, state: string): Promise<boolean> {
    checkCompareAndSet(ringId, expectedVersion, state);
    const [row] = await this.#executor.write(this.#compareAndSet, [ringId, expectedVersion, state]);
    assertInTime(row);
    return integerColumn(row?.['written']) === 1;
  }
}
