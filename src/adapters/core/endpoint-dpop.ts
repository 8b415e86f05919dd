import { proofError } from '../../dpop/proof-error.js';
import { rememberDPoPProof, type CheckedDPoPProof } from '../../dpop/verify-proof.js';
import type { TokenService } from '../../tokens/types.js';
import type { AuthorizationCredential } from './credential-syntax.js';
import type { DPoPPolicy } from './dpop-options.js';
import { checkRequestProof, hasProofHeader } from './dpop-request.js';
import type { HttpRequestFacts } from './http-exchange.js';

/**
 * DPoP at the auth endpoints: the proof of a login or refresh request (the token endpoints,
 * RFC 9449 §5), and the `DPoP` scheme of logout-everywhere's access token (RFC 9449 §7).
 *
 * @internal
 * @module
 */

/**
 * The proof of a login or refresh request: `htm` `POST`, `htu` the endpoint's public URL, no
 * `ath` (RFC 9449 §5), checked but not yet remembered in the replay cache (the caller does, with
 * `rememberDPoPProof`, just before the token service acts).
 *
 * @returns the checked proof; `undefined` without the `dpop` option, or when the request carries
 *   no `DPoP` header and `dpop.required` is not set.
 * @throws ERR_DPOP_PROOF_INVALID (reason `missing` when `dpop.required` and there is none),
 *   ERR_DPOP_NONCE_REQUIRED, ERR_REQUEST_INVALID.
 * @internal
 */
export async function tokenRequestProof(
  request: HttpRequestFacts,
  dpop: DPoPPolicy | undefined,
  pathPrefix: string,
): Promise<CheckedDPoPProof | undefined> {
  if (dpop === undefined) return undefined;
  if (!hasProofHeader(request)) {
    if (!dpop.required) return undefined;
    throw proofError('login and refresh need a DPoP proof header ("dpop.required")', { reason: 'missing' });
  }
  return checkRequestProof(request, dpop, pathPrefix);
}

/**
 * The subject of an access token presented to logout-everywhere. A `Bearer` token is verified by
 * the token service as is (a DPoP-bound one is refused there: it needs its proof). A `DPoP` token
 * (read only with the `dpop` option) comes with a proof for this request and this token (`ath`),
 * checked first; then the token service verifies the token with the proof's thumbprint (its
 * `cnf.jkt` must be it); the proof is remembered in the replay cache last, as by `authenticate`.
 *
 * @throws what `tokens.verifyAccessToken` throws (ERR_TOKEN_BINDING_MISMATCH, ERR_JWT_REVOKED,
 *   ...), and for a `DPoP` token what {@link checkRequestProof} and `rememberDPoPProof` throw.
 * @internal
 */
export async function accessTokenSubject<Claims extends object>(
  request: HttpRequestFacts,
  credential: AuthorizationCredential,
  tokens: TokenService<Claims>,
  dpop: DPoPPolicy | undefined,
  pathPrefix: string,
): Promise<string> {
  if (credential.scheme === 'bearer' || dpop === undefined) return (await tokens.verifyAccessToken(credential.token)).payload.sub;
  const proof = await checkRequestProof(request, dpop, pathPrefix, credential.token);
  const { payload } = await tokens.verifyAccessToken(credential.token, { dpopThumbprint: proof.thumbprint });
  await rememberDPoPProof(proof, dpop.rules);
  return payload.sub;
}
