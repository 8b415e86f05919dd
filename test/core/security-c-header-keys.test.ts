/**
 * security.md Part 1, section C (key material named in the header), entries 16-19: `jwk`, `jku`,
 * `x5u`, `x5c`, `x5t` headers are ignored for key selection (issue 2); `kid` reaches a resolver
 * untouched and only as a string. JWKS matching itself belongs to the keys issue.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verify, verifyJws, type JwsHeader, type VerifyOptions } from '../../src/index.js';
import { expectCode, FAR_FUTURE, forge, NOW, NOW_CLOCK, testKeys } from './helpers.js';

const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const keys = testKeys();
const ES: VerifyOptions = { algorithms: ['ES256'], clock: NOW_CLOCK };
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
    await expect(verify(forge('ES256', header, P, keys.p256.privateKey), keys.p256.publicKey, ES)).resolves.toBeDefined();
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
