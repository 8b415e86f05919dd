import { isAscii, isUtf8 } from 'node:buffer';
import { decodeBase64urlOrUndefined } from './base64url.js';

/** The deepest nesting of arrays and objects accepted in a token segment. */
const MAX_DEPTH = 64;

/**
 * Decodes a Base64Url segment to the JSON object it encodes, or returns `undefined` when the
 * segment is not canonical Base64Url, not valid UTF-8 (a BOM counts as invalid), not JSON, not a
 * JSON object, nested deeper than 64 levels, or repeats a member name at its top level
 * (RFC 7515 §4 and RFC 7519 §4 allow a parser to reject duplicates; jwtkit does, so no two
 * readers of one token can disagree on its meaning).
 * @internal
 */
export function decodeJsonObjectSegment(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64urlOrUndefined(segment);
  if (bytes === undefined) return undefined;
  const text = bytesToText(bytes);
  return text === undefined ? undefined : parseJsonObject(text);
}

/**
 * Parses JSON text that must be an object, with the same rules as {@link decodeJsonObjectSegment}
 * (depth, duplicate top-level names). Returns `undefined` when the text breaks one.
 * @internal
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  const members = countTopLevelMembers(text);
  if (members < 0 || members !== Object.keys(object).length) return undefined;
  return object;
}

/**
 * UTF-8 text of the bytes, strictly (no surrogates, overlong forms or code points above U+10FFFF;
 * a BOM is kept, so JSON.parse refuses it), or `undefined`. Both checks are native: `isAscii`
 * (then Latin-1 decoding, the cheapest) and `isUtf8`.
 * @internal
 */
export function bytesToText(bytes: Buffer): string | undefined {
  if (isAscii(bytes)) return bytes.toString('latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

/**
 * Counts the members of the top-level object in valid JSON text by counting the `:` outside
 * strings at depth 1. Returns -1 when nesting is deeper than {@link MAX_DEPTH}. Compared with the
 * number of keys `JSON.parse` kept, a difference means a duplicate name (even one spelt with an
 * escape such as `"s\u0075b"`).
 */
function countTopLevelMembers(text: string): number {
  let depth = 0;
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 /* " */) {
      // Skip the string: JSON.parse already proved it well-formed, so it ends at the next quote
      // not escaped by an odd run of backslashes. `indexOf` (native) jumps there faster than a
      // loop over the characters (bench: payload/HS256/*).
      i = text.indexOf('"', i + 1);
      while (isEscaped(text, i)) i = text.indexOf('"', i + 1);
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > MAX_DEPTH) return -1;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    } else if (code === 0x3a /* : */ && depth === 1) {
      members++;
    }
  }
  return members;
}

/** Whether the character at `index` is escaped: preceded by an odd number of backslashes. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; text.charCodeAt(i) === 0x5c /* \ */; i--) backslashes++;
  return (backslashes & 1) === 1;
}

/** Freezes a parsed JSON value and everything in it (its depth is bounded by the JSON reader). @internal */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
