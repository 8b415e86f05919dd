import { JwtError, type JwtErrorDetails } from '../errors.js';

/**
 * The error of a DPoP proof that fails a check of RFC 9449 §4.3: `ERR_DPOP_PROOF_INVALID`, with
 * the claim or header parameter at fault as `claim` where there is one.
 * @internal
 */
export function proofError(message: string, details?: JwtErrorDetails): JwtError {
  return new JwtError('ERR_DPOP_PROOF_INVALID', message, details);
}
