/**
 * The framework-neutral view of one HTTP exchange. `jwtkit/express` builds it from Node's
 * `IncomingMessage`, `jwtkit/fetch` from a `Request`; everything between (credential extraction,
 * verification, the auth endpoints, the HTTP mapping of errors) is written once against it.
 *
 * @internal
 * @module
 */

/** What the shared adapter code reads from a request. @internal */
export interface HttpRequestFacts {
  /** The method, upper case. */
  readonly method: string;
  /**
   * Every `Authorization` header of the request joined with `", "` (Fetch `Headers.get` joins
   * them so; the Node side joins `rawHeaders` the same way), or `undefined` when there is none.
   */
  readonly authorization: string | undefined;
  /** The `Cookie` header(s), or `undefined`. */
  readonly cookie: string | undefined;
  /** The query string's parameters. */
  readonly query: URLSearchParams;
  /**
   * The request's own origin (`http://host:port`), when the `Host` (or the request URL) gives a
   * valid one; compared with `Origin` when no allow-list is configured.
   */
  readonly ownOrigin: string | undefined;
  /**
   * The request's full original URL (scheme, host, port, path and query), as the client addressed
   * this server: compared with a DPoP proof's `htu`. On Node, the scheme comes from the socket
   * (TLS or not), the host from the `Host` header and the path from Express's `originalUrl` (the
   * URL before any mount point was stripped) or `url`; on Fetch, it is `request.url`. `undefined`
   * when the `Host` header is missing or malformed. Forwarded headers (`Forwarded`,
   * `X-Forwarded-Proto` / `-Host`) replace the scheme and host only when the peer is a trusted
   * proxy (the `trustedProxies` option); `ownOrigin` follows the same rule.
   */
  readonly requestUrl: string | undefined;
  /**
   * The request's path as the client addressed this server, without the query string (which may
   * hold a token): on Node, from Express's `originalUrl` (the path before any mount point was
   * stripped) or `url`; on Fetch, from `request.url`. Read for events and the refresh-cookie path
   * check, never for a security decision.
   */
  readonly path: string;
  /**
   * The client's IP address: the peer of the connection, or, behind trusted proxies, the first
   * untrusted address of the forwarded chain; `undefined` when not known.
   */
  readonly clientAddress: string | undefined;
  /**
   * The DER bytes of the TLS client certificate of the connection, when the request came over TLS
   * with a client certificate the server authorized (`getPeerCertificate().raw` on Node). When
   * the peer is a trusted proxy (on Node too), only the RFC 9440 `Client-Cert` header is read;
   * without the `trustedProxies` option, always `undefined` on Fetch, which has no socket.
   */
  clientCertificate(): Uint8Array | undefined;
  /** Reads one header (lower-case name); several headers of one name are joined with `", "`. */
  header(name: string): string | undefined;
  /**
   * Reads the JSON body within `limits`, holding at most about `limits.maxBytes` bytes for it
   * however the body is chunked.
   *
   * @returns the parsed value, or `undefined` when the request has no body.
   * @throws ERR_REQUEST_INVALID when the body is not `application/json`, too large, or not JSON;
   *   ERR_REQUEST_TIMEOUT when it has not all arrived within `limits.timeoutMs`.
   */
  readJson(limits: BodyLimits): Promise<unknown>;
  /**
   * Reads an `application/x-www-form-urlencoded` body (a token request, RFC 6749 §6) within
   * `limits`, as {@link readJson} reads JSON; on Node, a body that `express.urlencoded()` parsed
   * first is taken from `req.body`.
   *
   * @returns the parameters with their duplicates, or `undefined` when the request has no body.
   * @throws ERR_REQUEST_INVALID when the body is not a form (415), too large (413), not UTF-8, or
   *   (parsed first) holds a value that is not a string; ERR_REQUEST_TIMEOUT as {@link readJson}.
   */
  readForm(limits: BodyLimits): Promise<URLSearchParams | undefined>;
  /**
   * The body as the framework (or the application) already parsed it, never read from the
   * request stream: on Node, `req.body` (`express.urlencoded()`); on Fetch, what the caller handed
   * over. `undefined` when nothing parsed it. Read for an access token in a form body (RFC 6750
   * §2.2, the `allowBodyToken` option); an adapter without parsed bodies leaves it out.
   */
  parsedBody?(): unknown;
}

/**
 * The path of a request target (RFC 9112 §3.2): an origin-form target (`/a/b?x`) up to its query,
 * the path of an absolute-form one, `*` as it is, and `/` for anything else.
 *
 * @internal
 */
export function targetPath(target: string): string {
  if (target.startsWith('/')) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  if (target === '*') return target;
  return URL.canParse(target) ? new URL(target).pathname : '/';
}

/** How much of a request body is read, and for how long. @internal */
export interface BodyLimits {
  /** The largest body read, in bytes; a larger one is refused (413). */
  readonly maxBytes: number;
  /** How long the whole body may take to arrive once reading starts, in milliseconds (then 408). */
  readonly timeoutMs: number;
}

/** What the shared adapter code answers; each adapter writes it out in its own way. @internal */
export interface HttpReply {
  /** The status code. */
  status: number;
  /** Headers, in order; `Set-Cookie` may appear more than once. */
  headers: Array<[name: string, value: string]>;
  /** The body (already serialised), or `undefined` for none. */
  body?: string;
}

/** The headers that keep a reply out of every cache, HTTP/1.0 ones included (RFC 6749 §5.1). */
const NOT_CACHED: ReadonlyArray<[string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
];

/**
 * A JSON reply with the headers every jwtkit answer carries: `Cache-Control: no-store` and
 * `Pragma: no-cache` (tokens and errors must not be cached, RFC 6749 §5.1) and
 * `X-Content-Type-Options: nosniff`.
 *
 * @internal
 */
export function jsonReply(status: number, body: unknown, headers: Array<[string, string]> = []): HttpReply {
  return {
    status,
    headers: [['Content-Type', 'application/json; charset=utf-8'], ...NOT_CACHED, ['X-Content-Type-Options', 'nosniff'], ...headers],
    body: JSON.stringify(body),
  };
}

/**
 * A bodiless reply (`204`, `405`), with `Cache-Control: no-store` and `Pragma: no-cache`.
 *
 * @internal
 */
export function emptyReply(status: number, headers: Array<[string, string]> = []): HttpReply {
  return { status, headers: [...NOT_CACHED, ...headers] };
}
