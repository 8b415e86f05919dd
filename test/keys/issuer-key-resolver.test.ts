import { beforeAll, describe, expect, it } from 'vitest';
import {
  createIssuerKeyResolver,
  createLocalJWKS,
  exportJWK,
  generateKeyPair,
  sign,
  verify,
  type GeneratedKeyPair,
  type KeyResolver,
} from '../../src/index.js';
import { NOW, expectCode, expectCodeSync, forgeJws } from './helpers.js';

const A = 'https://a.example';
const B = 'https://b.example';
const clock = (): Date => new Date(NOW * 1000);
let keyA: GeneratedKeyPair;
let keyB: GeneratedKeyPair;
let resolver: KeyResolver;

beforeAll(async () => {
  [keyA, keyB] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('RS256')]);
  resolver = createIssuerKeyResolver({
    [A]: createLocalJWKS({ keys: [exportJWK(keyA.publicKey)] }),
    [B]: keyB.publicKey,
  });
});

const issue = (pair: GeneratedKeyPair, iss: unknown) =>
  sign({ sub: 'u1', iss } as never, pair.privateKey, { alg: pair.privateKey.alg, expiresIn: 60, clock });
const check = (token: string) => verify(token, resolver, { algorithms: ['ES256', 'RS256'], clock });

describe('createIssuerKeyResolver (RFC 8725 3.8)', () => {
  it('verifies each issuer with its own keys', async () => {
    expect((await check(await issue(keyA, A))).payload.iss).toBe(A);
    expect((await check(await issue(keyB, B))).payload.iss).toBe(B);
  });

  it('a key of issuer A never verifies a token claiming issuer B (and the other way round)', async () => {
    // B's key is an RS256 key: an ES256 token claiming B is refused before any signature check.
    await expectCode(async () => check(await issue(keyA, B)), 'ERR_JWT_ALG_NOT_ALLOWED');
    // A's key set does not hold B's key.
    await expectCode(async () => check(await issue(keyB, A)), 'ERR_JWKS_NO_MATCHING_KEY');
    const sameAlgB = await generateKeyPair('RS256');
    await expectCode(async () => check(await issue(sameAlgB, B)), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('no iss, a non-string iss, or an unknown iss: ERR_JWKS_NO_MATCHING_KEY', async () => {
    for (const iss of [undefined, 'https://c.example', `${A}/`, 'https://a.example.evil', [A], [B, A], 1, null]) {
      const token = forgeJws({ alg: 'ES256', kid: keyA.publicKey.kid }, { sub: 'u1', iss, exp: NOW + 60 }, keyA.privateKey.keyObject);
      await expectCode(() => check(token), 'ERR_JWKS_NO_MATCHING_KEY');
    }
  });

  it('a duplicated iss member is malformed: the key set is chosen by the same parser that verifies', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: keyA.publicKey.kid })).toString('base64url');
    const payload = Buffer.from(`{"iss":"${B}","sub":"u1","exp":${NOW + 60},"iss":"${A}"}`).toString('base64url');
    const { sign: cryptoSign } = await import('node:crypto');
    const signature = cryptoSign('sha256', Buffer.from(`${header}.${payload}`), {
      key: keyA.privateKey.keyObject,
      dsaEncoding: 'ieee-p1363',
    });
    await expectCode(() => check(`${header}.${payload}.${signature.toString('base64url')}`), 'ERR_JWT_MALFORMED');
  });

  it('refuses a bad configuration', () => {
    expectCodeSync(() => createIssuerKeyResolver({}), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createIssuerKeyResolver({ [A]: exportJWK(keyA.publicKey) as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => createIssuerKeyResolver(null as never), 'ERR_INVALID_OPTION');
  });
});
