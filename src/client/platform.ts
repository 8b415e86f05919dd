/**
 * The web platform APIs the client uses, typed here so that the client builds without the DOM
 * library and imports nothing from Node: WebCrypto, Web Locks, IndexedDB, `BroadcastChannel`,
 * `performance`. Each is read from `globalThis` when used; the optional ones are missing in Node 20.
 *
 * @internal
 * @module
 */

/** A WebCrypto key, opaque to the client. @internal */
export type WebKey = object;

/** A WebCrypto key pair: the private key is non-extractable. @internal */
export interface WebKeyPair {
  readonly privateKey: WebKey;
  readonly publicKey: WebKey;
}

interface Subtle {
  generateKey(algorithm: object, extractable: boolean, usages: string[]): Promise<WebKeyPair>;
  exportKey(format: 'jwk', key: WebKey): Promise<Record<string, unknown>>;
  sign(algorithm: object, key: WebKey, data: Uint8Array): Promise<ArrayBuffer>;
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}

/** An IndexedDB request (`IDBRequest`), as far as the client reads it. @internal */
export interface StoreRequest<T> {
  result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
  error?: unknown;
}

/** An IndexedDB database, as far as the client uses it. @internal */
export interface KeyDatabase {
  createObjectStore(name: string): unknown;
  transaction(
    store: string,
    mode?: 'readwrite',
  ): {
    objectStore(name: string): {
      get(key: string): StoreRequest<WebKeyPair | undefined>;
      put(value: unknown, key: string): StoreRequest<unknown>;
    };
  };
  close(): void;
}

/** A `BroadcastChannel`. @internal */
export interface Channel {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/** The globals the client reads. @internal */
export interface WebGlobals {
  crypto: { subtle: Subtle; getRandomValues(array: Uint8Array): Uint8Array };
  performance: { now(): number };
  fetch(request: Request): Promise<Response>;
  navigator?: { locks?: { request<T>(name: string, work: () => Promise<T>): Promise<T> } };
  indexedDB?: { open(name: string, version: number): StoreRequest<KeyDatabase> & { onupgradeneeded: (() => void) | null } };
  BroadcastChannel?: new (name: string) => Channel;
  document?: unknown;
  location?: { href: string };
}

/** The global object with the APIs above. @internal */
export const web = globalThis as unknown as WebGlobals;
