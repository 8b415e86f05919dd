import { describe, expect, it } from 'vitest';
import {
  JWS_ALGORITHMS,
  exportJWK,
  generateKeyPair,
  generateSecret,
  sign,
  thumbprint,
  verify,
  type JwsAlgorithm,
} from '../../src/index.js';
import { NOW, expectCode, expectCodeSync } from './helpers.js';

const ASYMMETRIC = JWS_ALGORITHMS.filter((alg) => !alg.startsWith('HS'));
const clock = (): Date => new Date(NOW * 1000);

describe('generateKeyPair', () => {
  it.each(ASYMMETRIC.map((alg) => [alg]))('%s: both halves bound to the alg, kid = thumbprint, sign/verify round trip', async (alg) => {
    const { privateKey, publicKey } = await generateKeyPair(alg as JwsAlgorithm);
    expect(privateKey).toMatchObject({ alg, type: 'private' });
    expect(publicKey).toMatchObject({ alg, type: 'public' });
    expect(publicKey.kid).toBe(thumbprint(exportJWK(publicKey)));
    expect(privateKey.kid).toBe(publicKey.kid);
    const token = await sign({ sub: 'u1' }, privateKey, { alg: alg as JwsAlgorithm, expiresIn: 60, clock });
    const { header, payload } = await verify(token, publicKey, { algorithms: [alg as JwsAlgorithm], clock });
    expect(header.kid).toBe(publicKey.kid);
    expect(payload.sub).toBe('u1');
  });

  it('uses the curve each ES alg names, and rsa keys of the requested size', async () => {
    expect((await generateKeyPair('ES384')).publicKey.keyObject.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect((await generateKeyPair('ES512')).publicKey.keyObject.asymmetricKeyDetails?.namedCurve).toBe('secp521r1');
    const rsa = await generateKeyPair('PS256', { modulusLength: 3072, kid: 'k1' });
    expect(rsa.publicKey.keyObject.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(rsa.publicKey.keyObject.asymmetricKeyType).toBe('rsa');
    expect(rsa.privateKey.kid).toBe('k1');
  });

  it('refuses HMAC algorithms, unknown algorithms and bad options', async () => {
    await expectCode(() => generateKeyPair('HS256'), 'ERR_INVALID_OPTION');
    await expectCode(() => generateKeyPair('none' as JwsAlgorithm), 'ERR_INVALID_OPTION');
    await expectCode(() => generateKeyPair('RS256', { modulusLength: 1024 }), 'ERR_INVALID_OPTION');
    await expectCode(() => generateKeyPair('RS256', { modulusLength: 2049 }), 'ERR_INVALID_OPTION');
    await expectCode(() => generateKeyPair('ES256', { kid: 7 as never }), 'ERR_INVALID_OPTION');
    await expectCode(() => generateKeyPair('ES256', null as never), 'ERR_INVALID_OPTION');
  });
});

describe('generateSecret', () => {
  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as const)('%s: %i random bytes, bound to the alg', async (alg, length) => {
    const secret = generateSecret(alg);
    expect(secret).toMatchObject({ alg, type: 'secret', kid: undefined });
    expect(secret.keyObject.symmetricKeySize).toBe(length);
    expect(generateSecret(alg).keyObject.export().equals(secret.keyObject.export())).toBe(false);
    const token = await sign({ sub: 'u1' }, secret, { alg, expiresIn: 60, clock });
    expect((await verify(token, secret, { algorithms: [alg], clock })).payload.sub).toBe('u1');
  });

  it('refuses non-HMAC algorithms', () => {
    expectCodeSync(() => generateSecret('RS256'), 'ERR_INVALID_OPTION');
    expectCodeSync(() => generateSecret('HS256', { kid: [] as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => generateSecret('HS256', null as never), 'ERR_INVALID_OPTION');
  });
});
