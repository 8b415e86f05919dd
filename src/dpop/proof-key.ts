/**
 * The public key of a DPoP proof, read from its `jwk` header (RFC 9449 §4.2, §4.3). This is the
 * one place where jwtkit takes a key from a token's header: a DPoP proof proves possession of
 * exactly that key, and the key is then bound to the access token through its thumbprint
 * (`cnf.jkt`), never trusted by itself. Everywhere else, header keys are ignored
 * (docs/security.md).
 *
 * @module
 */
import { isJwtError } from '../errors.js';
import { ownValue } from '../internal/own-member.js';
import type { BoundKey, JWK, JwsHeader } from '../jws/types.js';
import { importKey } from '../keys/import-key.js';
import { thumbprint } from '../keys/thumbprint.js';
import { jwsAlgorithmOf, proofKeyTypeOf, type DPoPAlgorithm } from './algorithms.js';
import { proofError } from './proof-error.js';

/**
 * Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4): a proof's key
 * must be public (RFC 9449 §4.3), whatever its `kty` says.
 */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** A proof key, checked and imported for the proof's algorithm. @internal */
export interface ProofKey {
  readonly alg: DPoPAlgorithm;
  /** The key, bound to the jwtkit algorithm that verifies `alg`. */
  readonly key: BoundKey;
  /** The RFC 7638 thumbprint (SHA-256, Base64Url) of the key. */
  readonly thumbprint: string;
}

/**
 * Proof keys by the `jwk` object of the header they came from. Parsed headers are shared by the
 * proofs that have the same header segment (`src/jws/parse.ts`), so a client's key is checked,
 * imported and hashed once, not at every request.
 */
const proofKeys = new WeakMap<object, ProofKey>();

/**
 * Reads the proof key of a parsed proof header whose `alg` is already known to be an allowed DPoP
 * algorithm: the `jwk` must be present, a JSON object, free of private members, of the key type
 * and curve `alg` needs, with no `alg` member other than the header's, and a key jwtkit accepts
 * for `alg` (RSA of 2048 bits or more, ...).
 *
 * @throws `ERR_DPOP_PROOF_INVALID` with `claim: 'jwk'` (reason `missing`, `type` or `mismatch`).
 * @internal
 */
export function readProofKey(header: Readonly<JwsHeader>, alg: DPoPAlgorithm): ProofKey {
  const jwk = ownValue(header, 'jwk', header['jwk']);
  if (jwk === undefined) throw proofError('the proof has no "jwk" header', { claim: 'jwk', reason: 'missing' });
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw proofError('the proof\'s "jwk" header is not a JSON object', { claim: 'jwk', reason: 'type' });
  }
  const known = proofKeys.get(jwk);
  if (known !== undefined && known.alg === alg) return known;
  const members = jwk as Record<string, unknown>;
  for (const name of PRIVATE_MEMBERS) {
    if (Object.hasOwn(members, name)) {
      throw proofError('the proof\'s "jwk" header holds private key members', { claim: 'jwk', reason: 'type' });
    }
  }
  const wanted = proofKeyTypeOf(alg);
  const kty = ownValue(members, 'kty', members['kty']);
  const crv = ownValue(members, 'crv', members['crv']);
  if (kty !== wanted.kty || (wanted.crv !== undefined && crv !== wanted.crv)) {
    throw proofError('the proof\'s "jwk" is not a key of the type its "alg" needs', { claim: 'jwk', reason: 'mismatch' });
  }
  if (Object.hasOwn(members, 'alg') && members['alg'] !== alg) {
    throw proofError('the proof\'s "jwk" names another "alg" than the header', { claim: 'jwk', reason: 'mismatch' });
  }
  // The header's `alg` was checked against the JWK's own above; the copy leaves it out because
  // `Ed25519` (RFC 9864) is EdDSA to importKey.
  const publicJwk: Record<string, unknown> = { ...members };
  delete publicJwk['alg'];
  let key: BoundKey;
  let keyThumbprint: string;
  try {
    key = importKey(publicJwk as JWK, { alg: jwsAlgorithmOf(alg) });
    keyThumbprint = thumbprint(publicJwk as JWK);
  } catch (error) {
    if (!isJwtError(error)) throw error;
    throw proofError('the proof\'s "jwk" is not a usable public key for its "alg"', { claim: 'jwk', reason: 'type', cause: error });
  }
  const proofKey: ProofKey = Object.freeze({ alg, key, thumbprint: keyThumbprint });
  proofKeys.set(jwk, proofKey);
  return proofKey;
}
