import { createSecretKey, randomBytes } from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGORITHMS, isJwsAlgorithm } from '../jws/algorithms.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { bindKey } from '../jws/key.js';
import type { BoundKey, JwsAlgorithm } from '../jws/types.js';
import { CONTENT_ENCRYPTION, KEY_MANAGEMENT, isJweContentEncryptionAlgorithm, isJweKeyManagementAlgorithm } from '../jwe/algorithms.js';
import { bindJweKey } from '../jwe/key.js';
import type { JweContentEncryptionAlgorithm, JweKey } from '../jwe/types.js';

/** Options of {@link generateSecret}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface GenerateSecretOptions {
  /** The key id. Default: none. */
  kid?: string;
  /** The content encryption algorithm a `dir` key is for (and bound to). Required with `'dir'`, refused otherwise. Default: none. */
  enc?: JweContentEncryptionAlgorithm;
}

const GENERATE_SECRET_OPTION_NAMES = optionNames<GenerateSecretOptions>({ kid: true, enc: true });

/**
 * Generates a random HMAC secret for an `HS*` algorithm, exactly as long as its hash (32 bytes for
 * HS256, 48 for HS384, 64 for HS512; RFC 7518 §3.2), bound to that algorithm; or a JWE secret:
 * an AES key wrap key for `A128KW` / `A192KW` / `A256KW` (16, 24, 32 bytes), or a `dir` key of
 * the length its `enc` needs, bound to `dir` and that `enc`. To store it, export
 * it with `exportJWK(secret, { private: true })` or `secret.keyObject.export()`.
 *
 * @param alg - `HS256`, `HS384`, `HS512`, `dir`, `A128KW`, `A192KW` or `A256KW`.
 * @param options - see {@link GenerateSecretOptions}.
 * @returns the secret as a {@link BoundKey}.
 * @example
 * ```ts
 * import { generateSecret, sign } from 'jwtkit';
 * const secret = generateSecret('HS256');
 * const token = await sign({ sub: 'u1' }, secret, { alg: 'HS256', expiresIn: '15m' });
 * const sealingKey = generateSecret('dir', { enc: 'A256GCM' }); // a JweKey
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` when `alg` is not an HMAC algorithm, `options` is not an
 * object, `kid` is not a string, `enc` is missing for `dir` or given for another `alg`, or an option name is unknown.
 */
export function generateSecret(alg: 'dir' | 'A128KW' | 'A192KW' | 'A256KW', options?: GenerateSecretOptions): JweKey;
export function generateSecret(alg: JwsAlgorithm, options?: GenerateSecretOptions): BoundKey;
export function generateSecret(
  alg: JwsAlgorithm | 'dir' | 'A128KW' | 'A192KW' | 'A256KW',
  options: GenerateSecretOptions = {},
): BoundKey | JweKey {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, GENERATE_SECRET_OPTION_NAMES, 'generateSecret');
  if (isJweKeyManagementAlgorithm(alg)) {
    const spec = KEY_MANAGEMENT[alg];
    if (spec.kind !== 'dir' && spec.kind !== 'aes-kw') {
      throw new JwtError('ERR_INVALID_OPTION', `${alg} uses a key pair: use generateKeyPair`);
    }
    const { enc } = options;
    if (alg === 'dir' && !isJweContentEncryptionAlgorithm(enc)) {
      throw new JwtError('ERR_INVALID_OPTION', 'a "dir" key is for one content encryption algorithm: pass "enc", such as "A256GCM"');
    }
    const length = alg === 'dir' ? CONTENT_ENCRYPTION[enc as JweContentEncryptionAlgorithm].keyLength : (spec.wrapKeyLength as number);
    return bindJweKey(createSecretKey(randomBytes(length)), alg, { kid: options.kid, enc });
  }
  if (options.enc !== undefined) throw new JwtError('ERR_INVALID_OPTION', '"enc" is an option of JWE "dir" keys only');
  if (!isJwsAlgorithm(alg) || ALGORITHMS[alg].family !== 'hmac') {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"alg" must be HS256, HS384, HS512, dir, A128KW, A192KW or A256KW: use generateKeyPair for the others',
    );
  }
  if (options.kid !== undefined && typeof options.kid !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  const secret = createSecretKey(randomBytes(ALGORITHMS[alg].hashLength));
  return bindKey(secret, alg, options.kid === undefined ? {} : { kid: options.kid });
}
