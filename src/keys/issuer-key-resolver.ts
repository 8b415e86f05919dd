import { JwtError } from '../errors.js';
import { ownValue } from '../internal/own-member.js';
import { isBoundKey } from '../jws/key.js';
import type { BoundKey, JwsHeader, KeyInput, KeyResolver } from '../jws/types.js';
import { decode } from '../jwt/decode.js';

/** The keys of each trusted issuer, by exact `iss` value: a key resolver (e.g. a remote JWKS) or one bound key. */
export type IssuerKeys = Readonly<Record<string, KeyResolver | BoundKey>>;

/**
 * A key resolver for several issuers, each verified only with its own keys (RFC 8725 §3.8): the
 * token's `iss` picks the issuer's key set, so a key of issuer A never verifies a token that
 * claims issuer B.
 *
 * The `iss` is read before the signature is checked, only to choose the key set. The signature
 * covers the payload, so when verification succeeds the verified `iss` is the one that chose the
 * key: no second check is needed. The payload is read with the same strict parser as `verify`
 * (a duplicated `iss` member makes the token malformed). A token without a string `iss`, or with
 * an `iss` not in `issuers`, gets `ERR_JWKS_NO_MATCHING_KEY` before any key is touched.
 *
 * @param issuers - the issuers' keys, e.g. `{ 'https://a.example': jwksA, 'https://b.example': jwksB }`.
 * @returns a {@link KeyResolver} for `verify`. Also pass `issuer: Object.keys(issuers)` to `verify` to state the rule twice.
 * @example
 * ```ts
 * import { createIssuerKeyResolver, createRemoteJWKS, verify } from 'jwtkit';
 * const keys = createIssuerKeyResolver({
 *   'https://a.example': createRemoteJWKS('https://a.example/.well-known/jwks.json'),
 *   'https://b.example': createRemoteJWKS('https://b.example/jwks'),
 * });
 * const { payload } = await verify(token, keys, { algorithms: ['RS256', 'ES256'], audience: 'api' });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` at creation when `issuers` is empty or holds something
 * that is neither a resolver nor a bound key. The resolver throws `ERR_JWT_MALFORMED` (payload
 * not a JSON object), `ERR_JWKS_NO_MATCHING_KEY` (no or unknown `iss`), and whatever the issuer's
 * resolver throws.
 */
export function createIssuerKeyResolver(issuers: IssuerKeys): KeyResolver {
  if (typeof issuers !== 'object' || issuers === null) throw new JwtError('ERR_INVALID_OPTION', '"issuers" must be an object');
  const byIssuer = new Map<string, KeyResolver | BoundKey>();
  for (const [issuer, keys] of Object.entries(issuers)) {
    if (typeof keys !== 'function' && !isBoundKey(keys)) {
      throw new JwtError('ERR_INVALID_OPTION', 'each issuer needs a key resolver or a bound key');
    }
    byIssuer.set(issuer, keys);
  }
  if (byIssuer.size === 0) throw new JwtError('ERR_INVALID_OPTION', '"issuers" must name at least one issuer');
  return (header: Readonly<JwsHeader>, token: string): KeyInput | Promise<KeyInput> => {
    const iss = unverifiedIssuer(token);
    const keys = iss === undefined ? undefined : byIssuer.get(iss);
    if (keys === undefined) throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', "no keys are configured for the token's issuer");
    return typeof keys === 'function' ? keys(header, token) : keys;
  };
}

/**
 * The `iss` a token claims, read before its signature is checked, only to choose the keys it is
 * verified with (and, when the issuer is chosen per request, to refuse a token of another issuer
 * before any key set is fetched). The payload is read with the strict parser of `verify`; only its
 * own `iss` counts (an inherited one chooses nothing: test/jwt/prototype-pollution.test.ts).
 *
 * @returns the `iss` when it is a string, else `undefined`.
 * @throws ERR_JWT_MALFORMED when the token is not a compact JWT with a JSON object payload.
 * @internal
 */
export function unverifiedIssuer(token: string): string | undefined {
  const { payload } = decode(token);
  const iss = ownValue(payload, 'iss', payload.iss);
  return typeof iss === 'string' ? iss : undefined;
}
