import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, importKey, sign, verify, verifyJws, type Jwk, type JwsAlgorithm } from '../../src/index.js';
import { NOW, expectCode, expectCodeSync, loadFixture } from './helpers.js';

const rfc7517 = loadFixture('rfc7517.json');
const wycheproof = loadFixture('wycheproof/json_web_key_test.json');
const clock = (): Date => new Date(NOW * 1000);

function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END ${label}-----\n`;
}

/** A key pair and every serialisation of it that node:crypto (an independent oracle) writes. */
interface Material {
  alg: JwsAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

let rsa: Material;
let ec: Material;
let ed: Material;

beforeAll(() => {
  rsa = { alg: 'RS256', ...generateKeyPairSync('rsa', { modulusLength: 2048 }) };
  ec = { alg: 'ES256', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) };
  ed = { alg: 'EdDSA', ...generateKeyPairSync('ed25519') };
});

async function assertPair(privatePart: ReturnType<typeof importKey>, publicPart: ReturnType<typeof importKey>): Promise<void> {
  expect(privatePart.type).toBe('private');
  expect(publicPart.type).toBe('public');
  const token = await sign({ sub: 'u1' }, privatePart, { alg: privatePart.alg, expiresIn: 60, clock });
  const { payload } = await verify(token, publicPart, { algorithms: [publicPart.alg], clock });
  expect(payload.sub).toBe('u1');
}

describe('importKey: PEM text', () => {
  it('SPKI public and PKCS#8 private (RSA, EC, Ed25519)', async () => {
    for (const { alg, privateKey, publicKey } of [rsa, ec, ed]) {
      const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
      const publicPem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
      await assertPair(importKey(privatePem, { alg }), importKey(publicPem, { alg, kid: 'k' }));
    }
  });

  it('encrypted PKCS#8 with a passphrase (string or bytes); refused without it or with a wrong one', async () => {
    const encrypted = ec.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' }) as string;
    const publicPem = ec.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    await assertPair(importKey(encrypted, { alg: 'ES256', passphrase: 'correct horse' }), importKey(publicPem, { alg: 'ES256' }));
    expect(importKey(encrypted, { alg: 'ES256', passphrase: Buffer.from('correct horse') }).type).toBe('private');
    expectCodeSync(() => importKey(encrypted, { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(encrypted, { alg: 'ES256', passphrase: 'wrong' }), 'ERR_KEY_INVALID');
  });

  it('PKCS#1 RSA public and private, SEC 1 EC private', async () => {
    await assertPair(
      importKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string, { alg: 'PS256' }),
      importKey(rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string, { alg: 'PS256' }),
    );
    await assertPair(
      importKey(ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string, { alg: 'ES256' }),
      importKey(ec.publicKey.export({ format: 'pem', type: 'spki' }) as string, { alg: 'ES256' }),
    );
  });

  it('an X.509 certificate gives its public key (RFC 7517 B x5c)', () => {
    const example = rfc7517.B_x5c_example;
    const certificate = pem('CERTIFICATE', Buffer.from(example.x5c[0], 'base64'));
    const key = importKey(certificate, { alg: 'RS256', kid: example.kid });
    expect(key.type).toBe('public');
    expect(exportJWK(key)).toEqual({ kty: 'RSA', n: example.n, e: example.e, alg: 'RS256', kid: example.kid });
  });

  it('PEM bytes with format "pem" (a file read without an encoding)', () => {
    const bytes = Buffer.from(ec.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    expect(importKey(bytes, { alg: 'ES256', format: 'pem' }).type).toBe('public');
  });

  it('refuses text that is not exactly one known PEM block', () => {
    const publicPem = ec.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    expectCodeSync(() => importKey(publicPem + publicPem, { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey('not a key', { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(JSON.stringify(exportJWK(ec.publicKey)), { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(publicPem.replace(/PUBLIC KEY/g, 'OPENSSH PRIVATE KEY'), { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(publicPem.replace('MF', 'XX'), { alg: 'ES256' }), 'ERR_KEY_INVALID');
  });
});

describe('importKey: DER bytes', () => {
  it('spki, pkcs8 (also encrypted), pkcs1-public, pkcs1-private, sec1, x509', async () => {
    const der = (key: KeyObject, type: string, extra: object = {}) => key.export({ format: 'der', type, ...extra } as never) as Buffer;
    await assertPair(
      importKey(der(rsa.privateKey, 'pkcs8'), { alg: 'RS512', format: 'pkcs8' }),
      importKey(der(rsa.publicKey, 'spki'), { alg: 'RS512', format: 'spki' }),
    );
    await assertPair(
      importKey(der(rsa.privateKey, 'pkcs1'), { alg: 'RS384', format: 'pkcs1-private' }),
      importKey(der(rsa.publicKey, 'pkcs1'), { alg: 'RS384', format: 'pkcs1-public' }),
    );
    await assertPair(
      importKey(der(ec.privateKey, 'sec1'), { alg: 'ES256', format: 'sec1' }),
      importKey(new Uint8Array(der(ec.publicKey, 'spki')), { alg: 'ES256', format: 'spki' }),
    );
    const encrypted = der(ed.privateKey, 'pkcs8', { cipher: 'aes-128-cbc', passphrase: 'pw' });
    await assertPair(
      importKey(encrypted, { alg: 'EdDSA', format: 'pkcs8', passphrase: 'pw' }),
      importKey(der(ed.publicKey, 'spki'), { alg: 'EdDSA', format: 'spki' }),
    );
    const certificate = Buffer.from(rfc7517.B_x5c_example.x5c[0], 'base64');
    expect(exportJWK(importKey(certificate, { alg: 'RS256', format: 'x509' })).n).toBe(rfc7517.B_x5c_example.n);
  });

  it('refuses bytes of an asymmetric key without a format, or in the wrong format', () => {
    const spki = ec.publicKey.export({ format: 'der', type: 'spki' });
    expectCodeSync(() => importKey(spki, { alg: 'ES256' }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey(spki, { alg: 'ES256', format: 'pkcs8' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(spki, { alg: 'ES256', format: 'x509' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(spki, { alg: 'ES256', format: 'der' as never }), 'ERR_INVALID_OPTION');
  });
});

describe('importKey: JWK and secret bytes', () => {
  it('RFC 7517 A.1/A.2 RSA keys (alg RS256, kid kept)', async () => {
    const publicKey = importKey(rfc7517['A.1_public_keys'].keys[1], { alg: 'RS256' });
    const privateKey = importKey(rfc7517['A.2_private_keys'].keys[1], { alg: 'RS256' });
    expect(publicKey.kid).toBe('2011-04-29');
    await assertPair(privateKey, publicKey);
    expect(importKey(rfc7517['A.1_public_keys'].keys[1], { alg: 'RS256', kid: 'override' }).kid).toBe('override');
  });

  it('RFC 7517 keys marked for encryption are refused for signatures (A.1 EC, C.1 RSA)', () => {
    expectCodeSync(() => importKey(rfc7517['A.1_public_keys'].keys[0], { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(rfc7517['A.2_private_keys'].keys[0], { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(rfc7517['C.1_rsa_private_key'], { alg: 'RS256' }), 'ERR_KEY_INVALID');
    const { use: _use, ...signing } = rfc7517['C.1_rsa_private_key'];
    expect(importKey(signing, { alg: 'RS256' }).type).toBe('private');
  });

  it('RFC 7517 A.3: the JWS A.1 HMAC key imports; the A128KW key does not', () => {
    const [aesKey, hmacKey] = rfc7517['A.3_symmetric_keys'].keys;
    const key = importKey(hmacKey, { alg: 'HS256' });
    expect(key).toMatchObject({ type: 'secret', kid: 'HMAC key used in JWS A.1 example' });
    expectCodeSync(() => importKey(aesKey, { alg: 'HS256' }), 'ERR_KEY_INVALID');
  });

  it('a JWK alg that contradicts options.alg is refused', () => {
    expectCodeSync(() => importKey(rfc7517['A.1_public_keys'].keys[1], { alg: 'PS256' }), 'ERR_KEY_INVALID');
  });

  it('secret bytes for HS*, at least as long as the hash', async () => {
    const secret = importKey(new Uint8Array(32).fill(7), { alg: 'HS256' });
    const token = await sign({ sub: 'u1' }, secret, { alg: 'HS256', expiresIn: 60, clock });
    expect((await verify(token, secret, { algorithms: ['HS256'], clock })).payload.sub).toBe('u1');
    expectCodeSync(() => importKey(new Uint8Array(32), { alg: 'HS256', format: 'spki' }), 'ERR_INVALID_OPTION');
  });
});

describe('importKey: the refusals of B7–B15 (test/jws/key.test.ts)', () => {
  it('B7, B8: public key material never becomes an HMAC secret', async () => {
    const spkiPem = rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const pkcs1Pem = rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string;
    const certificate = pem('CERTIFICATE', Buffer.from(rfc7517.B_x5c_example.x5c[0], 'base64'));
    for (const text of [spkiPem, pkcs1Pem, certificate, `\n${pkcs1Pem}`, `# comment\n${spkiPem}`]) {
      expectCodeSync(() => importKey(text, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    }
    // The asymmetric key itself refuses HS256.
    expectCodeSync(() => importKey(spkiPem, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(exportJWK(rsa.publicKey), { alg: 'HS256' }), 'ERR_KEY_INVALID');
    // A token HMAC'd with the PEM bytes does not verify against the imported RS256 key.
    const signingInput = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"admin"}').toString('base64url')}`;
    const forged = `${signingInput}.${createHmac('sha256', spkiPem).update(signingInput).digest('base64url')}`;
    await expectCode(() => verifyJws(forged, importKey(spkiPem, { alg: 'RS256' }), { algorithms: ['RS256'] }), 'ERR_JWT_ALG_NOT_ALLOWED');
  });

  // The bytes form of the same attack: `readFileSync('public.pem')` handed over as a secret.
  it('B7, B8: PEM or JWK text given as secret BYTES is refused for HS*', () => {
    const spkiPem = rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    expectCodeSync(() => importKey(Buffer.from(spkiPem), { alg: 'HS256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(Buffer.from(JSON.stringify(exportJWK(rsa.publicKey))), { alg: 'HS256' }), 'ERR_KEY_INVALID');
  });

  it('B11: RSA under 2048 bits, e = 1, wrong curve, wrong key type', () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expectCodeSync(() => importKey(small.publicKey.export({ format: 'pem', type: 'spki' }) as string, { alg: 'RS256' }), 'ERR_KEY_INVALID');
    const exponentOne = wycheproof.testGroups.find((group: any) => group.comment === 'exponentOne').public.keys[0];
    expectCodeSync(() => importKey(exponentOne, { alg: 'RS256' }), 'ERR_KEY_INVALID');
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expectCodeSync(() => importKey(p384.publicKey.export({ format: 'pem', type: 'spki' }) as string, { alg: 'ES256' }), 'ERR_KEY_INVALID');
    for (const type of ['x25519', 'ed448'] as const) {
      const other = generateKeyPairSync(type as 'x25519');
      expectCodeSync(
        () => importKey(other.publicKey.export({ format: 'pem', type: 'spki' }) as string, { alg: 'EdDSA' }),
        'ERR_KEY_INVALID',
      );
    }
    expectCodeSync(() => importKey(ec.publicKey.export({ format: 'pem', type: 'spki' }) as string, { alg: 'RS256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string, { alg: 'EdDSA' }), 'ERR_KEY_INVALID');
  });

  it('B12: empty and short HMAC secrets', () => {
    expectCodeSync(() => importKey(new Uint8Array(0), { alg: 'HS256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(new Uint8Array(31), { alg: 'HS256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(new Uint8Array(47), { alg: 'HS384' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(new Uint8Array(63), { alg: 'HS512' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey({ kty: 'oct', k: '' }, { alg: 'HS256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey('a'.repeat(64), { alg: 'HS256' }), 'ERR_KEY_INVALID');
  });

  it('B14: hostile objects are refused without running their code', () => {
    let touched = false;
    const getterJwk = { kty: 'EC', crv: 'P-256', y: exportJWK(ec.publicKey).y } as Record<string, unknown>;
    Object.defineProperty(getterJwk, 'x', { enumerable: true, get: () => ((touched = true), exportJWK(ec.publicKey).x) });
    expectCodeSync(() => importKey(getterJwk as Jwk, { alg: 'ES256' }), 'ERR_KEY_INVALID');
    const toStringBomb = { toString: () => ((touched = true), '-----BEGIN PUBLIC KEY-----') };
    for (const value of [toStringBomb, [], 42, null, undefined]) {
      expectCodeSync(() => importKey(value as never, { alg: 'ES256' }), 'ERR_KEY_INVALID');
    }
    expect(touched).toBe(false);
    // A Proxy's traps cannot be avoided without refusing proxies outright; it is refused all the same.
    expectCodeSync(
      () => importKey(new Proxy({}, { getOwnPropertyDescriptor: () => undefined }) as Jwk, { alg: 'ES256' }),
      'ERR_KEY_INVALID',
    );
  });

  it('a KeyObject is bound as it is, and takes neither format nor passphrase', () => {
    expect(importKey(ec.publicKey, { alg: 'ES256', kid: 'k' })).toMatchObject({ alg: 'ES256', kid: 'k', type: 'public' });
    expect(importKey(ec.privateKey, { alg: 'ES256' }).type).toBe('private');
    expectCodeSync(() => importKey(ec.publicKey, { alg: 'ES384' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey(ec.publicKey, { alg: 'ES256', format: 'spki' }), 'ERR_INVALID_OPTION');
  });

  it('B15: a JWK whose use or key_ops exclude signatures', () => {
    const jwk = exportJWK(ec.publicKey);
    expectCodeSync(() => importKey({ ...jwk, use: 'enc' }, { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expectCodeSync(() => importKey({ ...jwk, key_ops: ['encrypt'] }, { alg: 'ES256' }), 'ERR_KEY_INVALID');
    expect(importKey({ ...jwk, use: 'sig', key_ops: ['verify'] }, { alg: 'ES256' }).type).toBe('public');
  });

  it('misuse: no alg, unknown alg, bad kid, bad passphrase type, format or passphrase with a JWK', () => {
    const jwk = exportJWK(ec.publicKey);
    expectCodeSync(() => importKey(jwk, undefined as never), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey(jwk, {} as never), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey(jwk, { alg: 'none' as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey(jwk, { alg: 'ES256', kid: 1 as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey(jwk, { alg: 'ES256', format: 'spki' }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey(jwk, { alg: 'ES256', passphrase: 'x' }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey('x', { alg: 'ES256', passphrase: 5 as never }), 'ERR_INVALID_OPTION');
    expectCodeSync(() => importKey('x', { alg: 'ES256', format: 'spki' }), 'ERR_INVALID_OPTION');
  });
});
