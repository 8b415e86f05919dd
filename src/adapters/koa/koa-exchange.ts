import type { ParameterizedContext } from 'koa';
import { ownValue } from '../../internal/own-member.js';
import { requestError } from '../core/error-replies.js';
import { acceptParsedForm } from '../core/form-body.js';
import { targetPath } from '../core/http-exchange.js';
import type { BodyLimits, HttpReply, HttpRequestFacts } from '../core/http-exchange.js';
import { acceptParsedBody, bodyTooLarge } from '../core/json-body.js';
import { nodeRequestFacts } from '../core/node-exchange.js';
import type { TrustedProxies } from '../core/trusted-proxies.js';

/**
 * A Koa context as a neutral exchange: the `node:http` request under it (`ctx.req`), with the two
 * things Koa keeps elsewhere: the original URL (`ctx.originalUrl`, which a mounted app's rewrite
 * of `ctx.req.url` does not change) and a body a body parser already read (`ctx.request.body`,
 * and its text `ctx.request.rawBody` when the parser keeps it, as koa-bodyparser does).
 *
 * @internal
 * @module
 */

/** Any Koa context, whatever its state and custom members. @internal */
export type KoaContext = ParameterizedContext<unknown, unknown, unknown>;

/** What a Koa body parser leaves on `ctx.request`. */
interface ParsedKoaRequest {
  body?: unknown;
  rawBody?: unknown;
}

/**
 * The neutral view of a Koa request.
 *
 * @internal
 */
export function koaRequestFacts(ctx: KoaContext, proxies?: TrustedProxies): HttpRequestFacts {
  return new KoaRequestFacts(ctx, proxies);
}

class KoaRequestFacts implements HttpRequestFacts {
  readonly method: string;
  readonly authorization: string | undefined;
  readonly cookie: string | undefined;
  readonly #ctx: KoaContext;
  readonly #node: HttpRequestFacts;

  constructor(ctx: KoaContext, proxies: TrustedProxies | undefined) {
    this.#ctx = ctx;
    this.#node = nodeRequestFacts(ctx.req, proxies);
    this.method = this.#node.method;
    this.authorization = this.#node.authorization;
    this.cookie = this.#node.cookie;
  }

  get query(): URLSearchParams {
    return this.#node.query;
  }

  get ownOrigin(): string | undefined {
    return this.#node.ownOrigin;
  }

  get requestUrl(): string | undefined {
    const origin = this.#node.ownOrigin;
    const target = this.#originalTarget();
    return origin !== undefined && target.startsWith('/') ? `${origin}${target}` : undefined;
  }

  get path(): string {
    return targetPath(this.#originalTarget());
  }

  get clientAddress(): string | undefined {
    return this.#node.clientAddress;
  }

  clientCertificate(): Uint8Array | undefined {
    return this.#node.clientCertificate();
  }

  header(name: string): string | undefined {
    return this.#node.header(name);
  }

  readJson(limits: BodyLimits): Promise<unknown> {
    return this.#readBody(limits, acceptParsedBody, (facts) => facts.readJson(limits));
  }

  readForm(limits: BodyLimits): Promise<URLSearchParams | undefined> {
    return this.#readBody(limits, acceptParsedForm, (facts) => facts.readForm(limits));
  }

  /** What a body parser left on `ctx.request.body` (own member only); the stream is never read for it. */
  parsedBody(): unknown {
    const request = this.#ctx.request as ParsedKoaRequest;
    return ownValue(request, 'body', request.body);
  }

  /**
   * Reads the body from the stream within `limits`, unless a body parser before jwtkit read it:
   * then its text (`rawBody`) is held to `limits.maxBytes` (413) and decoded by jwtkit's own
   * rules, or else what it parsed is checked as `express.json()`'s result is (media type, string
   * values). A stream that was read with nothing left on `ctx.request` is refused (400), never
   * waited on.
   */
  async #readBody<T>(
    limits: BodyLimits,
    acceptParsed: (parsed: unknown, contentType: string | undefined) => T,
    read: (facts: HttpRequestFacts) => Promise<T>,
  ): Promise<T> {
    const req = this.#ctx.req;
    if (!(req.readableEnded || req.readableDidRead)) return read(this.#node);
    const parsed = this.#ctx.request as ParsedKoaRequest;
    const rawBody = ownValue(parsed, 'rawBody', parsed.rawBody);
    const value = typeof rawBody === 'string' ? rawBody : ownValue(parsed, 'body', parsed.body);
    if (typeof value === 'string' && Buffer.byteLength(value) > limits.maxBytes) throw bodyTooLarge();
    if (value === undefined) throw requestError('the request body was consumed by another handler');
    return acceptParsed(value, req.headers['content-type']);
  }

  /** `ctx.originalUrl` when it is an origin-form target ("/..."), else the request's own. */
  #originalTarget(): string {
    const original: unknown = this.#ctx.originalUrl;
    return typeof original === 'string' && original.startsWith('/') ? original : (this.#ctx.req.url ?? '/');
  }
}

/**
 * Answers a reply through Koa's response (`ctx.status`, headers, `ctx.body`), so the app's own
 * middleware still sees and may decorate it. As `writeNodeReply` does on Node: a reply to a body
 * that was too large (413) or too slow (408) closes the connection, and after a 408 the socket is
 * destroyed once the reply is written. `Set-Cookie` is appended to the cookies already set.
 *
 * @internal
 */
export function writeKoaReply(ctx: KoaContext, reply: HttpReply): void {
  if (reply.body === undefined) {
    // Koa turns an empty body into 204 unless the status says "no content" already: the body goes
    // first (marked as an explicit empty one), then the status.
    ctx.body = null;
  }
  ctx.status = reply.status;
  for (const [name, value] of reply.headers) {
    if (name.toLowerCase() === 'set-cookie') ctx.append('Set-Cookie', value);
    else ctx.set(name, value);
  }
  if (reply.status === 408 || reply.status === 413) ctx.set('Connection', 'close');
  if (reply.body !== undefined) ctx.body = reply.body;
  if (reply.status === 408) {
    const socket = ctx.req.socket;
    ctx.res.once('finish', () => socket?.destroy());
  }
}
