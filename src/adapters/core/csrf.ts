import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import type { HttpRequestFacts } from './http-exchange.js';

/**
 * Options of the cross-site request check that guards every state change authenticated by a
 * cookie: the refresh and logout endpoints (and login, which sets the cookie), and protected
 * resources whose access token comes from a cookie. A member that is not one of these is refused
 * with `ERR_INVALID_OPTION`.
 */
export interface CsrfOptions {
  /**
   * The origins (`scheme://host[:port]`, no path) allowed to send such requests, e.g.
   * `['https://app.example']`. A request with an `Origin` header outside this list is refused.
   * Default: only the request's own origin (from its `Host`), which fails closed behind a proxy
   * that changes the scheme or host: list the public origin there.
   */
  allowedOrigins?: readonly string[];
  /**
   * A request header that must be present with a non-empty value. A cross-site form or "simple"
   * request cannot add a custom header without a CORS preflight, which the server controls.
   * `false` relies on where the request comes from alone: its `Origin`, else its `Referer` (whose
   * origin must be allowed as `Origin` would be; a `Referer` that is not an absolute URL is
   * refused), and its `Sec-Fetch-Site`; a request with none of the three is refused unless
   * {@link allowMissingOrigin} is set (OWASP CSRF Prevention Cheat Sheet, "Verifying Origin With
   * Standard Headers"). Default: `'x-requested-with'`.
   */
  requiredHeader?: string | false;
  /**
   * With `requiredHeader: false`, lets through a request that carries none of `Origin`, `Referer`
   * and `Sec-Fetch-Site`. Current browsers send `Sec-Fetch-Site` on every request and `Origin` on
   * every POST, so such a request comes from a client that is not a browser (a mobile app, a
   * script, another server), or from a browser behind a proxy that strips these headers, whose
   * cross-site requests this check can then no longer tell apart. Set it only when such clients
   * must send the cookie. Giving it without `requiredHeader: false` is `ERR_INVALID_OPTION` (with
   * the header, such requests already pass: the header proves they are not cross-site).
   * Default: `false`.
   */
  allowMissingOrigin?: boolean;
}

const CSRF_OPTION_NAMES = optionNames<CsrfOptions>({ allowedOrigins: true, requiredHeader: true, allowMissingOrigin: true });

/** {@link CsrfOptions} checked once. @internal */
export interface CsrfPolicy {
  readonly allowedOrigins: ReadonlySet<string> | undefined;
  /** The required header, lower case (how it is read). */
  readonly requiredHeader: string | undefined;
  /** The required header as a refusal's reason names it: `X-Requested-With`, or as configured. */
  readonly requiredHeaderName: string | undefined;
  readonly allowMissingOrigin: boolean;
  /** The option's name in refusals' reasons: `csrf`. */
  readonly option: string;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_SITES: ReadonlySet<string> = new Set(['cross-site', 'same-site']);

/**
 * Validates {@link CsrfOptions}.
 *
 * @throws ERR_INVALID_OPTION for an unknown option name, when an origin is not a bare
 *   `scheme://host[:port]`, or when the header name is not an HTTP token.
 * @internal
 */
export function normalizeCsrfOptions(options: CsrfOptions | undefined, option = 'csrf'): CsrfPolicy {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be an object`);
  }
  checkOptionNames(options, CSRF_OPTION_NAMES, `"${option}"`);
  let allowedOrigins: Set<string> | undefined;
  if (options?.allowedOrigins !== undefined) {
    if (!Array.isArray(options.allowedOrigins)) {
      throw new JwtError('ERR_INVALID_OPTION', `"${option}.allowedOrigins" must be an array of origins`);
    }
    allowedOrigins = new Set();
    for (const origin of options.allowedOrigins as unknown[]) {
      if (typeof origin !== 'string' || !URL.canParse(origin) || new URL(origin).origin !== origin) {
        throw new JwtError('ERR_INVALID_OPTION', `"${option}.allowedOrigins" must hold origins such as 'https://app.example'`);
      }
      allowedOrigins.add(origin);
    }
  }
  const header = options?.requiredHeader ?? 'x-requested-with';
  if (header !== false && (typeof header !== 'string' || !HEADER_NAME.test(header))) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}.requiredHeader" must be a header name or false`);
  }
  const allowMissingOrigin = options?.allowMissingOrigin ?? false;
  if (typeof allowMissingOrigin !== 'boolean') {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}.allowMissingOrigin" must be a boolean`);
  }
  if (allowMissingOrigin && header !== false) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `"${option}.allowMissingOrigin" applies only with "${option}.requiredHeader: false": set both, or neither`,
    );
  }
  return Object.freeze({
    allowedOrigins,
    requiredHeader: header === false ? undefined : header.toLowerCase(),
    requiredHeaderName: header === false ? undefined : options?.requiredHeader === undefined ? 'X-Requested-With' : header,
    allowMissingOrigin,
    option,
  });
}

/** Whether an origin (from `Origin` or a `Referer`) may send the request: the allow-list, or else the request's own origin. */
function isAllowedOrigin(origin: string, request: HttpRequestFacts, policy: CsrfPolicy): boolean {
  return policy.allowedOrigins === undefined ? origin === request.ownOrigin : policy.allowedOrigins.has(origin);
}

/** The most characters of a request's origin a refusal repeats. */
const MAX_ORIGIN = 100;

/** An origin the request sent, quoted for a refusal's reason: printable ASCII, shortened. */
function quoted(value: string): string {
  const text = value.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(text.length > MAX_ORIGIN ? `${text.slice(0, MAX_ORIGIN)}…` : text);
}

/**
 * The refusal of an origin (from `Origin`, or the origin of a `Referer`) that is not allowed,
 * naming the option that allows it, and the own origin when there is no allow-list (behind a proxy
 * that terminates TLS or changes the host, the own origin read from the request is not the public one).
 */
function originRefused(origin: string, from: string, request: HttpRequestFacts, policy: CsrfPolicy): JwtError {
  const allow = `"${policy.option}.allowedOrigins"`;
  if (origin === 'null') {
    return new JwtError(
      'ERR_CSRF',
      `the ${from} is "null" (a sandboxed page, a file: URL or a redirect from another origin), which is never allowed`,
    );
  }
  const fix =
    policy.allowedOrigins === undefined
      ? `without ${allow} only this server's own origin ${request.ownOrigin === undefined ? '(none: the request has no valid Host)' : quoted(request.ownOrigin)} is allowed: ` +
        `add the page's origin to ${allow}; behind a proxy that terminates TLS or changes the host, set "trustedProxies" so the forwarded scheme and host are read, or list the public origin in ${allow}`
      : `add it to ${allow} if that page may send this request`;
  return new JwtError('ERR_CSRF', `the ${from} ${quoted(origin)} is not allowed: ${fix}`);
}

/**
 * The origin of a `Referer` header, or `undefined` when it is not one absolute URL (browsers send
 * one; whitespace also means several headers joined).
 */
function refererOrigin(referer: string): string | undefined {
  if (/[\s\x00-\x1f\x7f]/.test(referer) || !URL.canParse(referer)) return undefined;
  return new URL(referer).origin;
}

/**
 * Refuses a cookie-authenticated state change that may come from another site.
 *
 * - `Origin` present: it must be in the allow-list (or equal the request's own origin); `null` is refused;
 * - no `Origin`: a `Sec-Fetch-Site` of `cross-site` or `same-site` is refused;
 * - with the required header: it must be present (it proves a same-origin script, so a client
 *   that sends none of these headers passes);
 * - without it (`requiredHeader: false`) and no `Origin`: a `Referer` must be an absolute URL of
 *   an allowed origin, and a request with none of `Origin`, `Referer` and `Sec-Fetch-Site` is
 *   refused unless `allowMissingOrigin` is set (OWASP CSRF Prevention Cheat Sheet, "Verifying
 *   Origin With Standard Headers").
 *
 * @throws ERR_CSRF when the request fails any of these.
 * @internal
 */
export function assertSameOriginRequest(request: HttpRequestFacts, policy: CsrfPolicy): void {
  const origin = request.header('origin');
  if (origin !== undefined) {
    if (!isAllowedOrigin(origin, request, policy)) throw originRefused(origin, 'Origin', request, policy);
  } else {
    const site = request.header('sec-fetch-site');
    if (site !== undefined && FORBIDDEN_SITES.has(site.toLowerCase())) {
      throw new JwtError(
        'ERR_CSRF',
        `the request has no Origin and its Sec-Fetch-Site is ${quoted(site.toLowerCase())}: the browser says it comes from another site`,
      );
    }
    if (policy.requiredHeader === undefined) assertAllowedWithoutOrigin(request, policy, site);
  }
  if (policy.requiredHeader !== undefined) {
    const value = request.header(policy.requiredHeader);
    if (value === undefined || value.trim() === '') {
      throw new JwtError(
        'ERR_CSRF',
        `the request lacks the "${policy.requiredHeaderName}" header ("${policy.option}.requiredHeader"), which proves it is not a cross-site form: ` +
          `send it from the page's fetch calls, e.g. headers: { '${policy.requiredHeaderName}': 'fetch' }; a page on another origin also needs ` +
          `CORS to allow it (Access-Control-Allow-Headers: ${policy.requiredHeaderName}, Access-Control-Allow-Credentials: true)`,
      );
    }
  }
}

/**
 * The check of a request without `Origin` when no custom header is required: its `Referer`, else
 * its `Sec-Fetch-Site` (already known not to be cross-site), else `allowMissingOrigin`.
 *
 * @throws ERR_CSRF when the request fails it.
 */
function assertAllowedWithoutOrigin(request: HttpRequestFacts, policy: CsrfPolicy, site: string | undefined): void {
  const referer = request.header('referer');
  if (referer !== undefined) {
    const from = refererOrigin(referer);
    if (from === undefined) throw new JwtError('ERR_CSRF', 'the request has no Origin and its Referer is not one absolute URL');
    if (!isAllowedOrigin(from, request, policy))
      throw originRefused(from, 'origin of the Referer (the request has no Origin)', request, policy);
    return;
  }
  if (site === undefined && !policy.allowMissingOrigin) {
    throw new JwtError(
      'ERR_CSRF',
      `the request carries none of Origin, Referer and Sec-Fetch-Site, and "${policy.option}.requiredHeader" is false: ` +
        `"${policy.option}.allowMissingOrigin: true" lets clients that are not browsers through`,
    );
  }
}
