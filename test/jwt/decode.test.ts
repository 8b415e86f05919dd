/**
 * M63, API hygiene: decode() is unverified but strict; the resolver sees a frozen snapshot of the
 * header and the signature covers the original segments; a failed verification returns nothing,
 * and no error message carries the token or the key. M64 (producer-side hygiene) is in
 * test/jwt/sign.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decode, verify, type JwsAlgorithm, type JwsHeader, type VerifyOptions } from '../../src/index.js';
import { expectCode, expectCodeSync, FAR_FUTURE, forge, NOW, NOW_CLOCK, testKeys } from '../helpers/core.js';

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
