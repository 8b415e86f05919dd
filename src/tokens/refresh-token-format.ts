/**
 * The refresh-token format of store contract v2: `<familyId>.<generation>.<secret>`. The family id
 * and generation are the routing part (not secret: access tokens carry the family id as `sid`); the
 * secret is 16 random bytes and a 16-byte tag, HMAC-SHA256 under the family's tag key of the routing
 * part and the random bytes. A store keeps only the SHA-256 of the current token's secret, so a
 * dump of the store yields no usable token; the tag lets the service recognise a token of any
 * earlier generation as one it issued (reuse) without the store keeping a list of used tokens.
 * See docs/custom-store.md, "Refresh tokens of contract v2".
 *
 * @module
 * @internal
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeBase64urlOrUndefined, encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import { hashRefreshToken } from './opaque.js';

/** Length of the secret part, and of a legacy (contract v1) token: 32 bytes as unpadded Base64Url. */
const SECRET_LENGTH = 43;
/** Length of a family id: 16 bytes as unpadded Base64Url. */
const FAMILY_ID_LENGTH = 22;
const RANDOM_BYTES = 16;
const TAG_BYTES = 16;
/** A generation: a canonical decimal integer (no sign, no leading zero), at most 16 digits. */
const GENERATION_PATTERN = /^(?:0|[1-9][0-9]{0,15})$/;
/** What the tag covers before the routing part (NUL separates fields: no Base64Url text or decimal contains it). */
const TAG_CONTEXT = 'jwtkit-refresh-v2';

/** A presented refresh token, parsed. @internal */
export type ParsedRefreshToken =
  | {
      readonly format: 'v2';
      readonly familyId: string;
      readonly generation: number;
      /** The 32 bytes of the secret part. */
      readonly secret: Uint8Array;
      /** Base64Url SHA-256 of the secret part's text: what a store keeps. */
      readonly hash: string;
    }
  | {
      /** A token of contract v1: 43 characters, no routing part. */
      readonly format: 'legacy';
      /** Base64Url SHA-256 of the whole token. */
      readonly hash: string;
    };

/** A new token and what a store keeps of it. @internal */
export interface MintedRefreshToken {
  readonly token: string;
  readonly hash: string;
}

/** A new family's tag key: 32 random bytes, Base64Url. @internal */
export function generateTagKey(): string {
  return encodeBase64url(randomBytes(32));
}

/**
 * Makes the token of `generation` of a family: fresh random bytes, tagged under `tagKey`. Throws
 * `ERR_STORE_UNAVAILABLE` when `tagKey` (as a store returned it) is not 32 bytes of Base64Url. @internal
 */
export function mintRefreshToken(familyId: string, generation: number, tagKey: string): MintedRefreshToken {
  const random = randomBytes(RANDOM_BYTES);
  const tag = tagOf(tagKey, familyId, generation, random);
  if (tag.length !== TAG_BYTES) throw new JwtError('ERR_STORE_UNAVAILABLE', 'the token store holds an unreadable tag key');
  const secret = encodeBase64url(Buffer.concat([random, tag]));
  return { token: `${familyId}.${generation}.${secret}`, hash: hashRefreshToken(secret) };
}

/**
 * Parses a presented refresh token strictly: the v2 format (canonical Base64Url family id of 16
 * bytes, canonical decimal generation, canonical Base64Url secret of 32 bytes) or a legacy token
 * (canonical Base64Url of 32 bytes). Anything else is `undefined`, refused before a store is asked.
 * @internal
 */
export function parseRefreshToken(value: unknown): ParsedRefreshToken | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.length === SECRET_LENGTH) {
    return decodeBase64urlOrUndefined(value)?.length === 32 ? { format: 'legacy', hash: hashRefreshToken(value) } : undefined;
  }
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  const [familyId, generationText, secretText] = parts as [string, string, string];
  if (familyId.length !== FAMILY_ID_LENGTH || decodeBase64urlOrUndefined(familyId)?.length !== 16) return undefined;
  if (!GENERATION_PATTERN.test(generationText)) return undefined;
  const generation = Number(generationText);
  if (!Number.isSafeInteger(generation)) return undefined;
  if (secretText.length !== SECRET_LENGTH) return undefined;
  const secret = decodeBase64urlOrUndefined(secretText);
  if (secret?.length !== 32) return undefined;
  return { format: 'v2', familyId, generation, secret, hash: hashRefreshToken(secretText) };
}

/**
 * Whether a parsed v2 token carries the tag its family's key gives its routing part and random
 * bytes (compared in constant time). A family's tag key that is not 32 bytes of Base64Url never
 * matches. @internal
 */
export function hasValidTag(token: Extract<ParsedRefreshToken, { format: 'v2' }>, tagKey: string): boolean {
  const random = token.secret.subarray(0, RANDOM_BYTES);
  const expected = tagOf(tagKey, token.familyId, token.generation, random);
  return expected.length === TAG_BYTES && timingSafeEqual(expected, token.secret.subarray(RANDOM_BYTES));
}

/** The tag of a routing part and random bytes; an empty buffer for a key that is not 32 bytes. */
function tagOf(tagKey: string, familyId: string, generation: number, random: Uint8Array): Buffer {
  const key = decodeBase64urlOrUndefined(tagKey);
  if (key?.length !== 32) return Buffer.alloc(0);
  return createHmac('sha256', key)
    .update(`${TAG_CONTEXT}\0${familyId}\0${generation}\0`, 'utf8')
    .update(random)
    .digest()
    .subarray(0, TAG_BYTES);
}
