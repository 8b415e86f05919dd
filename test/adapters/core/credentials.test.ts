/**
 * Credential extraction, unit level: the Authorization header parser (RFC 6750 §2.1), the Cookie
 * header reader and the Set-Cookie writer.
 */
import { describe, expect, it } from 'vitest';
import { readCookie, serializeCookie } from '../../../src/adapters/core/cookie-header.js';
import { assertB64Token, readBearerCredential } from '../../../src/adapters/core/credential-syntax.js';
import { isJwtError } from '../../../src/index.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isJwtError(error) ? error.code : 'not a JwtError';
  }
  return undefined;
}

describe('readBearerCredential', () => {
  it.each([[`Bearer ${JWT}`], [`bearer ${JWT}`], [`BeArEr ${JWT}`], [`Bearer   ${JWT}`], [` Bearer ${JWT} `]])('accepts %j', (header) => {
    expect(readBearerCredential(header)).toBe(JWT);
  });

  it('accepts every b64token character, with trailing "=" padding', () => {
    expect(readBearerCredential('Bearer aZ09-._~+/==')).toBe('aZ09-._~+/==');
  });

  it.each([[undefined], [`Basic ${JWT}`], [`Token ${JWT}`], ['Digest username="bearer", realm="x"'], ['Negotiate abc']])(
    'reads no bearer credential from %j (another scheme: RFC 6750 "no credentials")',
    (header) => {
      expect(readBearerCredential(header)).toBeUndefined();
    },
  );

  it.each([
    [''],
    ['   '],
    ['Bearer'],
    ['Bearer '],
    [`Bearer${JWT}`],
    [`Bearer ${JWT} extra`],
    [`Bearer ${JWT}, Bearer ${JWT}`],
    [`Basic abc, Bearer ${JWT}`],
    [`Basic abc,Bearer ${JWT}`],
    [`Bearer\t${JWT}`],
    ['Bearer a=b'],
    ['Bearer a$b'],
    [`Bearer "${JWT}"`],
    ['Bearer é'],
    [`Bearer ${JWT}\nX-Injected: 1`],
  ])('refuses %j with ERR_REQUEST_INVALID', (header) => {
    expect(codeOf(() => readBearerCredential(header))).toBe('ERR_REQUEST_INVALID');
  });

  it('stays linear on a long hostile header', () => {
    const hostile = `Bearer ${'a'.repeat(200_000)}!`;
    expect(codeOf(() => readBearerCredential(hostile))).toBe('ERR_REQUEST_INVALID');
  });
});

describe('assertB64Token', () => {
  it('accepts a compact JWS and refuses empty values and other characters', () => {
    expect(assertB64Token(JWT, 'cookie')).toBe(JWT);
    expect(codeOf(() => assertB64Token('', 'cookie'))).toBe('ERR_REQUEST_INVALID');
    expect(codeOf(() => assertB64Token('a b', 'cookie'))).toBe('ERR_REQUEST_INVALID');
    expect(codeOf(() => assertB64Token('a%20b', 'cookie'))).toBe('ERR_REQUEST_INVALID');
  });
});

describe('readCookie', () => {
  it('finds a cookie among others, unwraps quotes, and does not URL-decode', () => {
    expect(readCookie(`a=1; at=${JWT}; b=2`, 'at')).toBe(JWT);
    expect(readCookie('at="abc"', 'at')).toBe('abc');
    expect(readCookie('at=a%2Eb', 'at')).toBe('a%2Eb');
    expect(readCookie('xat=1; atx=2', 'at')).toBeUndefined();
    expect(readCookie(undefined, 'at')).toBeUndefined();
    expect(readCookie('at', 'at')).toBeUndefined();
  });

  it('splits on ";" only: a comma is part of a cookie value (RFC 6265 §4.2.1)', () => {
    expect(readCookie('a=1, at=xyz', 'at')).toBeUndefined();
    expect(readCookie('pref=dark,at=planted; at=real', 'at')).toBe('real');
    expect(readCookie('at=a,b; c=d', 'at')).toBe('a,b');
    expect(readCookie('at=1, at=1', 'at')).toBe('1, at=1');
  });

  it('trims only spaces and tabs, and refuses a look-alike name a browser would not guard with the prefix rules', () => {
    expect(readCookie(' \t__Secure-rt=\tabc \t; x=1', '__Secure-rt')).toBe('abc');
    for (const planted of [
      '\u00a0__Secure-rt=evil',
      '\u000b__Secure-rt=evil',
      '\u000c__Secure-rt=evil',
      '__secure-rt=evil',
      '__SECURE-RT=evil',
    ]) {
      expect(
        codeOf(() => readCookie(`${planted}; __Secure-rt=mine`, '__Secure-rt')),
        planted,
      ).toBe('ERR_REQUEST_INVALID');
      expect(
        codeOf(() => readCookie(planted, '__Secure-rt')),
        planted,
      ).toBe('ERR_REQUEST_INVALID');
    }
    expect(readCookie('x__Secure-rt=1; __Secure-rtx=2; __Secure-rt=mine', '__Secure-rt')).toBe('mine');
  });

  it('refuses a cookie sent twice (a sibling site may have planted one)', () => {
    expect(codeOf(() => readCookie('at=1; at=2', 'at'))).toBe('ERR_REQUEST_INVALID');
    expect(codeOf(() => readCookie('at=1;at=1', 'at'))).toBe('ERR_REQUEST_INVALID');
  });
});

describe('serializeCookie', () => {
  it('always writes HttpOnly and SameSite=Strict, host-only, with the path and Max-Age', () => {
    expect(serializeCookie('rt', 'abc', { path: '/auth', maxAge: 600.9, secure: true })).toBe(
      'rt=abc; Path=/auth; Max-Age=600; HttpOnly; Secure; SameSite=Strict',
    );
    expect(serializeCookie('rt', 'abc', { path: '/', maxAge: 60, secure: false })).toBe(
      'rt=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict',
    );
  });

  it('a deletion carries Max-Age=0 and an Expires in the past', () => {
    expect(serializeCookie('rt', '', { path: '/auth', maxAge: 0, secure: true })).toBe(
      'rt=; Path=/auth; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
    );
  });
});
