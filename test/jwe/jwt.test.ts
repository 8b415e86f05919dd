/**
 * encryptJwt/decryptJwt (claims checked as `verify` checks them; unauthenticated claims only with
 * symmetric key management unless opted in) and nested JWTs (RFC 7519 §5.2) with
 * signThenEncrypt/decryptThenVerify, the inner signature verified with its own allow-list.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decrypt,
  decryptJwt,
  decryptThenVerify,
  encrypt,
  encryptJwt,
  generateKeyPair,
  generateSecret,
  sign,
  signThenEncrypt,
  type GeneratedJweKeyPair,
  type GeneratedKeyPair,
  type JwtErrorCode,
} from '../../src/index.js';

const NOW = new Date('2026-12-03T12:00:00Z');
const clock = (): Date => NOW;
const at = (seconds: number) => (): Date => new Date(NOW.getTime() + seconds * 1000);
const dirOptions = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] } as const;

async function codeOf(run: () => Promise<unknown>): Promise<JwtErrorCode | 'resolved'> {
  try {
    await run();
    return 'resolved';
  } catch (error) {
    return (error as { code: JwtErrorCode }).code;
  }
}

describe('encryptJwt / decryptJwt', () => {
  const key = generateSecret('dir', { enc: 'A256GCM' });

  it('round trip with the claim options of sign, typ JWT by default', async () => {
    const token = await encryptJwt({ cart: [1, 2] }, key, {
      expiresIn: '1h',
      issuer: 'https://app',
      audience: 'web',
      subject: 'u1',
      jwtId: 'j1',
      clock,
    });
    const { payload, header } = await decryptJwt(token, key, {
      ...dirOptions,
      issuer: 'https://app',
      audience: 'web',
      subject: 'u1',
      clock,
    });
    const iat = Math.floor(NOW.getTime() / 1000);
    expect(payload).toEqual({ cart: [1, 2], iat, exp: iat + 3600, iss: 'https://app', sub: 'u1', aud: 'web', jti: 'j1' });
    expect(header).toEqual({ alg: 'dir', enc: 'A256GCM', typ: 'JWT' });
  });

  it('checks the claims as verify does: exp required, expired, nbf, iss/aud/sub, typ, maxAge', async () => {
    const token = await encryptJwt({ sub: 'u1' }, key, { expiresIn: 60, issuer: 'a', audience: 'web', clock });
    expect(await codeOf(() => decryptJwt(token, key, { ...dirOptions, clock: at(120) }))).toBe('ERR_JWT_EXPIRED');
    expect(await codeOf(() => decryptJwt(token, key, { ...dirOptions, clock, issuer: 'b' }))).toBe('ERR_JWT_CLAIM_INVALID');
    expect(await codeOf(() => decryptJwt(token, key, { ...dirOptions, clock, audience: 'api' }))).toBe('ERR_JWT_CLAIM_INVALID');
    expect(await codeOf(() => decryptJwt(token, key, { ...dirOptions, clock, typ: 'at+jwt' }))).toBe('ERR_JWT_TYPE_MISMATCH');
    expect(await codeOf(() => decryptJwt(token, key, { ...dirOptions, clock: at(50), maxAge: 10 }))).toBe('ERR_JWT_EXPIRED');
    const noExp = await encryptJwt({ sub: 'u1' }, key, { clock });
    expect(await codeOf(() => decryptJwt(noExp, key, { ...dirOptions, clock }))).toBe('ERR_JWT_CLAIM_INVALID');
    expect(await codeOf(() => decryptJwt(noExp, key, { ...dirOptions, clock, requireExp: false }))).toBe('resolved');
    const later = await encryptJwt({ sub: 'u1' }, key, { expiresIn: 600, notBefore: 300, clock });
    expect(await codeOf(() => decryptJwt(later, key, { ...dirOptions, clock }))).toBe('ERR_JWT_NOT_YET_VALID');
  });

  it('refuses a plaintext that is not a claims set, and a nested JWT (use decryptThenVerify)', async () => {
    const notClaims = await encrypt('not json', key);
    expect(await codeOf(() => decryptJwt(notClaims, key, { ...dirOptions, clock }))).toBe('ERR_JWT_MALFORMED');
    const nested = await encrypt('a.b.c', key, { cty: 'JWT' });
    expect(await codeOf(() => decryptJwt(nested, key, { ...dirOptions, clock }))).toBe('ERR_JWT_TYPE_MISMATCH');
  });

  it('claims of RSA-OAEP / ECDH-ES tokens need allowUnauthenticatedClaims (anyone with the public key can make them)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES+A256KW');
    const token = await encryptJwt({ sub: 'forged?' }, publicKey, { enc: 'A256GCM', expiresIn: 60, clock });
    const options = { keyManagementAlgorithms: ['ECDH-ES+A256KW'], contentEncryptionAlgorithms: ['A256GCM'], clock } as const;
    expect(await codeOf(() => decryptJwt(token, privateKey, options))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => decryptJwt(token, privateKey, { ...options, allowUnauthenticatedClaims: true }))).toBe('resolved');
    expect(await codeOf(() => decryptJwt(token, privateKey, { ...options, allowUnauthenticatedClaims: 'yes' as never }))).toBe(
      'ERR_INVALID_OPTION',
    );
  });

  it('A*KW claims are accepted without the opt-in; unknown options and claim misuse are ERR_INVALID_OPTION', async () => {
    const kw = generateSecret('A128KW');
    const token = await encryptJwt({ sub: 'u1' }, kw, { enc: 'A128CBC-HS256', expiresIn: 60, clock });
    const options = { keyManagementAlgorithms: ['A128KW'], contentEncryptionAlgorithms: ['A128CBC-HS256'], clock } as const;
    expect((await decryptJwt(token, kw, options)).payload.sub).toBe('u1');
    expect(await codeOf(() => decryptJwt(token, kw, { ...options, audiance: 'x' } as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encryptJwt({ exp: Date.now() }, kw, { enc: 'A128GCM' }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encryptJwt({ sub: 'u' }, kw, { enc: 'A128GCM', cty: 'JWT' } as never))).toBe('ERR_INVALID_OPTION');
  });
});

describe('nested JWTs: signThenEncrypt / decryptThenVerify', () => {
  let signer: GeneratedKeyPair;
  let recipient: GeneratedJweKeyPair;
  beforeAll(async () => {
    signer = await generateKeyPair('ES256');
    recipient = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-384' });
  });
  const options = () => ({
    decrypt: { keyManagementAlgorithms: ['ECDH-ES+A256KW'], contentEncryptionAlgorithms: ['A256GCM'] } as const,
    verify: { algorithms: ['ES256'] as const, audience: 'api', clock } as never,
  });

  it('signs, then encrypts with cty JWT; decrypts, then verifies the inner signature and claims', async () => {
    const token = await signThenEncrypt(
      { sub: 'u1', scope: 'read' },
      { signingKey: signer.privateKey, encryptionKey: recipient.publicKey },
      { sign: { alg: 'ES256', expiresIn: '5m', audience: 'api', clock }, encrypt: { enc: 'A256GCM' } },
    );
    const result = await decryptThenVerify(token, { decryptionKey: recipient.privateKey, verificationKey: signer.publicKey }, options());
    expect(result.payload).toMatchObject({ sub: 'u1', scope: 'read', aud: 'api' });
    expect(result.header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(result.encryptionHeader).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT' });
  });

  it('the inner signature is verified with its own allow-list and key; its claims are checked', async () => {
    const token = await signThenEncrypt(
      { sub: 'u1' },
      { signingKey: signer.privateKey, encryptionKey: recipient.publicKey },
      { sign: { alg: 'ES256', expiresIn: 60, audience: 'api', clock }, encrypt: { enc: 'A256GCM' } },
    );
    const keys = { decryptionKey: recipient.privateKey, verificationKey: signer.publicKey };
    expect(await codeOf(() => decryptThenVerify(token, keys, { ...options(), verify: { algorithms: ['ES384'], clock } }))).toBe(
      'ERR_JWT_ALG_NOT_ALLOWED',
    );
    const other = await generateKeyPair('ES256');
    expect(await codeOf(() => decryptThenVerify(token, { ...keys, verificationKey: other.publicKey }, options()))).toBe(
      'ERR_JWT_SIGNATURE_INVALID',
    );
    expect(
      await codeOf(() =>
        decryptThenVerify(token, keys, { ...options(), verify: { algorithms: ['ES256'], audience: 'api', clock: at(3600) } }),
      ),
    ).toBe('ERR_JWT_EXPIRED');
  });

  it('an unsigned (or non-nested) JWE is refused: cty must be JWT, and an unsigned inner token never verifies', async () => {
    const keys = { decryptionKey: recipient.privateKey, verificationKey: signer.publicKey };
    const plain = await encryptJwt({ sub: 'u1' }, recipient.publicKey, { enc: 'A256GCM', expiresIn: 60, clock });
    expect(await codeOf(() => decryptThenVerify(plain, keys, options()))).toBe('ERR_JWT_TYPE_MISMATCH');
    const unsecured = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}.`;
    const forged = await encrypt(unsecured, recipient.publicKey, { enc: 'A256GCM', cty: 'JWT' });
    expect(await codeOf(() => decryptThenVerify(forged, keys, options()))).toBe('ERR_JWT_ALG_NOT_ALLOWED');
  });

  it('both option sets are checked before the token is read', async () => {
    const keys = { decryptionKey: recipient.privateKey, verificationKey: signer.publicKey };
    expect(await codeOf(() => decryptThenVerify('x', keys, { ...options(), verify: {} as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => decryptThenVerify('x', keys, { ...options(), decrypt: {} as never }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => decryptThenVerify('x', keys, { ...options(), extra: 1 } as never))).toBe('ERR_INVALID_OPTION');
    expect(
      await codeOf(() =>
        signThenEncrypt(
          {},
          { signingKey: signer.privateKey, encryptionKey: recipient.publicKey },
          { sign: { alg: 'ES256' }, encrypt: { enc: 'A256GCM', cty: 'x' } as never },
        ),
      ),
    ).toBe('ERR_INVALID_OPTION');
  });

  it('a nested token signed with HS256 inside dir works the same (symmetric both ways)', async () => {
    const mac = generateSecret('HS256');
    const seal = generateSecret('dir', { enc: 'A256CBC-HS512' });
    const inner = await sign({ sub: 'u1' }, mac, { alg: 'HS256', expiresIn: 60, clock });
    const token = await encrypt(inner, seal, { cty: 'JWT' });
    const result = await decryptThenVerify(
      token,
      { decryptionKey: seal, verificationKey: mac },
      {
        decrypt: { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256CBC-HS512'] },
        verify: { algorithms: ['HS256'], clock },
      },
    );
    expect(result.payload.sub).toBe('u1');
    await expect(
      decrypt(token, seal, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256CBC-HS512'] }),
    ).resolves.toBeDefined();
  });
});
