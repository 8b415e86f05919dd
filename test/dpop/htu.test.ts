/**
 * The normalisation `htu` and the request URL go through before they are compared (RFC 9449 §4.3;
 * RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalisation), step by step.
 */
import { describe, expect, it } from 'vitest';
import { normalizeHttpUri } from '../../src/dpop/htu.js';

describe('normalizeHttpUri', () => {
  it.each([
    // RFC 9449 §4.3: query and fragment are ignored.
    ['https://a.example/p?q=1', 'https://a.example/p'],
    ['https://a.example/p#f', 'https://a.example/p'],
    ['https://a.example/p?q#f?g', 'https://a.example/p'],
    ['https://a.example?q', 'https://a.example/'],
    // §6.2.2.1: scheme and host are case-insensitive; hex digits upper case.
    ['HTTPS://A.Example/P', 'https://a.example/P'],
    ['https://a.example/%c3%a9', 'https://a.example/%C3%A9'],
    ['https://[2001:DB8::1]/p', 'https://[2001:db8::1]/p'],
    // §6.2.2.2: percent-encoded unreserved characters are decoded; others are kept.
    ['https://a.example/%7Euser/%41%2d%2E%5F', 'https://a.example/~user/A-._'],
    ['https://a.example/a%2Fb', 'https://a.example/a%2Fb'],
    ['https://a.example/a%20b', 'https://a.example/a%20b'],
    // Characters RFC 3986 does not allow in a path are percent-encoded (as WHATWG URL does).
    ['https://a.example/a b', 'https://a.example/a%20b'],
    ['https://a.example/a|b', 'https://a.example/a%7Cb'],
    ['https://a.example/é', 'https://a.example/%C3%A9'],
    ['https://a.example/100%', 'https://a.example/100%25'],
    // §6.2.2.3 and §5.2.4: dot segments.
    ['https://a.example/a/b/c/./../../g', 'https://a.example/a/g'],
    ['https://a.example/a/..', 'https://a.example/'],
    ['https://a.example/a/.', 'https://a.example/a/'],
    ['https://a.example/../a', 'https://a.example/a'],
    ['https://a.example/a//b/../c', 'https://a.example/a//c'],
    ['https://a.example/%2E%2E/a', 'https://a.example/a'],
    ['https://a.example/a/...', 'https://a.example/a/...'],
    // §6.2.3: default and empty ports removed, empty path is "/".
    ['https://a.example:443/p', 'https://a.example/p'],
    ['http://a.example:80/p', 'http://a.example/p'],
    ['https://a.example:/p', 'https://a.example/p'],
    ['https://a.example', 'https://a.example/'],
    ['https://a.example:0443', 'https://a.example/'],
    ['https://a.example:80/p', 'https://a.example:80/p'],
    ['http://a.example:443/p', 'http://a.example:443/p'],
    ['https://a.example:08443/p', 'https://a.example:8443/p'],
    // What stays significant.
    ['https://a.example/P/', 'https://a.example/P/'],
    ['https://a.example./p', 'https://a.example./p'],
  ])('%s → %s', (uri, normalized) => {
    expect(normalizeHttpUri(uri)).toBe(normalized);
  });

  it.each([
    ['a relative reference', '/p'],
    ['a scheme other than http(s)', 'ftp://a.example/p'],
    ['no authority', 'https:/a.example/p'],
    ['userinfo (RFC 9110 §4.2.4)', 'https://user:pass@a.example/p'],
    ['an empty host', 'https:///p'],
    ['a percent-encoded host', 'https://a%2Eexample/p'],
    ['a non-ASCII host', 'https://bücher.example/p'],
    ['a port above 65535', 'https://a.example:65536/p'],
    ['a port that is not digits', 'https://a.example:https/p'],
    ['a lone surrogate', 'https://a.example/\ud800'],
    ['a space in the host', 'https://a example/p'],
  ])('%s is refused', (_case, uri) => {
    expect(normalizeHttpUri(uri)).toBeUndefined();
  });
});
