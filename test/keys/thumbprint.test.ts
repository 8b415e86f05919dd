import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { thumbprint, type Jwk } from '../../src/index.js';
import { expectCodeSync, loadFixture } from './helpers.js';

const rfc7638 = loadFixture('rfc7638.json');
const rfc8037 = loadFixture('rfc8037.json');

describe('thumbprint (RFC 7638)', () => {
  it.each(rfc7638.vectors as { id: string; jwk: Jwk; canonical_json: string; thumbprint_b64u: string }[])('$id', (vector) => {
    expect(thumbprint(vector.jwk)).toBe(vector.thumbprint_b64u);
    // The canonical JSON of the vector hashes to the same value (an independent oracle).
    expect(createHash('sha256').update(vector.canonical_json).digest('base64url')).toBe(vector.thumbprint_b64u);
  });

  it('RFC 8037 A.3: the Ed25519 public key, and its private key, give the published thumbprint', () => {
    expect(thumbprint(rfc8037.vectors['A.2'].jwk)).toBe(rfc8037.vectors['A.3'].thumbprint_b64u);
    expect(thumbprint(rfc8037.vectors['A.1'].jwk)).toBe(rfc8037.vectors['A.3'].thumbprint_b64u);
    expect(Buffer.from(thumbprint(rfc8037.vectors['A.2'].jwk), 'base64url').toString('hex')).toBe(rfc8037.vectors['A.3'].sha256_hex);
  });

  it('ignores alg, kid, use and unknown members', () => {
    const base = rfc7638.vectors[0].jwk as Jwk;
    const decorated = { ...base, kid: 'other', alg: 'PS256', use: 'sig', x5c: ['AAAA'], extra: 1 };
    expect(thumbprint(decorated)).toBe(thumbprint(base));
  });

  it('covers oct keys (k, kty)', () => {
    const jwk = { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' };
    const expected = createHash('sha256').update(`{"k":"${jwk.k}","kty":"oct"}`).digest('base64url');
    expect(thumbprint(jwk)).toBe(expected);
  });

  it.each([
    ['no kty', { n: 'AQAB', e: 'AQAB' }],
    ['unknown kty', { kty: 'DSA', y: 'AQAB' }],
    ['missing member', { kty: 'EC', crv: 'P-256', x: 'AQAB' }],
    ['non-string member', { kty: 'RSA', n: 1, e: 'AQAB' }],
    ['non-Base64url member', { kty: 'RSA', n: 'a+b/', e: 'AQAB' }],
    ['not an object', 'kty'],
  ])('refuses a malformed JWK: %s', (_name, jwk) => {
    expectCodeSync(() => thumbprint(jwk as Jwk), 'ERR_KEY_INVALID');
  });
});
