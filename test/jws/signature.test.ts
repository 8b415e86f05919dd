/**
 * D20–D26, signature encodings (RFC 8725 §3.4). Every malformed signature is
 * ERR_JWT_SIGNATURE_INVALID (a length or encoding problem in a well-formed segment), and no
 * node:crypto error (e.g. ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH) escapes.
 * §3.2 (RFC 8725): Ed25519 signatures are deterministic, ES256 ones are not (node:crypto has no
 * RFC 6979), a gap listed under docs/security.md "RFC 8725 checklist".
 */
import { constants, sign as cryptoSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign, verify, verifyJws, type JwsAlgorithm, type VerifyOptions } from '../../src/index.js';
import {
  ALL_ALGS,
  b64u,
  expectCode,
  FAR_FUTURE,
  forge,
  fromB64u,
  keyPairFor,
  NOW,
  NOW_CLOCK,
  parts,
  testKeys,
  withSignature,
} from '../helpers/core.js';

const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const keys = testKeys();
const at = (alg: JwsAlgorithm): VerifyOptions => ({ algorithms: [alg], clock: NOW_CLOCK });
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

const bigToBytes = (value: bigint, length: number): Buffer => Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');

describe('D20. ECDSA "psychic signatures" (r = 0, s = 0) and out-of-range r, s', () => {
  it('the CVE-2022-21449 ES256 token, a signature of 64 zero bytes → ERR_JWT_SIGNATURE_INVALID', async () => {
    const token = `eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.${b64u(JSON.stringify(P))}.${'A'.repeat(86)}`;
    await expectCode(() => verify(token, keys.p256.publicKey, at('ES256')), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('r, s ∈ {0, 1, n-1, n} in every combination (as Wycheproof 386-401, with our own key) → ERR_JWT_SIGNATURE_INVALID', async () => {
    const token = forge('ES256', { alg: 'ES256' }, P, keys.p256.privateKey);
    for (const r of [0n, 1n, P256_N - 1n, P256_N]) {
      for (const s of [0n, 1n, P256_N - 1n, P256_N]) {
        const signature = Buffer.concat([bigToBytes(r, 32), bigToBytes(s, 32)]).toString('base64url');
        await expectCode(() => verify(withSignature(token, signature), keys.p256.publicKey, at('ES256')), 'ERR_JWT_SIGNATURE_INVALID');
      }
    }
  });

  it('all-zero signatures of the right length for ES384 / ES512 / EdDSA → ERR_JWT_SIGNATURE_INVALID', async () => {
    for (const [alg, length] of [
      ['ES384', 96],
      ['ES512', 132],
      ['EdDSA', 64],
    ] as Array<[JwsAlgorithm, number]>) {
      const { signKey, verifyKey } = keyPairFor(alg);
      const token = withSignature(forge(alg, { alg }, P, signKey), Buffer.alloc(length).toString('base64url'));
      await expectCode(() => verify(token, verifyKey, at(alg)), 'ERR_JWT_SIGNATURE_INVALID');
    }
  });
});

describe('D21. DER vs raw R‖S and wrong lengths', () => {
  const cases: Array<[JwsAlgorithm, string, number]> = [
    ['ES256', 'sha256', 64],
    ['ES384', 'sha384', 96],
    ['ES512', 'sha512', 132],
  ];
  for (const [alg, hash, length] of cases) {
    it(`${alg}: a DER signature, lengths ±1, the other curves' lengths, a zero byte added → ERR_JWT_SIGNATURE_INVALID`, async () => {
      const { signKey, verifyKey } = keyPairFor(alg);
      const token = forge(alg, { alg }, P, signKey);
      const [header, payload, signature] = parts(token);
      const signingInput = `${header}.${payload}`;
      const raw = fromB64u(signature);
      expect(raw.length).toBe(length);
      const der = cryptoSign(hash, Buffer.from(signingInput), signKey as never);
      const variants = [
        der,
        raw.subarray(0, length - 1),
        Buffer.concat([raw, Buffer.from([0])]),
        Buffer.concat([Buffer.from([0]), raw]),
        Buffer.concat([Buffer.from([0]), raw.subarray(0, length - 1)]),
        Buffer.alloc(64, 1),
        Buffer.alloc(96, 1),
        Buffer.alloc(132, 1),
        Buffer.alloc((10_000 / 4) * 3, 0xff).subarray(0, 5000),
      ].filter((candidate) => !candidate.equals(raw));
      for (const candidate of variants) {
        await expectCode(
          () => verify(`${signingInput}.${candidate.toString('base64url')}`, verifyKey, at(alg)),
          'ERR_JWT_SIGNATURE_INVALID',
        );
      }
      // Control: the original verifies.
      await expect(verify(token, verifyKey, at(alg))).resolves.toMatchObject({ payload: P });
    });
  }
});

describe('D22. ECDSA malleability (r, n - s)', () => {
  it('the malleated twin of a valid ES256 token also verifies (JOSE does not mandate low-S): identity must come from claims, not the token string', async () => {
    const token = forge('ES256', { alg: 'ES256' }, P, keys.p256.privateKey);
    const raw = fromB64u(parts(token)[2]);
    const r = raw.subarray(0, 32);
    const s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
    const twin = withSignature(token, Buffer.concat([r, bigToBytes(P256_N - s, 32)]).toString('base64url'));
    expect(twin).not.toBe(token);
    const [a, b] = await Promise.all([verify(token, keys.p256.publicKey, at('ES256')), verify(twin, keys.p256.publicKey, at('ES256'))]);
    expect(b.payload).toEqual(a.payload);
  });
});

describe('D23. RSA-PSS salt length is enforced (= hash length)', () => {
  for (const [alg, hash, hashLength] of [
    ['PS256', 'sha256', 32],
    ['PS384', 'sha384', 48],
    ['PS512', 'sha512', 64],
  ] as Array<[JwsAlgorithm, string, number]>) {
    it(`${alg}: signatures with salt 0, 20, hLen±1 and the maximum salt → ERR_JWT_SIGNATURE_INVALID`, async () => {
      const header = b64u(JSON.stringify({ alg }));
      const signingInput = `${header}.${b64u(JSON.stringify(P))}`;
      for (const saltLength of [0, 20, hashLength - 1, hashLength + 1, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
        const signature = cryptoSign(hash, Buffer.from(signingInput), {
          key: keys.rsa.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength,
        });
        await expectCode(() => verify(`${signingInput}.${b64u(signature)}`, keys.rsa.publicKey, at(alg)), 'ERR_JWT_SIGNATURE_INVALID');
      }
      const good = cryptoSign(hash, Buffer.from(signingInput), {
        key: keys.rsa.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: hashLength,
      });
      await expect(verify(`${signingInput}.${b64u(good)}`, keys.rsa.publicKey, at(alg))).resolves.toEqual({ header: { alg }, payload: P });
    });
  }

  it('an RS256 signature is not a PS256 signature and vice versa', async () => {
    const rs = forge('RS256', { alg: 'PS256' }, P, keys.rsa.privateKey);
    await expectCode(() => verify(rs, keys.rsa.publicKey, at('PS256')), 'ERR_JWT_SIGNATURE_INVALID');
    const ps = forge('PS256', { alg: 'RS256' }, P, keys.rsa.privateKey);
    await expectCode(() => verify(ps, keys.rsa.publicKey, at('RS256')), 'ERR_JWT_SIGNATURE_INVALID');
  });
});

describe('D24. RSA PKCS#1 v1.5 length games', () => {
  for (const alg of ['RS256', 'PS256'] as JwsAlgorithm[]) {
    it(`${alg}: prepended 0x00, appended 0x00, truncated, leading byte dropped, empty, 0, 1, n → ERR_JWT_SIGNATURE_INVALID`, async () => {
      const token = forge(alg, { alg }, P, keys.rsa.privateKey);
      const raw = fromB64u(parts(token)[2]);
      const n = Buffer.from((keys.rsa.publicKey.export({ format: 'jwk' }) as { n: string }).n, 'base64url');
      const variants = [
        Buffer.concat([Buffer.from([0]), raw]),
        Buffer.concat([raw, Buffer.from([0])]),
        raw.subarray(0, raw.length - 1),
        raw.subarray(1),
        Buffer.alloc(256),
        Buffer.concat([Buffer.alloc(255), Buffer.from([1])]),
        n,
        Buffer.alloc(512, 0xff),
      ];
      for (const candidate of variants) {
        await expectCode(
          () => verify(withSignature(token, candidate.toString('base64url')), keys.rsa.publicKey, at(alg)),
          'ERR_JWT_SIGNATURE_INVALID',
        );
      }
    });
  }
});

describe('D25. EdDSA encodings', () => {
  it('a 63-, 65- or 128-byte signature, and s ≥ L → ERR_JWT_SIGNATURE_INVALID', async () => {
    const token = forge('EdDSA', { alg: 'EdDSA' }, P, keys.ed25519.privateKey);
    const raw = fromB64u(parts(token)[2]);
    const L = BigInt('0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed');
    const s = BigInt(`0x${Buffer.from(raw.subarray(32)).reverse().toString('hex')}`);
    const sPlusL = bigToBytes(s + L, 32).reverse();
    const variants = [
      raw.subarray(0, 63),
      Buffer.concat([raw, Buffer.from([0])]),
      Buffer.concat([raw, raw]),
      Buffer.concat([raw.subarray(0, 32), sPlusL]),
    ];
    for (const candidate of variants) {
      await expectCode(
        () => verify(withSignature(token, candidate.toString('base64url')), keys.ed25519.publicKey, at('EdDSA')),
        'ERR_JWT_SIGNATURE_INVALID',
      );
    }
  });
});

describe('D26. HMAC tags of the wrong length, or one bit off', () => {
  for (const [alg, length] of [
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as Array<[JwsAlgorithm, number]>) {
    it(`${alg}: tags of 0, 1, ${length - 1}, ${length + 1}, ${length * 2} bytes, a truncated tag and a flipped last bit → ERR_JWT_SIGNATURE_INVALID`, async () => {
      const { signKey, verifyKey } = keyPairFor(alg);
      const token = forge(alg, { alg }, P, signKey);
      const tag = fromB64u(parts(token)[2]);
      const flipped = Buffer.from(tag);
      flipped[length - 1] = (flipped[length - 1] as number) ^ 1;
      const variants = [
        Buffer.alloc(0),
        Buffer.alloc(1),
        tag.subarray(0, length - 1),
        Buffer.concat([tag, Buffer.from([0])]),
        Buffer.concat([tag, tag]),
        tag.subarray(0, 16),
        flipped,
      ];
      for (const candidate of variants) {
        await expectCode(
          () => verify(withSignature(token, candidate.toString('base64url')), verifyKey, at(alg)),
          'ERR_JWT_SIGNATURE_INVALID',
        );
        await expectCode(
          () => verifyJws(withSignature(token, candidate.toString('base64url')), verifyKey, { algorithms: [alg] }),
          'ERR_JWT_SIGNATURE_INVALID',
        );
      }
    });
  }

  it('every algorithm: a signature of the right length for another algorithm never crashes', async () => {
    for (const alg of ALL_ALGS) {
      const { signKey, verifyKey } = keyPairFor(alg);
      const token = forge(alg, { alg }, P, signKey);
      for (const length of [32, 48, 64, 96, 132, 256]) {
        if (fromB64u(parts(token)[2]).length === length) continue;
        await expectCode(
          () => verify(withSignature(token, Buffer.alloc(length, 3).toString('base64url')), verifyKey, at(alg)),
          'ERR_JWT_SIGNATURE_INVALID',
        );
      }
    }
  });
});

describe('§3.2 signature determinism', () => {
  it('Ed25519 signatures are deterministic; ES256 signatures are randomized (node:crypto has no RFC 6979) and both verify', async () => {
    const claims = { sub: 'u', exp: FAR_FUTURE, iat: 1 };
    const ed1 = await sign(claims, keys.ed25519.privateKey, { alg: 'EdDSA' });
    const ed2 = await sign(claims, keys.ed25519.privateKey, { alg: 'EdDSA' });
    expect(ed1).toBe(ed2);
    const es1 = await sign(claims, keys.p256.privateKey, { alg: 'ES256' });
    const es2 = await sign(claims, keys.p256.privateKey, { alg: 'ES256' });
    expect(es1).not.toBe(es2);
    for (const token of [es1, es2]) {
      await expect(verify(token, keys.p256.publicKey, { algorithms: ['ES256'], clock: NOW_CLOCK })).resolves.toMatchObject({
        header: { alg: 'ES256' },
        payload: claims,
      });
    }
  });
});
