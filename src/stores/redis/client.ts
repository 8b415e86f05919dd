/**
 * The Redis connection as the stores use it: a structural client type that node-redis (4+) and
 * ioredis satisfy, one command sender over either call style, command timeouts, and Lua scripts
 * sent with EVALSHA (falling back to EVAL when the server does not have the script cached yet).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { JwtError } from '../../errors.js';

/**
 * A node-redis (`redis` 4 or later) client, as the stores use it: `client.sendCommand(['GET', 'k'])`.
 * A `createClient()` result satisfies it; a cluster client does not (see the key-prefix note on
 * {@link RedisStoreOptions.keyPrefix}).
 */
export interface NodeRedisClientLike {
  /** Sends one raw command; resolves with the reply. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** An ioredis client, as the stores use it: `client.call('GET', ['k'])`. A `new Redis()` satisfies it. */
export interface IoRedisClientLike {
  /** Sends one raw command; resolves with the reply. */
  call(command: string, args: string[]): Promise<unknown>;
}

/**
 * The Redis client a store is given: a node-redis or an ioredis client, passed as it is. The store
 * tells them apart by their methods (`call` is ioredis, `sendCommand` is node-redis).
 */
export type RedisClientLike = NodeRedisClientLike | IoRedisClientLike;

type SendCommand = (args: string[]) => Promise<unknown>;

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

function toSender(client: unknown): SendCommand {
  if (typeof client === 'object' && client !== null) {
    const candidate = client as { call?: unknown; sendCommand?: unknown };
    if (typeof candidate.call === 'function') {
      const io = client as IoRedisClientLike;
      return (args) => io.call(args[0] as string, args.slice(1));
    }
    if (typeof candidate.sendCommand === 'function') {
      const node = client as NodeRedisClientLike;
      return (args) => node.sendCommand(args);
    }
  }
  throw new JwtError('ERR_INVALID_OPTION', '"client" must be a node-redis or ioredis client');
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

  constructor(client: unknown, timeoutMs: number) {
    this.#send = toSender(client);
    this.#timeoutMs = timeoutMs;
  }

  /** Sends one command (reads only: commands are not fenced). */
  command(args: string[]): Promise<unknown> {
    return this.#withDeadline(Date.now() + this.#timeoutMs, args);
  }

  /**
   * Runs a script with `ARGV = [fence, ...args]` and no declared keys (the scripts derive their keys
   * from the prefix in their arguments). A reply of `['late']` means the fence refused the write.
   */
  async script(script: LuaScript, args: readonly string[]): Promise<unknown[]> {
    const start = Date.now();
    const deadline = start + this.#timeoutMs;
    const argv = [String(start + Math.floor(this.#timeoutMs / 2)), ...args];
    let reply: unknown;
    try {
      reply = await this.#withDeadline(deadline, ['EVALSHA', script.sha1, '0', ...argv]);
    } catch (error) {
      if (!(error instanceof JwtError && isNoScriptError(error.cause))) throw error;
      reply = await this.#withDeadline(deadline, ['EVAL', script.source, '0', ...argv]);
    }
    if (!Array.isArray(reply)) throw unexpectedReply();
    if (reply[0] === 'late') throw unavailable('the Redis server answered too late; nothing was changed');
    return reply;
  }

  #withDeadline(deadline: number, args: string[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        reject(unavailable('the Redis server did not answer in time'));
        return;
      }
      let pending: Promise<unknown>;
      try {
        pending = this.#send(args);
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
