/**
 * jwtkit's HMAC (src/jws/hmac.ts: RFC 2104 over the one-shot `crypto.hash`, for speed) against the
 * oracle, `crypto.createHmac`: every digest, keys shorter than, equal to and longer than the hash's
 * block (a longer key is hashed first), messages of any bytes (as Latin-1 strings, one character
 * per byte), from empty to past the 64 KiB the shared scratch buffer keeps, and one key object
 * used with two digests.
 */
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacBinary, hmacMatches, type HmacHash } from '../../src/jws/hmac.js';

const DIGESTS: readonly HmacHash[] = ['sha256', 'sha384', 'sha512'];
const oracle = (digest: HmacHash, key: Buffer, data: string): Buffer => createHmac(digest, key).update(data, 'latin1').digest();
const latin1Text = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 600 });

describe('HMAC over crypto.hash agrees with createHmac', () => {
  it('random keys (1..300 bytes) and messages of any bytes, every digest', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DIGESTS), fc.uint8Array({ minLength: 1, maxLength: 300 }), latin1Text, (digest, keyBytes, data) => {
        const key = Buffer.from(keyBytes);
        const expected = oracle(digest, key, data);
        expect(Buffer.from(hmacBinary(digest, createSecretKey(key), data), 'latin1').equals(expected)).toBe(true);
        expect(hmacMatches(digest, createSecretKey(key), data, expected)).toBe(true);
      }),
      { seed: 20_261_125, numRuns: 400 },
    );
  });

  it('keys at the block boundaries (64 and 128 bytes, one less, one more)', () => {
    for (const digest of DIGESTS) {
      for (const length of [63, 64, 65, 127, 128, 129]) {
        const key = randomBytes(length);
        expect(Buffer.from(hmacBinary(digest, createSecretKey(key), 'abc.def'), 'latin1').equals(oracle(digest, key, 'abc.def'))).toBe(
          true,
        );
      }
    }
  });

  it('messages past the kept scratch (100 KiB, 1 MiB), then a short one again', () => {
    const key = randomBytes(32);
    const keyObject = createSecretKey(key);
    for (const length of [1500, 4000, 64 * 1024 - 64, 64 * 1024, 100 * 1024, 1024 * 1024, 10]) {
      const text = 'a.'.repeat(length / 2 + 1).slice(0, length);
      expect(Buffer.from(hmacBinary('sha256', keyObject, text), 'latin1').equals(oracle('sha256', key, text))).toBe(true);
    }
  });

  it('one key object used with two digests keeps one set of pads per digest', () => {
    const key = randomBytes(64);
    const keyObject = createSecretKey(key);
    for (const digest of ['sha256', 'sha512', 'sha256', 'sha384'] as const) {
      expect(Buffer.from(hmacBinary(digest, keyObject, 'x.y'), 'latin1').equals(oracle(digest, key, 'x.y'))).toBe(true);
    }
  });

  it('hmacMatches refuses a tag that differs in any bit, or in length', () => {
    const key = randomBytes(32);
    const keyObject = createSecretKey(key);
    const tag = oracle('sha256', key, 'a.b');
    for (let bit = 0; bit < tag.length * 8; bit += 7) {
      const changed = Buffer.from(tag);
      changed[bit >> 3] = (changed[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(hmacMatches('sha256', keyObject, 'a.b', changed)).toBe(false);
    }
    expect(hmacMatches('sha256', keyObject, 'a.b', tag.subarray(0, 31))).toBe(false);
    expect(hmacMatches('sha256', keyObject, 'a.b', Buffer.concat([tag, Buffer.alloc(1)]))).toBe(false);
  });
});
