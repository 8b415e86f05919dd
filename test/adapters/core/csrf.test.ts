/**
 * The cross-site request check of cookie-authenticated state changes (src/adapters/core/csrf.ts),
 * over the request facts of a Fetch `Request`.
 */
import { describe, expect, it } from 'vitest';
import { assertSameOriginRequest, normalizeCsrfOptions } from '../../../src/adapters/core/csrf.js';
import { fetchRequestFacts } from '../../../src/adapters/core/fetch-exchange.js';
import { isJwtError } from '../../../src/index.js';

describe('the cross-site request check', () => {
  function facts(headers: Record<string, string>, url = 'https://auth.test/auth/refresh'): ReturnType<typeof fetchRequestFacts> {
    return fetchRequestFacts(new Request(url, { method: 'POST', headers }));
  }

  function refused(policy: ReturnType<typeof normalizeCsrfOptions>, headers: Record<string, string>): boolean {
    try {
      assertSameOriginRequest(facts(headers), policy);
      return false;
    } catch (error) {
      return isJwtError(error, 'ERR_CSRF');
    }
  }

  it('default: the own origin (or no Origin) plus the custom header', () => {
    const policy = normalizeCsrfOptions(undefined);
    expect(refused(policy, { 'x-requested-with': '1' })).toBe(false);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'https://auth.test' })).toBe(false);
    expect(refused(policy, { 'x-requested-with': '1', 'sec-fetch-site': 'same-origin' })).toBe(false);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'https://auth.test.evil' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'http://auth.test' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': '1', origin: 'null' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': '1', 'sec-fetch-site': 'same-site' })).toBe(true);
    expect(refused(policy, { 'x-requested-with': ' ' })).toBe(true);
    expect(refused(policy, { origin: 'https://auth.test' })).toBe(true);
  });

  it('an allow-list replaces the own origin; the header can be turned off', () => {
    const policy = normalizeCsrfOptions({ allowedOrigins: ['https://app.test'], requiredHeader: false });
    expect(refused(policy, { origin: 'https://app.test' })).toBe(false);
    expect(refused(policy, { origin: 'https://auth.test' })).toBe(true);
    expect(refused(policy, { origin: 'https://app.test, https://evil.test' })).toBe(true);
  });

  describe('with the custom header turned off (OWASP CSRF cheat sheet: Origin, else Referer)', () => {
    const own = normalizeCsrfOptions({ requiredHeader: false });
    const listed = normalizeCsrfOptions({ allowedOrigins: ['https://app.test'], requiredHeader: false });

    it('without Origin, the Referer must come from the own or an allowed origin', () => {
      expect(refused(own, { referer: 'https://auth.test/account?tab=1' })).toBe(false);
      expect(refused(own, { referer: 'https://auth.test/' })).toBe(false);
      expect(refused(own, { referer: 'https://evil.test/auth.test' })).toBe(true);
      expect(refused(own, { referer: 'http://auth.test/' })).toBe(true);
      expect(refused(listed, { referer: 'https://app.test/page' })).toBe(false);
      expect(refused(listed, { referer: 'https://auth.test/page' })).toBe(true);
      // Origin decides when present; a Referer does not overrule a Sec-Fetch-Site that says cross-site.
      expect(refused(own, { origin: 'https://auth.test', referer: 'https://evil.test/' })).toBe(false);
      expect(refused(own, { referer: 'https://auth.test/', 'sec-fetch-site': 'cross-site' })).toBe(true);
    });

    it('a malformed Referer is refused', () => {
      for (const referer of [
        '',
        'not a url',
        '/relative/path',
        'auth.test',
        'about:blank',
        'data:text/html,x',
        'https://auth.test/a, https://auth.test/b',
      ]) {
        expect(refused(own, { referer }), referer).toBe(true);
      }
    });

    it('a request with none of Origin, Referer and Sec-Fetch-Site is refused unless allowMissingOrigin', () => {
      expect(refused(own, {})).toBe(true);
      expect(refused(listed, {})).toBe(true);
      expect(refused(own, { 'sec-fetch-site': 'same-origin' })).toBe(false);
      const nonBrowsers = normalizeCsrfOptions({ requiredHeader: false, allowMissingOrigin: true });
      expect(refused(nonBrowsers, {})).toBe(false);
      // The opt-in only covers the absence of the three headers.
      expect(refused(nonBrowsers, { referer: 'https://evil.test/' })).toBe(true);
      expect(refused(nonBrowsers, { origin: 'https://evil.test' })).toBe(true);
      expect(refused(nonBrowsers, { 'sec-fetch-site': 'cross-site' })).toBe(true);
    });

    it('with the custom header on (the default), the header alone proves a same-origin script', () => {
      const policy = normalizeCsrfOptions(undefined);
      expect(refused(policy, { 'x-requested-with': '1' })).toBe(false);
    });
  });

  it('allowMissingOrigin is a boolean, and only with requiredHeader: false', () => {
    const invalid = (options: unknown): boolean => {
      try {
        normalizeCsrfOptions(options as Parameters<typeof normalizeCsrfOptions>[0]);
        return false;
      } catch (error) {
        return isJwtError(error, 'ERR_INVALID_OPTION');
      }
    };
    expect(invalid({ requiredHeader: false, allowMissingOrigin: 'yes' })).toBe(true);
    expect(invalid({ allowMissingOrigin: true })).toBe(true);
    expect(invalid({ requiredHeader: 'x-csrf', allowMissingOrigin: true })).toBe(true);
    expect(invalid({ allowMissingOrigin: false })).toBe(false);
    expect(invalid({ requiredHeader: false, allowMissingOrigin: true })).toBe(false);
  });
});
