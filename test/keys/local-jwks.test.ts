import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalJWKS,
  exportJWK,
  generateKeyPair,
  importKey,
  sign,
  verify,
  verifyJws,
  type GeneratedKeyPair,
  type Jwk,
  type KeyResolver,
} from '../../src/index.js';
import { NOW, expectCode, expectCodeSync, forgeJws, loadFixture } from './helpers.js';

const rfc7517 = loadFixture('rfc7517.json');
const clock = (): Date => new Date(NOW * 1000);
const claims = { sub: 'u1', exp: NOW + 600 };

let es1: GeneratedKeyPair;
let es2: GeneratedKeyPair;
let rs: GeneratedKeyPair;

beforeAll(async () => {
  [es1, es2, rs] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256'), generateKeyPair('RS256')]);
});

const publicJwk = (pair: GeneratedKeyPair, extra: Partial<Jwk> = {}): Jwk => ({ ...exportJWK(pair.publicKey), ...extra });
const withoutKid = ({ kid: _kid, ...jwk }: Jwk): Jwk => jwk as Jwk;
const withoutAlg = ({ alg: _alg, ...jwk }: Jwk): Jwk => jwk as Jwk;

async function signWith(pair: GeneratedKeyPair, kid: string | undefined): Promise<string> {
  return sign(
    claims,
    pair.privateKey,
    kid === undefined ? { alg: pair.privateKey.alg, iat: false } : { alg: pair.privateKey.alg, kid, iat: false },
  );
}

async function tokenWithoutKid(pair: GeneratedKeyPair): Promise<string> {
  return forgeJws({ alg: pair.privateKey.alg }, claims, pair.privateKey.keyObject);
}

function verifyWith(token: string, resolver: KeyResolver, algorithms = ['ES256', 'RS256'] as const) {
  return verify(token, resolver, { algorithms: [...algorithms], clock });
}

describe('createLocalJWKS: selection', () => {
  it('RFC 7517 A.1: selects the RSA key by kid; the EC key (use: enc) is not a signature key', async () => {
    const jwks = createLocalJWKS(rfc7517['A.1_public_keys']);
    const privateKey = importKey(rfc7517['A.2_private_keys'].keys[1], { alg: 'RS256' });
    const token = await sign(claims, privateKey, { alg: 'RS256', iat: false });
    expect((await verifyWith(token, jwks)).header.kid).toBe('2011-04-29');
    const ecPrivate = rfc7517['A.2_private_keys'].keys[0];
    const { createPrivateKey } = await import('node:crypto');
    const ecToken = forgeJws({ alg: 'ES256', kid: '1' }, claims, createPrivateKey({ key: ecPrivate, format: 'jwk' }));
    await expectCode(() => verifyWith(ecToken, jwks), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('an unknown kid gives ERR_JWKS_NO_MATCHING_KEY', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(es1)] });
    await expectCode(async () => verifyWith(await signWith(es2, 'unknown'), jwks), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('returns the same prepared key for every token of a kid (prepared once)', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(es1)] });
    const token = await signWith(es1, es1.publicKey.kid);
    const header = { alg: 'ES256', kid: es1.publicKey.kid };
    expect(jwks(header, token)).toBe(jwks(header, token));
  });

  it('a key without alg serves any algorithm its kty fits, bound per algorithm once', async () => {
    const jwks = createLocalJWKS({ keys: [withoutAlg(publicJwk(rs))] });
    const rs384 = importKey(withoutAlg(exportJWK(rs.privateKey, { private: true })), { alg: 'RS384', kid: rs.publicKey.kid });
    const token = await sign(claims, rs384, { alg: 'RS384', iat: false });
    expect((await verify(token, jwks, { algorithms: ['RS384'], clock })).payload.sub).toBe('u1');
    const first = jwks({ alg: 'RS384', kid: rs.publicKey.kid }, token);
    expect(jwks({ alg: 'RS384', kid: rs.publicKey.kid }, token)).toBe(first);
    expect(jwks({ alg: 'PS256', kid: rs.publicKey.kid }, token)).toMatchObject({ alg: 'PS256' });
  });

  it('a token without kid: a single fitting key is used', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(rs), publicJwk(es1)] });
    expect((await verifyWith(await tokenWithoutKid(es1), jwks)).payload.sub).toBe('u1');
    expect((await verifyWith(await tokenWithoutKid(rs), jwks)).payload.sub).toBe('u1');
  });

  it('a token without kid: of several fitting keys, the one whose signature verifies, in order', async () => {
    const jwks = createLocalJWKS({ keys: [withoutKid(publicJwk(es1)), withoutKid(publicJwk(es2)), publicJwk(rs)] });
    expect((await verifyWith(await tokenWithoutKid(es2), jwks)).payload.sub).toBe('u1');
    expect((await verifyWith(await tokenWithoutKid(es1), jwks)).payload.sub).toBe('u1');
    const stranger = await generateKeyPair('ES256');
    await expectCode(async () => verifyWith(await tokenWithoutKid(stranger), jwks), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('a token without kid and no fitting key: ERR_JWKS_NO_MATCHING_KEY', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(rs)] });
    await expectCode(async () => verifyWith(await tokenWithoutKid(es1), jwks), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  it('ignores keys that are not for signatures (use, key_ops, non-JWS alg)', async () => {
    const jwks = createLocalJWKS({
      keys: [
        publicJwk(es1, { kid: 'a', use: 'enc' }),
        publicJwk(es1, { kid: 'b', key_ops: ['encrypt'] }),
        publicJwk(es1, { kid: 'c', alg: 'ECDH-ES' }),
        publicJwk(es1, { kid: 'd', use: 'sig', key_ops: ['verify'] }),
      ],
    });
    for (const kid of ['a', 'b', 'c']) await expectCode(async () => verifyWith(await signWith(es1, kid), jwks), 'ERR_JWKS_NO_MATCHING_KEY');
    expect((await verifyWith(await signWith(es1, 'd'), jwks)).payload.sub).toBe('u1');
  });

  it('an unusable key is skipped, and reported only when a token names it', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwks = createLocalJWKS({
      keys: [{ ...exportJWK(small.publicKey), kid: 'weak', alg: 'RS256' }, { kty: 'EC', kid: 'broken', crv: 'P-256' }, publicJwk(rs)],
    });
    expect((await verifyWith(await signWith(rs, rs.publicKey.kid), jwks)).payload.sub).toBe('u1');
    expect((await verifyWith(await tokenWithoutKid(rs), jwks)).payload.sub).toBe('u1');
    await expectCode(() => verifyWith(forgeJws({ alg: 'RS256', kid: 'weak' }, claims, small.privateKey), jwks), 'ERR_KEY_INVALID');
    await expectCode(async () => verifyWith(await signWith(es1, 'broken'), jwks), 'ERR_KEY_INVALID');
  });

  it('tolerates key types jwtkit does not use (skipped)', async () => {
    const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
    const jwks = createLocalJWKS({ keys: [{ ...x25519, kid: 'x' } as Jwk, { kty: 'AKP', alg: 'ML-DSA-44', kid: 'pq' }, publicJwk(es1)] });
    expect((await verifyWith(await signWith(es1, es1.publicKey.kid), jwks)).payload.sub).toBe('u1');
  });

  it('the set is read once: later changes to the given object have no effect', async () => {
    const document = { keys: [publicJwk(es1)] };
    const jwks = createLocalJWKS(document);
    (document.keys[0] as Jwk).x = publicJwk(es2).x;
    document.keys.push(publicJwk(es2));
    expect((await verifyWith(await signWith(es1, es1.publicKey.kid), jwks)).payload.sub).toBe('u1');
    await expectCode(async () => verifyWith(await signWith(es2, es2.publicKey.kid), jwks), 'ERR_JWKS_NO_MATCHING_KEY');
  });
});

describe('createLocalJWKS: algorithm confusion (B9–B10 in test/jws/key.test.ts)', () => {
  it('HS256 with the kid of an RSA key without alg: ERR_JWT_ALG_NOT_ALLOWED', async () => {
    const { createHmac } = await import('node:crypto');
    const rsaJwk = withoutAlg(publicJwk(rs, { kid: 'k1' }));
    const jwks = createLocalJWKS({ keys: [rsaJwk] });
    const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    for (const secret of [JSON.stringify(rsaJwk), Buffer.from(rsaJwk.n as string, 'base64url')]) {
      const forged = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      await expectCode(() => verify(forged, jwks, { algorithms: ['HS256', 'RS256'], clock }), 'ERR_JWT_ALG_NOT_ALLOWED');
    }
  });

  it('a token alg other than the key alg, or not fitting the key type: ERR_JWT_ALG_NOT_ALLOWED', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(rs, { kid: 'with-alg' }), withoutAlg(publicJwk(es1, { kid: 'no-alg' }))] });
    const rs384 = forgeJws({ alg: 'RS384', kid: 'with-alg' }, claims, rs.privateKey.keyObject);
    await expectCode(() => verify(rs384, jwks, { algorithms: ['RS256', 'RS384'], clock }), 'ERR_JWT_ALG_NOT_ALLOWED');
    const es384 = forgeJws({ alg: 'RS256', kid: 'no-alg' }, claims, rs.privateKey.keyObject);
    await expectCode(() => verify(es384, jwks, { algorithms: ['RS256', 'ES256'], clock }), 'ERR_JWT_ALG_NOT_ALLOWED');
    await expectCodeSync(() => jwks({ alg: 'ES384', kid: 'no-alg' }, ''), 'ERR_JWT_ALG_NOT_ALLOWED');
    await expectCodeSync(() => jwks({ alg: 'none', kid: 'no-alg' }, ''), 'ERR_JWT_ALG_NOT_ALLOWED');
  });

  it('the verifier allow-list still applies to keys the set returns', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(es1)] });
    await expectCode(
      async () => verify(await signWith(es1, es1.publicKey.kid), jwks, { algorithms: ['RS256'], clock }),
      'ERR_JWT_ALG_NOT_ALLOWED',
    );
  });
});

describe('createLocalJWKS: key material named in the header (C16–C19 in test/jws/header.test.ts)', () => {
  it('an embedded jwk, jku or x5u is never used', async () => {
    const attacker = await generateKeyPair('ES256');
    const jwks = createLocalJWKS({ keys: [publicJwk(es1)] });
    const headers = [
      { alg: 'ES256', kid: es1.publicKey.kid, jwk: exportJWK(attacker.publicKey) },
      { alg: 'ES256', kid: es1.publicKey.kid, jku: 'http://127.0.0.1:1/jwks.json' },
      { alg: 'ES256', kid: es1.publicKey.kid, x5u: 'http://169.254.169.254/' },
    ];
    for (const header of headers) {
      await expectCode(() => verifyWith(forgeJws(header, claims, attacker.privateKey.keyObject), jwks), 'ERR_JWT_SIGNATURE_INVALID');
    }
    await expectCode(
      () => verifyWith(forgeJws({ alg: 'ES256', jwk: exportJWK(attacker.publicKey) }, claims, attacker.privateKey.keyObject), jwks),
      'ERR_JWT_SIGNATURE_INVALID',
    );
  });

  it('kid injection strings match nothing; non-string kids are malformed (C19)', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(es1, { kid: '1' })] });
    for (const kid of [
      '../../../../../../dev/null',
      "' UNION SELECT 'secret' --",
      'a'.repeat(5000),
      '',
      '__proto__',
      'constructor',
      '1 ',
    ]) {
      await expectCode(
        () => verifyWith(forgeJws({ alg: 'ES256', kid }, claims, es1.privateKey.keyObject), jwks),
        'ERR_JWKS_NO_MATCHING_KEY',
      );
    }
    for (const kid of [1, ['1'], { $ne: null }, null]) {
      await expectCode(() => verifyWith(forgeJws({ alg: 'ES256', kid }, claims, es1.privateKey.keyObject), jwks), 'ERR_JWT_MALFORMED');
    }
    expect((await verifyWith(forgeJws({ alg: 'ES256', kid: '1' }, claims, es1.privateKey.keyObject), jwks)).payload.sub).toBe('u1');
  });
});

describe('createLocalJWKS: set validation', () => {
  it.each([
    ['not an object', 'keys'],
    ['null', null],
    ['an array', [{ kty: 'EC' }]],
    ['keys not an array', { keys: {} }],
    ['a key that is not an object', { keys: ['x'] }],
    ['a key that is null', { keys: [null] }],
  ])('refuses a malformed set: %s', (_name, document) => {
    expectCodeSync(() => createLocalJWKS(document as never), 'ERR_JWKS_INVALID');
  });

  it('refuses duplicate kids among signature keys (Wycheproof tcId 4), tolerates an enc key sharing one', () => {
    expectCodeSync(() => createLocalJWKS({ keys: [publicJwk(es1, { kid: 'k' }), publicJwk(es2, { kid: 'k' })] }), 'ERR_JWKS_INVALID');
    expect(typeof createLocalJWKS({ keys: [publicJwk(es1, { kid: 'k' }), publicJwk(es2, { kid: 'k', use: 'enc' })] })).toBe('function');
  });

  it('refuses private members (RFC 7517 A.2, an oct key counts only with allowSymmetric)', () => {
    expectCodeSync(() => createLocalJWKS(rfc7517['A.2_private_keys']), 'ERR_JWKS_INVALID');
    expectCodeSync(() => createLocalJWKS({ keys: [exportJWK(es1.privateKey, { private: true })] }), 'ERR_JWKS_INVALID');
    expectCodeSync(
      () => createLocalJWKS({ keys: [exportJWK(es1.privateKey, { private: true })] }, { allowSymmetric: true }),
      'ERR_JWKS_INVALID',
    );
  });

  it('refuses oct keys unless allowSymmetric, and a mix of oct and public keys always', async () => {
    const hmac = rfc7517['A.3_symmetric_keys'].keys[1];
    expectCodeSync(() => createLocalJWKS({ keys: [hmac] }), 'ERR_JWKS_INVALID');
    expectCodeSync(() => createLocalJWKS({ keys: [hmac, publicJwk(es1)] }, { allowSymmetric: true }), 'ERR_JWKS_INVALID');
    const jwks = createLocalJWKS({ keys: [hmac] }, { allowSymmetric: true });
    const secret = importKey(hmac, { alg: 'HS256' });
    const token = await sign(claims, secret, { alg: 'HS256', iat: false });
    expect((await verify(token, jwks, { algorithms: ['HS256'], clock })).payload.sub).toBe('u1');
    // ...and an HMAC set never yields a key for an asymmetric alg.
    await expectCode(async () => verifyWith(await signWith(es1, hmac.kid), jwks), 'ERR_JWT_ALG_NOT_ALLOWED');
  });

  it('public key sets never serve HMAC algorithms', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(es1)] });
    expectCodeSync(() => jwks({ alg: 'HS256' }, ''), 'ERR_JWT_ALG_NOT_ALLOWED');
  });

  it('refuses a bad option', () => {
    expectCodeSync(() => createLocalJWKS({ keys: [] }, { allowSymmetric: 'yes' as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createLocalJWKS({ keys: [] }, null as never), 'ERR_INVALID_OPTION');
  });

  it('works with verifyJws too (JWS payloads that are not claims)', async () => {
    const jwks = createLocalJWKS({ keys: [publicJwk(es1)] });
    const token = forgeJws({ alg: 'ES256', kid: es1.publicKey.kid }, { any: 'thing' }, es1.privateKey.keyObject);
    expect((await verifyJws(token, jwks, { algorithms: ['ES256'] })).header.kid).toBe(es1.publicKey.kid);
  });
});
