import { bytesToText } from '../encoding/json.js';
import { parseCompact } from '../jws/parse.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { checkMaxTokenLength } from '../jws/verify.js';
import { parseClaimsSet } from './parse-claims.js';
import type { DecodedJwt } from './types.js';

/** Options of {@link decode}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface DecodeOptions {
  /** Longest accepted token, in characters. Default: `8192`. */
  maxTokenLength?: number;
}

const DECODE_OPTION_NAMES = optionNames<DecodeOptions>(
  { maxTokenLength: true },
  {
    complete: 'leave it out: decode always returns { header, payload } (jsonwebtoken\'s "complete: true")',
    json: 'leave it out: the payload is always parsed as JSON',
  },
);

/**
 * Reads the header and claims of a JWT WITHOUT verifying anything: no signature, no expiry, no
 * issuer. Never use the result to make an access decision; use {@link verify}. It uses the same
 * strict parser as `verify`, so it refuses exactly the malformed tokens `verify` refuses.
 *
 * @param token - the compact JWT.
 * @param options - see {@link DecodeOptions}.
 * @returns the unverified header (frozen) and payload.
 * @example
 * ```ts
 * import { decode } from 'jwtkit';
 * const { header, payload } = decode(token); // UNVERIFIED
 * console.log(header.kid, payload.exp);
 * ```
 * @throws `JwtError`: `ERR_JWT_TOO_LARGE`, `ERR_JWT_MALFORMED`, `ERR_JWT_UNSUPPORTED_HEADER`;
 * `ERR_INVALID_OPTION` for a bad `maxTokenLength` or an unknown option name.
 */
export function decode(token: string, options: DecodeOptions = {}): DecodedJwt {
  checkOptionNames(options, DECODE_OPTION_NAMES, 'decode');
  const parts = parseCompact(token, checkMaxTokenLength(ownValue(options, 'maxTokenLength', options.maxTokenLength)));
  return { header: parts.header, payload: parseClaimsSet(bytesToText(parts.payload)) };
}
