import { generateKeyPair as generateNodeKeyPair, type KeyObject } from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGORITHMS, MAX_RSA_MODULUS_BITS, MIN_RSA_MODULUS_BITS, isJwsAlgorithm } from '../jws/algorithms.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { bindKey } from '../jws/key.js';
import type { BoundKey, JwsAlgorithm } from '../jws/types.js';
import { CURVES, KEY_MANAGEMENT, isJweKeyManagementAlgorithm } from '../jwe/algorithms.js';
import { bindJweKey } from '../jwe/key.js';
import type { JweCurve, JweKey, JweKeyManagementAlgorithm } from '../jwe/types.js';
import { exportJWK } from './export-jwk.js';
import { thumbprint } from './thumbprint.js';

/** Options of {@link generateKeyPair}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface GenerateKeyPairOptions {
  /** The key id of both halves. Default: the RFC 7638 thumbprint of the public key. */
  kid?: string;
  /** RSA modulus length in bits (RS*, PS*, RSA-OAEP*): a multiple of 8 from 2048 to 8192. Default: `2048`. */
  modulusLength?: number;
  /** The curve of an `ECDH-ES*` key pair: `P-256`, `P-384`, `P-521` or `X25519`. Default: `'P-256'`. */
  crv?: JweCurve;
}

const GENERATE_KEY_PAIR_OPTION_NAMES = optionNames<GenerateKeyPairOptions>({ kid: true, modulusLength: true, crv: true });

/** What {@link generateKeyPair} returns for a JWE algorithm: both halves, bound to the same algorithm and `kid`. */
export interface GeneratedJweKeyPair {
  /** Decrypts; keep it secret. */
  privateKey: JweKey;
  /** Encrypts; give it to the senders. */
  publicKey: JweKey;
}

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
 * P-521), or Ed25519 (`EdDSA`); for JWE, RSA (`RSA-OAEP`, `RSA-OAEP-256`) or a `crv` of
 * `ECDH-ES*` (P-256 by default, P-384, P-521, X25519). Both halves are bound to `alg` and carry the same `kid` (by
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
 * const recipient = await generateKeyPair('ECDH-ES+A256KW', { crv: 'X25519' }); // JweKeys
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` for an unsupported or symmetric `alg`, `options` that are
 * not an object, a bad `modulusLength`, `crv` or `kid`, an unknown option name.
 */
export async function generateKeyPair(alg: JweKeyManagementAlgorithm, options?: GenerateKeyPairOptions): Promise<GeneratedJweKeyPair>;
export async function generateKeyPair(alg: JwsAlgorithm, options?: GenerateKeyPairOptions): Promise<GeneratedKeyPair>;
export async function generateKeyPair(
  alg: JwsAlgorithm | JweKeyManagementAlgorithm,
  options: GenerateKeyPairOptions = {},
): Promise<GeneratedKeyPair | GeneratedJweKeyPair> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, GENERATE_KEY_PAIR_OPTION_NAMES, 'generateKeyPair');
  if (isJweKeyManagementAlgorithm(alg)) return generateJweKeyPair(alg, options);
  if (options.crv !== undefined)
    throw new JwtError('ERR_INVALID_OPTION', '"crv" is an option of ECDH-ES key pairs only: a JWS algorithm names its curve');
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

async function generateJweKeyPair(alg: JweKeyManagementAlgorithm, options: GenerateKeyPairOptions): Promise<GeneratedJweKeyPair> {
  if (options.kid !== undefined && typeof options.kid !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  const kind = KEY_MANAGEMENT[alg].kind;
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (kind === 'rsa-oaep') {
    if (options.crv !== undefined) throw new JwtError('ERR_INVALID_OPTION', '"crv" is an option of ECDH-ES key pairs only');
    pair = await generate('rsa', { modulusLength: checkModulusLength(options.modulusLength) });
  } else if (kind === 'ecdh-es') {
    if (options.modulusLength !== undefined) throw new JwtError('ERR_INVALID_OPTION', '"modulusLength" is an option of RSA key pairs only');
    const crv = options.crv ?? 'P-256';
    if (typeof crv !== 'string' || !Object.hasOwn(CURVES, crv)) {
      throw new JwtError('ERR_INVALID_OPTION', '"crv" must be P-256, P-384, P-521 or X25519');
    }
    pair = crv === 'X25519' ? await generate('x25519', {}) : await generate('ec', { namedCurve: CURVES[crv].nodeCurve });
  } else {
    throw new JwtError('ERR_INVALID_OPTION', `${alg} uses a secret: use generateSecret`);
  }
  const kid = options.kid ?? thumbprint(exportJWK(pair.publicKey));
  return { privateKey: bindJweKey(pair.privateKey, alg, { kid }), publicKey: bindJweKey(pair.publicKey, alg, { kid }) };
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
  type: 'rsa' | 'ec' | 'ed25519' | 'x25519',
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
