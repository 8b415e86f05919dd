import { JwtError } from '../errors.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { positiveInteger } from '../internal/positive-integer.js';
import type { BoundKey, JwsHeader, KeyResolver } from '../jws/types.js';
import { DEFAULT_MAX_KEYS, KeySet } from './key-set.js';
import type { JsonWebKeySet } from './types.js';

/** Options of {@link createLocalJWKS}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface LocalJWKSOptions {
  /**
   * Accept a set of `oct` (HMAC) keys. A set that mixes `oct` keys with public keys is refused
   * even then. Default: `false`: a key set is for public keys.
   */
  allowSymmetric?: boolean;
  /** The most keys the set may hold; a larger set is refused. Default: `100` (as `createRemoteJWKS`). */
  maxKeys?: number;
}

const LOCAL_JWKS_OPTION_NAMES = optionNames<LocalJWKSOptions>({ allowSymmetric: true, maxKeys: true });

/**
 * A key resolver over a JSON Web Key Set held in memory, for `verify`. The set is checked and
 * each key prepared once, here; a bad set throws now.
 *
 * How a key is chosen for a token (RFC 7517, RFC 8725 §3.1):
 * - a `kid` selects the one key with that `kid`; its `alg` (when present), `kty` and `crv` must fit
 *   the token's `alg`, and it must be valid for it;
 * - without a `kid`, every key whose `alg`, `kty` and `crv` fit is a candidate, in set order: a
 *   single candidate is used; of two or three, the first whose signature verifies the token (each
 *   signature is computed once); more than 3 refuse the token with `ERR_JWKS_NO_MATCHING_KEY`
 *   before any signature is computed, so that a token cannot cost a signature check per key of a
 *   large set. Give your keys a `kid` (a key ring does) and sign with it;
 * - keys with a `use` other than `sig`, a `key_ops` without `verify`, or a non-JWS `alg` are ignored.
 *
 * The verifier still checks the token's `alg` against its `algorithms` list and the key.
 *
 * @param jwks - the key set, e.g. `{ keys: [...] }` as served at `/.well-known/jwks.json`.
 * @param options - see {@link LocalJWKSOptions}.
 * @returns a {@link KeyResolver} to pass to `verify` in place of a key.
 * @example
 * ```ts
 * import { createLocalJWKS, verify } from 'jwtkit';
 * const keys = createLocalJWKS(JSON.parse(readFileSync('jwks.json', 'utf8')));
 * const { payload } = await verify(token, keys, { algorithms: ['ES256'], issuer: 'https://auth.example' });
 * ```
 * @throws `JwtError` `ERR_JWKS_INVALID` at creation for a malformed set, more than `maxKeys` keys,
 * private members, `oct` keys without `allowSymmetric`, a mix of `oct` and public keys, or a
 * duplicate `kid`; `ERR_INVALID_OPTION` for a bad option or an unknown option name. The resolver throws
 * `ERR_JWKS_NO_MATCHING_KEY` (no key fits, or more than 3 fit a token without `kid`),
 * `ERR_JWT_ALG_NOT_ALLOWED` (the token's `alg` does not fit the key) or `ERR_KEY_INVALID` (the
 * selected key is unusable, e.g. a 1024-bit RSA key).
 */
export function createLocalJWKS(jwks: JsonWebKeySet, options: LocalJWKSOptions = {}): KeyResolver {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, LOCAL_JWKS_OPTION_NAMES, 'createLocalJWKS');
  const allowSymmetric = options.allowSymmetric ?? false;
  if (typeof allowSymmetric !== 'boolean') throw new JwtError('ERR_INVALID_OPTION', '"allowSymmetric" must be a boolean');
  const maxKeys = positiveInteger(options.maxKeys ?? DEFAULT_MAX_KEYS, 'maxKeys');
  const set = new KeySet(jwks, { allowSymmetric, maxKeys });
  return (header: Readonly<JwsHeader>, token: string): BoundKey => {
    const key = set.select(header, token);
    if (key === undefined) throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no key of the set matches the token');
    return key;
  };
}
