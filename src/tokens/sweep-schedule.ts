/**
 * When the memory stores clean up without a timer: at most once per interval of the callers'
 * clock, removing what expired at least one interval ago.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';
import { refuseBothNames } from '../internal/deprecated-option.js';
import { durationToSeconds } from '../internal/duration.js';

/** The sweep options of the memory stores, as given. @internal */
export interface SweepIntervalInput {
  readonly sweepInterval?: unknown;
  readonly sweepIntervalSeconds?: unknown;
}

/** The `sweepInterval` option of the memory stores (or its deprecated `sweepIntervalSeconds`), checked, and their sweep schedule. @internal */
export class SweepSchedule {
  readonly #intervalSeconds: number;
  #nextSweepAt = Number.NEGATIVE_INFINITY;

  /**
   * @throws `ERR_INVALID_OPTION` when `sweepInterval` is not a positive duration (default 60
   * seconds), `sweepIntervalSeconds` is not a positive finite number, or both are given.
   */
  constructor(options: SweepIntervalInput) {
    const { sweepInterval, sweepIntervalSeconds } = options;
    refuseBothNames(sweepInterval, sweepIntervalSeconds, 'sweepInterval', 'sweepIntervalSeconds');
    const option = sweepIntervalSeconds == null ? 'sweepInterval' : 'sweepIntervalSeconds';
    const positive = `"${option}" must be a positive number of seconds or a duration such as '1m'`;
    // The deprecated name keeps its old type: a number of seconds.
    if (sweepIntervalSeconds != null && typeof sweepIntervalSeconds !== 'number') throw new JwtError('ERR_INVALID_OPTION', positive);
    const interval = durationToSeconds(sweepIntervalSeconds ?? sweepInterval ?? 60, option);
    if (interval <= 0) throw new JwtError('ERR_INVALID_OPTION', positive);
    this.#intervalSeconds = interval;
  }

  /**
   * Runs `sweep(upTo)` when a sweep is due at `now` (the first call, then once per interval), with
   * `upTo = now - interval`: entries with an expiry at or before it are to be removed.
   */
  sweepIfDue(now: number, sweep: (upTo: number) => unknown): void {
    if (now < this.#nextSweepAt) return;
    this.#nextSweepAt = now + this.#intervalSeconds;
    sweep(now - this.#intervalSeconds);
  }
}
