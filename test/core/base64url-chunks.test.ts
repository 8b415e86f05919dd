/**
 * The Base64url codec works through two scratch buffers, in chunks of 12 KiB of bytes (16 KiB of
 * text) for longer input. These tests hit the chunk boundaries and the state left between calls:
 * every result is compared with Buffer (the oracle for canonical input), and invalid input in any
 * chunk is refused.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBinaryStringBase64url } from '../../src/encoding/base64url.js';
import { base64url } from '../../src/index.js';

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
