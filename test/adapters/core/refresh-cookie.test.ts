/**
 * The refresh cookie's options (src/adapters/core/refresh-cookie.ts): `secure` decides `Secure` and
 * the default name; the deprecated `insecureLoopback` maps onto it as docs/express.md says.
 */
import { describe, expect, it } from 'vitest';
import { clearRefreshCookie, normalizeRefreshCookieOptions, setRefreshCookie } from '../../../src/adapters/core/refresh-cookie.js';

describe('refresh cookie options', () => {
  it('secure (default true) decides Secure and the default name', () => {
    expect(normalizeRefreshCookieOptions(undefined)).toEqual({ name: '__Secure-jwtkit-refresh', path: '/auth', secure: true });
    expect(normalizeRefreshCookieOptions({ secure: true })).toEqual({ name: '__Secure-jwtkit-refresh', path: '/auth', secure: true });
    expect(normalizeRefreshCookieOptions({ secure: false })).toEqual({ name: 'jwtkit-refresh', path: '/auth', secure: false });
    expect(normalizeRefreshCookieOptions({ secure: false, name: 'rt', path: '/' })).toEqual({ name: 'rt', path: '/', secure: false });
  });

  it('the deprecated insecureLoopback: true keeps its unprefixed default name and no longer drops Secure', () => {
    expect(normalizeRefreshCookieOptions({ insecureLoopback: true })).toEqual({ name: 'jwtkit-refresh', path: '/auth', secure: true });
    expect(normalizeRefreshCookieOptions({ insecureLoopback: false })).toEqual(normalizeRefreshCookieOptions(undefined));
    expect(normalizeRefreshCookieOptions({ insecureLoopback: true, name: '__Secure-rt' }).secure).toBe(true);
  });

  it('the Set-Cookie values carry Secure exactly when the policy says so', () => {
    const secure = normalizeRefreshCookieOptions({ insecureLoopback: true });
    expect(setRefreshCookie(secure, 'token', 60).split('; ')).toContain('Secure');
    expect(clearRefreshCookie(secure).split('; ')).toContain('Secure');
    const development = normalizeRefreshCookieOptions({ secure: false });
    expect(setRefreshCookie(development, 'token', 60).split('; ')).not.toContain('Secure');
    expect(clearRefreshCookie(development).split('; ')).not.toContain('Secure');
  });

  it('refuses both names, a prefixed name without Secure, and values that are not booleans', () => {
    for (const options of [
      { secure: false, insecureLoopback: true },
      { secure: true, insecureLoopback: false },
      { secure: false, name: '__Secure-rt' },
      { secure: false, name: '__host-rt', path: '/' },
      { secure: 'false' },
      { insecureLoopback: 1 },
    ]) {
      expect(() => normalizeRefreshCookieOptions(options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
      );
    }
  });
});
