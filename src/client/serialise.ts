import { web } from './platform.js';

/**
 * Runs work under a named lock: the Web Locks API where there is one (browsers: one holder at a
 * time across every tab of the origin), else a queue in this process (Node 20).
 *
 * @internal
 * @module
 */

const queues = new Map<string, Promise<unknown>>();

/** Runs `work` once no other holder of the lock `name` runs; resolves to what it returns. @internal */
export function serialised<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = web.navigator?.locks;
  if (locks !== undefined) return locks.request(name, work);
  const run = (queues.get(name) ?? Promise.resolve()).then(work);
  queues.set(
    name,
    run.catch(() => undefined),
  );
  return run;
}
