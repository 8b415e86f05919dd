import { generateKeyPair as generateNodeKeyPair, type KeyObject } from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGORITHMS, MAX_RSA_MODULUS_BITS, MIN_RSA_MODULUS_BITS, isJwsAlgorithm } from '../jws/algorithms.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { bindKey } from '../jws/key.js';
import type { BoundKey, JwsAlgorithm } from '../jws/types.js';
import { exportJWK } from './export-jwk.js';
import { thumbprint } from './thumbprint.js';

/** Options of {@link generateKeyPair}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface GenerateKeyPairOptions {
  /** The key id of both halves. Default: the RFC 7638 thumbprint of the public key. */
  kid?: string;
  /** RSA modulus length in bits (RS*, PS*): a multiple of 8 from 2048 to 8192. Default: `2048`. */
  modulusLength?: number;
}

const GENERATE_KEY_PAIR_OPTION_NAMES = optionNames<GenerateKeyPairOptions>({ kid: true, modulusLength: true });

/** What {@link generateKeyPair} returns: both halves, bound to the same algorithm and `kid`. */
export interface GeneratedKeyPair {
  /** Signs; keep it secret. */
  privateKey: BoundKey;
  /** Verifies; publish it (e.g. in a key ring's JWKS). */
  publicKey: BoundKey;
}

/**
 * Generates a key pair for an asymmetric algorithm: RSA (`RS*`, `PS*`; a plain `rsa` key, which a
 * JWK can express), EC on the curve the algorithm names (`ES256` P-256, `ES384` P-384, `ES512`
 * P-521), or Ed25519 (`EdDSA`). Both halves are bound to `alg` and carry the same `kid` (by
 * default the public key's RFC 7638 thumbprint). Generation runs off the main thread.
 *
 * @param alg - an asymmetric algorithm; for `HS*` use {@link generateSecret}.
 * @param options - see {@link GenerateKeyPairOptions}.
 * @returns the private and public {@link BoundKey}.
 * @example
 * ```ts
 * import { generateKeyPair, sign } from 'jwtkit';
 * const { privateKey, publicKey } = await generateKeyPair('EdDSA');
 * const token = await sign({ sub: 'u1' }, privateKey, { alg: 'EdDSA', expiresIn: '15m' });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` for an unsupported or symmetric `alg`, `options` that are
 * not an object, a bad `modulusLength` or `kid`, an unknown option name.
 */
export async function generateKeyPair(alg: JwsAlgorithm, options: GenerateKeyPairOptions = {}): Promise<GeneratedKeyPair> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, GENERATE_KEY_PAIR_OPTION_NAMES, 'generateKeyPair');
  if (!isJwsAlgorithm(alg)) throw new JwtError('ERR_INVALID_OPTION', '"alg" must be a supported JWS algorithm');
  if (options.kid !== undefined && typeof options.kid !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  const spec = ALGORITHMS[alg];
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (spec.family) {
    case 'hmac':
      throw new JwtError('ERR_INVALID_OPTION', `${alg} uses a shared secret: use generateSecret`);
    case 'rsa':
    case 'rsa-pss':
      pair = await generate('rsa', { modulusLength: checkModulusLength(options.modulusLength) });
      break;
    case 'ecdsa':
      pair = await generate('ec', { namedCurve: spec.curve as string });
      break;
    case 'eddsa':
      pair = await generate('ed25519', {});
      break;
  }
  const kid = options.kid ?? thumbprint(exportJWK(pair.publicKey));
  return { privateKey: bindKey(pair.privateKey, alg, { kid }), publicKey: bindKey(pair.publicKey, alg, { kid }) };
}

function checkModulusLength(value: unknown): number {
  if (value === undefined) return MIN_RSA_MODULUS_BITS;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value % 8 !== 0 ||
    value < MIN_RSA_MODULUS_BITS ||
    value > MAX_RSA_MODULUS_BITS
  ) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `"modulusLength" must be a multiple of 8 from ${MIN_RSA_MODULUS_BITS} to ${MAX_RSA_MODULUS_BITS}`,
    );
  }
  return value;
}

function generate(
  type: 'rsa' | 'ec' | 'ed25519',
  parameters: { modulusLength?: number; namedCurve?: string },
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    // The overloads of generateKeyPair are per literal type; the options object fits all three.
    (
      generateNodeKeyPair as (
        type: string,
        options: object,
        callback: (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) => void,
      ) => void
    )(type, parameters, (error, publicKey, privateKey) => {
      if (error !== null) reject(new JwtError('ERR_INVALID_OPTION', 'node:crypto could not generate the key pair', { cause: error }));
      else resolve({ privateKey, publicKey });
    });
  });
}
