import { decodeBase64urlOrUndefined } from '../encoding/base64url.js';
import { decodeJsonObjectSegment, deepFreeze } from '../encoding/json.js';
import { JwtError } from '../errors.js';
import { BoundedCache } from '../internal/bounded-cache.js';
import { ownValue } from '../internal/own-member.js';
import { tokenNearMissFix } from './token-near-miss.js';
import type { JwsHeader } from './types.js';

/** The default longest token, in characters (test J50 in test/jws/parse.test.ts). */
export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

/** A compact JWS split into its parts, with its protected header parsed and checked. @internal */
export interface CompactParts {
  /** The protected header: frozen (deeply), and shared between tokens with the same header segment. */
  readonly header: Readonly<JwsHeader>;
  /** `BASE64URL(header) || '.' || BASE64URL(payload)`: what the signature covers. */
  readonly signingInput: string;
  /** The payload bytes (not yet verified). */
  readonly payload: Buffer;
  /** The signature bytes (empty when the signature segment is). */
  readonly signature: Buffer;
}

/**
 * Header parameters that change how a JWS must be processed and that jwtkit does not implement:
 * any of them makes the token unsupported (RFC 7515 §4.1.11 `crit`, RFC 7797 `b64`, JWE's `zip`
 * and `enc`).
 */
const UNSUPPORTED_PARAMETERS = ['crit', 'b64', 'zip', 'enc'] as const;
const STRING_PARAMETERS = ['kid', 'typ', 'cty'] as const;

/** A parsed header and its segment (a copy of it: a slice would keep the whole token alive). */
interface KnownHeader {
  readonly segment: string;
  readonly header: Readonly<JwsHeader>;
}

/** Parsed headers by segment: a service sees few distinct headers, so each is parsed once. */
const headerCache = new BoundedCache<string, KnownHeader>(256);
/**
 * The header read last. Most services see one header over and over: a token that starts with
 * its segment is recognised with one comparison, without slicing the segment out and hashing it
 * for the Map (bench: verify/HS256/sync).
 */
let lastKnown: KnownHeader | undefined;

/**
 * Splits a compact JWS (exactly three segments; the header non-empty) and reads its protected
 * header. It does not verify anything. Throws `ERR_JWT_TOO_LARGE` before looking at the token
 * when it is longer than `maxLength`, `ERR_JWT_MALFORMED` for anything that is not a compact JWS
 * with a JSON-object header with an own string `alg` and canonical Base64Url payload and signature
 * segments, and `ERR_JWT_UNSUPPORTED_HEADER` for `crit`,
 * `b64`, `zip` or `enc`.
 * @internal
 */
export function parseCompact(token: unknown, maxLength: number): CompactParts {
  if (typeof token !== 'string') throw new JwtError('ERR_JWT_MALFORMED', 'the token must be a string');
  if (token.length > maxLength) throw new JwtError('ERR_JWT_TOO_LARGE', 'the token is longer than allowed');
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0 || token.indexOf('.', second + 1) >= 0) {
    throw malformed(token, 'a compact JWS has exactly three segments');
  }
  if (first === 0) throw malformed(token, 'the header segment is empty');
  const header = readHeader(token, first);
  const payload = decodeBase64urlOrUndefined(token.slice(first + 1, second));
  const signature = decodeBase64urlOrUndefined(token.slice(second + 1));
  if (payload === undefined || signature === undefined) {
    throw malformed(token, 'the payload or signature is not canonical Base64Url');
  }
  return { header, signingInput: token.slice(0, second), payload, signature };
}

/**
 * `ERR_JWT_MALFORMED`, its message naming the fix when the text is a token with something pasted
 * around it (a `Bearer ` prefix, a trailing newline: src/jws/token-near-miss.ts). Never quotes it.
 */
function malformed(text: string, reason: string): JwtError {
  const fix = tokenNearMissFix(text);
  return new JwtError('ERR_JWT_MALFORMED', fix === undefined ? reason : `${reason}: ${fix}`);
}

/** The header whose segment is `token.slice(0, end)`, parsed once per distinct segment. */
function readHeader(token: string, end: number): Readonly<JwsHeader> {
  if (lastKnown !== undefined && end === lastKnown.segment.length && token.startsWith(lastKnown.segment)) return lastKnown.header;
  const segment = token.slice(0, end);
  lastKnown = headerCache.get(segment) ?? parseHeader(segment);
  return lastKnown.header;
}

function parseHeader(segment: string): KnownHeader {
  const header = decodeJsonObjectSegment(segment);
  // A prefix or leading whitespace pasted before the token is in this segment.
  if (header === undefined) throw malformed(segment, 'the protected header is not a Base64Url JSON object');
  // An own `alg`: every later `header.alg` read then sees it, never an inherited one (the other
  // parameters are optional, and read with `ownValue` where they are used).
  if (typeof ownValue(header, 'alg', header['alg']) !== 'string') throw new JwtError('ERR_JWT_MALFORMED', 'the header has no string "alg"');
  for (const name of STRING_PARAMETERS) {
    if (Object.hasOwn(header, name) && typeof header[name] !== 'string') {
      throw new JwtError('ERR_JWT_MALFORMED', `the header's "${name}" must be a string`);
    }
  }
  for (const name of UNSUPPORTED_PARAMETERS) {
    if (Object.hasOwn(header, name)) {
      throw new JwtError('ERR_JWT_UNSUPPORTED_HEADER', `the header parameter "${name}" is not supported`);
    }
  }
  // The segment is ASCII here (it decoded as canonical Base64Url): a Latin-1 round trip copies it.
  const known: KnownHeader = {
    segment: Buffer.from(segment, 'latin1').toString('latin1'),
    header: deepFreeze(header) as Readonly<JwsHeader>,
  };
  headerCache.set(known.segment, known);
  return known;
}
