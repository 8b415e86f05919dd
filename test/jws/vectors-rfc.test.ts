/**
 * RFC vectors through jwtkit: RFC 7515 Appendix A.1-A.4 verify (A.5 and Appendix E rejected),
 * RFC 7519 §3.1 through the JWT layer, RFC 7520 §4.1-4.4, RFC 8037 A.4/A.5. Deterministic
 * signatures (HS256, RS256, EdDSA) are reproduced byte for byte.
 *
 * Sources (copied under test/fixtures/vectors/, see its README):
 * - rfc7515.json, rfc7519.json, rfc8037.json (transcribed from erlang-jose / jwcrypto / tink, cross-checked);
 * - rfc7520/4_1..4_4*.json and rfc7520/curve25519/jws.json (ietf-jose/cookbook @ 13692b6).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signJws, verify, verifyJws, verifySync, type JwsAlgorithm } from '../../src/index.js';
import { bindKey } from '../../src/jws/key.js';
import { createSignatureSegment } from '../../src/jws/signature.js';
import type { Jwk } from '../../src/jws/types.js';
import { expectCode, fromB64u, loadVectors, NOW_CLOCK } from '../helpers/core.js';

interface Rfc7515Vector {
  id: string;
  alg: string;
  deterministic?: boolean;
  protected_b64u?: string;
  payload_b64u?: string;
  payload_utf8?: string;
  signing_input?: string;
  signature_b64u?: string;
  compact: string;
  jwk?: Jwk;
}
interface CookbookVector {
  title: string;
  reproducible?: boolean;
  input: { payload: string; key: Jwk; alg: JwsAlgorithm };
  signing: { protected: Record<string, unknown>; protected_b64u: string; 'sig-input': string; sig: string };
  output: { compact: string };
}

const rfc7515 = loadVectors<{ vectors: Rfc7515Vector[] }>('rfc7515.json').vectors;
const rfc7519 = loadVectors<{ vectors: Array<{ id: string; jwt: string; jwk?: Jwk; claims?: Record<string, unknown> }> }>(
  'rfc7519.json',
).vectors;
const rfc8037 = loadVectors<{ vectors: Record<string, { jwk?: Jwk; compact?: string; signature_b64u?: string; payload_utf8?: string }> }>(
  'rfc8037.json',
).vectors;

const PUBLIC_MEMBERS: Record<string, string[]> = { RSA: ['kty', 'n', 'e'], EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'] };

/** The public JWK of a private one (same `kid`/`use`/`alg`), or the oct JWK itself. */
function publicJwk(jwk: Jwk): Jwk {
  const members = PUBLIC_MEMBERS[jwk.kty];
  if (members === undefined) return jwk;
  const result: Record<string, unknown> = {};
  for (const name of [...members, 'kid', 'use', 'alg']) if (jwk[name] !== undefined) result[name] = jwk[name];
  return result as Jwk;
}

function vector7515(id: string): Rfc7515Vector {
  const found = rfc7515.find((vector) => vector.id === id);
  if (found === undefined) throw new Error(`missing vector ${id}`);
  return found;
}

/** One second before the A.1-A.3 payload's `exp` (1300819380). */
const BEFORE_EXP = new Date(1_300_819_379 * 1000);

describe('RFC 7515 Appendix A', () => {
  for (const id of ['RFC7515-A.1', 'RFC7515-A.2', 'RFC7515-A.3', 'RFC7515-A.4']) {
    const vector = vector7515(id);
    const alg = vector.alg as JwsAlgorithm;
    const jwk = vector.jwk as Jwk;

    it(`${id} (${alg}) verifies with verifyJws and returns the exact payload bytes`, async () => {
      const { payload, header } = await verifyJws(vector.compact, publicJwk(jwk), { algorithms: [alg] });
      expect(header.alg).toBe(alg);
      expect(Buffer.from(payload).equals(fromB64u(vector.payload_b64u as string))).toBe(true);
      expect(Buffer.from(payload).toString('utf8')).toBe(vector.payload_utf8);
    });

    it(`${id} (${alg}) verifies with a KeyObject and with a bound key`, async () => {
      const keyObject =
        jwk.kty === 'oct'
          ? new Uint8Array(fromB64u(jwk.k as string))
          : createPublicKey({ key: publicJwk(jwk) as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
      const expected = { header: expect.objectContaining({ alg }), payload: new Uint8Array(fromB64u(vector.payload_b64u as string)) };
      await expect(verifyJws(vector.compact, keyObject, { algorithms: [alg] })).resolves.toEqual(expected);
      await expect(verifyJws(vector.compact, bindKey(keyObject, alg), { algorithms: [alg] })).resolves.toEqual(expected);
    });

    it(`${id} (${alg}) fails after a one-bit change of the signature`, async () => {
      const signature = fromB64u(vector.signature_b64u as string);
      signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 1;
      const tampered = `${vector.signing_input}.${signature.toString('base64url')}`;
      await expectCode(() => verifyJws(tampered, publicJwk(jwk), { algorithms: [alg] }), 'ERR_JWT_SIGNATURE_INVALID');
    });
  }

  it('A.1-A.3 carry a JWT payload: verify() accepts them before exp and reports expiry after', async () => {
    for (const id of ['RFC7515-A.1', 'RFC7515-A.2', 'RFC7515-A.3']) {
      const vector = vector7515(id);
      const alg = vector.alg as JwsAlgorithm;
      const key = publicJwk(vector.jwk as Jwk);
      const { payload } = await verify(vector.compact, key, { algorithms: [alg], clock: () => BEFORE_EXP });
      expect(payload).toEqual({ iss: 'joe', exp: 1_300_819_380, 'http://example.com/is_root': true });
      const error = await expectCode(() => verify(vector.compact, key, { algorithms: [alg], clock: NOW_CLOCK }), 'ERR_JWT_EXPIRED');
      expect(error.expiredAt?.getTime()).toBe(1_300_819_380_000);
    }
  });

  it('A.1 (HS256): the HMAC over the original signing input (CRLF header) is reproduced byte for byte', () => {
    const vector = vector7515('RFC7515-A.1');
    const secret = secretBytes((vector.jwk as Jwk).k as string);
    const bound = bindKey(secret, 'HS256');
    expect(createSignatureSegment('HS256', bound.keyObject, vector.signing_input as string)).toBe(vector.signature_b64u);
  });

  it('A.2 (RS256): signJws reproduces the compact JWS byte for byte', async () => {
    const vector = vector7515('RFC7515-A.2');
    const payload = fromB64u(vector.payload_b64u as string);
    await expect(signJws(new Uint8Array(payload), vector.jwk as Jwk, { alg: 'RS256' })).resolves.toBe(vector.compact);
    const privateKey = createPrivateKey({ key: vector.jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
    await expect(signJws(new Uint8Array(payload), privateKey, { alg: 'RS256' })).resolves.toBe(vector.compact);
  });

  it('A.5 (unsecured, alg "none") is rejected, whatever the verifier allows', async () => {
    const vector = vector7515('RFC7515-A.5');
    const hmacKey = new Uint8Array(fromB64u((vector7515('RFC7515-A.1').jwk as Jwk).k as string));
    await expectCode(() => verifyJws(vector.compact, hmacKey, { algorithms: ['HS256'] }), 'ERR_JWT_ALG_NOT_ALLOWED');
    await expectCode(() => verify(vector.compact, hmacKey, { algorithms: ['HS256'], clock: () => BEFORE_EXP }), 'ERR_JWT_ALG_NOT_ALLOWED');
    // "none" cannot even be allowed.
    await expectCode(() => verifyJws(vector.compact, hmacKey, { algorithms: ['none' as JwsAlgorithm] }), 'ERR_INVALID_OPTION');
  });

  it('Appendix E ("crit" naming an unknown extension) is rejected', async () => {
    const vector = vector7515('RFC7515-E');
    const hmacKey = new Uint8Array(fromB64u((vector7515('RFC7515-A.1').jwk as Jwk).k as string));
    await expectCode(
      () => verifyJws(vector.compact, hmacKey, { algorithms: ['HS256'] }),
      'ERR_JWT_UNSUPPORTED_HEADER',
      'ERR_JWT_ALG_NOT_ALLOWED',
    );
  });
});

/** Secret bytes from a JWK `k`. */
function secretBytes(k: string): Uint8Array {
  return new Uint8Array(fromB64u(k));
}

describe('RFC 7519 §3.1 and §6.1', () => {
  const example = rfc7519.find((vector) => vector.id === 'RFC7519-3.1');
  const unsecured = rfc7519.find((vector) => vector.id === 'RFC7519-6.1');

  it('§3.1 example JWT verifies (async and sync) with its claims, clock frozen before exp', async () => {
    const key = example?.jwk as Jwk;
    const expected = example?.claims;
    const asyncResult = await verify(example?.jwt as string, key, { algorithms: ['HS256'], clock: () => BEFORE_EXP });
    expect(asyncResult.payload).toEqual(expected);
    expect(asyncResult.header).toMatchObject({ typ: 'JWT', alg: 'HS256' });
    const syncResult = verifySync(example?.jwt as string, key, { algorithms: ['HS256'], clock: () => BEFORE_EXP });
    expect(syncResult.payload).toEqual(expected);
  });

  it('§3.1 example JWT with typ "JWT" expected matches; it is expired at NOW', async () => {
    const key = example?.jwk as Jwk;
    await expect(verify(example?.jwt as string, key, { algorithms: ['HS256'], typ: 'JWT', clock: () => BEFORE_EXP })).resolves.toEqual({
      header: expect.objectContaining({ typ: 'JWT' }),
      payload: example?.claims,
    });
    await expectCode(() => verify(example?.jwt as string, key, { algorithms: ['HS256'], clock: NOW_CLOCK }), 'ERR_JWT_EXPIRED');
  });

  it('§6.1 unsecured JWT is rejected', async () => {
    const key = example?.jwk as Jwk;
    await expectCode(
      () => verify(unsecured?.jwt as string, key, { algorithms: ['HS256'], clock: () => BEFORE_EXP }),
      'ERR_JWT_ALG_NOT_ALLOWED',
    );
  });
});

describe('RFC 7520 §4.1-4.4 (JOSE cookbook) and RFC 8037 A.4 (cookbook curve25519)', () => {
  const cookbook: Array<[string, CookbookVector]> = [
    ['rfc7520/4_1.rsa_v15_signature.json', loadVectors<CookbookVector>('rfc7520/4_1.rsa_v15_signature.json')],
    ['rfc7520/4_2.rsa-pss_signature.json', loadVectors<CookbookVector>('rfc7520/4_2.rsa-pss_signature.json')],
    ['rfc7520/4_3.ecdsa_signature.json', loadVectors<CookbookVector>('rfc7520/4_3.ecdsa_signature.json')],
    ['rfc7520/4_4.hmac-sha2_integrity_protection.json', loadVectors<CookbookVector>('rfc7520/4_4.hmac-sha2_integrity_protection.json')],
    ['rfc7520/curve25519/jws.json', loadVectors<CookbookVector>('rfc7520/curve25519/jws.json')],
  ];

  for (const [file, vector] of cookbook) {
    const { alg, key, payload } = vector.input;

    it(`${file} (${alg}): output.compact verifies and returns the UTF-8 payload`, async () => {
      const result = await verifyJws(vector.output.compact, publicJwk(key), { algorithms: [alg] });
      expect(Buffer.from(result.payload).toString('utf8')).toBe(payload);
      expect(result.header).toEqual(vector.signing.protected);
      expect(vector.output.compact.split('.')[0]).toBe(vector.signing.protected_b64u);
    });

    it(`${file} (${alg}): a one-bit change of the payload fails`, async () => {
      const [header, body, signature] = vector.output.compact.split('.') as [string, string, string];
      const bytes = fromB64u(body);
      bytes[0] = (bytes[0] as number) ^ 1;
      await expectCode(
        () => verifyJws(`${header}.${bytes.toString('base64url')}.${signature}`, publicJwk(key), { algorithms: [alg] }),
        'ERR_JWT_SIGNATURE_INVALID',
      );
    });

    if (vector.reproducible === true) {
      it(`${file} (${alg}): signJws reproduces output.compact byte for byte`, async () => {
        // The key's own kid goes into the header (alg, then kid), as the cookbook did.
        await expect(signJws(payload, key, { alg })).resolves.toBe(vector.output.compact);
      });
    } else {
      it(`${file} (${alg}): randomized; a fresh signJws signature verifies with the cookbook public key`, async () => {
        const token = await signJws(payload, key, { alg });
        expect(token.split('.')[0]).toBe(vector.signing.protected_b64u);
        const result = await verifyJws(token, publicJwk(key), { algorithms: [alg] });
        expect(Buffer.from(result.payload).toString('utf8')).toBe(payload);
      });
    }
  }

  it('reproducible flags match the algorithms: RS256, HS256, EdDSA deterministic; PS384, ES512 not', () => {
    expect(cookbook.map(([, vector]) => [vector.input.alg, vector.reproducible === true])).toEqual([
      ['RS256', true],
      ['PS384', false],
      ['ES512', false],
      ['HS256', true],
      ['EdDSA', true],
    ]);
  });
});

describe('RFC 8037 A.4/A.5 (Ed25519)', () => {
  const a1 = rfc8037['A.1'];
  const a2 = rfc8037['A.2'];
  const a4 = rfc8037['A.4'];
  const a5 = rfc8037['A.5'];

  it('A.4: signJws with the A.1 private key reproduces the signature byte for byte', async () => {
    await expect(signJws(a4?.payload_utf8 as string, a1?.jwk as Jwk, { alg: 'EdDSA' })).resolves.toBe(a4?.compact);
    const privateKey = createPrivateKey({ key: a1?.jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
    await expect(signJws(a4?.payload_utf8 as string, bindKey(privateKey, 'EdDSA'), { alg: 'EdDSA' })).resolves.toBe(a4?.compact);
  });

  it('A.5: the compact JWS verifies with the A.2 public key', async () => {
    const result = await verifyJws(a5?.compact as string, a2?.jwk as Jwk, { algorithms: ['EdDSA'] });
    expect(Buffer.from(result.payload).toString('utf8')).toBe('Example of Ed25519 signing');
  });

  it('A.5 with the A.2 key refuses any algorithm but EdDSA', async () => {
    await expectCode(() => verifyJws(a5?.compact as string, a2?.jwk as Jwk, { algorithms: ['ES256'] }), 'ERR_JWT_ALG_NOT_ALLOWED');
  });
});
