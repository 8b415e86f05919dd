import { JwtError } from '../errors.js';
import { web } from './platform.js';

/**
 * The options of `createAuthClient` and their checks.
 *
 * @module
 */

/**
 * Options of {@link createAuthClient}. A member that is not one of these is refused with
 * `ERR_INVALID_OPTION`. URLs may be relative in a browser (to the page); in Node they are absolute.
 */
export interface AuthClientOptions {
  /** The login endpoint (`createAuthEndpoints().login`), e.g. `'/auth/login'`. Required. */
  loginUrl: string | URL;
  /** The refresh endpoint, e.g. `'/auth/refresh'`. Required. */
  refreshUrl: string | URL;
  /** The logout endpoint, e.g. `'/auth/logout'`. Required. */
  logoutUrl: string | URL;
  /** The logout-everywhere endpoint, e.g. `'/auth/logout-everywhere'`. Default: none (`logoutEverywhere` then throws). */
  logoutEverywhereUrl?: string | URL;
  /**
   * Where the refresh token travels, as the endpoints' `refreshTokenTransport`: `'cookie'` (the
   * browser keeps it in the endpoints' HttpOnly cookie; requests go with `credentials: 'include'`)
   * or `'body'` (the client keeps it in memory and sends it in the JSON body). Default: `'cookie'`
   * in a browser, `'body'` elsewhere (Node has no cookie jar).
   */
  transport?: 'cookie' | 'body';
  /**
   * DPoP (RFC 9449): `true` binds the session to a key of this client (ECDSA P-256,
   * non-extractable; in a browser kept in IndexedDB, made once per origin) and sends
   * `Authorization: DPoP` with a fresh proof per request. Default: `false` (`Authorization: Bearer`).
   */
  dpop?: boolean;
  /**
   * The header sent to the auth endpoints for their cross-site request check (the endpoints'
   * `csrf.requiredHeader`), with the value `'jwtkit'`; `false` sends none. Default: `'x-requested-with'`.
   */
  csrfHeader?: string | false;
  /**
   * The origins whose requests get the access token, as absolute http(s) URLs, e.g.
   * `['https://api.example.com']` (anything else is `ERR_INVALID_OPTION`: a bare host would name
   * the page's own origin); requests to any other origin go out untouched. Default: the origin of
   * `loginUrl`.
   */
  origins?: readonly string[];
  /**
   * The name of the Web Lock, the `BroadcastChannel` and the IndexedDB database the tabs of the
   * origin share; give each client of one origin its own (one per auth server). Default: `'jwtkit'`.
   */
  name?: string;
  /** The `fetch` every request goes through. Default: the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
}

/** {@link AuthClientOptions} checked once. @internal */
export interface AuthClientPolicy {
  readonly loginUrl: string;
  readonly refreshUrl: string;
  readonly logoutUrl: string;
  readonly logoutEverywhereUrl: string | undefined;
  readonly transport: 'cookie' | 'body';
  readonly dpop: boolean;
  readonly csrfHeader: string | undefined;
  readonly origins: ReadonlySet<string>;
  readonly name: string;
  readonly fetch: (request: Request) => Promise<Response>;
}

const NAMES = ['loginUrl', 'refreshUrl', 'logoutUrl', 'logoutEverywhereUrl', 'transport', 'dpop', 'csrfHeader', 'origins', 'name', 'fetch'];

function invalid(message: string): JwtError {
  return new JwtError('ERR_INVALID_OPTION', message);
}

function readUrl(value: unknown, option: string): string {
  const base = web.location?.href;
  if ((typeof value !== 'string' && !(value instanceof URL)) || !URL.canParse(String(value), base)) {
    throw invalid(`"${option}" must be a URL${base === undefined ? ' with scheme and host' : ''}`);
  }
  return new URL(value, base).href;
}

/** An entry of `origins`: an absolute http(s) URL (never resolved against the page: `'api.example'` would name the page's own origin). */
function readOrigin(value: unknown): string {
  if ((typeof value !== 'string' && !(value instanceof URL)) || !URL.canParse(String(value))) {
    throw invalid('"origins" must list absolute origins, e.g. "https://api.example.com"');
  }
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('"origins" must list http(s) origins');
  return url.origin;
}

/**
 * Validates {@link AuthClientOptions}.
 *
 * @throws ERR_INVALID_OPTION for an unknown name or a value of the wrong shape.
 * @internal
 */
export function readAuthClientOptions(options: AuthClientOptions): AuthClientPolicy {
  if (typeof options !== 'object' || options === null) throw invalid('the options must be an object');
  for (const name of Object.keys(options)) if (!NAMES.includes(name)) throw invalid(`unknown option "${name}"`);
  const { transport = web.document === undefined ? 'body' : 'cookie', dpop = false, csrfHeader = 'x-requested-with' } = options;
  const { name = 'jwtkit', fetch = (request: Request) => web.fetch(request) } = options;
  if (transport !== 'cookie' && transport !== 'body') throw invalid('"transport" must be "cookie" or "body"');
  if (typeof dpop !== 'boolean') throw invalid('"dpop" must be a boolean');
  if (csrfHeader !== false && (typeof csrfHeader !== 'string' || !/^[\w!#$%&'*+.^`|~-]+$/.test(csrfHeader))) {
    throw invalid('"csrfHeader" must be a header name or false');
  }
  if (typeof name !== 'string' || name === '') throw invalid('"name" must be a non-empty string');
  if (typeof fetch !== 'function') throw invalid('"fetch" must be a function');
  const loginUrl = readUrl(options.loginUrl, 'loginUrl');
  const origins = options.origins ?? [new URL(loginUrl).origin];
  if (!Array.isArray(origins)) throw invalid('"origins" must be an array of origins');
  return {
    loginUrl,
    refreshUrl: readUrl(options.refreshUrl, 'refreshUrl'),
    logoutUrl: readUrl(options.logoutUrl, 'logoutUrl'),
    logoutEverywhereUrl:
      options.logoutEverywhereUrl === undefined ? undefined : readUrl(options.logoutEverywhereUrl, 'logoutEverywhereUrl'),
    transport,
    dpop,
    csrfHeader: csrfHeader === false ? undefined : csrfHeader,
    origins: new Set(origins.map(readOrigin)),
    name,
    fetch,
  };
}
