import { decodeBase64urlOrUndefined } from '../encoding/base64url.js';
import { decodeJsonObjectSegment, deepFreeze } from '../encoding/json.js';
import { JwtError } from '../errors.js';
import type { JweHeader } from './types.js';

/** The default longest token, in characters (the same as for a JWS). */
export const DEFAULT_MAX_JWE_LENGTH = 8192;

/** A compact JWE split into its five parts, its protected header read and checked. @internal */
export interface JweParts {
  /** The protected header, deeply frozen. */
  readonly header: Readonly<JweHeader>;
  /** The ASCII bytes of the protected header segment: the AAD (RFC 7516 §5.2 step 14). */
  readonly aad: Buffer;
  readonly encryptedKey: Buffer;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/**
 * Header parameters jwtkit does not implement and that change how a JWE must be processed: `zip`
 * (compression before encryption leaks the plaintext through its length, and inflating is a
 * decompression bomb), `crit` (RFC 7516 §4.1.13: no extension is understood), `b64` (JWS only).
 */
const UNSUPPORTED_PARAMETERS = ['zip', 'crit', 'b64'] as const;
const STRING_PARAMETERS = ['kid', 'typ', 'cty'] as const;

function malformed(message: string): JwtError {
  return new JwtError('ERR_JWE_MALFORMED', message);
}

/**
 * Splits a compact JWE (exactly five segments, RFC 7516 §7.1) and reads its protected header.
 * It decrypts nothing. Throws `ERR_JWE_TOO_LARGE` before looking at a token longer than
 * `maxLength`; `ERR_JWE_MALFORMED` for anything that is not a compact JWE whose header is a JSON
 * object without duplicate members, with own string `alg` and `enc`, and whose other segments
 * are canonical Base64Url; `ERR_JWE_UNSUPPORTED_HEADER` for `zip`, `crit` or `b64`.
 * @internal
 */
export function parseCompactJwe(token: unknown, maxLength: number): JweParts {
  if (typeof token !== 'string') throw malformed('the token must be a string');
  if (token.length > maxLength) throw new JwtError('ERR_JWE_TOO_LARGE', 'the token is longer than allowed');
  const segments = token.split('.');
  if (segments.length !== 5) {
    throw malformed(
      segments.length === 3
        ? 'a compact JWE has five segments: this looks like a JWS (use verify)'
        : 'a compact JWE has exactly five segments',
    );
  }
  const [headerSegment, keySegment, ivSegment, ciphertextSegment, tagSegment] = segments as [string, string, string, string, string];
  if (headerSegment.length === 0) throw malformed('the header segment is empty');
  const header = decodeJsonObjectSegment(headerSegment);
  if (header === undefined) throw malformed('the protected header is not a Base64Url JSON object without duplicate members');
  if (typeof (Object.hasOwn(header, 'alg') ? header['alg'] : undefined) !== 'string') throw malformed('the header has no string "alg"');
  if (typeof (Object.hasOwn(header, 'enc') ? header['enc'] : undefined) !== 'string') throw malformed('the header has no string "enc"');
  for (const name of STRING_PARAMETERS) {
    if (Object.hasOwn(header, name) && typeof header[name] !== 'string') throw malformed(`the header's "${name}" must be a string`);
  }
  for (const name of UNSUPPORTED_PARAMETERS) {
    if (Object.hasOwn(header, name)) throw new JwtError('ERR_JWE_UNSUPPORTED_HEADER', `the header parameter "${name}" is not supported`);
  }
  const encryptedKey = keySegment.length === 0 ? Buffer.alloc(0) : decodeBase64urlOrUndefined(keySegment);
  const iv = decodeBase64urlOrUndefined(ivSegment);
  const ciphertext = ciphertextSegment.length === 0 ? Buffer.alloc(0) : decodeBase64urlOrUndefined(ciphertextSegment);
  const tag = decodeBase64urlOrUndefined(tagSegment);
  if (encryptedKey === undefined || iv === undefined || ciphertext === undefined || tag === undefined) {
    throw malformed('a segment is not canonical Base64Url');
  }
  return {
    header: deepFreeze(header) as Readonly<JweHeader>,
    aad: Buffer.from(headerSegment, 'latin1'),
    encryptedKey,
    iv,
    ciphertext,
    tag,
  };
}
