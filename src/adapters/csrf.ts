import { JwtError } from '../errors.js';
import type { HttpRequestFacts } from './http-exchange.js';

/**
 * Options of the cross-site request check that guards every state change authenticated by a
 * cookie: the refresh and logout endpoints (and login, which sets the cookie), and protected
 * resources whose access token comes from a cookie.
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
   * `false` relies on the `Origin` / `Sec-Fetch-Site` check alone. Default: `'x-requested-with'`.
   */
  requiredHeader?: string | false;
}

/** {@link CsrfOptions} checked once. @internal */
export interface CsrfPolicy {
  readonly allowedOrigins: ReadonlySet<string> | undefined;
  readonly requiredHeader: string | undefined;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_SITES: ReadonlySet<string> = new Set(['cross-site', 'same-site']);

/**
 * Validates {@link CsrfOptions}.
 *
 * @throws ERR_INVALID_OPTION when an origin is not a bare `scheme://host[:port]` or the header
 *   name is not an HTTP token.
 * @internal
 */
export function normalizeCsrfOptions(options: CsrfOptions | undefined, option = 'csrf'): CsrfPolicy {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be an object`);
  }
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
  return Object.freeze({ allowedOrigins, requiredHeader: header === false ? undefined : header.toLowerCase() });
}

/**
 * Refuses a cookie-authenticated state change that may come from another site.
 *
 * - `Origin` present: it must be in the allow-list (or equal the request's own origin); `null` is refused;
 * - no `Origin`: a `Sec-Fetch-Site` of `cross-site` or `same-site` is refused (a client that is not
 *   a browser sends neither header);
 * - the required header must be present.
 *
 * @throws ERR_CSRF when the request fails any of these.
 * @internal
 */
export function assertSameOriginRequest(request: HttpRequestFacts, policy: CsrfPolicy): void {
  const origin = request.header('origin');
  if (origin !== undefined) {
    const allowed = policy.allowedOrigins === undefined ? origin === request.ownOrigin : policy.allowedOrigins.has(origin);
    if (!allowed) throw new JwtError('ERR_CSRF', 'the request comes from an origin that is not allowed');
  } else {
    const site = request.header('sec-fetch-site');
    if (site !== undefined && FORBIDDEN_SITES.has(site.toLowerCase())) {
      throw new JwtError('ERR_CSRF', 'the request comes from another site');
    }
  }
  if (policy.requiredHeader !== undefined) {
    const value = request.header(policy.requiredHeader);
    if (value === undefined || value.trim() === '') {
      throw new JwtError('ERR_CSRF', 'the request lacks the header that proves it is not cross-site');
    }
  }
}
