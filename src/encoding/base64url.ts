import { JwtError } from '../errors.js';

// A hand-written codec (docs/security.md, "How signatures and encodings are computed"): Node's own decoder is lenient (it skips
// characters outside the alphabet, takes `+`, `/`, padding and non-zero unused bits), and
// strictness is the point.
//
// How it is made fast (bench: `--filter base64url`, `--filter payload`):
// - 12 bits at a time through tables (two characters <-> 12 bits);
// - reads and writes through big-endian DataViews: one 16-bit read per two characters, one
//   32-bit write per three bytes or four characters;
// - two scratch buffers allocated once, so a call allocates only its result; text reaches the
//   scratch through `TextEncoder#encodeInto`, which also proves it ASCII; input longer than a
//   scratch buffer is done in chunks;
// - the tables, buffers and views are `const` bindings inside `createChunkCodec`, not module
//   constants: bundlers (esbuild, so tsup) turn top-level `const` into `var`, and V8 then no
//   longer knows the views' lengths, and the loops run much slower that way (bench: base64url/*).

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Bytes per chunk (a multiple of 3), and the characters that encode them (a multiple of 4). */
const CHUNK_BYTES = 12 * 1024;
const CHUNK_CHARACTERS = (CHUNK_BYTES / 3) * 4;

/** The codec's work on at most one chunk at a time. */
interface ChunkCodec {
  /** Base64Url of at most {@link CHUNK_BYTES} bytes. */
  readonly encodeBytes: (bytes: Uint8Array) => string;
  /** Base64Url of the UTF-8 bytes of a string of at most `CHUNK_BYTES / 3` code units. */
  readonly encodeShortText: (text: string) => string;
  /** Base64Url of a binary string (one character per byte) of at most {@link CHUNK_BYTES} characters. */
  readonly encodeBinaryString: (binary: string) => string;
  /**
   * Decodes at most {@link CHUNK_CHARACTERS} characters into `out` at `offset`. Returns the
   * number of bytes, or -1 when the chunk is not canonical Base64Url.
   */
  readonly decodeInto: (chunk: string, out: Uint8Array, offset: number) => number;
}

function createChunkCodec(): ChunkCodec {
  /** The value (0-63) of each alphabet character code, or -1. Indexed by a Latin-1 byte. */
  const DECODE_ONE = new Int8Array(256).fill(-1);
  /** The 12-bit value of each pair of alphabet characters `(first << 8) | second`, or -1. */
  const DECODE_TWO = new Int16Array(65536).fill(-1);
  /** The two character codes `(first << 8) | second` of each 12-bit value. */
  const ENCODE_TWO = new Uint16Array(4096);
  for (let high = 0; high < 64; high++) {
    const first = ALPHABET.charCodeAt(high);
    DECODE_ONE[first] = high;
    for (let low = 0; low < 64; low++) {
      const second = ALPHABET.charCodeAt(low);
      DECODE_TWO[(first << 8) | second] = (high << 6) | low;
      ENCODE_TWO[(high << 6) | low] = (first << 8) | second;
    }
  }
  /** The binary side of a chunk; 4 bytes of room, since a 32-bit read or write may pass its end. */
  const BYTES = Buffer.allocUnsafeSlow(CHUNK_BYTES + 4);
  const BYTES_VIEW = new DataView(BYTES.buffer, BYTES.byteOffset, BYTES.length);
  /** The text side of a chunk, one byte per character. */
  const CHARACTERS = Buffer.allocUnsafeSlow(CHUNK_CHARACTERS + 4);
  const CHARACTERS_VIEW = new DataView(CHARACTERS.buffer, CHARACTERS.byteOffset, CHARACTERS.length);
  const UTF8 = new TextEncoder();

  /** Base64Url of the first `count` bytes of BYTES. */
  function encode(count: number): string {
    let o = 0;
    let i = 0;
    for (const whole = count - (count % 3); i < whole; i += 3) {
      // The 24 bits of three bytes (the fourth byte read is dropped), out as four characters.
      const n = BYTES_VIEW.getUint32(i) >>> 8;
      CHARACTERS_VIEW.setUint32(o, ((ENCODE_TWO[n >>> 12] as number) << 16) | (ENCODE_TWO[n & 4095] as number));
      o += 4;
    }
    const rest = count - i;
    if (rest === 1) {
      CHARACTERS_VIEW.setUint16(o, ENCODE_TWO[BYTES_VIEW.getUint8(i) << 4] as number);
      o += 2;
    } else if (rest === 2) {
      const n = BYTES_VIEW.getUint16(i) << 2;
      CHARACTERS_VIEW.setUint16(o, ENCODE_TWO[n >>> 6] as number);
      CHARACTERS_VIEW.setUint8(o + 2, ALPHABET.charCodeAt(n & 63));
      o += 3;
    }
    return CHARACTERS.toString('latin1', 0, o);
  }

  function decodeInto(chunk: string, out: Uint8Array, offset: number): number {
    const count = chunk.length;
    // The text is ASCII exactly when every code unit was read and each became one byte. Every
    // byte outside the alphabet maps to -1 in the tables.
    const { read, written } = UTF8.encodeInto(chunk, CHARACTERS);
    if (read !== count || written !== count) return -1;
    const rest = count & 3;
    let invalid = 0;
    let o = 0;
    let i = 0;
    for (const whole = count - rest; i < whole; i += 4) {
      const high = DECODE_TWO[CHARACTERS_VIEW.getUint16(i)] as number;
      const low = DECODE_TWO[CHARACTERS_VIEW.getUint16(i + 2)] as number;
      invalid |= high | low; // negative once any pair was outside the alphabet
      // Three bytes out in one 32-bit write; its fourth byte is overwritten by the next group.
      BYTES_VIEW.setInt32(o, (high << 20) | (low << 8));
      o += 3;
    }
    if (rest === 2) {
      const pair = DECODE_TWO[CHARACTERS_VIEW.getUint16(i)] as number;
      if ((pair & 15) !== 0) return -1; // unused bits must be zero
      invalid |= pair;
      BYTES_VIEW.setUint8(o, pair >>> 4);
      o += 1;
    } else if (rest === 3) {
      const pair = DECODE_TWO[CHARACTERS_VIEW.getUint16(i)] as number;
      const last = DECODE_ONE[CHARACTERS_VIEW.getUint8(i + 2)] as number;
      if ((last & 3) !== 0) return -1;
      invalid |= pair | last;
      BYTES_VIEW.setUint16(o, (pair << 4) | (last >>> 2));
      o += 2;
    }
    if (invalid < 0) return -1;
    out.set(BYTES.subarray(0, o), offset);
    return o;
  }

  return {
    encodeBytes(bytes) {
      BYTES.set(bytes, 0);
      return encode(bytes.length);
    },
    encodeShortText(text) {
      return encode(UTF8.encodeInto(text, BYTES).written);
    },
    encodeBinaryString(binary) {
      return encode(BYTES.write(binary, 0, 'latin1'));
    },
    decodeInto,
  };
}

const chunkCodec = createChunkCodec();

/**
 * Encodes bytes (or a string, as UTF-8) as unpadded Base64Url text (RFC 4648 §5, as RFC 7515 §2
 * uses it). The output is canonical: unused bits are zero.
 * @internal
 */
export function encodeBase64url(input: Uint8Array | string): string {
  if (typeof input === 'string') {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: a short string fits a chunk whole.
    return input.length * 3 <= CHUNK_BYTES ? chunkCodec.encodeShortText(input) : encodeBase64url(Buffer.from(input, 'utf8'));
  }
  if (input.length <= CHUNK_BYTES) return chunkCodec.encodeBytes(input);
  let text = '';
  for (let start = 0; start < input.length; start += CHUNK_BYTES) {
    text += chunkCodec.encodeBytes(input.subarray(start, start + CHUNK_BYTES));
  }
  return text;
}

/**
 * Encodes a binary string (one character per byte, 0-255, as `crypto.hash(..., 'binary')`
 * returns) as unpadded Base64Url text.
 * @internal
 */
export function encodeBinaryStringBase64url(binary: string): string {
  return binary.length <= CHUNK_BYTES ? chunkCodec.encodeBinaryString(binary) : encodeBase64url(Buffer.from(binary, 'latin1'));
}

/**
 * Decodes strict Base64Url text into a `Buffer`, or returns `undefined` when the text is not the
 * canonical encoding of any byte string: a character outside `A-Z a-z 0-9 - _` (so no padding,
 * `+`, `/`, whitespace or non-ASCII), a length of 4k+1, or non-zero unused bits in the last
 * character. Every accepted text is exactly what {@link encodeBase64url} writes for its bytes.
 * @internal
 */
export function decodeBase64urlOrUndefined(text: string): Buffer | undefined {
  const length = text.length;
  const rest = length & 3;
  if (rest === 1) return undefined;
  const out = Buffer.allocUnsafe((length >>> 2) * 3 + (rest === 0 ? 0 : rest - 1));
  if (length <= CHUNK_CHARACTERS) return chunkCodec.decodeInto(text, out, 0) < 0 ? undefined : out;
  // Chunks are whole groups of four characters, so only the last one can end in a partial group.
  for (let start = 0, o = 0; start < length; start += CHUNK_CHARACTERS) {
    const produced = chunkCodec.decodeInto(text.slice(start, start + CHUNK_CHARACTERS), out, o);
    if (produced < 0) return undefined;
    o += produced;
  }
  return out;
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
   * @throws `JwtError` `ERR_INVALID_OPTION` when the input is neither a `Uint8Array` nor a string.
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
