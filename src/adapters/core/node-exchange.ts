import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { JwtError } from '../../errors.js';
import { ownValue } from '../../internal/own-member.js';
import { BodyBuffer } from './body-buffer.js';
import { acceptParsedForm, decodeFormBody } from './form-body.js';
import { requestError } from './error-replies.js';
import { targetPath } from './http-exchange.js';
import type { BodyLimits, HttpReply, HttpRequestFacts } from './http-exchange.js';
import { acceptParsedBody, bodyTimedOut, bodyTooLarge, declaredBodyLength, decodeJsonBody } from './json-body.js';
import { clientCertHeader, forwardedFacts, type ForwardedFacts, type TrustedProxies } from './trusted-proxies.js';

/**
 * Node's `IncomingMessage` / `ServerResponse` (and so Express 4 and 5) as a neutral exchange.
 * Only `node:http` types are used: Express is never imported.
 *
 * @internal
 * @module
 */

/** A host header value: a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function headerText(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Every `Authorization` header of the request joined with `", "`. Node keeps only the first of
 * duplicate `Authorization` headers in `req.headers`; `rawHeaders` still has them all, so a second
 * header is seen (and refused) exactly as `Headers.get` would show it to the Fetch adapter.
 */
function joinedAuthorization(req: IncomingMessage): string | undefined {
  const values: string[] = [];
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    if (name.length === 13 && name.toLowerCase() === 'authorization') values.push((raw[index + 1] as string).trim());
  }
  return values.length === 0 ? undefined : values.join(', ');
}

function parseQuery(target: string): URLSearchParams {
  return URL.canParse(target, 'http://request.invalid') ? new URL(target, 'http://request.invalid').searchParams : new URLSearchParams();
}

/** The request's own origin: from the socket and `Host`, or what a trusted proxy forwarded. */
function ownUrl(req: IncomingMessage, forwarded: ForwardedFacts): URL | undefined {
  const host = forwarded.host ?? req.headers.host;
  if (host === undefined || !HOST.test(host)) return undefined;
  const encrypted = (req.socket as { encrypted?: unknown } | undefined)?.encrypted === true;
  const origin = `${forwarded.proto ?? (encrypted ? 'https' : 'http')}://${host}`;
  return URL.canParse(origin) ? new URL(origin) : undefined;
}

/**
 * The DER of the client certificate of a TLS connection the server authorized (its chain checked
 * against the server's `ca`, `requestCert: true`): `undefined` on a plain socket, without a
 * certificate, or when the certificate was not authorized.
 */
function peerCertificate(req: IncomingMessage): Uint8Array | undefined {
  const socket = req.socket as Partial<TLSSocket> | undefined;
  if (socket === undefined || socket.encrypted !== true || socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') {
    return undefined;
  }
  const raw: unknown = socket.getPeerCertificate(false)?.raw;
  return raw instanceof Uint8Array && raw.length > 0 ? raw : undefined;
}

/**
 * Reads the body into one {@link BodyBuffer} (never a list of chunks), within `limits`: past
 * `maxBytes` it stops with 413, past `timeoutMs` with `ERR_REQUEST_TIMEOUT`; either way the request
 * is paused and the reply closes the connection (see {@link writeNodeReply}).
 */
function readStream(req: IncomingMessage, limits: BodyLimits, declaredLength: number | undefined): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const body = new BodyBuffer(limits.maxBytes, declaredLength);
    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const stop = (error: JwtError): void => {
      cleanup();
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      if (!body.append(chunk)) stop(bodyTooLarge());
    };
    const onEnd = (): void => {
      cleanup();
      resolve(body.bytes());
    };
    const onError = (): void => {
      cleanup();
      reject(requestError('the request body could not be read'));
    };
    const onClose = (): void => {
      cleanup();
      reject(requestError('the request body ended early'));
    };
    const timer = setTimeout(() => stop(bodyTimedOut()), limits.timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Reads the body and decodes it with `decode`; when a body parser ran before us (`express.json()`,
 * `express.urlencoded()`, ...), hands what it decoded to `acceptParsed` instead.
 */
async function readNodeBody<T>(
  req: IncomingMessage,
  limits: BodyLimits,
  decode: (bytes: Uint8Array, contentType: string | undefined) => T,
  acceptParsed: (parsed: unknown, contentType: string | undefined) => T,
): Promise<T> {
  const contentType = req.headers['content-type'];
  const consumed = req.readableEnded || req.readableDidRead;
  if (consumed) {
    const parsed = (req as IncomingMessage & { body?: unknown }).body;
    if (parsed === undefined) throw requestError('the request body was consumed by another handler');
    return acceptParsed(parsed, contentType);
  }
  const declaredLength = declaredBodyLength(req.headers['content-length'], limits.maxBytes);
  return decode(await readStream(req, limits, declaredLength), contentType);
}

/**
 * The neutral view of a Node request. `parsedBody`: where a framework that keeps its parsed body
 * off `req` (Koa's `ctx.request.body`) hands it over; without it, `req.body` is read (Express).
 *
 * @internal
 */
export function nodeRequestFacts(req: IncomingMessage, proxies?: TrustedProxies, parsedBody?: () => unknown): HttpRequestFacts {
  return new NodeRequestFacts(req, proxies, parsedBody);
}

/**
 * The facts that need a URL are parsed on first use: most requests (a Bearer header, no query
 * token, no cookie refresh) never ask for them, and the two WHATWG URL parses cost a measurable
 * share of an authenticated Express request's throughput (bench: express/HS256). A class, so the getters are
 * made once on its prototype, not per request. The `Host` header and the URL are read when first
 * asked (possibly after an await), so code that rewrites `req.headers.host` or `req.url` in the
 * meantime would be seen; the value is then kept for the rest of the request.
 */
class NodeRequestFacts implements HttpRequestFacts {
  readonly method: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly #req: IncomingMessage;
  readonly #proxies: TrustedProxies | undefined;
  #forwarded: ForwardedFacts | undefined;
  #url: URL | undefined | null = null;
  #query: URLSearchParams | undefined;
  readonly #parsedBody: (() => unknown) | undefined;

  constructor(req: IncomingMessage, proxies: TrustedProxies | undefined, parsedBody: (() => unknown) | undefined) {
    this.#req = req;
    this.#proxies = proxies;
    this.#parsedBody = parsedBody;
    this.method = (req.method ?? 'GET').toUpperCase();
    this.authorization = joinedAuthorization(req);
    this.cookie = headerText(req.headers.cookie);
  }

  get query(): URLSearchParams {
    return (this.#query ??= parseQuery(this.#req.url ?? '/'));
  }

  get ownOrigin(): string | undefined {
    return this.#ownUrl()?.origin;
  }

  get requestUrl(): string | undefined {
    const own = this.#ownUrl();
    if (own === undefined) return undefined;
    const target = this.#originalTarget();
    return target.startsWith('/') ? `${own.origin}${target}` : undefined;
  }

  get path(): string {
    return targetPath(this.#originalTarget());
  }

  get clientAddress(): string | undefined {
    return this.#forwardedFacts().clientAddress;
  }

  clientCertificate(): Uint8Array | undefined {
    // Behind a trusted proxy that terminates TLS, the socket's certificate (if any) is the proxy's.
    if (this.#forwardedFacts().fromTrustedProxy) return clientCertHeader(this.header('client-cert'));
    return peerCertificate(this.#req);
  }

  header(name: string): string | undefined {
    return headerText(this.#req.headers[name]);
  }

  readJson(limits: BodyLimits): Promise<unknown> {
    return readNodeBody(this.#req, limits, decodeJsonBody, acceptParsedBody);
  }

  readForm(limits: BodyLimits): Promise<URLSearchParams | undefined> {
    return readNodeBody(this.#req, limits, decodeFormBody, acceptParsedForm);
  }

  parsedBody(): unknown {
    if (this.#parsedBody !== undefined) return this.#parsedBody();
    const req = this.#req as IncomingMessage & { body?: unknown };
    return ownValue(req, 'body', req.body);
  }

  /**
   * Express sets `originalUrl` (the target before a router stripped its mount path); plain
   * node:http has only `url`. Only an origin-form `originalUrl` ("/...") is used.
   */
  #originalTarget(): string {
    const original: unknown = (this.#req as { originalUrl?: unknown }).originalUrl;
    return typeof original === 'string' && original.startsWith('/') ? original : (this.#req.url ?? '/');
  }

  #ownUrl(): URL | undefined {
    if (this.#url === null) this.#url = ownUrl(this.#req, this.#forwardedFacts());
    return this.#url;
  }

  #forwardedFacts(): ForwardedFacts {
    return (this.#forwarded ??= forwardedFacts(this.#proxies, this.#req.socket?.remoteAddress, (name) => this.header(name)));
  }
}

/**
 * Writes a reply on a Node response (and ends it). A reply to a body that was too large (413)
 * closes the connection, so the rest of that body is not read; a reply to a body that did not
 * arrive in time (408) closes it too, and destroys the socket once the reply is written, so a
 * client that stalls its body cannot keep the connection.
 *
 * @internal
 */
export function writeNodeReply(res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = reply.status;
  const cookies: string[] = [];
  for (const [name, value] of reply.headers) {
    if (name.toLowerCase() === 'set-cookie') cookies.push(value);
    else res.setHeader(name, value);
  }
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  if (reply.status === 408 || reply.status === 413) res.setHeader('Connection', 'close');
  if (reply.body !== undefined) res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  if (reply.status === 408) {
    const socket = res.socket;
    res.end(reply.body, () => socket?.destroy());
    return;
  }
  res.end(reply.body);
}
