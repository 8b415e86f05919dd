import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportJWK, generateSecret, importKey, type Jwk } from '../../src/index.js';
import { expectCodeSync, loadFixture } from './helpers.js';

const rfc7517 = loadFixture('rfc7517.json');
const rsaPrivate = rfc7517['A.2_private_keys'].keys[1] as Jwk;
const rsaPublic = rfc7517['A.1_public_keys'].keys[1] as Jwk;

describe('exportJWK', () => {
  it('exports only the public members of a private key unless asked, with alg and kid', () => {
    const key = importKey(rsaPrivate, { alg: 'RS256' });
    expect(key.type).toBe('private');
    expect(exportJWK(key)).toEqual({ kty: 'RSA', n: rsaPublic.n, e: rsaPublic.e, alg: 'RS256', kid: '2011-04-29' });
    const full = exportJWK(key, { private: true });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) expect(full[member]).toBe(rsaPrivate[member]);
  });

  it('round-trips the RFC 7517 A.1 EC public key (as a KeyObject: no alg or kid)', () => {
    const { use: _use, kid: _kid, ...ec } = rfc7517['A.1_public_keys'].keys[0];
    const keyObject = createPublicKey({ key: ec, format: 'jwk' });
    expect(exportJWK(keyObject)).toEqual({ kty: 'EC', crv: 'P-256', x: ec.x, y: ec.y });
  });

  it('exports a secret only with { private: true }', () => {
    const secret = generateSecret('HS384', { kid: 's1' });
    expectCodeSync(() => exportJWK(secret), 'ERR_INVALID_OPTION');
    expectCodeSync(() => exportJWK(secret, null as never), 'ERR_INVALID_OPTION');
    const jwk = exportJWK(secret, { private: true });
    expect(jwk).toMatchObject({ kty: 'oct', alg: 'HS384', kid: 's1' });
    expect(Buffer.from(jwk.k as string, 'base64url').equals(secret.keyObject.export())).toBe(true);
  });

  it('refuses { private: true } for a public key', () => {
    expectCodeSync(() => exportJWK(importKey(rsaPublic, { alg: 'RS256' }), { private: true }), 'ERR_INVALID_OPTION');
  });

  it('returns a fresh mutable object each time', () => {
    const key = importKey(rsaPublic, { alg: 'RS256' });
    const first = exportJWK(key);
    first.use = 'sig';
    expect(exportJWK(key).use).toBeUndefined();
  });

  it('refuses what is not a key, and RSA-PSS-restricted keys a JWK cannot express', () => {
    expectCodeSync(() => exportJWK({ kty: 'RSA' } as never), 'ERR_KEY_INVALID');
    const { privateKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
    expectCodeSync(() => exportJWK(createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }))), 'ERR_KEY_INVALID');
  });
});
