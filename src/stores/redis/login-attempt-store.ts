/**
 * `RedisLoginAttemptStore`: the login limiter's counters shared by every instance through Redis.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import type { LoginAttemptCount, LoginAttemptStore } from '../../tokens/login-attempt-store.js';
import { stringArgument } from '../shared/record-arguments.js';
import { luaScript, unexpectedReply, type RedisExecutor } from './client.js';
import { resolveRedisStoreOptions, type RedisStoreOptions } from './options.js';

/** Options of {@link RedisLoginAttemptStore}: see {@link RedisStoreOptions}. */
export interface RedisLoginAttemptStoreOptions extends RedisStoreOptions {}

/**
 * The fence (see `RedisExecutor`), then one counter: HASH `count`, `last`, `exp` (milliseconds on
 * the caller's clock) at `<prefix>login:<key>` (one key per call: any slot of a cluster), with a Redis TTL of the window left (`exp - now`).
 */
const FENCE = `
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1]) then return {'late'} end
`;

/** KEYS: the counter. ARGV: fence, delta, now, windowMs. → {'ok', count, last, exp} */
const ADD = luaScript(`${FENCE}
local name = KEYS[1]
local delta, now, window = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local v = redis.call('HMGET', name, 'count', 'last', 'exp')
local count, last, exp = tonumber(v[1]), tonumber(v[2]), tonumber(v[3])
if not exp or exp <= now then count, last, exp = 0, 0, now + window end
count = math.max(0, count + delta)
if delta > 0 then last = now end
redis.call('HSET', name, 'count', count, 'last', last, 'exp', exp)
redis.call('PEXPIRE', name, math.max(1, exp - now))
return {'ok', tostring(count), tostring(last), tostring(exp)}
`);

/** KEYS: the counter. ARGV: fence. → {'ok'} */
const RESET = luaScript(`${FENCE}
redis.call('DEL', KEYS[1])
return {'ok'}
`);

function timeArgument(value: unknown, name: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a finite number of milliseconds`);
  return String(Math.floor(value));
}

function counterOf(values: readonly unknown[]): LoginAttemptCount {
  const [count, lastAt, expiresAt] = values.map((value) => (typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN));
  if (![count, lastAt, expiresAt].every((value) => Number.isFinite(value))) throw unexpectedReply();
  return { count: count as number, lastAt: lastAt as number, expiresAt: expiresAt as number };
}

/**
 * A {@link LoginAttemptStore} on Redis (2.6.12 or later) over a node-redis or ioredis client you
 * pass, for login endpoints on several instances: every instance counts into the same counters.
 * `add` and `reset` are one Lua script each, atomic on the server and fenced like the token
 * stores' writes (a script that reaches Redis after half of `commandTimeout` changes nothing);
 * `read` is one `HMGET`. Each counter is a hash at `<keyPrefix>login:<key>` that Redis expires
 * when its window ends, so nothing needs sweeping. Keys hold the limiter's hashed account names
 * and client addresses, never a password or a raw username.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { RedisLoginAttemptStore } from 'jwtkit/redis';
 * import { createAuthEndpoints } from 'jwtkit/express';
 * const client = await createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true }).connect();
 * const auth = createAuthEndpoints({ tokens, verifyCredentials, loginLimits: { store: new RedisLoginAttemptStore({ client }) } });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) when `client` is not a node-redis or ioredis
 * client, or `keyPrefix`/`commandTimeout` is invalid; `ERR_STORE_UNAVAILABLE` from a call when
 * Redis fails, answers late or oddly.
 */
export class RedisLoginAttemptStore implements LoginAttemptStore {
  readonly #redis: RedisExecutor;
  readonly #prefix: string;

  /**
   * @param options - see {@link RedisLoginAttemptStoreOptions}.
   * @throws `ERR_INVALID_OPTION` when an option is invalid.
   */
  constructor(options: RedisLoginAttemptStoreOptions) {
    const resolved = resolveRedisStoreOptions(options);
    this.#redis = resolved.executor;
    this.#prefix = resolved.prefix;
  }

  /** {@inheritDoc jwtkit!LoginAttemptStore.add} */
  async add(key: string, delta: 1 | -1, now: number, windowMs: number): Promise<LoginAttemptCount> {
    if (delta !== 1 && delta !== -1) throw new JwtError('ERR_INVALID_OPTION', '"delta" must be 1 or -1');
    const name = `${this.#prefix}login:${stringArgument(key, 'key')}`;
    const reply = await this.#redis.script(ADD, [name], [String(delta), timeArgument(now, 'now'), timeArgument(windowMs, 'windowMs')]);
    if (reply[0] !== 'ok') throw unexpectedReply();
    return counterOf(reply.slice(1));
  }

  /** {@inheritDoc jwtkit!LoginAttemptStore.read} */
  async read(key: string, now: number): Promise<LoginAttemptCount | undefined> {
    const at = Number(timeArgument(now, 'now'));
    const name = `${this.#prefix}login:${stringArgument(key, 'key')}`;
    const reply = await this.#redis.command(['HMGET', name, 'count', 'last', 'exp'], name);
    if (!Array.isArray(reply) || reply.length !== 3) throw unexpectedReply();
    if (reply[2] === null || reply[2] === undefined) return undefined;
    const counter = counterOf(reply);
    return counter.expiresAt <= at ? undefined : counter;
  }

  /** {@inheritDoc jwtkit!LoginAttemptStore.reset} */
  async reset(key: string): Promise<void> {
    const reply = await this.#redis.script(RESET, [`${this.#prefix}login:${stringArgument(key, 'key')}`], []);
    if (reply[0] !== 'ok') throw unexpectedReply();
  }
}
