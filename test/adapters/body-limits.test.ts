/**
 * What a request body may cost the auth endpoints (docs/express.md, "Limits in front of the
 * endpoints"): memory bounded by `maxBodyBytes` however the body is chunked, measured on a real
 * node:http server in a child process; and the `bodyTimeout` deadline, after which a body still
 * arriving gets 408 (`jwtkit/express` then closes the connection, `jwtkit/fetch` cancels the
 * stream).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthEndpoints as createExpressEndpoints } from '../../src/adapters/express/index.js';
import { createAuthEndpoints as createFetchEndpoints } from '../../src/adapters/fetch/index.js';
import type { AuthEndpointsOptions } from '../../src/adapters/express/index.js';
import { createTokenService, generateSecret, isJwtError } from '../../src/index.js';
import { bundleWorker } from '../helpers/servers/worker-processes.js';
import type { BodyMemoryReport, BodyMemoryRequest } from './workers/body-memory-server.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const MAX_BODY_BYTES = 16_384;

function baseOptions(errors: unknown[] = []): AuthEndpointsOptions {
  return {
    tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://issuer.test', audience: 'api' }),
    refreshTokenTransport: 'body',
    verifyCredentials: () => null,
    onError: (error) => errors.push(error),
  };
}

/** Resolves with `promise`, or rejects when it takes longer than `ms` (so old code fails instead of hanging). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

function chunkedHead(port: number): string {
  return [
    'POST /auth/login HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/json',
    'Transfer-Encoding: chunked',
    '',
    '',
  ].join('\r\n');
}

/** `text` as HTTP/1.1 chunks of one byte each (no last chunk: the body stays open). */
function oneByteChunks(text: string): string {
  let wire = '';
  for (const character of text) wire += `1\r\n${character}\r\n`;
  return wire;
}

describe('memory per pending request is bounded by maxBodyBytes, whatever the chunking', () => {
  const PENDING = 30;
  let child: ChildProcess;
  let removeBundle: () => void;
  let port: number;
  let nextId = 1;
  const replies = new Map<number, (report: BodyMemoryReport) => void>();

  function ask(message: DistributiveOmit<BodyMemoryRequest, 'id'>): Promise<BodyMemoryReport> {
    const id = nextId++;
    return new Promise((resolve) => {
      replies.set(id, resolve);
      child.send({ ...message, id });
    });
  }

  function measure(): Promise<BodyMemoryReport> {
    return ask({ type: 'measure' });
  }

  beforeAll(async () => {
    const bundle = await bundleWorker('test/adapters/workers/body-memory-server.ts');
    removeBundle = bundle.remove;
    let stderr = '';
    child = fork(bundle.file, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the server process exited with ${String(code)}: ${stderr}`)));
      child.on('message', (message: { ready?: boolean; port?: number; id?: number }) => {
        if (message.ready === true) resolve(message.port as number);
        const settle = replies.get(message.id as number);
        if (settle !== undefined) {
          replies.delete(message.id as number);
          settle(message as BodyMemoryReport);
        }
      });
    });
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ id: 0, type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    removeBundle();
  });

  /** Polls the server until `done` holds for its report. */
  async function measureOnce(done: (report: BodyMemoryReport) => boolean): Promise<BodyMemoryReport> {
    let report = await measure();
    for (let polls = 0; !done(report) && polls < 600; polls++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      report = await measure();
    }
    return report;
  }

  it(`${PENDING} logins sending ${MAX_BODY_BYTES - 1}-byte bodies in 1-byte chunks hold under 2 x ${MAX_BODY_BYTES} bytes of body each`, async () => {
    const body = `{"username":"${'a'.repeat(MAX_BODY_BYTES - 1 - 13)}`;
    expect(body.length).toBe(MAX_BODY_BYTES - 1);
    const head = chunkedHead(port);
    const chunks = oneByteChunks(body);
    const sockets: Socket[] = [];
    const open = (wire: string): Socket => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(wire);
      sockets.push(socket);
      return socket;
    };
    try {
      // Warm up: one whole login the same way (answered 401), so code and pools exist before measuring.
      open(`${head}${chunks}0\r\n\r\n`);
      const warm = await measureOnce((report) => report.answered === 1);
      expect(warm.answered).toBe(1);
      // PENDING requests waiting in the body reader with no body byte yet: the reference, which
      // holds what Node itself keeps per connection (socket, parser, request and response objects).
      const pending = Array.from({ length: PENDING }, () => open(head));
      const waiting = await measureOnce((report) => report.started === 1 + PENDING);
      expect(waiting.started).toBe(1 + PENDING);
      // The same requests then receive all but the last chunk of a body at the limit.
      for (const socket of pending) socket.write(chunks);
      const loaded = await measureOnce((report) => report.received === warm.received + PENDING * body.length);
      expect(loaded.received - warm.received).toBe(PENDING * body.length);
      expect(loaded.answered).toBe(1);
      const perBody = (loaded.retained - waiting.retained) / PENDING;
      expect(perBody).toBeLessThan(2 * MAX_BODY_BYTES);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }, 60_000);

  it(`jwtkit/fetch: ${PENDING} logins whose streams hand out ${MAX_BODY_BYTES - 1} 1-byte chunks hold under 2 x ${MAX_BODY_BYTES} bytes of body each`, async () => {
    const length = MAX_BODY_BYTES - 1;
    const before = await measure();
    await ask({ type: 'fetch-open', count: PENDING, length });
    // The reference: the logins are waiting on their first chunk.
    const waiting = await measure();
    await ask({ type: 'fetch-go' });
    const loaded = await measureOnce((report) => report.pulled === before.pulled + PENDING * length);
    expect(loaded.pulled - before.pulled).toBe(PENDING * length);
    const perBody = (loaded.retained - waiting.retained) / PENDING;
    expect(perBody).toBeLessThan(2 * MAX_BODY_BYTES);
  }, 60_000);
});

describe('bodyTimeout', () => {
  it('is a duration above 0 and up to 300 s; anything else is refused at construction', () => {
    for (const bodyTimeout of [0, -1, 301, '6m', '10', 'soon', Number.NaN]) {
      let caught: unknown;
      try {
        createExpressEndpoints({ ...baseOptions(), bodyTimeout: bodyTimeout as never });
      } catch (error) {
        caught = error;
      }
      expect(isJwtError(caught, 'ERR_INVALID_OPTION'), String(bodyTimeout)).toBe(true);
    }
    for (const bodyTimeout of [0.2, 10, '10s', '5m']) {
      expect(() => createFetchEndpoints({ ...baseOptions(), bodyTimeout: bodyTimeout as never })).not.toThrow();
    }
  });

  describe('jwtkit/express on node:http', () => {
    let server: Server;
    let port: number;
    const errors: unknown[] = [];

    beforeAll(async () => {
      const endpoints = createExpressEndpoints({ ...baseOptions(errors), bodyTimeout: 0.2 });
      server = createServer((req, res) => endpoints.login(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** Opens a connection, lets `send` write to it, and resolves with all it received once the server closed it. */
    function exchange(send: (socket: Socket) => void): Promise<string> {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8');
      socket.on('data', (text: string) => {
        received += text;
      });
      const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
      socket.on('error', () => undefined);
      send(socket);
      return within(closed, 5000, 'the server did not close the connection').finally(() => socket.destroy());
    }

    function statusAndHeaders(response: string): { status: number; headers: Map<string, string>; body: string } {
      const [head = '', body = ''] = response.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = new Map(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      return { status: Number(statusLine.split(' ')[1]), headers, body };
    }

    it('a body that stalls: 408 invalid_request, Connection: close, and the server closes the socket', async () => {
      errors.length = 0;
      const response = await exchange((socket) => {
        socket.write(
          `POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"username":`,
        );
      });
      const { status, headers, body } = statusAndHeaders(response);
      expect(status).toBe(408);
      expect(headers.get('connection')).toBe('close');
      expect(JSON.parse(body)).toMatchObject({ error: 'invalid_request' });
      expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['ERR_REQUEST_TIMEOUT']);
    });

    it('a body that keeps dripping (1-byte chunks every 20 ms) is cut off at the deadline too: it is not an idle timer', async () => {
      let timer: NodeJS.Timeout | undefined;
      const response = await exchange((socket) => {
        socket.write(chunkedHead(port));
        timer = setInterval(() => {
          if (!socket.destroyed) socket.write(oneByteChunks(' '));
        }, 20);
      }).finally(() => clearInterval(timer));
      expect(statusAndHeaders(response).status).toBe(408);
    });
  });

  describe('jwtkit/fetch', () => {
    it('a body that stalls: the stream is cancelled and the answer is 408 invalid_request', async () => {
      const errors: unknown[] = [];
      const endpoints = createFetchEndpoints({ ...baseOptions(errors), bodyTimeout: 0.2 });
      let cancelled = false;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"username":'));
        },
        cancel() {
          cancelled = true;
        },
      });
      const request = new Request('https://auth.test/auth/login', {
        method: 'POST',
        body,
        duplex: 'half',
        headers: { 'content-type': 'application/json' },
      } as RequestInit);
      const response = await within(endpoints.login(request), 5000, 'the Fetch handler did not answer');
      expect(response.status).toBe(408);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
      expect(cancelled).toBe(true);
      expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['ERR_REQUEST_TIMEOUT']);
    });
  });
});
