/**
 * The HMAC's padded key (K ^ ipad, K ^ opad: the key itself, to anyone who knows the constants)
 * never lands in Node's shared Buffer pool, where any pooled Buffer's `.buffer` could read it.
 * Its own file, so the HMAC module starts with its smallest scratch buffer and has to grow it
 * through the sizes Node would serve from the pool (up to 4 KiB).
 */
import { createSecretKey, randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacBinary, hmacMatches } from '../../src/jws/hmac.js';

describe('HMAC key material and the Buffer pool', () => {
  it('no pad or key bytes in the pool after messages of 100 B to 5 KB', () => {
    // Buffer.alloc and typed arrays of their own: the test's copies must not sit in the pool.
    const key = randomFillSync(Buffer.alloc(32));
    const keyObject = createSecretKey(key);
    const innerPad = Buffer.alloc(32);
    const outerPad = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) {
      innerPad[i] = (key[i] as number) ^ 0x36;
      outerPad[i] = (key[i] as number) ^ 0x5c;
    }
    for (const length of [100, 1000, 1500, 2000, 3000, 4000, 5000]) {
      hmacBinary('sha256', keyObject, 'x'.repeat(length));
      hmacMatches('sha256', keyObject, 'y'.repeat(length), Buffer.alloc(32));
      const pool = Buffer.from(Buffer.allocUnsafe(16).buffer);
      expect(pool.length).toBeGreaterThanOrEqual(8 * 1024); // it is the shared pool
      expect(pool.includes(innerPad)).toBe(false);
      expect(pool.includes(outerPad)).toBe(false);
      expect(pool.includes(key)).toBe(false);
    }
  });
});
