import { parseJsonObject } from '../encoding/json.js';
import { JwtError } from '../errors.js';
import type { JwtClaims } from './types.js';

/**
 * Reads a JWT Claims Set from the payload text: a JSON object (RFC 7519 §7.2 step 10) without
 * duplicate member names. `undefined` text (invalid UTF-8) is malformed too.
 * Throws `ERR_JWT_MALFORMED`.
 * @internal
 */
export function parseClaimsSet(text: string | undefined): JwtClaims {
  const claims = text === undefined ? undefined : parseJsonObject(text);
  if (claims === undefined) throw new JwtError('ERR_JWT_MALFORMED', 'the JWT Claims Set is not a UTF-8 JSON object');
  return claims;
}
