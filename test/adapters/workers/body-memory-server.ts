// The server process of the body-memory test (bundled by esbuild, forked with --expose-gc): the
// jwtkit/express auth endpoints on a node:http server, the jwtkit/fetch ones fed by streams made
// here, and the process's memory after a full GC, reported to the test on request. Only this
// process's memory is measured: the HTTP clients live in the test's process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthEndpoints } from '../../../src/adapters/express/index.js';
import { createAuthEndpoints as createFetchEndpoints } from '../../../src/adapters/fetch/index.js';
import type { AuthEndpointsOptions } from '../../../src/adapters/fetch/index.js';
import { createTokenService, generateSecret } from '../../../src/index.js';

/** Messages from the test. */
export type BodyMemoryRequest =
  | { id: number; type: 'measure' }
  /** Starts `count` Fetch logins whose bodies send nothing until `fetch-go`. */
  | { id: number; type: 'fetch-open'; count: number; length: number }
  /** Lets those bodies send `length` bytes each, one byte per chunk, then stall (no end). */
  | { id: number; type: 'fetch-go' }
  | { id: number; type: 'close' };

/** The answer to `measure`. */
export interface BodyMemoryReport {
  id: number;
  /** `heapUsed + arrayBuffers` after two full collections, in bytes. */
  retained: number;
  /** Requests whose handler has been called so far. */
  started: number;
  /** Body bytes the server has received so far, over every request. */
  received: number;
  /** Requests answered so far. */
  answered: number;
  /** Body bytes the Fetch logins' streams have handed out so far. */
  pulled: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const options: AuthEndpointsOptions = {
  tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://issuer.test', audience: 'api' }),
  refreshTokenTransport: 'body',
  verifyCredentials: () => null,
  // Long enough that no deadline fires while the test measures: this is about memory, not time.
  bodyTimeout: '120s',
};
const auth = createAuthEndpoints(options);
const fetchAuth = createFetchEndpoints(options);

let started = 0;
let received = 0;
let answered = 0;
const server = createServer((req, res) => {
  started += 1;
  auth.login(req, res);
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  res.on('finish', () => {
    answered += 1;
  });
});
server.keepAliveTimeout = 120_000;
server.requestTimeout = 0;
server.headersTimeout = 120_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

function retained(): number {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

let pulled = 0;
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => {
  release = resolve;
});
const fetchAnswers: Array<Promise<Response>> = [];

function openFetchLogins(count: number, length: number): void {
  for (let index = 0; index < count; index++) {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          await released;
          if (sent === length) return new Promise<void>(() => undefined);
          sent += 1;
          pulled += 1;
          controller.enqueue(Uint8Array.of(0x20));
          return undefined;
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request('http://127.0.0.1/auth/login', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    } as RequestInit);
    fetchAnswers.push(fetchAuth.login(request));
  }
}

process.on('message', (message: BodyMemoryRequest) => {
  if (message.type === 'measure') {
    const report: BodyMemoryReport = { id: message.id, retained: retained(), started, received, answered, pulled };
    process.send?.(report);
    return;
  }
  if (message.type === 'fetch-open') {
    openFetchLogins(message.count, message.length);
    process.send?.({ id: message.id });
    return;
  }
  if (message.type === 'fetch-go') {
    release();
    process.send?.({ id: message.id });
    return;
  }
  server.closeAllConnections();
  server.close(() => process.send?.({ id: message.id }, () => process.exit(0)));
});

process.send?.({ ready: true, port: (server.address() as AddressInfo).port });
