import { isJwtError } from '../../errors.js';
import { BodyBuffer } from './body-buffer.js';
import { decodeFormBody } from './form-body.js';
import { endpointErrorReply, requestError } from './error-replies.js';
import { targetPath } from './http-exchange.js';
import type { BodyLimits, HttpReply, HttpRequestFacts } from './http-exchange.js';
import { bodyTimedOut, bodyTooLarge, declaredBodyLength, decodeJsonBody } from './json-body.js';
import { clientCertHeader, forwardedFacts, type ForwardedFacts, type TrustedProxies } from './trusted-proxies.js';

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

/**
 * Reads the body into one {@link BodyBuffer} within `limits`. Past `maxBytes` (413) or past
 * `timeoutMs` (`ERR_REQUEST_TIMEOUT`, 408) the stream is cancelled: a Fetch handler cannot close
 * the connection, so cancelling tells the runtime to stop reading the body. Cancelling also ends a
 * pending read at once (it resolves as done), so the deadline needs no promise raced against every
 * read, whose handlers would pile up with each chunk. The cancellation is not awaited: a source
 * whose `cancel` never settles must not hold the answer.
 */
async function readBody(stream: ReadableStream<Uint8Array>, limits: BodyLimits, declaredLength: number | undefined): Promise<Uint8Array> {
  const reader = stream.getReader();
  const body = new BodyBuffer(limits.maxBytes, declaredLength);
  const cancel = (): void => {
    reader.cancel().catch(() => undefined);
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    cancel();
  }, limits.timeoutMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) throw bodyTimedOut();
      if (done) return body.bytes();
      if (!(value instanceof Uint8Array)) throw requestError('the request body could not be read');
      if (!body.append(value)) throw bodyTooLarge();
    }
  } catch (error) {
    cancel();
    if (timedOut) throw bodyTimedOut();
    if (isJwtError(error, 'ERR_REQUEST_INVALID')) throw error;
    throw requestError('the request body could not be read');
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** Reads the body within `limits` and decodes it with `decode`; `undefined` without a body. */
async function readFetchBody<T>(
  request: Request,
  limits: BodyLimits,
  decode: (bytes: Uint8Array, contentType: string | undefined) => T,
): Promise<T | undefined> {
  if (request.body === null) return undefined;
  if (request.bodyUsed) throw requestError('the request body was consumed by another handler');
  const declaredLength = declaredBodyLength(optionalHeader(request.headers, 'content-length'), limits.maxBytes);
  return decode(await readBody(request.body, limits, declaredLength), optionalHeader(request.headers, 'content-type'));
}

/**
 * The neutral view of a Fetch request. `parsedBody`: the body as the caller already parsed it
 * (see `HttpRequestFacts.parsedBody`); the request stream is never read for it.
 *
 * @internal
 */
export function fetchRequestFacts(request: Request, proxies?: TrustedProxies, parsedBody?: unknown): HttpRequestFacts {
  return new FetchRequestFacts(request, proxies, parsedBody);
}

/** The peer address the `clientAddress` callback gives; one that throws gives none (not trusted). */
function peerAddress(request: Request, proxies: TrustedProxies | undefined): string | undefined {
  if (proxies?.clientAddress === undefined) return undefined;
  try {
    const address: unknown = proxies.clientAddress(request);
    return typeof address === 'string' ? address : undefined;
  } catch {
    return undefined;
  }
}

/** `request.url`, with the scheme and host a trusted proxy forwarded. */
function forwardedUrl(href: string, forwarded: ForwardedFacts): URL | undefined {
  if (!URL.canParse(href)) return undefined;
  const url = new URL(href);
  if (forwarded.proto === undefined && forwarded.host === undefined) return url;
  const origin = `${forwarded.proto ?? url.protocol.slice(0, -1)}://${forwarded.host ?? url.host}`;
  // Joined as text, never resolved against the origin: a path of `//other.example/...` is a path
  // here, not a network-path reference naming another host (RFC 3986 §4.2).
  const joined = `${origin}${url.pathname}${url.search}`;
  return URL.canParse(origin) && URL.canParse(joined) ? new URL(joined) : undefined;
}

/** The URL is parsed on first use, as on the Node side: a Bearer-header request never needs it. */
class FetchRequestFacts implements HttpRequestFacts {
  readonly method: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly #request: Request;
  readonly #proxies: TrustedProxies | undefined;
  #forwarded: ForwardedFacts | undefined;
  #url: URL | undefined | null = null;
  readonly #parsedBody: unknown;

  constructor(request: Request, proxies: TrustedProxies | undefined, parsedBody: unknown) {
    this.#request = request;
    this.#proxies = proxies;
    this.#parsedBody = parsedBody;
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

  get requestUrl(): string | undefined {
    return this.#parsedUrl()?.href;
  }

  get path(): string {
    return targetPath(this.#request.url);
  }

  get clientAddress(): string | undefined {
    return this.#forwardedFacts().clientAddress;
  }

  clientCertificate(): Uint8Array | undefined {
    // No socket: only a trusted proxy's RFC 9440 header (see HttpRequestFacts.clientCertificate).
    return this.#forwardedFacts().fromTrustedProxy ? clientCertHeader(this.header('client-cert')) : undefined;
  }

  header(name: string): string | undefined {
    return optionalHeader(this.#request.headers, name);
  }

  readJson(limits: BodyLimits): Promise<unknown> {
    return readFetchBody(this.#request, limits, decodeJsonBody);
  }

  readForm(limits: BodyLimits): Promise<URLSearchParams | undefined> {
    return readFetchBody(this.#request, limits, decodeFormBody);
  }

  parsedBody(): unknown {
    return this.#parsedBody;
  }

  #parsedUrl(): URL | undefined {
    if (this.#url === null) this.#url = forwardedUrl(this.#request.url, this.#forwardedFacts());
    return this.#url;
  }

  #forwardedFacts(): ForwardedFacts {
    return (this.#forwarded ??= forwardedFacts(this.#proxies, peerAddress(this.#request, this.#proxies), (name) => this.header(name)));
  }
}

/**
 * Turns a reply into a `Response` (without a body for `HEAD` and bodiless statuses). As on Node
 * (`writeNodeReply`): after a body too large (413) or too slow (408), whose rest was not read, the
 * answer says `Connection: close`, so a Node-hosted runtime (@hono/node-server) does not keep the
 * connection for another request that would start in the unread body.
 *
 * @internal
 */
export function toResponse(reply: HttpReply, method = 'GET'): Response {
  const headers = new Headers();
  for (const [name, value] of reply.headers) headers.append(name, value);
  if (reply.status === 408 || reply.status === 413) headers.set('Connection', 'close');
  const body = method === 'HEAD' || reply.status === 204 ? null : (reply.body ?? null);
  return new Response(body, { status: reply.status, headers });
}

/**
 * An endpoint over `Request` → `Response` (`jwtkit/fetch`, `jwtkit/hono`): `answer` gets the
 * request's facts, and whatever it throws is answered as an endpoint error (never a rejection).
 *
 * @internal
 */
export function answerFetchRequest(
  answer: (request: HttpRequestFacts) => Promise<HttpReply>,
  proxies?: TrustedProxies,
): (request: Request) => Promise<Response> {
  return async (request) => {
    let reply: HttpReply;
    try {
      reply = await answer(fetchRequestFacts(request, proxies));
    } catch (error) {
      reply = endpointErrorReply(error);
    }
    return toResponse(reply, request.method);
  };
}
