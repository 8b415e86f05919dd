/**
 * `MemoryLoginAttemptStore`: the login limiter's counters in this process's memory.
 *
 * @module
 */
import { JwtError } from '../errors.js';
import type { Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import type { LoginAttemptCount, LoginAttemptStore } from './login-attempt-store.js';
import type { SweepPass } from './sliced-sweep.js';
import { SweepSchedule } from './sweep-schedule.js';

/** Options of {@link MemoryLoginAttemptStore}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface MemoryLoginAttemptStoreOptions {
  /**
   * How often (on the callers' clock) a call schedules a sweep of the counters whose window ended
   * at least this long ago; the sweep runs in the background in slices of at most 1,000 counters,
   * one per turn of the event loop, never inside a call. Seconds or a duration such as `'1m'`.
   * Default: `60` (one minute).
   */
  sweepInterval?: Duration;
}

const MEMORY_LOGIN_ATTEMPT_STORE_OPTION_NAMES = optionNames<MemoryLoginAttemptStoreOptions>({ sweepInterval: true });

/**
 * A {@link LoginAttemptStore} in memory, for one process (several instances behind a load
 * balancer each count on their own: use `RedisLoginAttemptStore` from `jwtkit/redis` there).
 * Memory stays bounded by the counters whose window is still open: an expired counter reads as
 * absent at once and is removed by the next sweep (see {@link MemoryLoginAttemptStoreOptions.sweepInterval}).
 *
 * @example
 * ```ts
 * import { MemoryLoginAttemptStore } from 'jwtkit';
 * import { createAuthEndpoints } from 'jwtkit/express';
 * const auth = createAuthEndpoints({ tokens, verifyCredentials, loginLimits: { store: new MemoryLoginAttemptStore() } });
 * ```
 * @throws `ERR_INVALID_OPTION` (from the constructor) for an unknown option or a `sweepInterval`
 *   that is not a positive duration; `ERR_INVALID_OPTION` from a call with a non-finite time.
 */
export class MemoryLoginAttemptStore implements LoginAttemptStore {
  readonly #counters = new Map<string, LoginAttemptCount>();
  readonly #sweeps: SweepSchedule;

  /**
   * @param options - see {@link MemoryLoginAttemptStoreOptions}.
   * @throws `ERR_INVALID_OPTION` for an unknown option or a `sweepInterval` that is not a positive duration.
   */
  constructor(options: MemoryLoginAttemptStoreOptions = {}) {
    checkOptionNames(options, MEMORY_LOGIN_ATTEMPT_STORE_OPTION_NAMES, 'MemoryLoginAttemptStore');
    // The schedule counts in seconds; the counters in milliseconds.
    this.#sweeps = new SweepSchedule(options, (upTo) => this.#expiredCounters(upTo * 1000));
  }

  /** How many counters the store holds, expired ones included until a sweep removes them. */
  get size(): number {
    return this.#counters.size;
  }

  /** {@inheritDoc LoginAttemptStore.add} */
  async add(key: string, delta: 1 | -1, now: number, windowMs: number): Promise<LoginAttemptCount> {
    checkTime(now, 'now');
    checkTime(windowMs, 'windowMs');
    this.#sweeps.scheduleIfDue(now / 1000);
    const current = this.#live(key, now) ?? { count: 0, lastAt: 0, expiresAt: now + windowMs };
    const next = {
      count: Math.max(0, current.count + delta),
      lastAt: delta > 0 ? now : current.lastAt,
      expiresAt: current.expiresAt,
    };
    this.#counters.set(key, next);
    return { ...next };
  }

  /** {@inheritDoc LoginAttemptStore.read} */
  async read(key: string, now: number): Promise<LoginAttemptCount | undefined> {
    checkTime(now, 'now');
    this.#sweeps.scheduleIfDue(now / 1000);
    const counter = this.#live(key, now);
    return counter === undefined ? undefined : { ...counter };
  }

  /** {@inheritDoc LoginAttemptStore.reset} */
  async reset(key: string): Promise<void> {
    this.#counters.delete(key);
  }

  #live(key: string, now: number): LoginAttemptCount | undefined {
    const counter = this.#counters.get(key);
    return counter !== undefined && now < counter.expiresAt ? counter : undefined;
  }

  *#expiredCounters(upTo: number): SweepPass {
    for (const [key, counter] of this.#counters) {
      const expired = counter.expiresAt <= upTo;
      if (expired) this.#counters.delete(key);
      yield expired;
    }
  }
}

function checkTime(value: number, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a finite number of milliseconds`);
}
