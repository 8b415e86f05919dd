/**
 * The Base64url codec works through two scratch buffers, in chunks of 12 KiB of bytes (16 KiB of
 * text) for longer input. These tests hit the chunk boundaries and the state left between calls:
 * every result is compared with Buffer (the oracle for canonical input), and invalid input in any
 * chunk is refused.
 * Property tests (fast-check, seeded so a failure reproduces): the codec against Buffer.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBinaryStringBase64url } from '../../src/encoding/base64url.js';
import { base64url, isJwtError } from '../../src/index.js';

const SEED = 20_260_101;
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns });
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Strings over the Base64url alphabet (canonical or not). */
const base64urlLike = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 64 });

const CHUNK_BYTES = 12 * 1024;
const SIZES = [
  0,
  1,
  2,
  3,
  4,
  5,
  4095,
  4096,
  4097,
  CHUNK_BYTES - 1,
  CHUNK_BYTES,
  CHUNK_BYTES + 1,
  CHUNK_BYTES + 2,
  2 * CHUNK_BYTES,
  2 * CHUNK_BYTES + 1,
  100 * 1024,
  1024 * 1024 + 2,
];

const decodes = (text: string): Buffer => Buffer.from(base64url.decode(text));
const refuses = (text: string): void => {
  expect(() => base64url.decode(text)).toThrow(expect.objectContaining({ code: 'ERR_BASE64URL_INVALID' }));
};

describe('base64url at chunk boundaries', () => {
  it('encodes and decodes bytes of every size around the chunk size like Buffer', () => {
    for (const size of SIZES) {
      const bytes = randomBytes(size);
      const text = bytes.toString('base64url');
      expect(base64url.encode(bytes)).toBe(text);
      expect(decodes(text).equals(bytes)).toBe(true);
    }
  });

  it('encodes strings as UTF-8, short ones through the scratch and long ones through a Buffer', () => {
    for (const text of [
      '',
      'é',
      '€'.repeat(1365),
      '€'.repeat(1366),
      'a'.repeat(4096),
      'a'.repeat(4097),
      '😀'.repeat(5000),
      'x\uD800y'.repeat(2000),
    ]) {
      expect(base64url.encode(text)).toBe(Buffer.from(text, 'utf8').toString('base64url'));
    }
  });

  it('refuses a bad character in the first, a middle or the last chunk of a long text', () => {
    const text = randomBytes(3 * CHUNK_BYTES).toString('base64url');
    for (const at of [0, 16 * 1024 - 1, 16 * 1024, 20_000, text.length - 1]) {
      for (const bad of ['=', '+', '/', ' ', '\u0141' /* Ł: its low byte is "A" */, '\u00e9']) {
        refuses(text.slice(0, at) + bad + text.slice(at + 1));
      }
    }
  });

  it('refuses non-zero unused bits and a length of 4k+1 on a multi-chunk text', () => {
    const text = randomBytes(2 * CHUNK_BYTES + 1).toString('base64url'); // ends in two characters
    const last = text.at(-1) as string;
    refuses(text.slice(0, -1) + (last === 'B' ? 'C' : 'B'));
    expect(text.length % 4).toBe(2);
    refuses(`${text}AAA`); // length 4k+1
  });

  it('a refused call leaves nothing behind: the next decode and encode are exact', () => {
    const bytes = randomBytes(CHUNK_BYTES * 2);
    const text = bytes.toString('base64url');
    refuses(`${text.slice(0, -5)}!${text.slice(-4)}`);
    const short = randomBytes(10);
    expect(decodes(short.toString('base64url')).equals(short)).toBe(true);
    expect(base64url.encode(short)).toBe(short.toString('base64url'));
    expect(decodes(text).equals(bytes)).toBe(true);
  });

  it('encodes binary strings (one character per byte) of any size like Buffer', () => {
    for (const size of [0, 1, 2, 3, 32, 64, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 2]) {
      const binary = randomBytes(size).toString('latin1');
      expect(encodeBinaryStringBase64url(binary)).toBe(Buffer.from(binary, 'latin1').toString('base64url'));
    }
  });
});

describe('base64url: round trip and agreement with Buffer', () => {
  it('encode(bytes) equals Buffer base64url, and decode(encode(bytes)) returns the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = base64url.encode(bytes);
        expect(encoded).toBe(Buffer.from(bytes).toString('base64url'));
        expect(Buffer.from(base64url.decode(encoded)).equals(Buffer.from(bytes))).toBe(true);
      }),
      params(1000),
    );
  });

  it('encode(string) is the Base64url of its UTF-8 bytes (lone surrogates become U+FFFD, as TextEncoder does)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (text) => {
        expect(base64url.encode(text)).toBe(Buffer.from(new TextEncoder().encode(text)).toString('base64url'));
      }),
      params(500),
    );
  });

  it('decode accepts exactly the canonical strings; for every accepted s, encode(decode(s)) === s and Buffer agrees', () => {
    fc.assert(
      fc.property(base64urlLike, (text) => {
        let decoded: Uint8Array | undefined;
        try {
          decoded = base64url.decode(text);
        } catch (error) {
          expect(isJwtError(error, 'ERR_BASE64URL_INVALID')).toBe(true);
        }
        const viaBuffer = Buffer.from(text, 'base64url');
        const canonical = text.length % 4 !== 1 && viaBuffer.toString('base64url') === text;
        expect(decoded !== undefined).toBe(canonical);
        if (decoded !== undefined) {
          expect(base64url.encode(decoded)).toBe(text);
          expect(Buffer.from(decoded).equals(viaBuffer)).toBe(true);
        }
      }),
      params(3000),
    );
  });

  it('decode rejects any string with a character outside the alphabet, with ERR_BASE64URL_INVALID', () => {
    const outside = fc.string({ minLength: 1, maxLength: 3 }).filter((s) => [...s].some((c) => !ALPHABET.includes(c)));
    fc.assert(
      fc.property(base64urlLike, outside, fc.nat(), (text, junk, position) => {
        const at = position % (text.length + 1);
        const mutated = text.slice(0, at) + junk + text.slice(at);
        expect(() => base64url.decode(mutated)).toThrow(expect.objectContaining({ code: 'ERR_BASE64URL_INVALID' }));
      }),
      params(1000),
    );
  });

  it('encode of anything but bytes or a string throws ERR_INVALID_OPTION, never a TypeError', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((value) => typeof value !== 'string' && !(value instanceof Uint8Array)),
        (value) => {
          expect(() => base64url.encode(value as string)).toThrow(
            expect.objectContaining({ name: 'JwtError', code: 'ERR_INVALID_OPTION' }),
          );
        },
      ),
      params(300),
    );
  });

  it('decode of non-strings throws ERR_BASE64URL_INVALID, never a TypeError', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((value) => typeof value !== 'string'),
        (value) => {
          expect(() => base64url.decode(value as string)).toThrow(expect.objectContaining({ name: 'JwtError' }));
        },
      ),
      params(300),
    );
  });
});
