/**
 * `RedisKeyRingStore`: the state of shared key rings in Redis.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { checkCompareAndSet, checkRingId, type KeyRingStore, type StoredKeyRing } from '../../keys/key-ring-store.js';
import { luaScript, unexpectedReply, type RedisExecutor } from './client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';

/** Options of {@link RedisKeyRingStore}: see {@link RedisStoreOptions}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RedisKeyRingStoreOptions extends RedisStoreOptions {}

const REDIS_KEY_RING_STORE_OPTION_NAMES = optionNames<RedisKeyRingStoreOptions>({ client: true, keyPrefix: true, commandTimeout: true });

/**
 * KEYS: the ring's hash. ARGV: fence, expected version, state. Writes `version` + 1 and `state`
 * when the stored version (0 when none) is the expected one. → {'written'} | {'conflict'} | {'late'}
 */
const COMPARE_AND_SET_SCRIPT = luaScript(`
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1]) then return {'late'} end
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[2]) then return {'conflict'} end
redis.call('HSET', KEYS[1], 'version', tostring(version + 1), 'state', ARGV[3])
return {'written'}
`);

/**
 * A `KeyRingStore` on Redis (a single server or Redis Cluster, with a node-redis or ioredis client)
 * for `createSharedKeyRing`: one HASH per ring, `<keyPrefix>{<ringId>}:key-ring` with the fields
 * `version` and `state`, without TTL. The ring id is the key's hash tag (unless `keyPrefix` has one
 * of its own), and every call touches that one key. `compareAndSet` is one Lua script, so that of
 * concurrent writers exactly one succeeds. The state it keeps holds private keys only encrypted (by
 * the ring, under its KEK). Outages reject with `ERR_STORE_UNAVAILABLE` after `commandTimeout`,
 * and late writes are fenced, as for `RedisRefreshTokenStore`. Use a Redis that persists
 * (AOF or RDB): a ring lost with the data is created anew, with new keys.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createSharedKeyRing } from 'jwtkit';
 * import { RedisKeyRingStore } from 'jwtkit/redis';
 * const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const ring = await createSharedKeyRing({ store: new RedisKeyRingStore({ client }), ringId: 'auth', kek, alg: 'ES256', maxTokenLifetime: '16m' });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) for a missing or unsupported client, a bad
 * `keyPrefix` or `commandTimeout`, or an unknown option name; the methods reject with
 * `ERR_STORE_UNAVAILABLE` when Redis fails or does not answer in time, and `ERR_INVALID_OPTION`
 * for bad arguments (see `KeyRingStore`).
 */
export class RedisKeyRingStore implements KeyRingStore {
  readonly #redis: RedisExecutor;
  readonly #prefix: string;

  constructor(options: RedisKeyRingStoreOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new JwtError('ERR_INVALID_OPTION', 'RedisKeyRingStore needs options with a "client"');
    }
    checkOptionNames(options, REDIS_KEY_RING_STORE_OPTION_NAMES, 'RedisKeyRingStore');
    const resolved = resolveRedisStoreOptions(options);
    this.#redis = resolved.executor;
    this.#prefix = resolved.prefix;
  }

  #key(ringId: string): string {
    return `${this.#prefix}{${checkRingId(ringId)}}:key-ring`;
  }

  async load(ringId: string): Promise<StoredKeyRing | undefined> {
    const key = this.#key(ringId);
    const reply = await this.#redis.command(['HMGET', key, 'version', 'state'], key);
    if (!Array.isArray(reply) || reply.length !== 2) throw unexpectedReply();
    const [version, state] = reply.map((value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value));
    if (version === null && state === null) return undefined;
    const number = typeof version === 'string' && /^[1-9][0-9]{0,15}$/.test(version) ? Number(version) : NaN;
    if (!Number.isSafeInteger(number) || typeof state !== 'string') throw unexpectedReply();
    return { version: number, state };
  }

  async compareAndSet(ringId: string, expectedVersion: number, state: string): Promise<boolean> {
    checkCompareAndSet(ringId, expectedVersion, state);
    const key = this.#key(ringId);
    const [outcome] = await this.#redis.script(COMPARE_AND_SET_SCRIPT, [key], [String(expectedVersion), state]);
    if (outcome !== 'written' && outcome !== 'conflict') throw unexpectedReply();
    return outcome === 'written';
  }
}
