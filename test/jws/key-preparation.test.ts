/**
 * Keys are prepared once, with no per-call key parsing on the hot path (docs/security.md "How
 * signatures and encodings are computed"): a JWK object, secret bytes or a string secret is turned
 * into a `node:crypto` key on first use only. Counted with a spy on node:crypto's key
 * constructors (no timing).
 */
import { describe, expect, it, vi } from 'vitest';

const counts = vi.hoisted(() => ({ createPublicKey: 0, createPrivateKey: 0, createSecretKey: 0 }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    createPublicKey: (...args: Parameters<typeof actual.createPublicKey>) => {
      counts.createPublicKey++;
      return actual.createPublicKey(...args);
    },
    createPrivateKey: (...args: Parameters<typeof actual.createPrivateKey>) => {
      counts.createPrivateKey++;
      return actual.createPrivateKey(...args);
    },
    createSecretKey: (...args: Parameters<typeof actual.createSecretKey>) => {
      counts.createSecretKey++;
      return actual.createSecretKey(...args);
    },
  };
});

const { sign, verify } = await import('../../src/index.js');
const { generateKeyPairSync } = await import('node:crypto');
const { NOW_CLOCK, FAR_FUTURE } = await import('../helpers/core.js');

const reset = (): void => {
  counts.createPublicKey = 0;
  counts.createPrivateKey = 0;
  counts.createSecretKey = 0;
};

describe('keys are prepared once', () => {
  it('100 verifications with one JWK object import it once; 100 signatures with one private JWK import it once', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateJwk = pair.privateKey.export({ format: 'jwk' });
    const publicJwk = pair.publicKey.export({ format: 'jwk' });
    reset();
    const tokens: string[] = [];
    for (let i = 0; i < 100; i++)
      tokens.push(await sign({ sub: `u${i}`, exp: FAR_FUTURE }, privateJwk as never, { alg: 'ES256', clock: NOW_CLOCK }));
    for (const token of tokens) await verify(token, publicJwk as never, { algorithms: ['ES256'], clock: NOW_CLOCK });
    expect(counts.createPrivateKey).toBe(1);
    expect(counts.createPublicKey).toBe(1);
  });

  it('secret bytes and a string secret become a secret KeyObject once each', async () => {
    const bytes = new Uint8Array(32).fill(3);
    const text = 'a string secret that is long enough!!';
    reset();
    for (let i = 0; i < 50; i++) {
      const fromBytes = await sign({ exp: FAR_FUTURE }, bytes, { alg: 'HS256', clock: NOW_CLOCK });
      await verify(fromBytes, bytes, { algorithms: ['HS256'], clock: NOW_CLOCK });
      const fromText = await sign({ exp: FAR_FUTURE }, text, { alg: 'HS256', clock: NOW_CLOCK });
      await verify(fromText, text, { algorithms: ['HS256'], clock: NOW_CLOCK });
    }
    // At most one per key and operation (sign / verify may prepare separately).
    expect(counts.createSecretKey).toBeGreaterThan(0);
    expect(counts.createSecretKey).toBeLessThanOrEqual(4);
  });
});
