import type { KeyObject } from 'node:crypto';
import { JwtError } from '../errors.js';
import type { JwsAlgorithm } from './types.js';

/** The family of a JWS algorithm: which kind of key it takes and how `node:crypto` is called. */
export type AlgorithmFamily = 'hmac' | 'rsa' | 'rsa-pss' | 'ecdsa' | 'eddsa';

/** What `node:crypto` needs to sign and verify with one algorithm. @internal */
export interface AlgorithmSpec {
  readonly family: AlgorithmFamily;
  /** The `node:crypto` digest name (`null` for EdDSA, which hashes internally). */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** The digest length in bytes: the minimum HMAC key length and the PSS salt length. */
  readonly hashLength: number;
  /** The `namedCurve` an ECDSA key must have. */
  readonly curve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** The same curve as a JWK names it (`crv`, RFC 7518 §6.2.1.1). */
  readonly jwkCurve?: 'P-256' | 'P-384' | 'P-521';
  /** The exact signature length in bytes, where the algorithm fixes it (HMAC, ECDSA, EdDSA). */
  readonly signatureLength?: number;
}

const spec = (
  family: AlgorithmFamily,
  bits: 256 | 384 | 512,
  extra: { curve?: AlgorithmSpec['curve']; jwkCurve?: AlgorithmSpec['jwkCurve']; signatureLength?: number } = {},
): AlgorithmSpec => Object.freeze({ family, hash: `sha${bits}` as const, hashLength: bits / 8, ...extra });

/** The one table of every supported algorithm (RFC 7518 §3, RFC 8037 §3.1). @internal */
export const ALGORITHMS: Readonly<Record<JwsAlgorithm, AlgorithmSpec>> = Object.freeze({
  HS256: spec('hmac', 256, { signatureLength: 32 }),
  HS384: spec('hmac', 384, { signatureLength: 48 }),
  HS512: spec('hmac', 512, { signatureLength: 64 }),
  RS256: spec('rsa', 256),
  RS384: spec('rsa', 384),
  RS512: spec('rsa', 512),
  PS256: spec('rsa-pss', 256),
  PS384: spec('rsa-pss', 384),
  PS512: spec('rsa-pss', 512),
  ES256: spec('ecdsa', 256, { curve: 'prime256v1', jwkCurve: 'P-256', signatureLength: 64 }),
  ES384: spec('ecdsa', 384, { curve: 'secp384r1', jwkCurve: 'P-384', signatureLength: 96 }),
  ES512: spec('ecdsa', 512, { curve: 'secp521r1', jwkCurve: 'P-521', signatureLength: 132 }),
  EdDSA: Object.freeze({ family: 'eddsa', hash: null, hashLength: 64, signatureLength: 64 }),
});

/**
 * Every algorithm jwtkit supports, in a stable order.
 *
 * @example
 * ```ts
 * import { JWS_ALGORITHMS } from 'jwtkit';
 * JWS_ALGORITHMS.includes('ES256'); // true
 * ```
 */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = Object.freeze(Object.keys(ALGORITHMS) as JwsAlgorithm[]);

/** The smallest RSA modulus accepted (RFC 7518 §3.3). */
export const MIN_RSA_MODULUS_BITS = 2048;
/** The largest RSA modulus accepted: larger keys only cost verification time (test B11 in test/jws/key.test.ts). */
export const MAX_RSA_MODULUS_BITS = 8192;
const MAX_RSA_PUBLIC_EXPONENT = 2n ** 32n;

/** Whether a string names a supported algorithm (exact, case-sensitive; RFC 7515 §4.1.1). @internal */
export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}

/**
 * The family a key belongs to, from its `node:crypto` type alone (no size checks). `undefined`
 * for key types no JWS algorithm uses (DSA, X25519, Ed448, ...).
 * @internal
 */
export function familyOfKey(key: KeyObject): AlgorithmFamily | 'rsa-or-pss' | undefined {
  if (key.type === 'secret') return 'hmac';
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'rsa-or-pss';
    case 'rsa-pss':
      return 'rsa-pss';
    case 'ec':
      return 'ecdsa';
    case 'ed25519':
      return 'eddsa';
    default:
      return undefined;
  }
}

/** Whether a key of this family may be used with this algorithm, ignoring size and curve. @internal */
export function familyFits(family: ReturnType<typeof familyOfKey>, alg: JwsAlgorithm): boolean {
  const wanted = ALGORITHMS[alg].family;
  return family === wanted || (family === 'rsa-or-pss' && (wanted === 'rsa' || wanted === 'rsa-pss'));
}

/**
 * Throws `ERR_KEY_INVALID` unless the key may be used with `alg`: the right type, an HMAC secret
 * at least as long as the hash (RFC 7518 §3.2), an RSA modulus of 2048 to 8192 bits with an odd
 * public exponent from 3 to 2^32, the EC curve the algorithm names (ES256 = P-256, ...), an
 * RSA-PSS key restricted to other parameters refused, Ed25519 for EdDSA.
 *
 * @internal
 */
export function assertKeyForAlgorithm(key: KeyObject, alg: JwsAlgorithm): void {
  const algorithm = ALGORITHMS[alg];
  if (!familyFits(familyOfKey(key), alg)) {
    throw new JwtError('ERR_KEY_INVALID', `the key's type cannot be used with ${alg}`);
  }
  switch (algorithm.family) {
    case 'hmac':
      if ((key.symmetricKeySize ?? 0) < algorithm.hashLength) {
        const fix = `make one with \`npx jwtkit secret --alg ${alg} --base64url\` or generateSecret('${alg}')`;
        throw new JwtError('ERR_KEY_INVALID', `${alg} needs a secret of at least ${algorithm.hashLength} bytes: ${fix}`);
      }
      return;
    case 'rsa':
    case 'rsa-pss':
      assertRsaKey(key, alg, algorithm);
      return;
    case 'ecdsa':
      if (key.asymmetricKeyDetails?.namedCurve !== algorithm.curve) {
        throw new JwtError('ERR_KEY_INVALID', `${alg} needs a key on curve ${algorithm.curve}`);
      }
      return;
    case 'eddsa':
      return;
  }
}

function assertRsaKey(key: KeyObject, alg: JwsAlgorithm, algorithm: AlgorithmSpec): void {
  const details = key.asymmetricKeyDetails ?? {};
  const bits = details.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_BITS || bits > MAX_RSA_MODULUS_BITS) {
    throw new JwtError('ERR_KEY_INVALID', `${alg} needs an RSA modulus of ${MIN_RSA_MODULUS_BITS} to ${MAX_RSA_MODULUS_BITS} bits`);
  }
  const exponent = details.publicExponent ?? 0n;
  if (exponent < 3n || exponent > MAX_RSA_PUBLIC_EXPONENT || exponent % 2n === 0n) {
    throw new JwtError('ERR_KEY_INVALID', 'the RSA public exponent must be odd and from 3 to 2^32');
  }
  if (key.asymmetricKeyType === 'rsa-pss') {
    // A key restricted to RSA-PSS parameters must be restricted to exactly this algorithm's.
    const { hashAlgorithm, mgf1HashAlgorithm, saltLength } = details;
    if (
      (hashAlgorithm !== undefined && hashAlgorithm !== algorithm.hash) ||
      (mgf1HashAlgorithm !== undefined && mgf1HashAlgorithm !== algorithm.hash) ||
      (saltLength !== undefined && saltLength > algorithm.hashLength)
    ) {
      throw new JwtError('ERR_KEY_INVALID', `the RSA-PSS key's parameters do not fit ${alg}`);
    }
  }
}

/** The length in bytes of the RSA modulus of a key (the exact length of its signatures). @internal */
export function rsaSignatureLength(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
}
