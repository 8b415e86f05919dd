/**
 * When the memory stores clean up without a timer: at most once per interval of the callers'
 * clock, removing what expired at least one interval ago.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';

/** The `sweepIntervalSeconds` option of the memory stores, checked, and their sweep schedule. @internal */
export class SweepSchedule {
  readonly #intervalSeconds: number;
  #nextSweepAt = Number.NEGATIVE_INFINITY;

  /** @throws `ERR_INVALID_OPTION` when `sweepIntervalSeconds` is not a positive finite number (default 60). */
  constructor(sweepIntervalSeconds: number | undefined) {
    const interval = sweepIntervalSeconds ?? 60;
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
      throw new JwtError('ERR_INVALID_OPTION', '"sweepIntervalSeconds" must be a positive number of seconds');
    }
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
