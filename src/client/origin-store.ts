import { web, type StoreRequest } from './platform.js';

/**
 * The values the tabs of an origin share in IndexedDB (database `name`, store `keys`): the DPoP
 * key pair, and the number of the last refresh. Never a token.
 *
 * @internal
 * @module
 */

function settled<T>(request: StoreRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(name: string, work: (store: StoreHandle) => Promise<T>): Promise<T> {
  const opening = (web.indexedDB as NonNullable<typeof web.indexedDB>).open(name, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore('keys');
  const db = await settled(opening);
  try {
    return await work({
      read: (key) => settled(db.transaction('keys').objectStore('keys').get(key)),
      write: (key, value) => settled(db.transaction('keys', 'readwrite').objectStore('keys').put(value, key)),
    });
  } finally {
    db.close();
  }
}

interface StoreHandle {
  read(key: string): Promise<unknown>;
  write(key: string, value: unknown): Promise<unknown>;
}

/** The value stored under `key`, `undefined` when there is none. @internal */
export function readShared(name: string, key: string): Promise<unknown> {
  return withStore(name, (store) => store.read(key));
}

/** The value stored under `key`, made by `make` and stored first when there is none (call it under a lock). @internal */
export function readOrCreateShared<T>(name: string, key: string, make: () => Promise<T>): Promise<T> {
  return withStore(name, async (store) => {
    const stored = (await store.read(key)) as T | undefined;
    if (stored !== undefined) return stored;
    const made = await make();
    await store.write(key, made);
    return made;
  });
}

/** Stores `value` under `key`. @internal */
export function writeShared(name: string, key: string, value: unknown): Promise<unknown> {
  return withStore(name, (store) => store.write(key, value));
}
