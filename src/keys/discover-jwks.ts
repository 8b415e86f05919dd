import { JwtError } from '../errors.js';
import { fetchJson } from './fetch-json.js';
import { acceptableFetchUrl } from './fetch-url.js';
import { createRemoteJWKS, fetchSettings, type RemoteJWKS, type RemoteJWKSOptions } from './remote-jwks.js';

/**
 * Options of {@link discoverJWKS}: those of `createRemoteJWKS`. `fetch`, `headers`, `timeout`,
 * `maxResponseBytes` and `allowInsecureHttp` also apply to the discovery request, which is made at
 * every call (to start with no request at all, keep the `jwks_uri` and use `createRemoteJWKS` with
 * a `seed`).
 */
export interface DiscoverJWKSOptions extends RemoteJWKSOptions {}

/**
 * Finds an OpenID Provider's key set by OpenID Connect Discovery 1.0 (§4) and returns a remote
 * JWKS for it: fetches `<issuer>/.well-known/openid-configuration`, requires its `issuer` to be
 * exactly `issuer` (§4.3) and its `jwks_uri` to be an acceptable URL (`https:`), then calls
 * `createRemoteJWKS(jwks_uri, options)`. For resource servers behind Auth0, Keycloak, Entra ID,
 * Cognito and the like. Verify with `issuer` set to the same value.
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
 * OpenID Connect Discovery 1.0 §2, RFC 8414 §2), or a bad option; `ERR_JWKS_FETCH` when the
 * discovery document cannot be fetched; `ERR_JWKS_INVALID` when it is not JSON, names another
 * issuer, or has no acceptable `jwks_uri`.
 */
export async function discoverJWKS(issuer: string, options: DiscoverJWKSOptions = {}): Promise<RemoteJWKS> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (typeof issuer !== 'string' || acceptableFetchUrl(issuer, allowInsecureHttp === true) === undefined) {
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
  const settings = fetchSettings(options);
  const configurationUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const { value } = await fetchJson(configurationUrl, settings);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtError('ERR_JWKS_INVALID', 'the discovery document is not a JSON object');
  }
  const document = value as Record<string, unknown>;
  if (document['issuer'] !== issuer) throw new JwtError('ERR_JWKS_INVALID', 'the discovery document names another issuer');
  const jwksUri = acceptableFetchUrl(document['jwks_uri'], allowInsecureHttp === true);
  if (jwksUri === undefined) throw new JwtError('ERR_JWKS_INVALID', 'the discovery document has no acceptable "jwks_uri"');
  return createRemoteJWKS(jwksUri, options);
}
