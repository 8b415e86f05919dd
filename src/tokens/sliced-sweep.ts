/**
 * How the memory stores remove expired entries without stalling the event loop: one pass over a
 * store's entries, cut into slices of at most {@link SWEEP_SLICE_ENTRIES} examined entries, one
 * slice per turn of the event loop.
 *
 * @module
 * @internal
 */
// Imported rather than read from the global, so that a test's fake timers (which replace the
// global) neither stop a sweep nor run one early.
import { setImmediate } from 'node:timers';

/**
 * How many entries one slice of a sweep examines (expired or not) before it yields to the event
 * loop. What a slice costs is measured in the TSDoc of `MemoryRefreshTokenStore` and
 * `MemoryRevocationStore`, and in docs/token-workflow.md ("Memory stores: expired entries").
 * @internal
 */
export const SWEEP_SLICE_ENTRIES = 1_000;

/**
 * One pass over a store's entries: each `next()` examines one entry, removes it when it is expired,
 * and yields whether it did. The pass iterates the store's `Map`s live: an entry added between
 * slices is examined too (if the pass has not gone past it), one deleted between slices is not.
 * @internal
 */
export type SweepPass = Iterator<boolean, void, void>;

/**
 * Runs a pass in slices: the first slice one turn of the event loop after the call (never inside
 * it), each further one a turn after the last (`setImmediate`).
 *
 * @param pass - the pass to run.
 * @param keepAlive - whether the pending slices keep the process alive. A sweep nobody awaits must
 * not (its timer is unref'd); a `deleteExpired` its caller awaits must, or the process could exit
 * with the caller's promise unsettled.
 * @returns the number of entries the pass removed.
 * @internal
 */
export function sweepInSlices(pass: SweepPass, keepAlive: boolean): Promise<number> {
  return new Promise((resolve) => {
    let removed = 0;
    const slice = (): void => {
      for (let examined = 0; examined < SWEEP_SLICE_ENTRIES; examined++) {
        const step = pass.next();
        if (step.done === true) {
          resolve(removed);
          return;
        }
        if (step.value) removed++;
      }
      next();
    };
    const next = (): void => {
      const immediate = setImmediate(slice);
      if (!keepAlive) immediate.unref();
    };
    next();
  });
}
