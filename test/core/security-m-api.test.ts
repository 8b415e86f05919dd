/**
 * security.md Part 1, section M (API hygiene), entries 63-64: decode() is unverified but strict;
 * the resolver sees a frozen snapshot of the header and the signature covers the original
 * segments; sign() refuses what a producer must not emit and emits canonical Base64url.
 */
import { describe, expect, it } from 'vitest';
import {
  base64url,
  decode,
  sign,
  signJws,
  signSync,
  verify,
  verifyJws,
  type JwsAlgorithm,
  type JwsHeader,
  type VerifyOptions,
} from '../../src/index.js';
import { bindKey } from '../../src/jws/key.js';
import { ALL_ALGS, expectCode, expectCodeSync, FAR_FUTURE, forge, keyPairFor, NOW, NOW_CLOCK, testKeys } from './helpers.js';

const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };

describe('M63. decode() is unverified but uses the strict parser; header snapshots during key resolution', () => {
  it('decode returns header and payload of a token signed with ANY key (it verifies nothing)', () => {
    const token = forge('HS256', { alg: 'HS256', kid: 'k' }, P, new Uint8Array(32).fill(5));
    expect(decode(token)).toEqual({ header: { alg: 'HS256', kid: 'k' }, payload: P });
    // Even alg none and an expired exp: decoding is not verification.
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"exp":1}').toString('base64url')}.`;
    expect(decode(none).payload).toEqual({ exp: 1 });
  });

  it('decode refuses exactly what verify refuses at parse time (duplicates, bad Base64url, non-object, crit, b64)', () => {
    const bad = [
      forge('HS256', '{"alg":"HS256","alg":"none"}', P, keys.hs256),
      forge('HS256', { alg: 'HS256' }, '{"sub":"a","sub":"b"}', keys.hs256),
      forge('HS256', { alg: 'HS256' }, '[]', keys.hs256),
      `${forge('HS256', { alg: 'HS256' }, P, keys.hs256)}=`,
    ];
    for (const token of bad) expectCodeSync(() => decode(token), 'ERR_JWT_MALFORMED');
    expectCodeSync(() => decode(forge('HS256', { alg: 'HS256', crit: ['x'] }, P, keys.hs256)), 'ERR_JWT_UNSUPPORTED_HEADER');
    expectCodeSync(() => decode(forge('HS256', { alg: 'HS256', b64: false }, P, keys.hs256)), 'ERR_JWT_UNSUPPORTED_HEADER');
  });

  it('decode returns a frozen header (a caller cannot change what a later verify sees)', () => {
    const token = forge('HS256', { alg: 'HS256', kid: 'k' }, P, keys.hs256);
    const { header } = decode(token);
    expect(Object.isFrozen(header)).toBe(true);
    expect(() => {
      (header as Record<string, unknown>)['alg'] = 'none';
    }).toThrow(TypeError);
  });

  it('a resolver that tries to mutate the header it receives cannot change what is verified', async () => {
    const token = forge('HS256', { alg: 'HS256', kid: 'k', nested: { a: 1 } }, P, keys.hs256);
    const attempts: string[] = [];
    const resolver = (header: Readonly<JwsHeader>) => {
      for (const mutate of [
        () => ((header as Record<string, unknown>)['alg'] = 'none'),
        () => ((header as Record<string, unknown>)['kid'] = 'other'),
        () => (((header as Record<string, unknown>)['nested'] as Record<string, unknown>)['a'] = 2),
        () => delete (header as Record<string, unknown>)['alg'],
      ]) {
        try {
          mutate();
          attempts.push('mutated');
        } catch {
          attempts.push('refused');
        }
      }
      return keys.hs256;
    };
    const result = await verify(token, resolver, HS);
    expect(attempts).toEqual(['refused', 'refused', 'refused', 'refused']);
    expect(result.header).toEqual({ alg: 'HS256', kid: 'k', nested: { a: 1 } });
    expect(result.payload).toEqual(P);
  });

  it('the signature covers the original segments, not re-serialized JSON (odd spacing and member order verify)', async () => {
    const token = forge('HS256', '{ "typ" : "JWT",\r\n "alg":"HS256" }', `{"exp":${FAR_FUTURE},\r\n  "sub" : "a"}`, keys.hs256);
    await expect(verify(token, keys.hs256, HS)).resolves.toMatchObject({ payload: { sub: 'a' } });
  });

  it('a resolver that throws a foreign error → ERR_KEY_INVALID; a JwtError from it passes through', async () => {
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs256);
    await expectCode(
      () =>
        verify(
          token,
          () => {
            throw new TypeError('boom');
          },
          HS,
        ),
      'ERR_KEY_INVALID',
    );
    await expectCode(() => verify(token, async () => Promise.reject(new Error('boom')), HS), 'ERR_KEY_INVALID');
    const { JwtError } = await import('../../src/index.js');
    await expectCode(
      () =>
        verify(
          token,
          () => {
            throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no key');
          },
          HS,
        ),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  it('the synchronous forms take a key, not a resolver (ERR_INVALID_OPTION)', async () => {
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs256);
    const { verifySync, verifyJwsSync } = await import('../../src/index.js');
    expectCodeSync(() => verifySync(token, (() => keys.hs256) as never, HS), 'ERR_INVALID_OPTION');
    expectCodeSync(() => verifyJwsSync(token, (() => keys.hs256) as never, { algorithms: ['HS256'] }), 'ERR_INVALID_OPTION');
  });

  it('a failed verification returns nothing: no payload on the error object', async () => {
    const token = forge('HS256', { alg: 'HS256' }, { ...P, secret: 'payload-marker' }, new Uint8Array(32).fill(1));
    const error = await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_SIGNATURE_INVALID');
    expect(JSON.stringify(error)).not.toContain('payload-marker');
    expect(String(error.message)).not.toContain('payload-marker');
    expect(String(error.message)).not.toContain(token);
  });

  it('error messages never contain the token or the key', async () => {
    const secret = 'a-very-secret-string-of-enough-length!';
    const token = forge('HS256', { alg: 'HS256' }, { exp: 1 }, Buffer.from(secret));
    for (const options of [HS, { ...HS, algorithms: ['HS384'] as JwsAlgorithm[] }, { ...HS, issuer: 'x' }]) {
      const error = await verify(token, secret, options).catch((caught: unknown) => caught as Error);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).not.toContain(token.split('.')[2]);
      expect((error as Error).message).not.toContain(token.split('.')[1]);
    }
  });
});

describe('M64. producer-side hygiene', () => {
  it('sign refuses alg none / missing alg (ERR_INVALID_OPTION)', async () => {
    await expectCode(() => sign(P, keys.hs256, { alg: 'none' as JwsAlgorithm }), 'ERR_INVALID_OPTION');
    await expectCode(() => sign(P, keys.hs256, {} as never), 'ERR_INVALID_OPTION');
    await expectCode(() => signJws('x', keys.hs256, { alg: 'none' as JwsAlgorithm }), 'ERR_INVALID_OPTION');
  });

  it('sign refuses non-finite / non-number exp, nbf, iat, and wrongly typed iss, sub, aud, jti in the payload', async () => {
    const bad: object[] = [
      { exp: Number.POSITIVE_INFINITY },
      { exp: Number.NaN },
      { exp: '1' },
      { nbf: null },
      { iat: Number.NEGATIVE_INFINITY },
      { iat: '0' },
      { iss: 1 },
      { sub: ['a'] },
      { aud: [1] },
      { aud: {} },
      { jti: 1 },
    ];
    for (const payload of bad) {
      await expectCode(() => sign(payload as never, keys.hs256, { alg: 'HS256' }), 'ERR_INVALID_OPTION');
    }
    await expectCode(() => sign({}, keys.hs256, { alg: 'HS256', iat: Number.NaN }), 'ERR_INVALID_OPTION');
  });

  it('sign refuses keys below minimums and keys bound to another algorithm', async () => {
    await expectCode(() => sign(P, new Uint8Array(31), { alg: 'HS256' }), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, new Uint8Array(63), { alg: 'HS512' }), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, bindKey(keys.p256.privateKey, 'ES256'), { alg: 'ES384' }), 'ERR_KEY_INVALID', 'ERR_INVALID_OPTION');
    await expectCode(
      () => sign(P, { ...(keys.rsa.privateKey.export({ format: 'jwk' }) as object), alg: 'PS256' } as never, { alg: 'RS256' }),
      'ERR_KEY_INVALID',
    );
  });

  it('sign refuses security-relevant header parameters (crit, b64, jwk, jku, x5u, x5c, x5t, alg, kid, typ, zip, enc)', async () => {
    for (const name of ['crit', 'b64', 'jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'alg', 'kid', 'typ', 'zip', 'enc']) {
      await expectCode(() => sign(P, keys.hs256, { alg: 'HS256', header: { [name]: 'x' } }), 'ERR_INVALID_OPTION');
      await expectCode(() => signJws('x', keys.hs256, { alg: 'HS256', header: { [name]: 'x' } }), 'ERR_INVALID_OPTION');
    }
    const token = await sign(P, keys.hs256, { alg: 'HS256', header: { cty: 'x', 'x-trace': 't1' } });
    expect((await verify(token, keys.hs256, HS)).header).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'x', 'x-trace': 't1' });
  });

  it('sign refuses non-object payloads', async () => {
    for (const payload of [null, [], 'sub', 1, true, undefined]) {
      await expectCode(() => sign(payload as never, keys.hs256, { alg: 'HS256' }), 'ERR_INVALID_OPTION');
      expectCodeSync(() => signSync(payload as never, keys.hs256, { alg: 'HS256' }), 'ERR_INVALID_OPTION');
    }
  });

  it('sign emits canonical Base64url only (each segment round-trips through the strict decoder) for every algorithm', async () => {
    for (const alg of ALL_ALGS) {
      const { signKey, verifyKey } = keyPairFor(alg);
      const token = await sign({ sub: 'ü✓', n: 1 }, signKey, { alg, expiresIn: '5m', clock: NOW_CLOCK });
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      for (const segment of token.split('.')) expect(base64url.encode(base64url.decode(segment))).toBe(segment);
      await expect(verify(token, verifyKey, { algorithms: [alg], clock: NOW_CLOCK })).resolves.toMatchObject({
        payload: { sub: 'ü✓', n: 1, iat: NOW, exp: NOW + 300 },
        header: { alg, typ: 'JWT' },
      });
    }
  });

  it('a claim set both in the payload and by an option is refused (say it once)', async () => {
    await expectCode(() => sign({ sub: 'a' }, keys.hs256, { alg: 'HS256', subject: 'b' }), 'ERR_INVALID_OPTION');
    await expectCode(() => sign({ exp: FAR_FUTURE }, keys.hs256, { alg: 'HS256', expiresIn: '1h' }), 'ERR_INVALID_OPTION');
  });

  it('iat: false leaves iat out; iat defaults to the clock', async () => {
    const without = await sign({ sub: 'a' }, keys.hs256, { alg: 'HS256', iat: false, expiresIn: 60, clock: NOW_CLOCK });
    const { payload } = await verify(without, keys.hs256, HS);
    expect(payload).toEqual({ sub: 'a', exp: NOW + 60 });
    const withIat = await sign({ sub: 'a' }, keys.hs256, { alg: 'HS256', clock: NOW_CLOCK });
    expect(decode(withIat).payload).toEqual({ sub: 'a', iat: NOW });
  });

  it('verifyJws is a separate API from verify: a JWS with a non-JSON payload never passes verify', async () => {
    const jws = await signJws('not json', keys.hs256, { alg: 'HS256' });
    await expect(verifyJws(jws, keys.hs256, { algorithms: ['HS256'] })).resolves.toBeDefined();
    await expectCode(() => verify(jws, keys.hs256, HS), 'ERR_JWT_MALFORMED');
  });
});
