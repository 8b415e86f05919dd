/**
 * The signature algorithms of DPoP proofs (RFC 9449 §4.3: asymmetric, never `none` nor a MAC),
 * the key each one needs, and the `algorithms` option.
 *
 * @module
 */
import { JwtError } from '../errors.js';
import { ALGORITHMS, isJwsAlgorithm } from '../jws/algorithms.js';
import type { JwsAlgorithm } from '../jws/types.js';

/**
 * A DPoP proof algorithm: an asymmetric JWS algorithm of jwtkit, or `Ed25519`, the fully-specified
 * name of EdDSA over Ed25519 (RFC 9864) that the `dpop` and `oauth4webapi` clients write. `HS*` and
 * `none` are not DPoP algorithms.
 */
export type DPoPAlgorithm = Exclude<JwsAlgorithm, 'HS256' | 'HS384' | 'HS512'> | 'Ed25519';

/**
 * The default `algorithms` of {@link verifyDPoPProof}: what DPoP clients sign with (the `dpop`
 * package: ES256, Ed25519, RS256, PS256; `oauth4webapi` adds ES384, ES512). Also the list a
 * resource server advertises in `WWW-Authenticate: DPoP algs="..."` (RFC 9449 §7.1).
 *
 * @example
 * ```ts
 * import { DEFAULT_DPOP_ALGORITHMS } from 'jwtkit';
 * const challenge = `DPoP algs="${DEFAULT_DPOP_ALGORITHMS.join(' ')}"`;
 * ```
 */
export const DEFAULT_DPOP_ALGORITHMS: readonly DPoPAlgorithm[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'PS256',
  'RS256',
] satisfies DPoPAlgorithm[]);

/** The JWK a proof key must be for each algorithm family: its `kty`, and its `crv` where one is fixed. */
interface ProofKeyType {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
}

/** Whether a value names a DPoP proof algorithm (exact, case-sensitive). @internal */
export function isDPoPAlgorithm(value: unknown): value is DPoPAlgorithm {
  return value === 'Ed25519' || (isJwsAlgorithm(value) && ALGORITHMS[value].family !== 'hmac');
}

/** The jwtkit algorithm that verifies a proof of `alg`: `Ed25519` is EdDSA with an Ed25519 key. @internal */
export function jwsAlgorithmOf(alg: DPoPAlgorithm): JwsAlgorithm {
  return alg === 'Ed25519' ? 'EdDSA' : alg;
}

/** The `kty` (and `crv`) the proof's `jwk` must have for `alg`. @internal */
export function proofKeyTypeOf(alg: DPoPAlgorithm): ProofKeyType {
  const spec = ALGORITHMS[jwsAlgorithmOf(alg)];
  switch (spec.family) {
    case 'ecdsa':
      return { kty: 'EC', crv: spec.jwkCurve as ProofKeyType['crv'] };
    case 'eddsa':
      return { kty: 'OKP', crv: 'Ed25519' };
    default:
      return { kty: 'RSA' };
  }
}

/**
 * Checks the `algorithms` option: `undefined` (the defaults) or a non-empty list of DPoP
 * algorithms. Throws `ERR_INVALID_OPTION`, naming `HS*` and `none` when one is listed.
 * @internal
 */
export function readDPoPAlgorithms(value: unknown): readonly DPoPAlgorithm[] {
  if (value === undefined) return DEFAULT_DPOP_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', '"algorithms" must be a non-empty list such as ["ES256", "EdDSA"]');
  }
  for (const alg of value) {
    if (!isDPoPAlgorithm(alg)) {
      throw new JwtError(
        'ERR_INVALID_OPTION',
        '"algorithms" lists an algorithm DPoP proofs cannot use: only asymmetric ones (ES*, PS*, RS*, EdDSA, Ed25519), never HS* or none',
      );
    }
  }
  return Object.freeze([...(value as DPoPAlgorithm[])]);
}
