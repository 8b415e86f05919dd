/**
 * encrypt/decrypt: round trips of every key management × content encryption pair, the mandatory
 * allow-lists, key binding, header rules and exact lengths checked before any cryptography, and
 * one indistinguishable failure for everything that happens after.
 */
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decrypt,
  encrypt,
  exportJWK,
  generateKeyPair,
  generateSecret,
  importKey,
  isJweKey,
  JWE_CONTENT_ENCRYPTION_ALGORITHMS,
  JWE_KEY_MANAGEMENT_ALGORITHMS,
  toEncryptionKey,
  type DecryptOptions,
  type JweContentEncryptionAlgorithm,
  type JweKey,
  type JweKeyManagementAlgorithm,
  type JwtErrorCode,
} from '../../src/index.js';

const ALL_KM = JWE_KEY_MANAGEMENT_ALGORITHMS;
const ALL_ENC = JWE_CONTENT_ENCRYPTION_ALGORITHMS;
const everything: DecryptOptions = { keyManagementAlgorithms: ALL_KM, contentEncryptionAlgorithms: ALL_ENC, allowRsaOaepSha1: true };
const only = (alg: JweKeyManagementAlgorithm, enc: JweContentEncryptionAlgorithm = 'A256GCM'): DecryptOptions => ({
  keyManagementAlgorithms: [alg],
  contentEncryptionAlgorithms: [enc],
  ...(alg === 'RSA-OAEP' ? { allowRsaOaepSha1: true } : {}),
});
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const segments = (token: string): string[] => token.split('.');

async function codeOf(run: () => Promise<unknown> | unknown): Promise<JwtErrorCode | 'resolved'> {
  try {
    await run();
    return 'resolved';
  } catch (error) {
    return (error as { code: JwtErrorCode }).code;
  }
}

/** Decryption keys and their encryption halves, one per algorithm (and curve). */
const pairs = new Map<string, { decryptionKey: JweKey; encryptionKey: JweKey }>();
let rsa2048: ReturnType<typeof generateKeyPairSync>;

beforeAll(async () => {
  for (const alg of ['A128KW', 'A192KW', 'A256KW'] as const) {
    const secret = generateSecret(alg);
    pairs.set(alg, { decryptionKey: secret, encryptionKey: secret });
  }
  for (const alg of ['RSA-OAEP', 'RSA-OAEP-256'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg);
    pairs.set(alg, { decryptionKey: privateKey, encryptionKey: publicKey });
  }
  for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'] as const) {
    for (const crv of ['P-256', 'P-384', 'P-521', 'X25519'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { crv });
      pairs.set(`${alg} ${crv}`, { decryptionKey: privateKey, encryptionKey: publicKey });
    }
  }
  rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
});

describe('round trips', () => {
  it('every key management algorithm (and curve) with every content encryption algorithm', async () => {
    const plaintext = Buffer.from('“encrypted” claims ✓', 'utf8');
    let count = 0;
    for (const enc of ALL_ENC) {
      const dir = generateSecret('dir', { enc });
      for (const [name, { decryptionKey, encryptionKey }] of [...pairs, ['dir', { decryptionKey: dir, encryptionKey: dir }] as const]) {
        const token = await encrypt(plaintext, encryptionKey, { enc, allowRsaOaepSha1: true });
        const result = await decrypt(token, decryptionKey, everything);
        expect(Buffer.from(result.plaintext), `${name} ${enc}`).toEqual(plaintext);
        expect(result.header.alg).toBe(decryptionKey.alg);
        expect(result.header.enc).toBe(enc);
        expect(Object.isFrozen(result.header)).toBe(true);
        count++;
      }
    }
    expect(count).toBe(ALL_ENC.length * (pairs.size + 1));
  });

  it('writes kid, typ, cty, extra parameters and ECDH-ES apu/apv into the protected header', async () => {
    const { decryptionKey, encryptionKey } = pairs.get('ECDH-ES+A256KW P-256')!;
    const token = await encrypt('x', encryptionKey, {
      enc: 'A128CBC-HS256',
      kid: 'k1',
      typ: 'secret+jwt',
      cty: 'text/plain',
      header: { 'x-trace': 7 },
      apu: Buffer.from('Alice'),
      apv: Buffer.from('Bob'),
    });
    const { header } = await decrypt(token, decryptionKey, only('ECDH-ES+A256KW', 'A128CBC-HS256'));
    expect(header).toMatchObject({
      alg: 'ECDH-ES+A256KW',
      enc: 'A128CBC-HS256',
      kid: 'k1',
      typ: 'secret+jwt',
      cty: 'text/plain',
      'x-trace': 7,
      apu: 'QWxpY2U',
      apv: 'Qm9i',
    });
    expect(Object.keys(header.epk as object).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it('uses a fresh IV and CEK each time', async () => {
    const key = pairs.get('A256KW')!.encryptionKey;
    const [a, b] = [await encrypt('same', key, { enc: 'A256GCM' }), await encrypt('same', key, { enc: 'A256GCM' })];
    expect(segments(a)[1]).not.toBe(segments(b)[1]);
    expect(segments(a)[2]).not.toBe(segments(b)[2]);
  });

  it('decrypts with a resolver that sees the frozen header', async () => {
    const { decryptionKey, encryptionKey } = pairs.get('RSA-OAEP-256')!;
    const token = await encrypt('x', encryptionKey, { enc: 'A256GCM', kid: 'r1' });
    const seen: unknown[] = [];
    const result = await decrypt(token, (header) => (seen.push(header), decryptionKey), only('RSA-OAEP-256'));
    expect(Buffer.from(result.plaintext).toString()).toBe('x');
    expect(seen).toEqual([expect.objectContaining({ kid: 'r1' })]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(
      await codeOf(() =>
        decrypt(
          token,
          () => {
            throw new Error('boom');
          },
          only('RSA-OAEP-256'),
        ),
      ),
    ).toBe('ERR_KEY_INVALID');
  });
});

describe('options (misuse is ERR_INVALID_OPTION, before the token is read)', () => {
  it('requires both allow-lists, non-empty, of supported algorithms; RSA1_5 and RSA-OAEP without the opt-in are refused', async () => {
    const key = pairs.get('A256KW')!.decryptionKey;
    for (const options of [
      {},
      { keyManagementAlgorithms: ['A256KW'] },
      { contentEncryptionAlgorithms: ['A256GCM'] },
      { keyManagementAlgorithms: [], contentEncryptionAlgorithms: ['A256GCM'] },
      { keyManagementAlgorithms: ['RSA1_5'], contentEncryptionAlgorithms: ['A256GCM'] },
      { keyManagementAlgorithms: ['PBES2-HS256+A128KW'], contentEncryptionAlgorithms: ['A256GCM'] },
      { keyManagementAlgorithms: ['A256KW'], contentEncryptionAlgorithms: ['A256gcm'] },
      { keyManagementAlgorithms: ['RSA-OAEP'], contentEncryptionAlgorithms: ['A256GCM'] },
      { keyManagementAlgorithms: ['A256KW'], contentEncryptionAlgorithms: ['A256GCM'], algorithms: ['A256KW'] },
      { keyManagementAlgorithms: ['A256KW'], contentEncryptionAlgorithms: ['A256GCM'], maxTokenLength: 0 },
    ]) {
      expect(await codeOf(() => decrypt('not a token', key, options as DecryptOptions)), JSON.stringify(options)).toBe(
        'ERR_INVALID_OPTION',
      );
    }
  });

  it("encrypt: enc required (except dir), the dir key's own enc, no reserved header parameters, apu/apv only for ECDH-ES, RSA-OAEP only with the opt-in", async () => {
    const kw = pairs.get('A256KW')!.encryptionKey;
    const dir = generateSecret('dir', { enc: 'A128GCM' });
    expect(await codeOf(() => encrypt('x', kw, {}))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encrypt('x', kw, { enc: 'A256GCM', header: { zip: 'DEF' } }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encrypt('x', kw, { enc: 'A256GCM', header: { epk: {} } }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encrypt('x', kw, { enc: 'A256GCM', apu: new Uint8Array(1) }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encrypt('x', kw, { enc: 'A256GCM', alg: 'A256KW' } as never))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encrypt('x', dir, { enc: 'A256GCM' }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encrypt('x', dir, { enc: 'A128GCM' }))).toBe('resolved');
    expect(await codeOf(() => encrypt('x', pairs.get('RSA-OAEP')!.encryptionKey, { enc: 'A256GCM' }))).toBe('ERR_INVALID_OPTION');
    const ecdh = pairs.get('ECDH-ES P-256')!.encryptionKey;
    expect(await codeOf(() => encrypt('x', ecdh, { enc: 'A256GCM', apu: new Uint8Array(129) }))).toBe('ERR_INVALID_OPTION');
    expect(await codeOf(() => encrypt(42 as never, kw, { enc: 'A256GCM' }))).toBe('ERR_INVALID_OPTION');
  });
});

describe('keys (bound to one key management algorithm; a dir key also to one enc)', () => {
  it('encrypt takes a public key or a secret; decrypt a private key or a secret; only JWE keys made by jwtkit', async () => {
    const { decryptionKey, encryptionKey } = pairs.get('RSA-OAEP-256')!;
    expect(await codeOf(() => encrypt('x', decryptionKey, { enc: 'A256GCM' }))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(() => encrypt('x', toEncryptionKey(decryptionKey), { enc: 'A256GCM' }))).toBe('resolved');
    const token = await encrypt('x', encryptionKey, { enc: 'A256GCM' });
    expect(await codeOf(() => decrypt(token, encryptionKey, only('RSA-OAEP-256')))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(() => decrypt(token, { ...decryptionKey } as JweKey, only('RSA-OAEP-256')))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(() => decrypt(token, importKey(rsa2048.privateKey, { alg: 'RS256' }) as never, only('RSA-OAEP-256')))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(await codeOf(() => encrypt('x', generateSecret('HS256') as never, { enc: 'A256GCM' }))).toBe('ERR_KEY_INVALID');
  });

  it("a token whose alg (or a dir token whose enc) is not the key's is ERR_JWE_ALG_NOT_ALLOWED", async () => {
    const oaep256 = importKey(rsa2048.privateKey, { alg: 'RSA-OAEP-256' });
    const oaep = importKey(rsa2048.privateKey, { alg: 'RSA-OAEP' });
    const token = await encrypt('x', toEncryptionKey(oaep), { enc: 'A256GCM', allowRsaOaepSha1: true });
    expect(await codeOf(() => decrypt(token, oaep256, everything))).toBe('ERR_JWE_ALG_NOT_ALLOWED');
    const key = new Uint8Array(32).fill(3);
    const gcm = importKey(key, { alg: 'dir', enc: 'A256GCM' });
    const cbc = importKey(key, { alg: 'dir', enc: 'A128CBC-HS256' });
    const sealed = await encrypt('x', gcm);
    expect(await codeOf(() => decrypt(sealed, cbc, everything))).toBe('ERR_JWE_ALG_NOT_ALLOWED');
  });

  it('importKey and generation check type and size, JWK use/alg/key_ops, and export with alg and kid', async () => {
    expect(() => importKey(new Uint8Array(16), { alg: 'A256KW' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    expect(() => importKey(new Uint8Array(32), { alg: 'dir' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => importKey(new Uint8Array(32), { alg: 'dir', enc: 'A128GCM' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
    expect(() => importKey(new Uint8Array(32), { alg: 'A256KW', enc: 'A128GCM' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => importKey(new Uint8Array(32), { alg: 'HS256', enc: 'A128GCM' } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => importKey(small.publicKey, { alg: 'RSA-OAEP-256' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    const ed = generateKeyPairSync('ed25519');
    expect(() => importKey(ed.publicKey, { alg: 'ECDH-ES' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    expect(() => importKey(rsa2048.publicKey, { alg: 'ECDH-ES' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    const jwk = exportJWK(pairs.get('ECDH-ES+A128KW X25519')!.encryptionKey);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'X25519', alg: 'ECDH-ES+A128KW' });
    expect(isJweKey(importKey(jwk, { alg: 'ECDH-ES+A128KW' }))).toBe(true);
    expect(() => importKey({ ...jwk, use: 'sig' }, { alg: 'ECDH-ES+A128KW' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
    expect(() => importKey(jwk, { alg: 'ECDH-ES' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    expect(() => importKey({ ...jwk, key_ops: ['verify'] }, { alg: 'ECDH-ES+A128KW' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
    expect(importKey({ ...jwk, use: 'enc', key_ops: ['wrapKey'] }, { alg: 'ECDH-ES+A128KW' }).type).toBe('public');
    expect(() => importKey({ ...jwk, alg: 'ECDH-ES+A128KW' }, { alg: 'ES256' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
    expect(generateSecret('A192KW').keyObject.symmetricKeySize).toBe(24);
    expect(generateSecret('dir', { enc: 'A256CBC-HS512' }).keyObject.symmetricKeySize).toBe(64);
    expect(() => generateSecret('dir')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => generateSecret('RSA-OAEP-256' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    await expect(generateKeyPair('A256KW' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(generateKeyPair('ECDH-ES', { crv: 'secp256k1' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    await expect(generateKeyPair('ES256', { crv: 'P-256' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
  });
});

describe('header and structure rules (before any cryptography)', () => {
  let token: string;
  let key: JweKey;
  beforeAll(async () => {
    key = pairs.get('A256KW')!.decryptionKey;
    token = await encrypt('hello', key, { enc: 'A256GCM' });
  });
  const withHeader = (header: unknown): string => [b64(header), ...segments(token).slice(1)].join('.');
  const withSegment = (index: number, value: string): string =>
    segments(token)
      .map((part, i) => (i === index ? value : part))
      .join('.');

  it('size first, then the five segments and a JSON-object header without duplicates', async () => {
    expect(await codeOf(() => decrypt(token, key, { ...only('A256KW'), maxTokenLength: token.length - 1 }))).toBe('ERR_JWE_TOO_LARGE');
    expect(await codeOf(() => decrypt('a'.repeat(9000), key, only('A256KW')))).toBe('ERR_JWE_TOO_LARGE');
    for (const bad of [
      segments(token).slice(0, 3).join('.'),
      `${token}.x`,
      `.${segments(token).slice(1).join('.')}`,
      [Buffer.from('{"alg":"A256KW","enc":"A256GCM","alg":"A256KW"}').toString('base64url'), ...segments(token).slice(1)].join('.'),
      withHeader(['A256KW']),
      withHeader({ enc: 'A256GCM' }),
      withHeader({ alg: 'A256KW' }),
      withHeader({ alg: 'A256KW', enc: 'A256GCM', kid: 5 }),
      withSegment(2, `${segments(token)[2]}=`),
      withSegment(3, '*'),
    ]) {
      expect(await codeOf(() => decrypt(bad, key, only('A256KW'))), bad.slice(0, 80)).toBe('ERR_JWE_MALFORMED');
    }
    expect(await codeOf(() => decrypt(42 as never, key, only('A256KW')))).toBe('ERR_JWE_MALFORMED');
  });

  it('zip, crit and b64 are unsupported; parameters of another algorithm are malformed', async () => {
    for (const extra of [{ zip: 'DEF' }, { crit: ['exp'], exp: 1 }, { b64: false }]) {
      expect(await codeOf(() => decrypt(withHeader({ alg: 'A256KW', enc: 'A256GCM', ...extra }), key, only('A256KW')))).toBe(
        'ERR_JWE_UNSUPPORTED_HEADER',
      );
    }
    for (const extra of [{ epk: {} }, { apu: 'QQ' }, { p2c: 1000 }, { iv: 'AAAA' }]) {
      expect(await codeOf(() => decrypt(withHeader({ alg: 'A256KW', enc: 'A256GCM', ...extra }), key, only('A256KW')))).toBe(
        'ERR_JWE_MALFORMED',
      );
    }
  });

  it('alg and enc must be allowed; RSA1_5, PBES2 and A*GCMKW never are, and the resolver is not called', async () => {
    let called = 0;
    const resolver = (): JweKey => (called++, key);
    for (const alg of ['RSA1_5', 'PBES2-HS256+A128KW', 'A256GCMKW', 'A128KW', 'none', 'dir']) {
      expect(await codeOf(() => decrypt(withHeader({ alg, enc: 'A256GCM' }), resolver, only('A256KW')))).toBe('ERR_JWE_ALG_NOT_ALLOWED');
    }
    expect(await codeOf(() => decrypt(withHeader({ alg: 'A256KW', enc: 'A128GCM' }), resolver, only('A256KW')))).toBe(
      'ERR_JWE_ALG_NOT_ALLOWED',
    );
    expect(called).toBe(0);
  });

  it('exact IV and tag lengths (GCM: full 16-byte tags only), an empty encrypted key with dir and ECDH-ES', async () => {
    const [, , iv, , tag] = segments(token) as [string, string, string, string, string];
    expect(await codeOf(() => decrypt(withSegment(2, Buffer.alloc(16).toString('base64url')), key, only('A256KW')))).toBe(
      'ERR_JWE_MALFORMED',
    );
    for (const length of [8, 12, 15, 17]) {
      const cut = Buffer.concat([Buffer.from(tag, 'base64url'), Buffer.alloc(4)])
        .subarray(0, length)
        .toString('base64url');
      expect(await codeOf(() => decrypt(withSegment(4, cut), key, only('A256KW')))).toBe('ERR_JWE_MALFORMED');
    }
    expect(iv.length).toBe(16);
    const dir = generateSecret('dir', { enc: 'A128CBC-HS256' });
    const sealed = segments(await encrypt('x', dir));
    sealed[1] = 'AAAA';
    expect(await codeOf(() => decrypt(sealed.join('.'), dir, only('dir', 'A128CBC-HS256')))).toBe('ERR_JWE_MALFORMED');
    const cbc = segments(await encrypt('x', dir));
    cbc[3] = Buffer.alloc(15).toString('base64url');
    expect(await codeOf(() => decrypt(cbc.join('.'), dir, only('dir', 'A128CBC-HS256')))).toBe('ERR_JWE_MALFORMED');
  });
});

describe("ECDH-ES ephemeral keys (checked against the recipient key's curve before deriving)", () => {
  const rebuild = (token: string, change: (header: Record<string, any>) => void): string => {
    const parts = segments(token);
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString());
    change(header);
    return [b64(header), ...parts.slice(1)].join('.');
  };

  it('refuses an epk of another curve, another type, with private or extra members, off the curve, or wrong-length coordinates', async () => {
    const { decryptionKey, encryptionKey } = pairs.get('ECDH-ES+A128KW P-256')!;
    const token = await encrypt('x', encryptionKey, { enc: 'A128GCM' });
    const p384 = (await generateKeyPair('ECDH-ES', { crv: 'P-384' })).publicKey;
    const other = exportJWK(p384);
    const cases: Array<(h: Record<string, any>) => void> = [
      (h) => (h.epk = { kty: 'EC', crv: 'P-384', x: other.x, y: other.y }),
      (h) => (h.epk = { kty: 'OKP', crv: 'X25519', x: Buffer.alloc(32, 9).toString('base64url') }),
      (h) => (h.epk = { ...h.epk, d: Buffer.alloc(32, 1).toString('base64url') }),
      (h) => (h.epk = { ...h.epk, kid: 'x' }),
      (h) =>
        (h.epk = {
          ...h.epk,
          y: Buffer.from(Buffer.from(h.epk.y, 'base64url').map((byte, i) => (i === 31 ? byte ^ 1 : byte))).toString('base64url'),
        }),
      (h) => (h.epk = { ...h.epk, x: Buffer.alloc(33, 1).toString('base64url') }),
      (h) => delete h.epk,
      (h) => (h.epk = 'not a key'),
      (h) => (h.apu = Buffer.alloc(129).toString('base64url')),
      (h) => (h.apv = 'a+b'),
    ];
    for (const change of cases) {
      expect(await codeOf(() => decrypt(rebuild(token, change), decryptionKey, only('ECDH-ES+A128KW', 'A128GCM'))), change.toString()).toBe(
        'ERR_JWE_MALFORMED',
      );
    }
  });

  it('refuses an X25519 epk that gives an all-zero shared secret (a low-order point)', async () => {
    const { decryptionKey, encryptionKey } = pairs.get('ECDH-ES X25519')!;
    const token = await encrypt('x', encryptionKey, { enc: 'A256GCM' });
    const lowOrder = rebuild(token, (h) => (h.epk = { kty: 'OKP', crv: 'X25519', x: Buffer.alloc(32).toString('base64url') }));
    expect(await codeOf(() => decrypt(lowOrder, decryptionKey, only('ECDH-ES')))).toBe('ERR_JWE_MALFORMED');
  });
});

describe('one failure after the checks (RFC 7516 §11.4, §11.5)', () => {
  it('a wrong key, a tampered part, an empty or wrong-length encrypted key: the same code and message', async () => {
    const key = pairs.get('A128KW')!.decryptionKey;
    const token = await encrypt('hello', key, { enc: 'A128CBC-HS256' });
    const flip = (index: number): string =>
      segments(token)
        .map((part, i) =>
          i === index
            ? Buffer.from(Buffer.from(part, 'base64url').map((byte, j) => (j === 0 ? byte ^ 1 : byte))).toString('base64url')
            : part,
        )
        .join('.');
    const wrongCek = segments(token);
    const { aesWrap } = await import('../../src/jwe/aes-kw.js');
    wrongCek[1] = aesWrap(key.keyObject, Buffer.alloc(16, 7)).toString('base64url'); // a 16-byte CEK where A128CBC-HS256 needs 32
    const empty = segments(token);
    empty[1] = '';
    const failures = [
      () => decrypt(token, generateSecret('A128KW'), only('A128KW', 'A128CBC-HS256')),
      () => decrypt(flip(1), key, only('A128KW', 'A128CBC-HS256')),
      () => decrypt(flip(2), key, only('A128KW', 'A128CBC-HS256')),
      () => decrypt(flip(3), key, only('A128KW', 'A128CBC-HS256')),
      () => decrypt(flip(4), key, only('A128KW', 'A128CBC-HS256')),
      () => decrypt(wrongCek.join('.'), key, only('A128KW', 'A128CBC-HS256')),
      () => decrypt(empty.join('.'), key, only('A128KW', 'A128CBC-HS256')),
      () =>
        decrypt(
          [b64({ enc: 'A128CBC-HS256', alg: 'A128KW' }), ...segments(token).slice(1)].join('.'),
          key,
          only('A128KW', 'A128CBC-HS256'),
        ),
    ];
    const errors = await Promise.all(
      failures.map((run) =>
        run().then(
          () => undefined,
          (error: unknown) => error as Error & { code: string },
        ),
      ),
    );
    for (const error of errors) {
      expect(error?.code).toBe('ERR_JWE_DECRYPTION_FAILED');
      expect(error?.message).toBe(errors[0]?.message);
    }
  });

  it('an RSA-OAEP encrypted key that does not decrypt, or decrypts to a CEK of the wrong length, fails the same way', async () => {
    const { decryptionKey, encryptionKey } = pairs.get('RSA-OAEP-256')!;
    const token = segments(await encrypt('x', encryptionKey, { enc: 'A256GCM' }));
    const { rsaOaepEncrypt } = await import('../../src/jwe/rsa-oaep.js');
    for (const encryptedKey of [
      '',
      Buffer.alloc(256, 1).toString('base64url'),
      rsaOaepEncrypt(encryptionKey.keyObject, 'sha256', Buffer.alloc(16)).toString('base64url'),
    ]) {
      const tampered = [...token];
      tampered[1] = encryptedKey;
      expect(await codeOf(() => decrypt(tampered.join('.'), decryptionKey, only('RSA-OAEP-256')))).toBe('ERR_JWE_DECRYPTION_FAILED');
    }
  });
});
