/**
 * JWS header parameters.
 *
 * C16–C19, key material named in the header (RFC 8725 §2.9, §3.10): `jwk`, `jku`, `x5u`, `x5c`,
 * `x5t` headers are ignored for key selection; `kid` reaches a resolver untouched and only as a
 * string. JWKS matching itself is tested in test/keys/key-set.test.ts.
 *
 * G38–G39, header semantics: any `crit` (RFC 7515 §4.1.11) and any `b64` (RFC 7797) header →
 * ERR_JWT_UNSUPPORTED_HEADER. G40 (`typ`, explicit typing) is in test/jwt/claims.test.ts.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sign, signJws, verify, verifyJws, type JwsHeader, type VerifyOptions } from '../../src/index.js';
import { expectCode, FAR_FUTURE, forge, NOW, NOW_CLOCK, testKeys } from '../helpers/core.js';

const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const keys = testKeys();
const ES: VerifyOptions = { algorithms: ['ES256'], clock: NOW_CLOCK };
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const attackerJwk = attacker.publicKey.export({ format: 'jwk' });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('C16. embedded "jwk" header (key injection)', () => {
  it('ES256 token signed by an attacker key embedded as "jwk" → ERR_JWT_SIGNATURE_INVALID', async () => {
    const token = forge('ES256', { alg: 'ES256', kid: 'real', jwk: attackerJwk }, P, attacker.privateKey);
    await expectCode(() => verify(token, keys.p256.publicKey, ES), 'ERR_JWT_SIGNATURE_INVALID');
    await expectCode(() => verify(token, () => keys.p256.publicKey, ES), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('symmetric smuggling: {"alg":"HS256","jwk":{"kty":"oct",...}} MACed with the embedded secret → ERR_JWT_SIGNATURE_INVALID', async () => {
    const smuggled = Buffer.alloc(32, 0x41);
    const token = forge('HS256', { alg: 'HS256', jwk: { kty: 'oct', k: smuggled.toString('base64url') } }, P, smuggled);
    await expectCode(() => verify(token, keys.hs256, { algorithms: ['HS256'], clock: NOW_CLOCK }), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('a correctly signed token that carries a "jwk" header verifies with the configured key (ignored, not trusted)', async () => {
    const token = forge('ES256', { alg: 'ES256', jwk: attackerJwk }, P, keys.p256.privateKey);
    await expect(verify(token, keys.p256.publicKey, ES)).resolves.toMatchObject({ payload: P });
  });
});

describe('C17. "jku" / "x5u" URL injection: never dereferenced', () => {
  const urls = [
    'https://attacker.example/jwks.json',
    'http://127.0.0.1:1/jwks',
    'http://169.254.169.254/latest/meta-data',
    'file:///etc/passwd',
  ];
  for (const parameter of ['jku', 'x5u']) {
    it(`"${parameter}" pointing anywhere: zero fetches; attacker-signed → ERR_JWT_SIGNATURE_INVALID`, async () => {
      const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in tests'));
      for (const url of urls) {
        const token = forge('ES256', { alg: 'ES256', kid: 'x', [parameter]: url }, P, attacker.privateKey);
        await expectCode(() => verify(token, keys.p256.publicKey, ES), 'ERR_JWT_SIGNATURE_INVALID');
        const honest = forge('ES256', { alg: 'ES256', kid: 'x', [parameter]: url }, P, keys.p256.privateKey);
        await expect(verify(honest, keys.p256.publicKey, ES)).resolves.toMatchObject({ payload: P });
      }
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  }
});

describe('C18. "x5c" / "x5t" / "x5t#S256" certificate injection: ignored', () => {
  it('attacker certificate material in the header, token signed with the attacker key → ERR_JWT_SIGNATURE_INVALID', async () => {
    const der = attacker.publicKey.export({ type: 'spki', format: 'der' });
    const header = {
      alg: 'ES256',
      x5c: [der.toString('base64')],
      x5t: createHash('sha1').update(der).digest('base64url'),
      'x5t#S256': createHash('sha256').update(der).digest('base64url'),
    };
    const token = forge('ES256', header, P, attacker.privateKey);
    await expectCode(() => verify(token, keys.p256.publicKey, ES), 'ERR_JWT_SIGNATURE_INVALID');
    await expect(verify(forge('ES256', header, P, keys.p256.privateKey), keys.p256.publicKey, ES)).resolves.toEqual({ header, payload: P });
  });
});

describe('C19. "kid" injection and loose kid types', () => {
  it('string kids reach the resolver untouched (path traversal, SQL, 4 KB), and the resolver result is re-validated', async () => {
    const kids = ['../../../../../../dev/null', "' UNION SELECT 'secret' --", 'k'.repeat(4096), '', '\u0000', 'kid\r\nX-Injected: 1'];
    for (const kid of kids) {
      const token = forge('HS256', { alg: 'HS256', kid }, P, new Uint8Array(0));
      const seen: string[] = [];
      // A naive resolver reading "/dev/null" would return an empty key.
      await expectCode(
        () =>
          verify(
            token,
            (header: Readonly<JwsHeader>) => {
              seen.push(header.kid as string);
              return new Uint8Array(0);
            },
            { algorithms: ['HS256'], clock: NOW_CLOCK },
          ),
        'ERR_KEY_INVALID',
      );
      expect(seen).toEqual([kid]);
    }
  });

  it('a non-string kid (array, number, object, null, boolean) → ERR_JWT_MALFORMED before any resolver runs', async () => {
    for (const kid of [['k1'], 1, { $ne: null }, null, true]) {
      const token = forge('HS256', { alg: 'HS256', kid }, P, keys.hs256);
      const resolver = vi.fn(() => keys.hs256);
      await expectCode(() => verify(token, resolver, { algorithms: ['HS256'], clock: NOW_CLOCK }), 'ERR_JWT_MALFORMED');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
      expect(resolver).not.toHaveBeenCalled();
    }
  });
});

describe('G38. "crit" (any value) → ERR_JWT_UNSUPPORTED_HEADER', () => {
  it('the header segment of a crit-carrying token decodes as stated', () => {
    expect(Buffer.from('eyJhbGciOiJIUzI1NiIsImNyaXQiOlsieC1tZmEiXSwieC1tZmEiOiJyZXF1aXJlZCJ9', 'base64url').toString()).toBe(
      '{"alg":"HS256","crit":["x-mfa"],"x-mfa":"required"}',
    );
  });

  const headers: object[] = [
    { alg: 'HS256', crit: ['x-mfa'], 'x-mfa': 'required' },
    { alg: 'HS256', crit: [] },
    { alg: 'HS256', crit: 'x-mfa', 'x-mfa': 1 },
    { alg: 'HS256', crit: [1] },
    { alg: 'HS256', crit: ['alg'] },
    { alg: 'HS256', crit: ['x-mfa'] },
    { alg: 'HS256', crit: ['x-mfa', 'x-mfa'], 'x-mfa': 1 },
    { alg: 'HS256', crit: ['__proto__'] },
    { alg: 'HS256', crit: null },
    { alg: 'HS256', crit: ['exp'], exp: 1 },
  ];
  for (const header of headers) {
    it(`${JSON.stringify(header)}`, async () => {
      const token = forge('HS256', header, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_UNSUPPORTED_HEADER');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_UNSUPPORTED_HEADER');
    });
  }

  it('sign / signJws refuse to emit crit (ERR_INVALID_OPTION)', async () => {
    await expectCode(() => sign(P, keys.hs256, { alg: 'HS256', header: { crit: ['x'] } }), 'ERR_INVALID_OPTION');
    await expectCode(() => signJws('x', keys.hs256, { alg: 'HS256', header: { crit: [] } }), 'ERR_INVALID_OPTION');
  });
});

describe('G39. "b64" (any value, with or without crit) → ERR_JWT_UNSUPPORTED_HEADER', () => {
  it('the jose RFC 7797 vector (b64:false + crit, key = 32 zero bytes)', async () => {
    const token = 'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.foo.VklKdp4tVYD61VNPDBTqxqdEQcUL3JK-D4dGXu9NvWs';
    const zeroKey = new Uint8Array(32);
    await expectCode(() => verifyJws(token, zeroKey, { algorithms: ['HS256'] }), 'ERR_JWT_UNSUPPORTED_HEADER', 'ERR_JWT_MALFORMED');
    await expectCode(() => verify(token, zeroKey, HS), 'ERR_JWT_UNSUPPORTED_HEADER', 'ERR_JWT_MALFORMED');
  });

  for (const header of [
    { alg: 'HS256', b64: false },
    { alg: 'HS256', b64: true, crit: ['b64'] },
    { alg: 'HS256', b64: true },
    { alg: 'HS256', b64: false, crit: ['b64'] },
  ]) {
    it(`${JSON.stringify(header)} correctly signed`, async () => {
      const token = forge('HS256', header, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_UNSUPPORTED_HEADER');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_UNSUPPORTED_HEADER');
    });
  }

  it('sign refuses a b64 header (ERR_INVALID_OPTION)', async () => {
    await expectCode(() => sign(P, keys.hs256, { alg: 'HS256', header: { b64: false } }), 'ERR_INVALID_OPTION');
  });
});
