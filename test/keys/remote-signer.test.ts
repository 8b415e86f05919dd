/**
 * createRemoteSigner: signing keys whose private half stays in a KMS. The signers here wrap a local
 * node:crypto key, the way a KMS client would answer: DER or raw ECDSA, RSA (PKCS#1 v1.5 and PSS),
 * EdDSA. Tokens they sign must verify with jwtkit and with jose (an independent verifier); a signer
 * that fails, stalls or answers with anything but a valid signature never produces a token.
 */
import { constants, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createKeyRing,
  createRemoteSigner,
  createTokenService,
  exportJWK,
  importKey,
  isJwtError,
  sign,
  signJws,
  signJwsSync,
  signSync,
  thumbprint,
  toVerificationKey,
  verify,
  verifyJws,
  type JwsAlgorithm,
  type RemoteSignatureFormat,
  type RemoteSignerOptions,
} from '../../src/index.js';
import { expectCode } from './helpers.js';

type AsymmetricAlg = Exclude<JwsAlgorithm, 'HS256' | 'HS384' | 'HS512'>;

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' } as const;

/** A fresh key pair of node:crypto for `alg`. */
function keyPair(alg: AsymmetricAlg): { privateKey: KeyObject; publicKey: KeyObject } {
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519');
  if (alg.startsWith('ES')) {
    const namedCurve = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[alg as 'ES256' | 'ES384' | 'ES512'];
    return generateKeyPairSync('ec', { namedCurve });
  }
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** What a KMS client does: sign the bytes with the key it holds, in the format it returns. */
function localSign(alg: AsymmetricAlg, key: KeyObject, format?: RemoteSignatureFormat): (data: Uint8Array) => Promise<Uint8Array> {
  return async (data) => {
    if (alg === 'EdDSA') return cryptoSign(null, data, key);
    const hash = HASH[Number(alg.slice(2)) as 256 | 384 | 512];
    if (alg.startsWith('ES')) return cryptoSign(hash, data, { key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' });
    if (alg.startsWith('PS'))
      return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 });
    return cryptoSign(hash, data, key);
  };
}

/** Options of a signer over a fresh local key. */
function signerOptions(alg: AsymmetricAlg, format?: RemoteSignatureFormat): RemoteSignerOptions & { privateKey: KeyObject } {
  const { privateKey, publicKey } = keyPair(alg);
  return {
    privateKey,
    alg,
    kid: `remote-${alg}`,
    publicKey,
    sign: localSign(alg, privateKey, format),
    ...(format === undefined ? {} : { signatureFormat: format }),
  };
}

/** The options without the test's private key. */
function options({ privateKey: _, ...rest }: RemoteSignerOptions & { privateKey: KeyObject }): RemoteSignerOptions {
  return rest;
}

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const CASES: Array<[AsymmetricAlg, RemoteSignatureFormat | undefined]> = [
  ['ES256', 'raw'],
  ['ES256', 'der'],
  ['ES384', 'raw'],
  ['ES384', 'der'],
  ['ES512', 'raw'],
  ['ES512', 'der'],
  ['RS256', undefined],
  ['PS384', undefined],
  ['EdDSA', undefined],
];

describe('createRemoteSigner: signing', () => {
  it.each(CASES)('RS1 %s (%s) signs tokens that verify, with jwtkit and with jose', async (alg, format) => {
    const setup = signerOptions(alg, format);
    const signer = await createRemoteSigner(options(setup));
    expect(signer).toMatchObject({ alg, kid: `remote-${alg}`, type: 'private' });
    for (let i = 0; i < 5; i++) {
      const token = await sign({ sub: 'u1', i }, signer, { alg, expiresIn: '5m' });
      const result = await verify(token, toVerificationKey(signer), { algorithms: [alg] });
      expect(result.payload).toMatchObject({ sub: 'u1', i });
      expect(result.header).toMatchObject({ alg, kid: `remote-${alg}`, typ: 'JWT' });
      const independent = await jwtVerify(token, setup.publicKey as KeyObject, { algorithms: [alg] });
      expect(independent.payload).toMatchObject({ sub: 'u1', i });
    }
    const jws = await signJws('payload', signer, { alg });
    expect(new TextDecoder().decode((await verifyJws(jws, toVerificationKey(signer), { algorithms: [alg] })).payload)).toBe('payload');
  });

  it('RS2 the signer receives the JWS signing input (not a digest), in a buffer of its own', async () => {
    const setup = signerOptions('ES256', 'raw');
    const seen: Uint8Array[] = [];
    const inner = setup.sign;
    const signer = await createRemoteSigner({ ...options(setup), sign: (data) => (seen.push(data), inner(data)) });
    const token = await sign({ sub: 'u1' }, signer, { alg: 'ES256' });
    const last = seen.at(-1)!;
    expect(Buffer.from(last).toString('latin1')).toBe(token.split('.').slice(0, 2).join('.'));
    expect(last.byteOffset).toBe(0);
    expect(last.buffer.byteLength).toBe(last.length);
  });

  it("RS3 publicKey may be PEM, a JWK or a bound public key; kid defaults to the public key's", async () => {
    const setup = signerOptions('ES256', 'der');
    const { kid: _, ...withoutKid } = options(setup);
    const pem = (setup.publicKey as KeyObject).export({ type: 'spki', format: 'pem' }) as string;
    const jwk = { ...exportJWK(setup.publicKey as KeyObject), kid: 'from-jwk' };
    const bound = importKey(jwk, { alg: 'ES256' });
    expect((await createRemoteSigner({ ...withoutKid, publicKey: pem })).kid).toBeUndefined();
    expect((await createRemoteSigner({ ...withoutKid, publicKey: jwk })).kid).toBe('from-jwk');
    expect((await createRemoteSigner({ ...withoutKid, publicKey: bound })).kid).toBe('from-jwk');
    expect((await createRemoteSigner({ ...withoutKid, publicKey: bound, kid: 'mine' })).kid).toBe('mine');
    expect(toVerificationKey(await createRemoteSigner({ ...withoutKid, publicKey: bound, kid: 'mine' }))).toMatchObject({
      type: 'public',
      kid: 'mine',
      alg: 'ES256',
    });
  });

  it('RS4 signSync and signJwsSync refuse a remote signer with ERR_INVALID_OPTION; verify refuses it as a key', async () => {
    const signer = await createRemoteSigner(options(signerOptions('EdDSA')));
    await expectCode(() => signSync({ sub: 'u1' }, signer, { alg: 'EdDSA' }), 'ERR_INVALID_OPTION');
    await expectCode(() => signJwsSync('x', signer, { alg: 'EdDSA' }), 'ERR_INVALID_OPTION');
    const token = await sign({ sub: 'u1' }, signer, { alg: 'EdDSA' });
    await expectCode(() => verify(token, signer, { algorithms: ['EdDSA'] }), 'ERR_KEY_INVALID');
    expect(exportJWK(signer)).toEqual(exportJWK(toVerificationKey(signer)));
    expect(exportJWK(signer).d).toBeUndefined();
  });
});

describe('createRemoteSigner: a signer that misbehaves never makes a token', () => {
  /** A signer that answers correctly for the probe, then as `tamper` makes it. */
  async function tamperedAfterProbe(
    alg: AsymmetricAlg,
    format: RemoteSignatureFormat | undefined,
    tamper: (signature: Uint8Array) => unknown,
  ) {
    const setup = signerOptions(alg, format);
    let calls = 0;
    const signer = await createRemoteSigner({
      ...options(setup),
      sign: async (data) => {
        const signature = await setup.sign(data);
        return (calls++ === 0 ? signature : tamper(signature)) as Uint8Array;
      },
    });
    return signer;
  }

  /** Re-encodes a DER signature's r with a leading zero byte it does not need (non-minimal). */
  function nonMinimal(der: Uint8Array): Uint8Array {
    const rLength = der[3]!;
    const r = der.subarray(4, 4 + rLength);
    const rest = der.subarray(4 + rLength);
    const body = [0x02, rLength + 1, 0x00, ...r, ...rest];
    return Uint8Array.from([0x30, body.length, ...body]);
  }

  const tampering: Array<[string, AsymmetricAlg, RemoteSignatureFormat | undefined, (signature: Uint8Array) => unknown]> = [
    ['DER with a non-minimal integer', 'ES256', 'der', nonMinimal],
    ['DER with trailing bytes', 'ES256', 'der', (s) => Uint8Array.from([...s, 0x00])],
    ['DER with a wrong sequence length', 'ES384', 'der', (s) => Uint8Array.from([s[0]!, s[1]! - 1, ...s.subarray(2)])],
    [
      'DER of a signature that does not verify (r = s = 1)',
      'ES256',
      'der',
      () => Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]),
    ],
    ['raw of the wrong length', 'ES256', 'raw', (s) => s.subarray(1)],
    ['raw garbage of the right length', 'ES512', 'raw', (s) => new Uint8Array(s.length).fill(7)],
    ['an RSA signature with a flipped bit', 'RS256', undefined, (s) => Uint8Array.from(s, (byte, i) => (i === 10 ? byte ^ 1 : byte))],
    ['an EdDSA signature of other bytes', 'EdDSA', undefined, (s) => Uint8Array.from(s).reverse()],
    ['a string instead of bytes', 'EdDSA', undefined, (s) => Buffer.from(s).toString('base64')],
  ];

  it.each(tampering)('RS5 %s is refused with ERR_KEY_INVALID', async (_, alg, format, tamper) => {
    const signer = await tamperedAfterProbe(alg, format, tamper);
    await expectCode(() => sign({ sub: 'u1' }, signer, { alg }), 'ERR_KEY_INVALID');
    await expectCode(() => signJws('x', signer, { alg }), 'ERR_KEY_INVALID');
  });

  it("RS6 a signer that throws or rejects: ERR_KEY_INVALID with the signer's error as cause", async () => {
    const failure = new Error('KMS: AccessDeniedException');
    for (const behaviour of ['throw', 'reject'] as const) {
      const setup = signerOptions('ES256', 'raw');
      let calls = 0;
      const signer = await createRemoteSigner({
        ...options(setup),
        sign: (data) => {
          if (calls++ === 0) return setup.sign(data);
          if (behaviour === 'throw') throw failure;
          return Promise.reject(failure);
        },
      });
      const error = await rejection(sign({ sub: 'u1' }, signer, { alg: 'ES256' }));
      expect(isJwtError(error, 'ERR_KEY_INVALID')).toBe(true);
      expect((error as Error).cause).toBe(failure);
    }
  });

  it('RS7 a signer that never answers is bounded by "timeout"', async () => {
    const setup = signerOptions('EdDSA');
    let calls = 0;
    const signer = await createRemoteSigner({
      ...options(setup),
      timeout: 0.05,
      sign: (data) => (calls++ === 0 ? setup.sign(data) : new Promise<Uint8Array>(() => {})),
    });
    const started = Date.now();
    const error = await rejection(sign({ sub: 'u1' }, signer, { alg: 'EdDSA' }));
    expect(isJwtError(error, 'ERR_KEY_INVALID')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    await expectCode(() => createRemoteSigner({ ...options(setup), timeout: 0.05, sign: () => new Promise(() => {}) }), 'ERR_KEY_INVALID');
  });
});

describe('createRemoteSigner: the probe at creation', () => {
  it('RS8 catches a signer whose key is not publicKey', async () => {
    const setup = signerOptions('ES256', 'der');
    const other = keyPair('ES256');
    let calls = 0;
    const sign = (data: Uint8Array) => (calls++, setup.sign(data));
    await expectCode(() => createRemoteSigner({ ...options(setup), sign, publicKey: other.publicKey }), 'ERR_KEY_INVALID');
    expect(calls).toBe(1);
    const rsa = signerOptions('RS256');
    await expectCode(() => createRemoteSigner({ ...options(rsa), publicKey: keyPair('RS256').publicKey }), 'ERR_KEY_INVALID');
  });

  it('RS9 catches a wrong signatureFormat (DER declared raw, raw declared DER)', async () => {
    for (const alg of ['ES256', 'ES384', 'ES512'] as const) {
      const der = signerOptions(alg, 'der');
      await expectCode(() => createRemoteSigner({ ...options(der), signatureFormat: 'raw' }), 'ERR_KEY_INVALID');
      const raw = signerOptions(alg, 'raw');
      await expectCode(() => createRemoteSigner({ ...options(raw), signatureFormat: 'der' }), 'ERR_KEY_INVALID');
    }
  });

  it('RS10 catches a signer of another algorithm (PS256 key answering RS256)', async () => {
    const setup = signerOptions('PS256');
    await expectCode(() => createRemoteSigner({ ...options(setup), alg: 'RS256' }), 'ERR_KEY_INVALID');
  });
});

describe('createRemoteSigner: options', () => {
  const valid = () => options(signerOptions('ES256', 'raw'));
  const loose = (overrides: Record<string, unknown>) => ({ ...valid(), ...overrides }) as unknown as RemoteSignerOptions;

  it.each([
    ['HS256 (an HMAC secret cannot be published)', { alg: 'HS256', signatureFormat: undefined }],
    ['no alg', { alg: undefined }],
    ['an unknown alg', { alg: 'ES256K' }],
    ['no signatureFormat for ES*', { signatureFormat: undefined }],
    ['an unknown signatureFormat', { signatureFormat: 'p1363' }],
    ['a sign that is not a function', { sign: 'kms' }],
    ['a kid that is not a string', { kid: 7 }],
    ['a zero timeout', { timeout: 0 }],
    ['a unitless timeout string', { timeout: '10' }],
    ['no publicKey', { publicKey: undefined }],
    ['an unknown option name', { signatureFormats: 'raw' }],
    ['"format" (a near miss)', { format: 'raw' }],
  ])('RS11 refuses %s with ERR_INVALID_OPTION', async (_, overrides) => {
    await expectCode(() => createRemoteSigner(loose(overrides)), 'ERR_INVALID_OPTION');
  });

  it('RS12 refuses signatureFormat for a non-ECDSA algorithm, and no options at all', async () => {
    await expectCode(() => createRemoteSigner({ ...options(signerOptions('RS256')), signatureFormat: 'der' }), 'ERR_INVALID_OPTION');
    await expectCode(() => createRemoteSigner(undefined as unknown as RemoteSignerOptions), 'ERR_INVALID_OPTION');
  });

  it('RS13 refuses a private key or a key of another algorithm as publicKey, with ERR_KEY_INVALID', async () => {
    const setup = signerOptions('ES256', 'raw');
    await expectCode(() => createRemoteSigner({ ...options(setup), publicKey: setup.privateKey }), 'ERR_KEY_INVALID');
    const es384 = importKey(keyPair('ES384').publicKey, { alg: 'ES384' });
    await expectCode(() => createRemoteSigner({ ...options(setup), publicKey: es384 }), 'ERR_KEY_INVALID');
    const remote = await createRemoteSigner(options(setup));
    await expectCode(() => createRemoteSigner({ ...options(setup), publicKey: remote }), 'ERR_KEY_INVALID');
  });
});

describe('remote signers in the token service and key rings', () => {
  it('RS14 createTokenService({ key: remoteSigner }) issues access tokens that it and jose verify', async () => {
    const setup = signerOptions('ES256', 'der');
    const signer = await createRemoteSigner(options(setup));
    const tokens = createTokenService({ key: signer, issuer: 'https://auth.example.com', audience: 'api' });
    const pair = await tokens.issue('user-1', { scope: 'read' });
    const result = await tokens.verifyAccessToken(pair.accessToken);
    expect(result.payload).toMatchObject({ sub: 'user-1', scope: 'read' });
    expect(result.header.kid).toBe('remote-ES256');
    await jwtVerify(pair.accessToken, setup.publicKey as KeyObject, { issuer: 'https://auth.example.com', audience: 'api' });
    const refreshed = await tokens.refresh(pair.refreshToken);
    await tokens.verifyAccessToken(refreshed.accessToken);
  });

  it('RS15 a key ring signs with remote signers as current and next, and publishes their public keys', async () => {
    const currentSetup = signerOptions('ES256', 'der');
    const { kid: _, ...withoutKid } = options(currentSetup);
    const current = await createRemoteSigner(withoutKid);
    const next = await createRemoteSigner(options(signerOptions('EdDSA')));
    const ring = createKeyRing({ current, next, maxTokenLifetime: '16m' });
    const expectedKid = thumbprint(exportJWK(currentSetup.publicKey as KeyObject));
    expect(ring.jwks()).toEqual({
      keys: [
        { ...exportJWK(currentSetup.publicKey as KeyObject), alg: 'ES256', kid: expectedKid, use: 'sig' },
        { ...exportJWK(toVerificationKey(next)), use: 'sig' },
      ],
    });
    const jwks = createLocalJWKSet(ring.jwks() as Parameters<typeof createLocalJWKSet>[0]);
    for (let round = 0; round < 2; round++) {
      const signing = ring.signingKey;
      const token = await sign({ sub: 'u1' }, signing, { alg: signing.alg, expiresIn: '15m' });
      await verify(token, (header) => ring.verificationKeys(header), { algorithms: ring.algorithms });
      await jwtVerify(token, jwks);
      expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(round === 0 ? expectedKid : 'remote-EdDSA');
      if (round === 0) ring.rotate();
    }
    const tokens = createTokenService({ key: ring, issuer: 'https://auth.example.com', audience: 'api' });
    await tokens.verifyAccessToken((await tokens.issue('u2')).accessToken);
  });
});
