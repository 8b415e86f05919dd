import { JwtError } from '../errors.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { positiveInteger } from '../internal/positive-integer.js';

// Where the asynchronous API (`sign`, `verify`, `signJws`, `verifyJws` and what is built on them)
// computes RSA, ECDSA and EdDSA signatures: on libuv's thread pool, through the callback form of
// `crypto.sign` / `crypto.verify`, or on the calling thread as the synchronous forms do. HMAC is
// always computed on the calling thread: it costs less than the hop to the pool.
//
// The pool is shared with `dns.lookup`, `fs` and `zlib`, and its queue is first in, first out: a
// burst of signatures handed to it at once would make a DNS lookup wait behind all of them. So at
// most `maxInFlight` jobs of jwtkit are on the pool at once (one fewer than its threads, by
// default); the others wait here, in order, and each job that ends starts the next.
// docs/benchmarks.md, "Signatures on the thread pool", gives the measurements.

/** Options of {@link configureThreadPool}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface ThreadPoolOptions {
  /**
   * `true`: the asynchronous API computes RSA, ECDSA and EdDSA signatures on libuv's thread pool,
   * so a server uses more than one core for them; `false`: on the calling thread, as the
   * synchronous forms do (a lone call then ends sooner: it skips the hop to the pool).
   * Default: `true`.
   */
  enabled?: boolean;
  /**
   * The most signatures jwtkit has on the thread pool at once; the others wait, first in, first
   * out. It must be below the pool size, so that `dns.lookup`, `fs` and `zlib` always find a free
   * thread. Default: the pool size less one (at least 1), the pool size being `UV_THREADPOOL_SIZE`
   * (4 when unset) as read when jwtkit first uses the pool.
   */
  maxInFlight?: number;
}

/** libuv's default pool size, and the largest it accepts (`UV_THREADPOOL_SIZE`, libuv's threadpool.c). */
const DEFAULT_POOL_SIZE = 4;
const MAX_POOL_SIZE = 1024;

let enabled = true;
/** The cap on jobs in flight; `undefined` until it is set or first needed. */
let limit: number | undefined;
/** jwtkit's jobs on the pool now. */
let inFlight = 0;
/** Jobs waiting for a place: `waiting[head]` is the next one (no `shift`: it copies a long array). */
const waiting: Array<(() => void) | undefined> = [];
let head = 0;

/** The size of libuv's thread pool as the process environment sets it (libuv reads it once, at the pool's first use). */
function poolSize(): number {
  const size = Number.parseInt(process.env['UV_THREADPOOL_SIZE'] ?? '', 10);
  if (!Number.isSafeInteger(size)) return DEFAULT_POOL_SIZE;
  return Math.min(Math.max(size, 1), MAX_POOL_SIZE);
}

/** One fewer than the pool's threads, at least 1. */
function defaultLimit(): number {
  return Math.max(poolSize() - 1, 1);
}

/**
 * Chooses where the asynchronous API (`sign`, `verify`, `signJws`, `verifyJws`, the token service,
 * the adapters' `authenticate`, DPoP proofs) computes RSA, ECDSA and EdDSA signatures, for the
 * whole process: on libuv's thread pool (the default), where signatures made at the same time run
 * on several cores, or on the calling thread. HMAC is always computed on the calling thread, and
 * the synchronous forms (`signSync`, `verifySync`, ...) never use the pool. Results and error
 * codes are the same either way. Members left out keep their current value. Set it once, at
 * startup; to give the pool more threads, set `UV_THREADPOOL_SIZE` before the process first uses
 * the pool (docs/benchmarks.md, "Signatures on the thread pool").
 *
 * @param options - see {@link ThreadPoolOptions}.
 * @example
 * ```ts
 * import { configureThreadPool } from 'jwtkit';
 * // A command-line tool that signs one token at a time: skip the hop to the pool.
 * configureThreadPool({ enabled: false });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` for an unknown option name, an `enabled` that is not a
 * boolean, or a `maxInFlight` that is not a positive integer below the pool size (or 1, for a
 * pool of one thread).
 */
export function configureThreadPool(options: ThreadPoolOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'configureThreadPool needs options, e.g. { enabled: false }');
  }
  // Made here, not at the top of the module: code that never calls this function does not bundle it (test/package-quality).
  checkOptionNames(options, optionNames<ThreadPoolOptions>({ enabled: true, maxInFlight: true }), 'configureThreadPool');
  const newEnabled = ownValue(options, 'enabled', options.enabled);
  const newLimit = ownValue(options, 'maxInFlight', options.maxInFlight);
  if (newEnabled !== undefined && typeof newEnabled !== 'boolean') {
    throw new JwtError('ERR_INVALID_OPTION', '"enabled" must be true or false');
  }
  if (newLimit !== undefined) {
    const most = defaultLimit();
    if (positiveInteger(newLimit, 'maxInFlight') > most) {
      throw new JwtError(
        'ERR_INVALID_OPTION',
        `"maxInFlight" must be at most ${most}, below the thread pool's size: to give jwtkit more threads, raise UV_THREADPOOL_SIZE before the pool is first used`,
      );
    }
  }
  if (newEnabled !== undefined) enabled = newEnabled;
  if (newLimit !== undefined) {
    limit = newLimit;
    startWaiting();
  }
}

/**
 * Whether the asynchronous API computes asymmetric signatures on the thread pool now.
 * @internal
 */
export function threadPoolEnabled(): boolean {
  return enabled;
}

/**
 * Runs `start` as soon as fewer than `maxInFlight` jobs of jwtkit are on the pool; `start` hands one
 * job to the pool and calls `done` when it ends. Settles as `done` says (and rejects with what
 * `start` throws).
 * @internal
 */
export function runOnThreadPool<T>(start: (done: (error: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const run = (): void => {
      inFlight++;
      try {
        start((error, value) => {
          finished();
          if (error === null || error === undefined) resolve(value);
          else reject(error);
        });
      } catch (error) {
        finished();
        reject(error);
      }
    };
    limit ??= defaultLimit();
    if (inFlight < limit) run();
    else waiting.push(run);
  });
}

/** One job left the pool: the next waiting one takes its place before anything else runs. */
function finished(): void {
  inFlight--;
  startWaiting();
}

function startWaiting(): void {
  while (head < waiting.length && inFlight < (limit as number)) {
    const next = waiting[head] as () => void;
    waiting[head++] = undefined;
    next();
  }
  if (head > 1024 && head * 2 > waiting.length) {
    waiting.splice(0, head);
    head = 0;
  }
}
