/**
 * Where `crypto.hash` is missing (Node 20 before 20.12, other runtimes), the HMAC comes from
 * `createHmac`: same results, and the module still loads.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ createHmac: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const counted = (...args: Parameters<typeof actual.createHmac>) => {
    calls.createHmac++;
    return actual.createHmac(...args);
  };
  return { ...actual, hash: undefined, createHmac: counted };
});

const { createSecretKey } = await import('node:crypto');
// The oracle is the real createHmac, so that only jwtkit's calls are counted.
const { createHmac: realCreateHmac } = await vi.importActual<typeof import('node:crypto')>('node:crypto');
const { hmacBinary, hmacMatches } = await import('../../src/jws/hmac.js');
const { signSync, verifySync } = await import('../../src/index.js');

describe('HMAC without crypto.hash', () => {
  it('computes and checks the same MACs as createHmac, through createHmac', async () => {
    expect((await import('node:crypto')).hash).toBeUndefined();
    const before = calls.createHmac;
    for (const digest of ['sha256', 'sha384', 'sha512'] as const) {
      const key = randomBytes(200);
      // A Latin-1 message (\xe9 is one byte, not the two of UTF-8), as the crypto.hash path takes it.
      const expected = realCreateHmac(digest, key).update('a.\xe9', 'latin1').digest();
      expect(Buffer.from(hmacBinary(digest, createSecretKey(key), 'a.\xe9'), 'latin1').equals(expected)).toBe(true);
      expect(hmacMatches(digest, createSecretKey(key), 'a.\xe9', expected)).toBe(true);
      expect(hmacMatches(digest, createSecretKey(key), 'a.e', expected)).toBe(false);
      expect(hmacMatches(digest, createSecretKey(key), 'a.\xe9', expected.subarray(1))).toBe(false);
    }
    expect(calls.createHmac - before).toBe(12); // 3 digests × (1 hmacBinary + 3 hmacMatches)
  });

  it('signs and verifies HS256 tokens', () => {
    const secret = randomBytes(32);
    const token = signSync({ sub: 'u1' }, secret, { alg: 'HS256', expiresIn: 60 });
    expect(verifySync(token, secret, { algorithms: ['HS256'] }).payload.sub).toBe('u1');
    const [header, payload] = token.split('.');
    expect(token.split('.')[2]).toBe(realCreateHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url'));
  });
});
