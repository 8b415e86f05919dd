import { isJwtError } from '../errors.js';
import { requestError } from './error-replies.js';
import { isLoopbackHostname } from './http-exchange.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import { assertDeclaredLength, bodyTooLarge, decodeJsonBody } from './json-body.js';

/**
 * The standard `Request` / `Response` as a neutral exchange (Hono, Next.js route handlers, Bun,
 * Deno, Node servers that speak Fetch).
 *
 * @internal
 * @module
 */

function optionalHeader(headers: Headers, name: string): string | undefined {
  return headers.get(name) ?? undefined;
}

async function readBody(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw bodyTooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (isJwtError(error, 'ERR_REQUEST_INVALID')) throw error;
    throw requestError('the request body could not be read');
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function readFetchJson(request: Request, maxBytes: number): Promise<unknown> {
  if (request.body === null) return undefined;
  if (request.bodyUsed) throw requestError('the request body was consumed by another handler');
  assertDeclaredLength(optionalHeader(request.headers, 'content-length'), maxBytes);
  return decodeJsonBody(await readBody(request.body, maxBytes), optionalHeader(request.headers, 'content-type'));
}

/**
 * The neutral view of a Fetch request.
 *
 * @internal
 */
export function fetchRequestFacts(request: Request): HttpRequestFacts {
  return new FetchRequestFacts(request);
}

/** The URL is parsed on first use, as on the Node side: a Bearer-header request never needs it. */
class FetchRequestFacts implements HttpRequestFacts {
  readonly method: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly #request: Request;
  #url: URL | undefined | null = null;

  constructor(request: Request) {
    this.#request = request;
    this.method = request.method.toUpperCase();
    this.authorization = optionalHeader(request.headers, 'authorization');
    this.cookie = optionalHeader(request.headers, 'cookie');
  }

  get query(): URLSearchParams {
    return this.#parsedUrl()?.searchParams ?? new URLSearchParams();
  }

  get ownOrigin(): string | undefined {
    const origin = this.#parsedUrl()?.origin;
    return origin === undefined || origin === 'null' ? undefined : origin;
  }

  get loopback(): boolean {
    const url = this.#parsedUrl();
    return url !== undefined && isLoopbackHostname(url.hostname);
  }

  header(name: string): string | undefined {
    return optionalHeader(this.#request.headers, name);
  }

  readJson(maxBytes: number): Promise<unknown> {
    return readFetchJson(this.#request, maxBytes);
  }

  #parsedUrl(): URL | undefined {
    if (this.#url === null) this.#url = URL.canParse(this.#request.url) ? new URL(this.#request.url) : undefined;
    return this.#url;
  }
}

/**
 * Turns a reply into a `Response` (without a body for `HEAD` and bodiless statuses).
 *
 * @internal
 */
export function toResponse(reply: HttpReply, method = 'GET'): Response {
  const headers = new Headers();
  for (const [name, value] of reply.headers) headers.append(name, value);
  const body = method === 'HEAD' || reply.status === 204 ? null : (reply.body ?? null);
  return new Response(body, { status: reply.status, headers });
}
