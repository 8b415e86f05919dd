// The chain walking of src/adapters/core/trusted-proxies.ts: RFC 7239 `Forwarded` parsing,
// X-Forwarded-*, address and CIDR matching (IPv4, IPv6, IPv4-mapped IPv6), hop counts.
import { describe, expect, it } from 'vitest';
import {
  clientCertHeader,
  forwardedFacts,
  normalizeIpAddress,
  normalizeTrustedProxies,
  parseForwarded,
  type TrustedProxies,
} from '../../../src/adapters/core/trusted-proxies.js';

const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

const addresses = (...list: string[]): TrustedProxies => normalizeTrustedProxies({ addresses: list }, 'node') as TrustedProxies;

describe('parseForwarded (RFC 7239 §4)', () => {
  it('reads elements, pairs, quoted values and case-insensitive names', () => {
    expect(parseForwarded('for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711";HOST="api.example"')).toEqual([
      { for: '192.0.2.60', proto: 'http', host: undefined },
      { for: '[2001:db8:cafe::17]:4711', proto: undefined, host: 'api.example' },
    ]);
    expect(parseForwarded('for=_hidden, for=unknown')).toEqual([
      { for: '_hidden', proto: undefined, host: undefined },
      { for: 'unknown', proto: undefined, host: undefined },
    ]);
    expect(parseForwarded('for="a\\"b"')).toEqual([{ for: 'a"b', proto: undefined, host: undefined }]);
  });

  it('refuses malformed headers as a whole', () => {
    for (const header of ['', 'for', 'for=', 'for=[::1]', 'for="unterminated', 'for=a;for=b', 'for=a,,for=b', 'for=a b', 'for=a;']) {
      expect(parseForwarded(header)).toBeUndefined();
    }
  });
});

describe('normalizeIpAddress', () => {
  it('normalises IPv4-mapped IPv6 to IPv4, drops zones, refuses names', () => {
    expect(normalizeIpAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIpAddress('::FFFF:a01:203')).toBe('10.1.2.3');
    expect(normalizeIpAddress('FE80::1%eth0')).toBe('fe80::1');
    expect(normalizeIpAddress('2001:db8::1')).toBe('2001:db8::1');
    for (const text of ['localhost', '1.2.3', '1.2.3.256', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '', '_hidden']) {
      expect(normalizeIpAddress(text)).toBeUndefined();
    }
  });
});

describe('forwardedFacts', () => {
  it('reads nothing from an untrusted peer: the peer is the client', () => {
    const facts = forwardedFacts(
      addresses('10.0.0.0/8'),
      '203.0.113.9',
      headers({ 'x-forwarded-for': '10.0.0.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'a.example' }),
    );
    expect(facts).toEqual({ fromTrustedProxy: false, clientAddress: '203.0.113.9', proto: undefined, host: undefined });
  });

  it('reads nothing without the option', () => {
    expect(forwardedFacts(undefined, '127.0.0.1', headers({ 'x-forwarded-for': '192.0.2.1', forwarded: 'for=192.0.2.1' }))).toEqual({
      fromTrustedProxy: false,
      clientAddress: '127.0.0.1',
      proto: undefined,
      host: undefined,
    });
  });

  it('walks X-Forwarded-For from the right, skipping trusted addresses, stopping at the first untrusted one', () => {
    const proxies = addresses('10.0.0.0/8', '2001:db8::/32');
    const facts = forwardedFacts(
      proxies,
      '::ffff:10.0.0.2',
      headers({ 'x-forwarded-for': '198.51.100.1, 192.0.2.5, 2001:db8::7 ,10.9.9.9' }),
    );
    expect(facts.fromTrustedProxy).toBe(true);
    expect(facts.clientAddress).toBe('192.0.2.5'); // not the spoofable leftmost 198.51.100.1
    // Every hop trusted: the farthest one is the client.
    expect(forwardedFacts(proxies, '10.0.0.2', headers({ 'x-forwarded-for': '10.1.1.1' })).clientAddress).toBe('10.1.1.1');
    // No header: the peer.
    expect(forwardedFacts(proxies, '10.0.0.2', headers({})).clientAddress).toBe('10.0.0.2');
  });

  it('matches IPv4 ranges against IPv4-mapped peers, and IPv6 ranges', () => {
    expect(forwardedFacts(addresses('127.0.0.1'), '::ffff:127.0.0.1', headers({})).fromTrustedProxy).toBe(true);
    expect(forwardedFacts(addresses('::1'), '::1', headers({})).fromTrustedProxy).toBe(true);
    expect(forwardedFacts(addresses('fd00::/8'), 'fdff:1::2', headers({})).fromTrustedProxy).toBe(true);
    expect(forwardedFacts(addresses('fd00::/8'), 'fe00::1', headers({})).fromTrustedProxy).toBe(false);
    expect(forwardedFacts(addresses('10.0.0.0/8'), '11.0.0.1', headers({})).fromTrustedProxy).toBe(false);
    expect(forwardedFacts(addresses('0.0.0.0/0'), '2001:db8::1', headers({})).fromTrustedProxy).toBe(false);
    expect(forwardedFacts(addresses('::/0'), '2001:db8::1', headers({})).fromTrustedProxy).toBe(true);
  });

  it('takes proto and host from the nearest proxy only, and prefers Forwarded to X-Forwarded-*', () => {
    const facts = forwardedFacts(
      addresses('10.0.0.0/8'),
      '10.0.0.2',
      headers({
        forwarded: 'for=192.0.2.9;proto=http;host=evil.example, for="[2001:db8::5]:80";proto=https;host="api.example:8443"',
        'x-forwarded-for': '198.51.100.1',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'x.example',
      }),
    );
    expect(facts).toEqual({ fromTrustedProxy: true, clientAddress: '2001:db8::5', proto: 'https', host: 'api.example:8443' });
    const xForwarded = forwardedFacts(
      addresses('10.0.0.0/8'),
      '10.0.0.2',
      headers({ 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'a.example, b.example' }),
    );
    expect(xForwarded).toMatchObject({ proto: 'https', host: 'b.example' });
  });

  it('stops at an obfuscated identifier (no client address), and uses nothing of a malformed Forwarded', () => {
    expect(
      forwardedFacts(addresses('10.0.0.0/8'), '10.0.0.2', headers({ forwarded: 'for=192.0.2.1, for=_hidden' })).clientAddress,
    ).toBeUndefined();
    expect(
      forwardedFacts(
        addresses('10.0.0.0/8'),
        '10.0.0.2',
        headers({ forwarded: 'for=192.0.2.1;proto=https;host=a.example;', 'x-forwarded-proto': 'https' }),
      ),
    ).toEqual({
      fromTrustedProxy: true,
      clientAddress: undefined,
      proto: undefined,
      host: undefined,
    });
  });

  it('refuses a proto that is not http(s) and a host that is not one', () => {
    const facts = forwardedFacts(
      addresses('10.0.0.0/8'),
      '10.0.0.2',
      headers({ 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'a.example/evil' }),
    );
    expect(facts).toMatchObject({ proto: undefined, host: undefined });
  });

  it('with hops, trusts the peer and the n - 1 nearest forwarded hops', () => {
    const hops = (n: number): TrustedProxies => normalizeTrustedProxies({ hops: n }, 'fetch') as TrustedProxies;
    const chain = headers({ 'x-forwarded-for': '192.0.2.1, 192.0.2.2, 192.0.2.3' });
    expect(forwardedFacts(hops(1), undefined, chain).clientAddress).toBe('192.0.2.3');
    expect(forwardedFacts(hops(2), '10.0.0.1', chain).clientAddress).toBe('192.0.2.2');
    expect(forwardedFacts(hops(9), '10.0.0.1', chain).clientAddress).toBe('192.0.2.1');
  });
});

describe('clientCertHeader (RFC 9440 §2.2)', () => {
  it('reads a structured-field byte sequence, and nothing else', () => {
    expect(clientCertHeader(':AQID:')).toEqual(Uint8Array.from([1, 2, 3]));
    expect(clientCertHeader(' :AQ==: ')).toEqual(Uint8Array.from([1]));
    expect(clientCertHeader(':AQ:')).toEqual(Uint8Array.from([1])); // padding may be missing (RFC 8941 §3.3.5)
    for (const value of [undefined, '', '::', 'AQID', ':AQID', ':AQ=D:', ':AQID:, :AQID:', ':A:', ':AQ=:'])
      expect(clientCertHeader(value)).toBeUndefined();
  });
});
