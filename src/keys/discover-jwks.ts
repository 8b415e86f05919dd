import { JwtError } from '../errors.js';
import { ownValue } from '../internal/own-member.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { fetchJson } from './fetch-json.js';
import { acceptableFetchUrl } from './fetch-url.js';
import { createRemoteJWKS, fetchSettings, REMOTE_JWKS_OPTION_NAMES, type RemoteJWKS, type RemoteJWKSOptions } from './remote-jwks.js';

/**
 * Options of {@link discoverJWKS}: those of `createRemoteJWKS`. `fetch`, `headers`, `timeout`,
 * `maxResponseBytes` and `allowInsecureHttp` also apply to the discovery request, which is made at
 * every call (to start with no request at all, keep the `jwks_uri` and use `createRemoteJWKS` with
 * a `seed`). Any other member is refused with `ERR_INVALID_OPTION`.
 */
export interface DiscoverJWKSOptions extends RemoteJWKSOptions {
  /**
   * Origins other than the issuer's own that the discovery document's `jwks_uri` may point to,
   * each an origin such as `'https://www.googleapis.com'` (Google's issuer is
   * `https://accounts.google.com`, its keys live on another host). A `jwks_uri` on any other
   * origin is refused before it is fetched, so an issuer configured per tenant cannot make the
   * server fetch from a host the application did not name (docs/security.md, "What jwtkit rejects,
   * and why"). Default: `[]` (the issuer's origin only).
   */
  jwksOrigins?: readonly string[];
  /**
   * The well-known metadata document read: `'openid-configuration'` (OpenID Connect Discovery 1.0
   * §4: `<issuer>/.well-known/openid-configuration`) or `'oauth-authorization-server'` (RFC 8414
   * §3.1: `/.well-known/oauth-authorization-server` inserted between the issuer's host and its
   * path, so `https://as.example/tenant` is read at
   * `https://as.example/.well-known/oauth-authorization-server/tenant`). Giving it with
   * {@link metadataUrl} is `ERR_INVALID_OPTION`. Default: `'openid-configuration'`.
   */
  wellKnown?: 'openid-configuration' | 'oauth-authorization-server';
  /**
   * The URL of the metadata document, for an issuer that publishes it elsewhere than at a
   * well-known URI: `https:` (plain `http:` as for the issuer), without credentials. The
   * document's `issuer` must still be exactly `issuer`, and its `jwks_uri` obey the same rules.
   * Default: none; the {@link wellKnown} document of the issuer.
   */
  metadataUrl?: string;
}

const DISCOVER_JWKS_OPTION_NAMES = optionNames<DiscoverJWKSOptions>({
  ...REMOTE_JWKS_OPTION_NAMES.list,
  jwksOrigins: true,
  wellKnown: true,
  metadataUrl: true,
});

/**
 * Finds an OpenID Provider's key set by OpenID Connect Discovery 1.0 (§4) and returns a remote
 * JWKS for it: fetches `<issuer>/.well-known/openid-configuration`, requires its `issuer` to be
 * exactly `issuer` (§4.3) and its `jwks_uri` to be an acceptable URL (`https:`), then calls
 * `createRemoteJWKS(jwks_uri, options)`. For resource servers behind Auth0, Keycloak, Entra ID,
 * Cognito and the like. Verify with `issuer` set to the same value. An OAuth 2.0 authorization
 * server without OpenID Connect publishes RFC 8414 metadata instead (`wellKnown:
 * 'oauth-authorization-server'`), and `metadataUrl` names a document published elsewhere; the
 * same checks apply to both (RFC 8414 §3.3: the `issuer` must be identical).
 *
 * @param issuer - the issuer identifier, e.g. `https://tenant.eu.auth0.com/` (as it appears in `iss`):
 * an `https:` URL without credentials, query or fragment.
 * @param options - see {@link DiscoverJWKSOptions}.
 * @returns the remote key set of the issuer.
 * @example
 * ```ts
 * import { discoverJWKS, verify } from 'jwtkit';
 * const issuer = 'https://login.example.com/realms/main';
 * const jwks = await discoverJWKS(issuer);
 * const { payload } = await verify(token, jwks, { algorithms: ['RS256'], issuer, audience: 'api' });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION`, before any request, for an issuer that is not an
 * acceptable URL (credentials in it included) or has a query or a fragment (even an empty one:
 * OpenID Connect Discovery 1.0 §2, RFC 8414 §2), a bad option or an unknown option name; `ERR_JWKS_FETCH` when the
 * discovery document cannot be fetched; `ERR_JWKS_INVALID` when it is not JSON, names another
 * issuer, or has no acceptable `jwks_uri`.
 */
export async function discoverJWKS(issuer: string, options: DiscoverJWKSOptions = {}): Promise<RemoteJWKS> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, DISCOVER_JWKS_OPTION_NAMES, 'discoverJWKS');
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  const checkedIssuer = typeof issuer === 'string' ? acceptableFetchUrl(issuer, allowInsecureHttp === true) : undefined;
  if (checkedIssuer === undefined) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'the issuer must be an https: URL without credentials (http: only for loopback or with allowInsecureHttp)',
    );
  }
  // An issuer identifier has no query and no fragment (OpenID Connect Discovery 1.0 §2, RFC 8414 §2).
  // Any "?" or "#" starts one in a URL, even an empty one that URL parsing would drop.
  if (issuer.includes('?') || issuer.includes('#')) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'the issuer must have no query ("?") and no fragment ("#"): pass the issuer identifier as in "iss"',
    );
  }
  const allowedOrigins = readJwksOrigins(options.jwksOrigins, allowInsecureHttp === true);
  const settings = fetchSettings(options);
  // Built from the URL as parsed and checked, never from the raw string (a custom fetch may parse differently).
  const issuerUrl = new URL(checkedIssuer);
  const configurationUrl = metadataLocation(checkedIssuer, issuerUrl, options, allowInsecureHttp === true);
  const { value } = await fetchJson(configurationUrl, settings);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtError('ERR_JWKS_INVALID', 'the discovery document is not a JSON object');
  }
  const document = value as Record<string, unknown>;
  // Own members only: a polluted Object.prototype supplies neither (docs/security.md).
  const named = ownValue(document, 'issuer', document['issuer']);
  if (named !== issuer) throw new JwtError('ERR_JWKS_INVALID', 'the discovery document names another issuer');
  const jwksUri = acceptableJwksUri(
    ownValue(document, 'jwks_uri', document['jwks_uri']),
    issuerUrl,
    allowedOrigins,
    allowInsecureHttp === true,
  );
  const { jwksOrigins: _, wellKnown: __, metadataUrl: ___, ...remoteOptions } = options; // the rest are the options of createRemoteJWKS
  return createRemoteJWKS(jwksUri, remoteOptions);
}

/**
 * Where the metadata document is read: `metadataUrl`, else the `wellKnown` document of the issuer
 * (OpenID Connect Discovery 1.0 §4.1 appends to the issuer; RFC 8414 §3.1 inserts between the
 * host and the path, the path's terminating "/" removed). Built from the issuer as parsed and
 * checked, never from the raw string.
 *
 * @throws ERR_INVALID_OPTION for both options, an unknown `wellKnown`, or a `metadataUrl` that is
 *   not an acceptable URL.
 */
function metadataLocation(checkedIssuer: string, issuer: URL, options: DiscoverJWKSOptions, allowInsecureHttp: boolean): string {
  const { wellKnown, metadataUrl } = options;
  if (metadataUrl !== undefined) {
    if (wellKnown !== undefined) throw new JwtError('ERR_INVALID_OPTION', 'give "metadataUrl" or "wellKnown", not both');
    const url =
      typeof metadataUrl === 'string' ? acceptableFetchUrl(metadataUrl, allowInsecureHttp || issuer.protocol === 'http:') : undefined;
    // As for `jwks_uri`: plain http: only under a plain-http: (loopback) issuer, or with allowInsecureHttp.
    const downgraded = url !== undefined && new URL(url).protocol === 'http:' && issuer.protocol === 'https:' && !allowInsecureHttp;
    if (url === undefined || downgraded || metadataUrl.includes('#')) {
      throw new JwtError('ERR_INVALID_OPTION', '"metadataUrl" must be an https: URL without credentials or fragment');
    }
    return url;
  }
  if (wellKnown === undefined || wellKnown === 'openid-configuration') {
    return `${checkedIssuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  }
  if (wellKnown !== 'oauth-authorization-server') {
    throw new JwtError('ERR_INVALID_OPTION', "\"wellKnown\" must be 'openid-configuration' or 'oauth-authorization-server'");
  }
  const path = issuer.pathname === '/' ? '' : issuer.pathname.replace(/\/$/, '');
  return `${issuer.origin}/.well-known/oauth-authorization-server${path}`;
}

/** The `jwksOrigins` option as a set of origins (`https://host[:port]`). */
function readJwksOrigins(value: unknown, allowInsecureHttp: boolean): ReadonlySet<string> {
  if (value === undefined) return new Set();
  const invalid = '"jwksOrigins" must be an array of origins such as "https://www.googleapis.com"';
  if (!Array.isArray(value)) throw new JwtError('ERR_INVALID_OPTION', invalid);
  const origins = new Set<string>();
  for (const item of value as unknown[]) {
    const url = typeof item === 'string' ? acceptableFetchUrl(item, allowInsecureHttp) : undefined;
    if (url === undefined) throw new JwtError('ERR_INVALID_OPTION', invalid);
    const { origin, pathname, search, hash } = new URL(url);
    if (pathname !== '/' || search !== '' || hash !== '' || (item as string).replace(/\/$/, '') !== origin) {
      throw new JwtError('ERR_INVALID_OPTION', invalid);
    }
    origins.add(origin);
  }
  return origins;
}

/**
 * The document's `jwks_uri` when it may be fetched: `https:` (plain `http:` only when the issuer
 * itself is a plain-`http:` loopback URL, or with `allowInsecureHttp`), on the issuer's origin or
 * one listed in `jwksOrigins`.
 */
function acceptableJwksUri(value: unknown, issuer: URL, allowedOrigins: ReadonlySet<string>, allowInsecureHttp: boolean): string {
  const insecureAllowed = allowInsecureHttp || issuer.protocol === 'http:';
  const acceptable = acceptableFetchUrl(value, insecureAllowed);
  if (acceptable === undefined) throw new JwtError('ERR_JWKS_INVALID', 'the discovery document has no acceptable "jwks_uri"');
  const { origin, protocol } = new URL(acceptable);
  if (protocol === 'http:' && !insecureAllowed) {
    throw new JwtError('ERR_JWKS_INVALID', 'the discovery document\'s "jwks_uri" must be https: under an https: issuer');
  }
  if (origin !== issuer.origin && !allowedOrigins.has(origin)) {
    throw new JwtError(
      'ERR_JWKS_INVALID',
      'the discovery document\'s "jwks_uri" is on another origin than the issuer: list that origin in "jwksOrigins" if you trust it',
    );
  }
  return acceptable;
}
