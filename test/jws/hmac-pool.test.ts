/**
 * The HMAC's padded key (K ^ ipad, K ^ opad: the key itself, to anyone who knows the constants),
 * and a secret given as a string, as bytes or as a JWK, never stay in Node's shared Buffer pool,
 * where any pooled Buffer's `.buffer` could read them.
 * Its own file, so the HMAC module starts with its smallest scratch buffer and has to grow it
 * through the sizes Node would serve from the pool (up to 4 KiB).
 */
import { createSecretKey, randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacBinary, hmacMatches } from '../../src/jws/hmac.js';
import { signSync, verifySync } from '../../src/index.js';

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

  it('no secret bytes in the pool after signing and verifying with a string, bytes or a JWK', () => {
    const secret = randomFillSync(Buffer.alloc(48));
    // Printable, and starting with a letter, so the checks against key documents take it as a secret.
    const asText = `s${secret.toString('latin1').replace(/[^\x21-\x7e]/g, 'x')}`;
    const inputs = [
      { key: new Uint8Array(secret), bytes: secret },
      { key: asText, bytes: Buffer.alloc(asText.length, asText, 'utf8') },
      { key: { kty: 'oct', k: secret.toString('base64url') }, bytes: secret },
    ];
    for (const { key, bytes } of inputs) {
      const token = signSync({ sub: 'u' }, key, { alg: 'HS256', expiresIn: 60 });
      expect(verifySync(token, key, { algorithms: ['HS256'] }).payload.sub).toBe('u');
      const pool = Buffer.from(Buffer.allocUnsafe(16).buffer);
      expect(pool.includes(bytes)).toBe(false);
    }
  });
});
