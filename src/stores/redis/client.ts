/**
 * The Redis connection as the stores use it: structural client types that node-redis (4+) and
 * ioredis clients and clusters satisfy, one command sender over every call style (routed by the
 * command's first key on a cluster), command timeouts, and Lua scripts that declare their keys,
 * sent with EVALSHA (falling back to EVAL when the node does not have the script cached yet).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { JwtError } from '../../errors.js';

/**
 * A node-redis (`redis` 4 or later) single-node client, as the stores use it:
 * `client.sendCommand(['GET', 'k'])`. A `createClient()` result satisfies it.
 */
export interface NodeRedisClientLike {
  /** Sends one raw command; resolves with the reply. */
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * A node-redis (`redis` 4 or later) cluster client, as the stores use it:
 * `cluster.sendCommand('k', false, ['GET', 'k'])`, sent to the master that owns the slot of its first
 * argument. A `createCluster()` result satisfies it; the store recognizes it by `getSlotMaster`.
 */
export interface NodeRedisClusterLike {
  /** Sends one raw command to the node that owns `firstKey`; resolves with the reply. */
  sendCommand(firstKey: string | undefined, isReadonly: boolean | undefined, args: string[]): Promise<unknown>;
  /** The master of a hash slot (only its presence is used: it tells a cluster from a single node). */
  getSlotMaster(slot: number): unknown;
}

/**
 * An ioredis client, as the stores use it: `client.call('GET', ['k'])`. A `new Redis()` and a
 * `new Redis.Cluster()` satisfy it (a cluster routes each command by its first declared key).
 */
export interface IoRedisClientLike {
  /** Sends one raw command; resolves with the reply. */
  call(command: string, args: string[]): Promise<unknown>;
}

/**
 * The Redis client a store is given, passed as it is: a node-redis client or cluster, or an ioredis
 * client or cluster. The store tells them apart by their methods (`call` is ioredis, a cluster
 * when its `isCluster` is `true`; `sendCommand` with `getSlotMaster` a node-redis cluster,
 * `sendCommand` alone a node-redis client).
 */
export type RedisClientLike = NodeRedisClientLike | NodeRedisClusterLike | IoRedisClientLike;

/** Sends one raw command; `key` (the first key of the command, if any) routes it on a cluster. */
type SendCommand = (args: string[], key: string | undefined) => Promise<unknown>;

/** A Lua script with its SHA-1 (for EVALSHA). @internal */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

/** Prepares a Lua script. @internal */
export function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

function unavailable(message: string, cause?: unknown): JwtError {
  return new JwtError('ERR_STORE_UNAVAILABLE', message, cause === undefined ? undefined : { cause });
}

/** The error for a reply the stores' scripts and commands never give (fail closed). @internal */
export function unexpectedReply(): JwtError {
  return unavailable('the Redis server sent an unexpected reply');
}

function invalidClient(message: string): JwtError {
  return new JwtError('ERR_INVALID_OPTION', message);
}

/** A key prefix the client itself would add (ioredis `keyPrefix`, node-redis 6 `keyPrefix`), if any. */
function clientKeyPrefix(client: object): unknown {
  const io = (client as { options?: { keyPrefix?: unknown; redisOptions?: { keyPrefix?: unknown } } }).options;
  const node = (client as { _keyPrefix?: unknown })._keyPrefix;
  return io?.keyPrefix || io?.redisOptions?.keyPrefix || node || undefined;
}

function toSender(client: unknown): SendCommand {
  if (typeof client === 'object' && client !== null) {
    const candidate = client as { call?: unknown; sendCommand?: unknown; getSlotMaster?: unknown };
    const known = typeof candidate.call === 'function' || typeof candidate.sendCommand === 'function';
    // The scripts build key names from `keyPrefix` (ARGV) and declare them (KEYS): a client that
    // prefixed the declared keys only (ioredis), or not the raw commands at all (node-redis),
    // would make the two disagree. The store's own `keyPrefix` does the job instead.
    if (known && clientKeyPrefix(client) !== undefined) {
      throw invalidClient('the Redis client has its own "keyPrefix": remove it from the client and pass "keyPrefix" to the store');
    }
    if (typeof candidate.call === 'function') {
      // ioredis, single node or Cluster: `call` finds the keys itself (EVALSHA's declared keys
      // included) and a Cluster routes by the first one.
      const io = client as IoRedisClientLike;
      return (args) => io.call(args[0] as string, args.slice(1));
    }
    if (typeof candidate.sendCommand === 'function' && typeof candidate.getSlotMaster === 'function') {
      // node-redis cluster: routed by the key given; never a replica (isReadonly false), so a
      // read sees every write acknowledged before it.
      const cluster = client as NodeRedisClusterLike;
      return (args, key) => cluster.sendCommand(key, false, args);
    }
    if (typeof candidate.sendCommand === 'function') {
      const node = client as NodeRedisClientLike;
      return (args) => node.sendCommand(args);
    }
  }
  throw invalidClient('"client" must be a node-redis or ioredis client (single node or cluster)');
}

function isNoScriptError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Sends commands and scripts with a deadline. Each call rejects with `ERR_STORE_UNAVAILABLE` when
 * the client fails or when no reply came within the timeout, whatever the client's own offline
 * queue or retry settings are.
 *
 * Writes are *fenced*: every script receives, as `ARGV[1]`, a time in milliseconds (on the wall
 * clock) halfway to the caller's deadline, and refuses to change anything when the Redis server's
 * clock (`TIME`) is past it. A script that reaches the server late (sent before the server was
 * paused, queued by the client during an outage, resent after a reconnect) therefore does nothing,
 * so a caller that was told `ERR_STORE_UNAVAILABLE` never has its refresh token consumed behind its
 * back. This needs the application's and the Redis server's clocks to agree within half the timeout.
 * @internal
 */
export class RedisExecutor {
  readonly #send: SendCommand;
  readonly #timeoutMs: number;
  /**
   * Whether the client is a cluster (node-redis `getSlotMaster`, ioredis `isCluster`): on a single
   * node, keys of different slots may be read with one command (`MGET`).
   */
  readonly cluster: boolean;

  constructor(client: unknown, timeoutMs: number) {
    this.#send = toSender(client);
    this.#timeoutMs = timeoutMs;
    const candidate = client as { getSlotMaster?: unknown; isCluster?: unknown };
    this.cluster = typeof candidate.getSlotMaster === 'function' || candidate.isCluster === true;
  }

  /**
   * Sends one command (not fenced: reads, and writes that are safe to apply late). `key`, the
   * command's first key, routes it on a node-redis cluster (ioredis finds it by itself).
   */
  command(args: string[], key?: string): Promise<unknown> {
    return this.#withDeadline(Date.now() + this.#timeoutMs, args, key);
  }

  /**
   * Runs a script as `EVALSHA sha <keys.length> ...keys fence ...args`: `KEYS` are the keys the
   * script touches, all in one hash slot (so a cluster client sends it to the master that owns
   * `keys[0]`), and `ARGV = [fence, ...args]`. A node that does not have the script cached (a
   * new master after a failover, `SCRIPT FLUSH`) answers `NOSCRIPT`: this call then resends it
   * as `EVAL` to the same node, and later calls try `EVALSHA` again. A reply of `['late']` means
   * the fence refused the write.
   */
  async script(script: LuaScript, keys: readonly string[], args: readonly string[]): Promise<unknown[]> {
    const start = Date.now();
    const deadline = start + this.#timeoutMs;
    const tail = [String(keys.length), ...keys, String(start + Math.floor(this.#timeoutMs / 2)), ...args];
    let reply: unknown;
    try {
      reply = await this.#withDeadline(deadline, ['EVALSHA', script.sha1, ...tail], keys[0]);
    } catch (error) {
      if (!(error instanceof JwtError && isNoScriptError(error.cause))) throw error;
      reply = await this.#withDeadline(deadline, ['EVAL', script.source, ...tail], keys[0]);
    }
    if (!Array.isArray(reply)) throw unexpectedReply();
    if (reply[0] === 'late') throw unavailable('the Redis server answered too late; nothing was changed');
    return reply;
  }

  #withDeadline(deadline: number, args: string[], key: string | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        reject(unavailable('the Redis server did not answer in time'));
        return;
      }
      let pending: Promise<unknown>;
      try {
        pending = this.#send(args, key);
      } catch (error) {
        reject(unavailable('the Redis client could not send the command', error));
        return;
      }
      const timer = setTimeout(() => reject(unavailable('the Redis server did not answer in time')), remaining);
      Promise.resolve(pending).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(unavailable('the Redis command failed', error));
        },
      );
    });
  }
}
