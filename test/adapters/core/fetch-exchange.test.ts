/**
 * The Fetch request bridge (src/adapters/core/fetch-exchange.ts) reads JSON bodies bounded: a
 * streamed body is cut off at the limit, a declared length over it is refused unread.
 */
import { describe, expect, it } from 'vitest';
import { fetchRequestFacts } from '../../../src/adapters/core/fetch-exchange.js';
import { normalizeTrustedProxies } from '../../../src/adapters/core/trusted-proxies.js';
import type { BodyLimits } from '../../../src/adapters/core/http-exchange.js';

function limits(maxBytes: number): BodyLimits {
  return { maxBytes, timeoutMs: 10_000 };
}

describe('bounded JSON bodies', () => {
  it('a streamed body over the limit is refused with 413 before it is all read', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(0x20));
        if (pulled > 1000) controller.close();
      },
    });
    const request = new Request('http://127.0.0.1/', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json' },
    } as RequestInit);
    await expect(fetchRequestFacts(request).readJson(limits(4096))).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    expect(pulled).toBeLessThan(20);
  });

  it('an empty body is no body; a declared length over the limit is refused unread', async () => {
    const empty = new Request('http://127.0.0.1/', { method: 'POST', body: '', headers: { 'content-type': 'application/json' } });
    expect(await fetchRequestFacts(empty).readJson(limits(100))).toBeUndefined();
    const declared = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: 'x'.repeat(200),
      headers: { 'content-type': 'application/json' },
    });
    await expect(fetchRequestFacts(declared).readJson(limits(100))).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    const latin1 = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
      headers: { 'content-type': 'application/json' },
    });
    await expect(fetchRequestFacts(latin1).readJson(limits(100))).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    const vendorJson = new Request('http://127.0.0.1/', {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/vnd.api+json; charset=utf-8' },
    });
    expect(await fetchRequestFacts(vendorJson).readJson(limits(100))).toEqual({ a: 1 });
  });
});

describe('the request URL behind a trusted proxy', () => {
  it('a path that starts with // stays a path: it never names the origin (RFC 3986 §4.2)', () => {
    const proxies = normalizeTrustedProxies({ hops: 1, clientAddress: () => '10.0.0.1' }, 'fetch');
    const request = new Request('http://internal:8080//evil.example/auth/refresh?x=1', {
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'auth.example.com' },
    });
    const facts = fetchRequestFacts(request, proxies);
    expect(facts.ownOrigin).toBe('https://auth.example.com');
    expect(facts.requestUrl).toBe('https://auth.example.com//evil.example/auth/refresh?x=1');
  });
});
