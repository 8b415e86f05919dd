import { createSecretKey, randomBytes } from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGORITHMS, isJwsAlgorithm } from '../jws/algorithms.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { bindKey } from '../jws/key.js';
import type { BoundKey, JwsAlgorithm } from '../jws/types.js';

/** Options of {@link generateSecret}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface GenerateSecretOptions {
  /** The key id. Default: none. */
  kid?: string;
}

const GENERATE_SECRET_OPTION_NAMES = optionNames<GenerateSecretOptions>({ kid: true });

/**
 * Generates a random HMAC secret for an `HS*` algorithm, exactly as long as its hash (32 bytes for
 * HS256, 48 for HS384, 64 for HS512; RFC 7518 §3.2), bound to that algorithm. To store it, export
 * it with `exportJWK(secret, { private: true })` or `secret.keyObject.export()`.
 *
 * @param alg - `HS256`, `HS384` or `HS512`.
 * @param options - see {@link GenerateSecretOptions}.
 * @returns the secret as a {@link BoundKey}.
 * @example
 * ```ts
 * import { generateSecret, sign } from 'jwtkit';
 * const secret = generateSecret('HS256');
 * const token = await sign({ sub: 'u1' }, secret, { alg: 'HS256', expiresIn: '15m' });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` when `alg` is not an HMAC algorithm, `options` is not an
 * object, `kid` is not a string, or an option name is unknown.
 */
export function generateSecret(alg: JwsAlgorithm, options: GenerateSecretOptions = {}): BoundKey {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, GENERATE_SECRET_OPTION_NAMES, 'generateSecret');
  if (!isJwsAlgorithm(alg) || ALGORITHMS[alg].family !== 'hmac') {
    throw new JwtError('ERR_INVALID_OPTION', '"alg" must be HS256, HS384 or HS512: use generateKeyPair for the others');
  }
  if (options.kid !== undefined && typeof options.kid !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  const secret = createSecretKey(randomBytes(ALGORITHMS[alg].hashLength));
  return bindKey(secret, alg, options.kid === undefined ? {} : { kid: options.kid });
}
