/**
 * Lets the event loop turn: the memory stores sweep in slices, one slice per turn
 * (src/tokens/sliced-sweep.ts), so each awaited turn lets at most one slice of each sweep run.
 */
import { setImmediate } from 'node:timers';

/** Resolves after `count` turns of the event loop (one `setImmediate` each). */
export async function eventLoopTurns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
