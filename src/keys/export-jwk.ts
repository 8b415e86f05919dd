import { KeyObject, createPublicKey } from 'node:crypto';
import { JwtError } from '../errors.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { isBoundKey } from '../jws/key.js';
import type { BoundKey, JWK } from '../jws/types.js';
import { isJweKey } from '../jwe/key.js';
import type { JweKey } from '../jwe/types.js';

/** Options of {@link exportJWK}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface ExportJWKOptions {
  /**
   * Include the private members (`d`, `p`, `q`, ... or an `oct` key's `k`). The key must then be
   * a private key or a secret. Default: `false`, which exports only the public members (the public
   * half of a private key).
   */
  private?: boolean;
}

const EXPORT_JWK_OPTION_NAMES = optionNames<ExportJWKOptions>({ private: true });

/**
 * Exports a key as a JWK object (RFC 7517). Only the public members are exported unless
 * `{ private: true }` is passed, so exporting a private key for a JWKS is safe by default. A
 * {@link BoundKey} or `JweKey` also contributes its `alg` and `kid` (a `dir` key's `enc` is not a JWK
 * member: import it again with its `enc`). The result is a fresh, mutable object.
 *
 * @param key - a {@link BoundKey}, a `JweKey` or a `node:crypto` `KeyObject`.
 * @param options - see {@link ExportJWKOptions}.
 * @returns the JWK.
 * @example
 * ```ts
 * import { exportJWK, generateKeyPair } from 'jwtkit';
 * const { privateKey } = await generateKeyPair('ES256');
 * exportJWK(privateKey);                    // { kty: 'EC', crv: 'P-256', x, y, alg: 'ES256', kid }
 * exportJWK(privateKey, { private: true }); // ... and `d`: keep it secret
 * ```
 * @throws `JwtError` `ERR_KEY_INVALID` when `key` is not a key, or is an RSA-PSS-restricted key
 * (which a JWK cannot express); `ERR_INVALID_OPTION` when a secret is exported without
 * `{ private: true }`, a public key with it, `options` that are not an object, or an unknown option name.
 */
export function exportJWK(key: BoundKey | JweKey | KeyObject, options: ExportJWKOptions = {}): JWK {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, EXPORT_JWK_OPTION_NAMES, 'exportJWK');
  const bound = isBoundKey(key) || isJweKey(key) ? key : undefined;
  const keyObject = bound?.keyObject ?? key;
  if (!(keyObject instanceof KeyObject)) throw new JwtError('ERR_KEY_INVALID', 'exportJWK takes a BoundKey or a KeyObject');
  const includePrivate = options.private ?? false;
  if (typeof includePrivate !== 'boolean') throw new JwtError('ERR_INVALID_OPTION', '"private" must be a boolean');
  if (keyObject.type === 'secret' && !includePrivate) {
    throw new JwtError('ERR_INVALID_OPTION', 'a secret has no public members: pass { private: true } to export it');
  }
  if (keyObject.type === 'public' && includePrivate) {
    throw new JwtError('ERR_INVALID_OPTION', 'a public key has no private members to export');
  }
  const source = keyObject.type === 'private' && !includePrivate ? createPublicKey(keyObject) : keyObject;
  let members: JWK;
  try {
    members = source.export({ format: 'jwk' }) as JWK;
  } catch (error) {
    throw new JwtError('ERR_KEY_INVALID', 'this key type cannot be expressed as a JWK', { cause: error });
  }
  const jwk: JWK = { ...members };
  if (bound !== undefined) {
    jwk.alg = bound.alg;
    if (bound.kid !== undefined) jwk.kid = bound.kid;
  }
  return jwk;
}
