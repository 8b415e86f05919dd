import { decodeBase64urlOrUndefined } from './base64url.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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

/** UTF-8 text of the bytes, strictly; ASCII takes a fast path. @internal */
export function bytesToText(bytes: Buffer): string | undefined {
  let high = 0;
  for (let i = 0; i < bytes.length; i++) high |= bytes[i] as number;
  if (high < 0x80) return bytes.toString('latin1');
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
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
      // Skip the string; JSON.parse already proved it well-formed.
      for (i++; i < text.length; i++) {
        const inner = text.charCodeAt(i);
        if (inner === 0x5c /* \ */) i++;
        else if (inner === 0x22) break;
      }
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
