/**
 * Shared fixtures of the keys/JWKS tests: fixture loading, a fake clock, an error-code assertion,
 * and a real HTTP server on 127.0.0.1 that serves a JWKS and counts requests.
 */
import { sign as cryptoSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { isJwtError, type JwtErrorCode } from '../../src/index.js';

/** The frozen clock of the tests (2023-11-14T22:13:20Z), in seconds. */
export const NOW = 1_700_000_000;

/** Reads a JSON fixture from `test/fixtures/keys/`. */
export function loadFixture<T = any>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/keys/${relativePath}`, import.meta.url), 'utf8')) as T;
}

/** A clock that only moves when told to. */
export interface FakeClock {
  (): Date;
  /** Moves the clock forward by this many seconds. */
  advance(seconds: number): void;
}

/** A fake clock starting at {@link NOW}. */
export function fakeClock(startSeconds: number = NOW): FakeClock {
  let ms = startSeconds * 1000;
  return Object.assign(() => new Date(ms), { advance: (seconds: number) => void (ms += seconds * 1000) });
}

/** Runs `action` (sync or async) and asserts it fails with a JwtError of `code`. */
export async function expectCode(action: () => unknown, code: JwtErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(isJwtError(caught) ? caught.code : caught, `expected ${code}`).toBe(code);
}

/** Asserts that a synchronous action throws a JwtError of `code`. */
export function expectCodeSync(action: () => unknown, code: JwtErrorCode): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isJwtError(caught) ? caught.code : caught, `expected ${code}`).toBe(code);
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 (port 0) whose behaviour tests change, counting requests per path. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Requests received, per path. */
  count(path: string): number;
  /** Replaces the request handler. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  let current = handler;
  const counts = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    current(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    handle: (next) => void (current = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler that serves `body` as JSON with an optional `Cache-Control`. */
export function serveJson(body: unknown, cacheControl?: string): Handler {
  return (_request, response) => {
    const text = JSON.stringify(body);
    response.writeHead(200, {
      'content-type': 'application/json',
      ...(cacheControl === undefined ? {} : { 'cache-control': cacheControl }),
    });
    response.end(text);
  };
}

/**
 * Signs an arbitrary header and payload with node:crypto (not jwtkit), for tokens jwtkit's signer
 * would refuse to make (odd `kid` types, `jku`/`jwk` headers). RS*, ES* (P1363) and EdDSA.
 */
export function forgeJws(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const alg = String(header.alg);
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const signature = cryptoSign(hash, Buffer.from(input), alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${signature.toString('base64url')}`;
}
