/**
 * B7–B15, key handling and algorithm confusion (RFC 8725 §2.1, §3.1, §3.5): string HS secrets are
 * allowed, but PEM- or JSON-looking strings are refused with ERR_KEY_INVALID; HMAC secrets shorter
 * than the hash, RSA < 2048 bits and curve mismatches are ERR_KEY_INVALID; an RSA key with both
 * RS* and PS* allowed is ambiguous unless it names its alg. JWKS-only parts (key sets, duplicate
 * kids) are tested in test/keys/key-set.test.ts and test/keys/local-jwks.test.ts.
 */
import { createPublicKey, createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  isBoundKey,
  sign,
  signJws,
  signSync,
  verify,
  verifyJws,
  type JwsAlgorithm,
  type JwsHeader,
  type KeyInput,
  type VerifyOptions,
} from '../../src/index.js';
import { bindKey } from '../../src/jws/key.js';
import { expectCode, expectCodeSync, FAR_FUTURE, forge, NOW, NOW_CLOCK, pemOf, testKeys } from '../helpers/core.js';

const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const keys = testKeys();
const at = (algorithms: JwsAlgorithm[]): VerifyOptions => ({ algorithms, clock: NOW_CLOCK });

const rsaPublicPem = pemOf(keys.rsa.publicKey);
const rsaPkcs1Pem = keys.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
const ecPublicPem = pemOf(keys.p256.publicKey);
const rsaJwkJson = JSON.stringify(keys.rsa.publicKey.export({ format: 'jwk' }));
const fakeCertificatePem = `-----BEGIN CERTIFICATE-----\n${Buffer.alloc(600, 7).toString('base64')}\n-----END CERTIFICATE-----\n`;

describe('B7. an RS256/ES256 public key used as the HMAC secret of an HS256 token', () => {
  const representations: Array<[string, string | Uint8Array]> = [
    ['SPKI PEM (RSA)', rsaPublicPem],
    ['PKCS#1 PEM (RSA)', rsaPkcs1Pem],
    ['SPKI PEM (EC)', ecPublicPem],
    ['certificate PEM', fakeCertificatePem],
    ['JWK JSON string', rsaJwkJson],
    ['SPKI DER bytes', new Uint8Array(keys.rsa.publicKey.export({ type: 'spki', format: 'der' }))],
    [
      'SPKI DER in Base64 (as kept in an environment variable)',
      keys.rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    ],
    ['PKCS#1 DER in Base64', keys.rsa.publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64')],
  ];

  for (const [name, material] of representations) {
    it(`HS256 forged with the ${name} → ERR_JWT_ALG_NOT_ALLOWED against the verifier bound to RS256/ES256`, async () => {
      const token = forge('HS256', { alg: 'HS256', typ: 'JWT' }, P, Buffer.from(material));
      await expectCode(() => verify(token, keys.rsa.publicKey, at(['RS256'])), 'ERR_JWT_ALG_NOT_ALLOWED');
      await expectCode(() => verify(token, keys.p256.publicKey, at(['ES256'])), 'ERR_JWT_ALG_NOT_ALLOWED');
      // Allowing HS256 next to RS256 does not help: the RSA key does not fit HS256.
      await expectCode(() => verify(token, bindKey(keys.rsa.publicKey, 'RS256'), at(['RS256', 'HS256'])), 'ERR_JWT_ALG_NOT_ALLOWED');
      await expectCode(() => verify(token, keys.rsa.publicKey, at(['HS256'])), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID');
    });
  }

  for (const [name, material] of representations.filter(([, value]) => typeof value === 'string')) {
    it(`the ${name} given as an HS256 string secret → ERR_KEY_INVALID (verify, sign, bindKey)`, async () => {
      const token = forge('HS256', { alg: 'HS256', typ: 'JWT' }, P, Buffer.from(material));
      await expectCode(() => verify(token, material, at(['HS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => sign(P, material, { alg: 'HS256' }), 'ERR_KEY_INVALID');
      expectCodeSync(() => bindKey(material, 'HS256'), 'ERR_KEY_INVALID');
    });
  }

  it('a public KeyObject cannot be an HMAC key (bindKey HS256 → ERR_KEY_INVALID)', () => {
    expectCodeSync(() => bindKey(keys.rsa.publicKey, 'HS256'), 'ERR_KEY_INVALID');
    expectCodeSync(() => bindKey(keys.p256.publicKey, 'HS256'), 'ERR_KEY_INVALID');
  });
});

describe('B8. the string-sniffing family: PKCS#1 header, whitespace and junk prefixes, JWK JSON', () => {
  const prefixes = [
    '',
    '\n',
    '  \t',
    '# some comment\n',
    '.',
    'HTTP/1.1 200 OK\r\n\r\n',
    '\u0000',
    '\u0001',
    '\u001b',
    '\u007f',
    '\u200b',
    '\u200d',
    '\u180e',
    '\ufeff',
  ];
  const pems: Array<[string, string]> = [
    ['SPKI', rsaPublicPem],
    ['PKCS#1', rsaPkcs1Pem],
    ['certificate', fakeCertificatePem],
    ['EC SPKI', ecPublicPem],
  ];
  for (const [pemName, pem] of pems) {
    it(`${pemName} PEM behind every prefix → ERR_KEY_INVALID, and its forged HS256 token never verifies`, async () => {
      for (const prefix of prefixes) {
        const secret = prefix + pem;
        const token = forge('HS256', { alg: 'HS256' }, P, Buffer.from(secret, 'utf8'));
        await expectCode(() => verify(token, secret, at(['HS256'])), 'ERR_KEY_INVALID');
        await expectCode(() => signJws('x', secret, { alg: 'HS256' }), 'ERR_KEY_INVALID');
      }
    });
  }

  it('JWK / JWKS JSON strings (also behind whitespace) → ERR_KEY_INVALID', async () => {
    const jwks = JSON.stringify({ keys: [JSON.parse(rsaJwkJson)] });
    const octJwk = JSON.stringify({ kty: 'oct', k: Buffer.alloc(32, 1).toString('base64url') });
    for (const json of [rsaJwkJson, jwks, octJwk, `  ${rsaJwkJson}`, `\n${jwks}`, `\ufeff${octJwk}`, `[${rsaJwkJson}]`]) {
      const token = forge('HS256', { alg: 'HS256' }, P, Buffer.from(json, 'utf8'));
      await expectCode(() => verify(token, json, at(['HS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => sign(P, json, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    }
  });

  it('control: an ordinary long string secret works for HS256 (string secrets are allowed)', async () => {
    const secret = 'correct horse battery staple, but much longer!!';
    const token = await sign(P, secret, { alg: 'HS256' });
    await expect(verify(token, secret, at(['HS256']))).resolves.toMatchObject({ payload: P });
    // The string is UTF-8 encoded: the forged equivalent verifies too.
    await expect(verify(forge('HS256', { alg: 'HS256' }, P, Buffer.from(secret)), secret, at(['HS256']))).resolves.toEqual({
      header: { alg: 'HS256' },
      payload: P,
    });
  });

  it('a string secret is refused for every non-HS algorithm', async () => {
    const secret = 'x'.repeat(64);
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as JwsAlgorithm[]) {
      await expectCode(() => sign(P, secret, { alg }), 'ERR_KEY_INVALID');
      expectCodeSync(() => bindKey(secret, alg), 'ERR_KEY_INVALID');
    }
  });
});

describe('B9. a key resolver returning the "wrong kind" of key', () => {
  const hmacSecret = keys.hs256;
  const resolver = (header: Readonly<JwsHeader>): KeyInput => (header.kid === 'rsa' ? keys.rsa.publicKey : hmacSecret);

  it('{"alg":"HS256","kid":"rsa"} MACed with the RSA key bytes (PEM or DER) → ERR_JWT_ALG_NOT_ALLOWED / ERR_KEY_INVALID', async () => {
    for (const material of [Buffer.from(rsaPublicPem), keys.rsa.publicKey.export({ type: 'spki', format: 'der' })]) {
      const token = forge('HS256', { alg: 'HS256', kid: 'rsa' }, P, material);
      await expectCode(() => verify(token, resolver, at(['HS256', 'RS256'])), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID');
      await expectCode(() => verify(token, resolver, at(['HS256'])), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID');
    }
  });

  it('controls: the resolver path works for both of its keys', async () => {
    const hsToken = forge('HS256', { alg: 'HS256', kid: 'hmac' }, P, hmacSecret);
    await expect(verify(hsToken, resolver, at(['HS256']))).resolves.toMatchObject({ payload: P });
    const rsToken = forge('RS256', { alg: 'RS256', kid: 'rsa' }, P, keys.rsa.privateKey);
    await expect(verify(rsToken, resolver, at(['RS256']))).resolves.toMatchObject({ payload: P });
  });

  it('the resolver receives only the frozen protected header and the token, and its key goes through the same checks', async () => {
    const token = forge('HS256', { alg: 'HS256', kid: 'short' }, P, new Uint8Array(16));
    let seen: unknown[] = [];
    await expectCode(
      () =>
        verify(
          token,
          (...args: unknown[]) => {
            seen = args;
            return new Uint8Array(16);
          },
          at(['HS256']),
        ),
      'ERR_KEY_INVALID',
    );
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual({ alg: 'HS256', kid: 'short' });
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(seen[1]).toBe(token);
  });
});

describe('B10. a key without alg: the header must not pick among several algorithms', () => {
  const rsaJwk = keys.rsa.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;

  it('an RSA KeyObject or JWK without alg, with RS256 and PS256 both allowed → ERR_KEY_INVALID (ambiguous)', async () => {
    for (const alg of ['RS256', 'PS256'] as JwsAlgorithm[]) {
      const token = forge(alg, { alg }, P, keys.rsa.privateKey);
      await expectCode(() => verify(token, keys.rsa.publicKey, at(['RS256', 'PS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => verify(token, rsaJwk as never, at(['RS256', 'PS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => verify(token, keys.rsa.publicKey, at(['RS256', 'RS384'])), 'ERR_KEY_INVALID');
    }
  });

  it('a repeated algorithm in the allow-list does not make a key ambiguous (verifies, or the list is refused as misuse)', async () => {
    const token = forge('RS256', { alg: 'RS256' }, P, keys.rsa.privateKey);
    const outcome = await verify(token, keys.rsa.publicKey, at(['RS256', 'RS256'])).then(
      () => 'verified',
      (error: { code?: string }) => error.code,
    );
    expect(['verified', 'ERR_INVALID_OPTION']).toContain(outcome);
  });

  it('the same key naming its alg (JWK alg or bindKey) is not ambiguous', async () => {
    const token = forge('PS256', { alg: 'PS256' }, P, keys.rsa.privateKey);
    await expect(verify(token, { ...rsaJwk, alg: 'PS256' } as never, at(['RS256', 'PS256']))).resolves.toMatchObject({ payload: P });
    await expect(verify(token, bindKey(keys.rsa.publicKey, 'PS256'), at(['RS256', 'PS256']))).resolves.toMatchObject({ payload: P });
  });

  it('an HMAC secret without alg with HS256 and HS384 both allowed → ERR_KEY_INVALID (ambiguous)', async () => {
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs512);
    await expectCode(() => verify(token, keys.hs512, at(['HS256', 'HS384'])), 'ERR_KEY_INVALID');
    await expect(verify(token, bindKey(keys.hs512, 'HS256'), at(['HS256', 'HS384']))).resolves.toEqual({
      header: { alg: 'HS256' },
      payload: P,
    });
  });

  it('an EC key is not ambiguous: its curve fixes the algorithm (P-256 with ES256 and ES384 allowed verifies ES256)', async () => {
    // RFC 7518 §3.4: ES256 is P-256, ES384 is P-384. A P-256 key fits exactly one of them.
    const token = forge('ES256', { alg: 'ES256' }, P, keys.p256.privateKey);
    await expect(verify(token, keys.p256.publicKey, at(['ES256', 'ES384', 'ES512']))).resolves.toMatchObject({ payload: P });
    const es384 = forge('ES384', { alg: 'ES384' }, P, keys.p384.privateKey);
    await expect(verify(es384, keys.p384.publicKey, at(['ES256', 'ES384']))).resolves.toMatchObject({ payload: P });
  });

  it('a key without alg and exactly one fitting allowed algorithm: other header algs → ERR_JWT_ALG_NOT_ALLOWED', async () => {
    const rs384 = forge('RS384', { alg: 'RS384' }, P, keys.rsa.privateKey);
    await expectCode(() => verify(rs384, keys.rsa.publicKey, at(['RS256'])), 'ERR_JWT_ALG_NOT_ALLOWED');
    // HS256 allowed next to RS256, RSA key, HS256 token MACed with the JWK JSON.
    const forged = forge('HS256', { alg: 'HS256' }, P, Buffer.from(JSON.stringify(rsaJwk)));
    await expectCode(() => verify(forged, rsaJwk as never, at(['RS256', 'HS256'])), 'ERR_JWT_ALG_NOT_ALLOWED');
    // ...and with HS256 alone, an RSA JWK is no HMAC key.
    await expectCode(() => verify(forged, rsaJwk as never, at(['HS256'])), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID');
  });
});

describe('B11. key type, curve and size must match the algorithm', () => {
  it('ES256 token signed with a P-384 key and verified with it → ERR_KEY_INVALID (curve fixed by alg)', async () => {
    const token = forge('ES256', { alg: 'ES256' }, P, keys.p384.privateKey);
    await expectCode(() => verify(token, keys.p384.publicKey, at(['ES256'])), 'ERR_KEY_INVALID');
    expectCodeSync(() => bindKey(keys.p384.publicKey, 'ES256'), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, keys.p384.privateKey, { alg: 'ES256' }), 'ERR_KEY_INVALID');
  });

  it('every ES alg refuses the other two curves', () => {
    const byAlg: Array<[JwsAlgorithm, KeyObject[]]> = [
      ['ES256', [keys.p384.publicKey, keys.p521.publicKey]],
      ['ES384', [keys.p256.publicKey, keys.p521.publicKey]],
      ['ES512', [keys.p256.publicKey, keys.p384.publicKey]],
    ];
    for (const [alg, wrong] of byAlg) for (const key of wrong) expectCodeSync(() => bindKey(key, alg), 'ERR_KEY_INVALID');
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    for (const alg of ['ES256', 'ES384', 'ES512'] as JwsAlgorithm[])
      expectCodeSync(() => bindKey(secp256k1.publicKey, alg), 'ERR_KEY_INVALID');
  });

  it('RSA keys of 1024 and 2040 bits → ERR_KEY_INVALID for RS*/PS*, signing and verifying', async () => {
    for (const modulusLength of [1024, 2040]) {
      const small = generateKeyPairSync('rsa', { modulusLength });
      for (const alg of ['RS256', 'RS512', 'PS256', 'PS384'] as JwsAlgorithm[]) {
        const token = forge(alg, { alg }, P, small.privateKey);
        await expectCode(() => verify(token, small.publicKey, at([alg])), 'ERR_KEY_INVALID');
        await expectCode(() => sign(P, small.privateKey, { alg }), 'ERR_KEY_INVALID');
      }
    }
  });

  it('an RSA JWK with e = 1 (forgeable) or an even e → ERR_KEY_INVALID', async () => {
    const jwk = keys.rsa.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    for (const e of ['AQ', 'Ag', 'AAE']) {
      await expectCode(
        () => verify(forge('RS256', { alg: 'RS256' }, P, keys.rsa.privateKey), { ...jwk, e } as never, at(['RS256'])),
        'ERR_KEY_INVALID',
      );
    }
  });

  it('an RSA modulus above 8192 bits or a huge public exponent (RFC 8725 §3.4, key as input) → ERR_KEY_INVALID', async () => {
    // A public key needs no primes: any odd modulus of the right size imports.
    const hugeModulus = Buffer.alloc(16_384 / 8, 0xab);
    hugeModulus[0] = 0xc1;
    const jwk = keys.rsa.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const token = forge('RS256', { alg: 'RS256' }, P, keys.rsa.privateKey);
    await expectCode(() => verify(token, { ...jwk, n: hugeModulus.toString('base64url') } as never, at(['RS256'])), 'ERR_KEY_INVALID');
    const hugeExponent = Buffer.alloc(256, 0xff).toString('base64url');
    await expectCode(() => verify(token, { ...jwk, e: hugeExponent } as never, at(['RS256'])), 'ERR_KEY_INVALID');
  });

  it('EC JWKs: a point off the curve, a curve that contradicts the JWK alg, an unknown curve → ERR_KEY_INVALID', async () => {
    const jwk = keys.p256.publicKey.export({ format: 'jwk' }) as Record<string, string>;
    const y = Buffer.from(jwk['y'] as string, 'base64url');
    y[31] = (y[31] as number) ^ 1;
    const token = forge('ES256', { alg: 'ES256' }, P, keys.p256.privateKey);
    await expectCode(() => verify(token, { ...jwk, y: y.toString('base64url') } as never, at(['ES256'])), 'ERR_KEY_INVALID');
    await expectCode(
      () => verify(token, { ...jwk, alg: 'ES384' } as never, at(['ES256', 'ES384'])),
      'ERR_KEY_INVALID',
      'ERR_JWT_ALG_NOT_ALLOWED',
    );
    expectCodeSync(() => bindKey({ ...jwk, alg: 'ES384' } as never, 'ES384'), 'ERR_KEY_INVALID');
    await expectCode(() => verify(token, { ...jwk, crv: 'P-257' } as never, at(['ES256'])), 'ERR_KEY_INVALID');
    await expectCode(() => verify(token, { ...jwk, crv: 'P-384' } as never, at(['ES256'])), 'ERR_KEY_INVALID');
  });

  it('DSA, X25519, X448 and Ed448 keys are refused for RS256 / EdDSA', () => {
    const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 });
    const x25519 = generateKeyPairSync('x25519');
    const x448 = generateKeyPairSync('x448');
    const ed448 = generateKeyPairSync('ed448');
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256'] as JwsAlgorithm[]) {
      for (const key of [dsa.publicKey, x25519.publicKey, x448.publicKey, ed448.publicKey]) {
        expectCodeSync(() => bindKey(key, alg), 'ERR_KEY_INVALID');
      }
    }
  });

  it('an Ed448 key for an EdDSA token → ERR_KEY_INVALID (Ed25519 only)', async () => {
    const ed448 = generateKeyPairSync('ed448');
    const token = forge('EdDSA', { alg: 'EdDSA' }, P, ed448.privateKey);
    await expectCode(() => verify(token, ed448.publicKey, at(['EdDSA'])), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, ed448.privateKey, { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
  });

  it('an rsa-pss KeyObject restricted to SHA-512 is refused for PS256, accepted for PS512', () => {
    // @types/node types saltLength as a string here; Node takes a number.
    const pss = generateKeyPairSync('rsa-pss', {
      modulusLength: 2048,
      hashAlgorithm: 'sha512',
      mgf1HashAlgorithm: 'sha512',
      saltLength: 64 as unknown as string,
    });
    expectCodeSync(() => bindKey(pss.publicKey, 'PS256'), 'ERR_KEY_INVALID');
    expectCodeSync(() => bindKey(pss.publicKey, 'RS256'), 'ERR_KEY_INVALID');
    expect(isBoundKey(bindKey(pss.publicKey, 'PS512'))).toBe(true);
  });

  it('an EC or OKP key for RS256, an RSA key for ES256/EdDSA → ERR_KEY_INVALID', () => {
    expectCodeSync(() => bindKey(keys.p256.publicKey, 'RS256'), 'ERR_KEY_INVALID');
    expectCodeSync(() => bindKey(keys.ed25519.publicKey, 'ES256'), 'ERR_KEY_INVALID');
    expectCodeSync(() => bindKey(keys.rsa.publicKey, 'ES256'), 'ERR_KEY_INVALID');
    expectCodeSync(() => bindKey(keys.rsa.publicKey, 'EdDSA'), 'ERR_KEY_INVALID');
  });
});

describe('B12. empty or short HMAC secrets, on signing and on verifying', () => {
  const emptyKeyToken =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwfQ.OmoH9JK-Zr-EKoO3mdgT8UkoSBm7NLvIB-wgy1tQK94';

  it('the forged emptyKeyToken is HMAC-SHA256 with the empty key', () => {
    expect(forge('HS256', { alg: 'HS256', typ: 'JWT' }, P, new Uint8Array(0))).toBe(emptyKeyToken);
  });

  it('static empty keys → ERR_KEY_INVALID', async () => {
    for (const key of [new Uint8Array(0), Buffer.alloc(0), '', createSecretKey(Buffer.alloc(0))]) {
      await expectCode(() => verify(emptyKeyToken, key, at(['HS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => sign(P, key, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    }
  });

  it('a resolver returning "", an empty buffer, undefined or null → ERR_KEY_INVALID', async () => {
    for (const key of ['', Buffer.alloc(0), new Uint8Array(0), undefined, null]) {
      await expectCode(() => verify(emptyKeyToken, () => key as never, at(['HS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => verify(emptyKeyToken, async () => key as never, at(['HS256'])), 'ERR_KEY_INVALID');
    }
  });

  const minimum: Array<[JwsAlgorithm, number]> = [
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ];
  for (const [alg, bytes] of minimum) {
    it(`${alg}: a ${bytes - 1}-byte secret is refused (bytes, string, KeyObject, JWK); ${bytes} bytes work`, async () => {
      const short = new Uint8Array(bytes - 1).fill(0x61);
      const token = forge(alg, { alg }, P, short);
      const forms: KeyInput[] = [
        short,
        'a'.repeat(bytes - 1),
        createSecretKey(short),
        { kty: 'oct', k: Buffer.from(short).toString('base64url') },
      ];
      for (const key of forms) {
        await expectCode(() => verify(token, key, at([alg])), 'ERR_KEY_INVALID');
        await expectCode(() => sign(P, key, { alg }), 'ERR_KEY_INVALID');
        expectCodeSync(() => bindKey(key, alg), 'ERR_KEY_INVALID');
      }
      const enough = new Uint8Array(bytes).fill(0x61);
      await expect(verify(forge(alg, { alg }, P, enough), 'a'.repeat(bytes), at([alg]))).resolves.toMatchObject({ payload: P });
    });
  }

  it('a string secret is measured in UTF-8 bytes: 16 two-byte characters make 32 bytes', async () => {
    const secret = 'é'.repeat(16);
    const token = await sign(P, secret, { alg: 'HS256' });
    await expect(verify(token, secret, at(['HS256']))).resolves.toMatchObject({ header: { alg: 'HS256' }, payload: P });
    await expectCode(() => sign(P, 'é'.repeat(15), { alg: 'HS256' }), 'ERR_KEY_INVALID');
  });
});

describe('B13. falsy and junk keys with an allow-list fail closed', () => {
  it('"", null, undefined, false, 0, [] as key → ERR_KEY_INVALID (verify, sign, bindKey)', async () => {
    const emptySig = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiJ9.';
    const emptyKeyMac = forge('HS256', { alg: 'HS256' }, P, new Uint8Array(0));
    for (const key of ['', null, undefined, false, 0, [], NaN]) {
      await expectCode(() => verify(emptySig, key as never, at(['HS256'])), 'ERR_KEY_INVALID', 'ERR_JWT_SIGNATURE_INVALID');
      await expectCode(() => verify(emptyKeyMac, key as never, at(['HS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => sign(P, key as never, { alg: 'HS256' }), 'ERR_KEY_INVALID');
      expectCodeSync(() => bindKey(key as never, 'HS256'), 'ERR_KEY_INVALID');
    }
  });
});

describe('B14. untrusted objects as keys: no getter, toString or trap runs; ERR_KEY_INVALID', () => {
  it('objects with a throwing toString / valueOf, numbers, arrays, functions-as-keys for signing', async () => {
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs256);
    const hostile: unknown[] = [
      {
        toString() {
          throw new Error('pwn');
        },
      },
      {
        valueOf() {
          throw new Error('pwn');
        },
      },
      {
        [Symbol.toPrimitive]() {
          throw new Error('pwn');
        },
      },
      [1, 2, 3],
      42,
      Symbol('key'),
      10n,
      new ArrayBuffer(32),
      new DataView(new ArrayBuffer(32)),
      new Uint16Array(32),
      new Date(),
    ];
    for (const key of hostile) {
      await expectCode(() => verify(token, key as never, at(['HS256'])), 'ERR_KEY_INVALID');
      await expectCode(() => sign(P, key as never, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    }
    await expectCode(() => sign(P, (() => keys.hs256) as never, { alg: 'HS256' }), 'ERR_KEY_INVALID', 'ERR_INVALID_OPTION');
  });

  it('a JWK with accessor members: the getters never run, the key is refused', async () => {
    const calls: string[] = [];
    const jwk = {
      kty: 'oct',
      get k() {
        calls.push('k');
        return Buffer.alloc(32, 1).toString('base64url');
      },
    };
    const token = forge('HS256', { alg: 'HS256' }, P, Buffer.alloc(32, 1));
    await expectCode(() => verify(token, jwk as never, at(['HS256'])), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, jwk as never, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    const kty = {
      get kty() {
        calls.push('kty');
        return 'oct';
      },
      k: Buffer.alloc(32, 1).toString('base64url'),
    };
    await expectCode(() => verify(token, kty as never, at(['HS256'])), 'ERR_KEY_INVALID');
    expect(calls).toEqual([]);
  });

  it('a Proxy whose get trap throws: refused with ERR_KEY_INVALID, no foreign error escapes', async () => {
    const proxy = new Proxy(
      { kty: 'oct', k: Buffer.alloc(32, 1).toString('base64url') },
      {
        get() {
          throw new Error('pwn');
        },
      },
    );
    const token = forge('HS256', { alg: 'HS256' }, P, Buffer.alloc(32, 1));
    // The proxy's data properties are readable through descriptors; whatever jwtkit decides, it
    // must not run the get trap (a thrown "pwn" would escape as a non-JwtError).
    const outcome = await verify(token, proxy as never, at(['HS256'])).then(
      () => 'verified',
      (error: unknown) => error,
    );
    if (outcome !== 'verified') expect(outcome).toMatchObject({ name: 'JwtError', code: 'ERR_KEY_INVALID' });
  });

  it('a Proxy whose getOwnPropertyDescriptor trap throws → ERR_KEY_INVALID', async () => {
    const proxy = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error('pwn');
        },
        get() {
          throw new Error('pwn');
        },
      },
    );
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs256);
    await expectCode(() => verify(token, proxy as never, at(['HS256'])), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, proxy as never, { alg: 'HS256' }), 'ERR_KEY_INVALID');
  });

  it('a look-alike BoundKey object is not a BoundKey', async () => {
    const fake = { alg: 'HS256', kid: undefined, type: 'secret', keyObject: createSecretKey(Buffer.from(keys.hs256)) };
    expect(isBoundKey(fake)).toBe(false);
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs256);
    await expectCode(() => verify(token, fake as never, at(['HS256'])), 'ERR_KEY_INVALID');
  });

  it('a JWK is snapshotted on first use: mutating it afterwards changes nothing', async () => {
    const jwk: Record<string, unknown> = { kty: 'oct', k: Buffer.from(keys.hs256).toString('base64url'), alg: 'HS256' };
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs256);
    await expect(verify(token, jwk as never, at(['HS256']))).resolves.toEqual({ header: { alg: 'HS256' }, payload: P });
    jwk['k'] = Buffer.alloc(32, 9).toString('base64url');
    jwk['alg'] = 'HS512';
    await expect(verify(token, jwk as never, at(['HS256']))).resolves.toEqual({ header: { alg: 'HS256' }, payload: P });
  });
});

describe('B15. a key used for the wrong operation or purpose → ERR_KEY_INVALID', () => {
  const rsJwk = keys.rsa.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const rsToken = forge('RS256', { alg: 'RS256' }, P, keys.rsa.privateKey);

  it('a private KeyObject given to verify; a public one given to sign', async () => {
    await expectCode(() => verify(rsToken, keys.rsa.privateKey, at(['RS256'])), 'ERR_KEY_INVALID');
    await expectCode(
      () => verify(forge('ES256', { alg: 'ES256' }, P, keys.p256.privateKey), keys.p256.privateKey, at(['ES256'])),
      'ERR_KEY_INVALID',
    );
    await expectCode(() => sign(P, keys.rsa.publicKey, { alg: 'RS256' }), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, keys.ed25519.publicKey, { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
    expect(() => signSync(P, keys.p256.publicKey, { alg: 'ES256' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });

  it('a private JWK given to verify; a public JWK given to sign', async () => {
    const privateJwk = keys.rsa.privateKey.export({ format: 'jwk' });
    await expectCode(() => verify(rsToken, privateJwk as never, at(['RS256'])), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, rsJwk as never, { alg: 'RS256' }), 'ERR_KEY_INVALID');
  });

  it('JWK "use":"enc" or "key_ops" without the operation', async () => {
    for (const extra of [{ use: 'enc' }, { key_ops: ['encrypt'] }, { key_ops: ['sign'] }, { key_ops: [] }, { use: 'SIG' }]) {
      await expectCode(() => verify(rsToken, { ...rsJwk, ...extra } as never, at(['RS256'])), 'ERR_KEY_INVALID');
    }
    const privateJwk = keys.rsa.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
    for (const extra of [{ use: 'enc' }, { key_ops: ['verify'] }, { key_ops: ['decrypt'] }]) {
      await expectCode(() => sign(P, { ...privateJwk, ...extra } as never, { alg: 'RS256' }), 'ERR_KEY_INVALID');
    }
    // Controls.
    await expect(verify(rsToken, { ...rsJwk, use: 'sig', key_ops: ['verify'] } as never, at(['RS256']))).resolves.toEqual({
      header: { alg: 'RS256' },
      payload: P,
    });
    const signed = await sign(P, { ...privateJwk, key_ops: ['sign'] } as never, { alg: 'RS256' });
    await expect(verify(signed, rsJwk as never, at(['RS256']))).resolves.toMatchObject({ header: { alg: 'RS256' }, payload: P });
  });

  it('a secret KeyObject for RS256 / ES256 / EdDSA', async () => {
    const secret = createSecretKey(Buffer.alloc(64, 1));
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as JwsAlgorithm[]) {
      expectCodeSync(() => bindKey(secret, alg), 'ERR_KEY_INVALID');
      await expectCode(() => sign(P, secret, { alg }), 'ERR_KEY_INVALID');
    }
    await expectCode(() => verify(rsToken, secret, at(['RS256'])), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID');
  });

  it('control: the public half of a JWK pair verifies what the private half signed', async () => {
    const token = await signJws('x', keys.rsa.privateKey.export({ format: 'jwk' }) as never, { alg: 'RS256' });
    const expected = { header: { alg: 'RS256' }, payload: new TextEncoder().encode('x') };
    await expect(verifyJws(token, rsJwk as never, { algorithms: ['RS256'] })).resolves.toEqual(expected);
    await expect(verifyJws(token, createPublicKey(keys.rsa.privateKey), { algorithms: ['RS256'] })).resolves.toEqual(expected);
  });
});
