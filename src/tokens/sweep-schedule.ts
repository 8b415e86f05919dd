/**
 * When the memory stores clean up without a timer of their own: at most once per interval of the
 * callers' clock, a sweep of what expired at least one interval ago is scheduled, and runs in
 * slices off the request path (see `sliced-sweep.ts`).
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';
import { refuseBothNames } from '../internal/deprecated-option.js';
import { durationToSeconds } from '../internal/duration.js';
import { sweepInSlices, type SweepPass } from './sliced-sweep.js';

/** The sweep options of the memory stores, as given. @internal */
export interface SweepIntervalInput {
  readonly sweepInterval?: unknown;
  readonly sweepIntervalSeconds?: unknown;
}

/**
 * The `sweepInterval` option of the memory stores (or its deprecated `sweepIntervalSeconds`),
 * checked, and their sweeps: the scheduled one and `deleteExpired`'s. @internal
 */
export class SweepSchedule {
  readonly #intervalSeconds: number;
  readonly #pass: (upTo: number) => SweepPass;
  #nextSweepAt = Number.NEGATIVE_INFINITY;
  #running = false;
  /** The cut-off of the scheduled sweep that is due but not started yet, or `null`. */
  #dueUpTo: number | null = null;

  /**
   * @param options - the store's options.
   * @param pass - starts a pass that removes the entries with an expiry at or before `upTo`.
   * @throws `ERR_INVALID_OPTION` when `sweepInterval` is not a positive duration (default 60
   * seconds), `sweepIntervalSeconds` is not a positive finite number, or both are given.
   */
  constructor(options: SweepIntervalInput, pass: (upTo: number) => SweepPass) {
    const { sweepInterval, sweepIntervalSeconds } = options;
    refuseBothNames(sweepInterval, sweepIntervalSeconds, 'sweepInterval', 'sweepIntervalSeconds');
    const option = sweepIntervalSeconds == null ? 'sweepInterval' : 'sweepIntervalSeconds';
    const positive = `"${option}" must be a positive number of seconds or a duration such as '1m'`;
    // The deprecated name keeps its old type: a number of seconds.
    if (sweepIntervalSeconds != null && typeof sweepIntervalSeconds !== 'number') throw new JwtError('ERR_INVALID_OPTION', positive);
    const interval = durationToSeconds(sweepIntervalSeconds ?? sweepInterval ?? 60, option);
    if (interval <= 0) throw new JwtError('ERR_INVALID_OPTION', positive);
    this.#intervalSeconds = interval;
    this.#pass = pass;
  }

  /**
   * Schedules a sweep when one is due at `now` (the first call, then once per interval), removing
   * the entries with an expiry at or before `now - interval`. Removes nothing itself: the sweep
   * starts a turn of the event loop later. While a scheduled sweep is still running, the next
   * one waits for it, so at most one runs at a time.
   */
  scheduleIfDue(now: number): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#intervalSeconds;
    this.#dueUpTo = Math.max(this.#dueUpTo ?? Number.NEGATIVE_INFINITY, now - this.#intervalSeconds);
    this.#startDue();
  }

  /** Removes every entry with an expiry at or before `upTo`, in slices; resolves with how many. */
  sweep(upTo: number): Promise<number> {
    return sweepInSlices(this.#pass(upTo), true);
  }

  #startDue(): void {
    const upTo = this.#dueUpTo;
    if (this.#running || upTo === null) return;
    this.#running = true;
    this.#dueUpTo = null;
    void sweepInSlices(this.#pass(upTo), false).then(() => {
      this.#running = false;
      this.#startDue();
    });
  }
}
