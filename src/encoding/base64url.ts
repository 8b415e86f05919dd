import { JwtError } from '../errors.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Character code of each 6-bit value. */
const ENCODE_TABLE = new Uint8Array(64);
/** 6-bit value of each character code below 128, or -1 for a character outside the alphabet. */
const DECODE_TABLE = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index++) {
  const code = ALPHABET.charCodeAt(index);
  ENCODE_TABLE[index] = code;
  DECODE_TABLE[code] = index;
}

const textEncoder = new TextEncoder();

/**
 * Encodes bytes as unpadded Base64Url text (RFC 4648 §5, as RFC 7515 §2 uses it).
 * @internal
 */
export function encodeBase64url(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? textEncoder.encode(input) : input;
  const length = bytes.length;
  const out = Buffer.allocUnsafe(Math.ceil((length * 4) / 3));
  let o = 0;
  let i = 0;
  for (const whole = length - (length % 3); i < whole; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o++] = ENCODE_TABLE[n >>> 18] as number;
    out[o++] = ENCODE_TABLE[(n >>> 12) & 63] as number;
    out[o++] = ENCODE_TABLE[(n >>> 6) & 63] as number;
    out[o++] = ENCODE_TABLE[n & 63] as number;
  }
  const rest = length - i;
  if (rest === 1) {
    const n = bytes[i] as number;
    out[o++] = ENCODE_TABLE[n >>> 2] as number;
    out[o++] = ENCODE_TABLE[(n & 3) << 4] as number;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    out[o++] = ENCODE_TABLE[n >>> 10] as number;
    out[o++] = ENCODE_TABLE[(n >>> 4) & 63] as number;
    out[o++] = ENCODE_TABLE[(n & 15) << 2] as number;
  }
  return out.toString('latin1', 0, o);
}

/**
 * Decodes strict Base64Url text into a `Buffer`, or returns `undefined` when the text is not the
 * canonical encoding of any byte string: a character outside `A-Z a-z 0-9 - _` (so no padding,
 * `+`, `/` or whitespace), a length of 4k+1, or non-zero unused bits in the last character.
 * @internal
 */
export function decodeBase64urlOrUndefined(text: string): Buffer | undefined {
  const length = text.length;
  const rest = length & 3;
  if (rest === 1) return undefined;
  const out = Buffer.allocUnsafe((length >>> 2) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  for (const whole = length - rest; i < whole; i += 4) {
    const a = decodeChar(text.charCodeAt(i));
    const b = decodeChar(text.charCodeAt(i + 1));
    const c = decodeChar(text.charCodeAt(i + 2));
    const d = decodeChar(text.charCodeAt(i + 3));
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest === 2) {
    const a = decodeChar(text.charCodeAt(i));
    const b = decodeChar(text.charCodeAt(i + 1));
    if ((a | b) < 0 || (b & 15) !== 0) return undefined;
    out[o++] = (a << 2) | (b >>> 4);
  } else if (rest === 3) {
    const a = decodeChar(text.charCodeAt(i));
    const b = decodeChar(text.charCodeAt(i + 1));
    const c = decodeChar(text.charCodeAt(i + 2));
    if ((a | b | c) < 0 || (c & 3) !== 0) return undefined;
    const n = (a << 10) | (b << 4) | (c >>> 2);
    out[o++] = n >>> 8;
    out[o++] = n & 255;
  }
  return out;
}

function decodeChar(code: number): number {
  return code < 128 ? (DECODE_TABLE[code] as number) : -1;
}

/**
 * Strict, hand-written Base64Url (RFC 4648 §5 without padding, as JOSE uses it).
 *
 * `decode` accepts only the canonical encoding: no `=` padding, no `+` or `/`, no whitespace or
 * other characters, no length of 4k+1, and no non-zero unused bits in the last character (so
 * `YQ` decodes to `"a"` but `YR` is refused). Node's `Buffer.from(text, 'base64url')` accepts all
 * of those; this codec does not.
 *
 * @example
 * ```ts
 * import { base64url } from 'jwtkit';
 * base64url.encode('hello');                        // 'aGVsbG8'
 * new TextDecoder().decode(base64url.decode('aGVsbG8')); // 'hello'
 * ```
 */
export const base64url: {
  /**
   * Encodes bytes, or a string as UTF-8, as unpadded Base64Url.
   * @throws never.
   */
  readonly encode: (input: Uint8Array | string) => string;
  /**
   * Decodes canonical unpadded Base64Url text.
   * @throws `JwtError` `ERR_BASE64URL_INVALID` when the text is not canonical Base64Url.
   */
  readonly decode: (text: string) => Uint8Array;
} = Object.freeze({
  encode(input: Uint8Array | string): string {
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
      throw new JwtError('ERR_INVALID_OPTION', 'base64url.encode takes a Uint8Array or a string');
    }
    return encodeBase64url(input);
  },
  decode(text: string): Uint8Array {
    const bytes = typeof text === 'string' ? decodeBase64urlOrUndefined(text) : undefined;
    if (bytes === undefined) throw new JwtError('ERR_BASE64URL_INVALID', 'the input is not canonical Base64Url');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  },
});
