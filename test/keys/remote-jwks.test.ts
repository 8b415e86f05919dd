/**
 * createRemoteJWKS against a real HTTP server on 127.0.0.1 that counts requests. The resolver's
 * clock is a fake one (freshness, cooldown, stale-if-error); the network and the fetch timeout
 * are real.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyRing,
  createRemoteJWKS,
  exportJWK,
  generateKeyPair,
  sign,
  verify,
  type GeneratedKeyPair,
  type JsonWebKeySet,
  type RemoteJWKS,
  type RemoteJWKSOptions,
} from '../../src/index.js';
import {
  NOW,
  expectCode,
  expectCodeSync,
  fakeClock,
  forgeJws,
  serveJson,
  startServer,
  type FakeClock,
  type TestServer,
} from './helpers.js';

const FAR_FUTURE = 4_102_444_800;
let server: TestServer;
let k1: GeneratedKeyPair;
let k2: GeneratedKeyPair;
let k3: GeneratedKeyPair;
let es: GeneratedKeyPair;

beforeAll(async () => {
  server = await startServer((_request, response) => response.writeHead(404).end());
  [k1, k2, k3, es] = await Promise.all([
    generateKeyPair('RS256'),
    generateKeyPair('RS256'),
    generateKeyPair('RS256'),
    generateKeyPair('ES256'),
  ]);
});
afterAll(() => server.close());

const setOf = (...pairs: GeneratedKeyPair[]): JsonWebKeySet => ({
  keys: pairs.map((pair) => ({ ...exportJWK(pair.publicKey), use: 'sig' })),
});

/** A fresh path on the server, so each test counts its own requests. */
function path(): string {
  return `/${randomUUID()}/jwks.json`;
}

function tokenOf(pair: GeneratedKeyPair, kid = pair.privateKey.kid): Promise<string> {
  return sign({ sub: 'u1', exp: FAR_FUTURE }, pair.privateKey, { alg: pair.privateKey.alg, kid, iat: false });
}

function check(token: string, jwks: RemoteJWKS, clock: FakeClock) {
  return verify(token, jwks, { algorithms: ['RS256', 'ES256'], clock });
}

function remote(at: string, clock: FakeClock, options: RemoteJWKSOptions = {}): RemoteJWKS {
  return createRemoteJWKS(`${server.origin}${at}`, { clock, ...options });
}

/** Serves `set` at `at` (with an optional Cache-Control) and 404 elsewhere. */
function serve(at: string, set: () => unknown, cacheControl?: string): void {
  server.handle((request, response) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== at) return void response.writeHead(404).end();
    serveJson(set(), cacheControl)(request, response);
  });
}

describe('createRemoteJWKS: caching', () => {
  it('fetches once, then serves from the cache (synchronously when warm)', async () => {
    const at = path();
    serve(at, () => setOf(k1, k2));
    const clock = fakeClock();
    const jwks = remote(at, clock);
    const token = await tokenOf(k1);
    await check(token, jwks, clock);
    for (let i = 0; i < 50; i++) await check(i % 2 === 0 ? token : await tokenOf(k2), jwks, clock);
    expect(server.count(at)).toBe(1);
    expect(jwks({ alg: 'RS256', kid: k1.publicKey.kid as string }, token)).toBe(
      jwks({ alg: 'RS256', kid: k1.publicKey.kid as string }, token),
    );
    expect(jwks({ alg: 'RS256', kid: k1.publicKey.kid as string }, token)).not.toBeInstanceOf(Promise);
  });

  it('coalesces 100 concurrent first requests into one fetch', async () => {
    const at = path();
    serve(at, () => setOf(k1));
    const clock = fakeClock();
    const jwks = remote(at, clock);
    const token = await tokenOf(k1);
    const results = await Promise.all(Array.from({ length: 100 }, () => check(token, jwks, clock)));
    expect(results.every((result) => result.payload.sub === 'u1')).toBe(true);
    expect(server.count(at)).toBe(1);
  });

  it('honours Cache-Control: max-age', async () => {
    const at = path();
    serve(at, () => setOf(k1), 'public, max-age=120');
    const clock = fakeClock();
    const jwks = remote(at, clock);
    const token = await tokenOf(k1);
    await check(token, jwks, clock);
    clock.advance(119);
    await check(token, jwks, clock);
    expect(server.count(at)).toBe(1);
    clock.advance(1);
    await check(token, jwks, clock);
    expect(server.count(at)).toBe(2);
    expect(jwks.snapshot()).toMatchObject({ fetchedAt: NOW + 120, expiresAt: NOW + 240 });
  });

  it.each([
    ['max-age below the minimum is raised', 'max-age=5', {}, 60],
    ['no-store is raised to the minimum', 'no-store', { minCacheMaxAge: '2m' }, 120],
    ['max-age above the maximum is lowered', 'max-age=31536000', { maxCacheMaxAge: '1h' }, 3600],
    ['no header: cacheMaxAge', undefined, { cacheMaxAge: 300 }, 300],
    ['no header: default 10 minutes', undefined, {}, 600],
  ] as const)('%s', async (_name, header, options, freshFor) => {
    const at = path();
    serve(at, () => setOf(k1), header);
    const clock = fakeClock();
    const jwks = remote(at, clock, options);
    const token = await tokenOf(k1);
    await check(token, jwks, clock);
    expect(jwks.snapshot()?.expiresAt).toBe(NOW + freshFor);
    clock.advance(freshFor - 1);
    await check(token, jwks, clock);
    expect(server.count(at)).toBe(1);
    clock.advance(1);
    await check(token, jwks, clock);
    expect(server.count(at)).toBe(2);
  });
});

describe('createRemoteJWKS: unknown kid and rotation', () => {
  it('refetches once on an unknown kid and then verifies with the new key', async () => {
    const at = path();
    let published = setOf(k1);
    serve(at, () => published);
    const clock = fakeClock();
    const jwks = remote(at, clock);
    await check(await tokenOf(k1), jwks, clock);
    published = setOf(k1, k2);
    clock.advance(31);
    expect((await check(await tokenOf(k2), jwks, clock)).payload.sub).toBe('u1');
    expect(server.count(at)).toBe(2);
  });

  it('a burst of 1,000 unknown kids costs one fetch per cooldown', async () => {
    const at = path();
    serve(at, () => setOf(k1));
    const clock = fakeClock();
    const jwks = remote(at, clock, { cooldown: '30s' });
    await check(await tokenOf(k1), jwks, clock);
    expect(server.count(at)).toBe(1);
    clock.advance(31);
    const tokens = await Promise.all(Array.from({ length: 1000 }, (_, i) => tokenOf(k3, `unknown-${i}`)));
    const outcomes = await Promise.allSettled(tokens.map((token) => check(token, jwks, clock)));
    expect(
      outcomes.every(
        (outcome) => outcome.status === 'rejected' && (outcome.reason as { code: string }).code === 'ERR_JWKS_NO_MATCHING_KEY',
      ),
    ).toBe(true);
    expect(server.count(at)).toBe(2);
    // Within the cooldown, one after the other: still no fetch.
    for (const token of tokens.slice(0, 200)) await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(server.count(at)).toBe(2);
    // Known keys keep verifying meanwhile, from the cache.
    await check(await tokenOf(k1), jwks, clock);
    expect(server.count(at)).toBe(2);
  });

  it('an unknown kid right after a fetch waits for the cooldown', async () => {
    const at = path();
    serve(at, () => setOf(k1));
    const clock = fakeClock();
    const jwks = remote(at, clock, { cooldown: 30 });
    await expectCode(async () => check(await tokenOf(k2), jwks, clock), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(server.count(at)).toBe(1);
    clock.advance(29);
    await expectCode(async () => check(await tokenOf(k2), jwks, clock), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(server.count(at)).toBe(1);
    clock.advance(1);
    await expectCode(async () => check(await tokenOf(k2), jwks, clock), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(server.count(at)).toBe(2);
  });

  it('end to end with a key ring: next key pre-published, new key after one refetch, dropped key refused', async () => {
    const at = path();
    const clock = fakeClock();
    const ring = createKeyRing({ current: k1.privateKey, next: k2.privateKey, maxTokenLifetime: '15m', clock });
    serve(at, () => ring.jwks(), 'max-age=300');
    const jwks = remote(at, clock);
    const issue = () => sign({ sub: 'u1' }, ring.signingKey, { alg: 'RS256', expiresIn: '15m', clock });

    const tokenK1 = await issue();
    await check(tokenK1, jwks, clock);
    expect(server.count(at)).toBe(1);

    // k2 was published as "next" before it signed: no refetch needed.
    ring.rotate({ next: k3.privateKey });
    await check(await issue(), jwks, clock);
    expect(server.count(at)).toBe(1);

    // k3 was staged after the resource server's fetch: one refetch on its unknown kid.
    clock.advance(60);
    ring.rotate();
    const tokenK3 = await issue();
    await check(tokenK3, jwks, clock);
    expect(server.count(at)).toBe(2);
    await check(tokenK3, jwks, clock);
    expect(server.count(at)).toBe(2);

    // k1 retired at the first rotation; after 15 minutes it drops out of the ring, and once the
    // resource server's cache expires, tokens signed by k1 no longer find a key.
    clock.advance(15 * 60);
    expect(ring.jwks().keys.map((key) => key.kid)).not.toContain(k1.publicKey.kid);
    await expectCode(
      () => verify(tokenK1, jwks, { algorithms: ['RS256'], clock, requireExp: false, clockTolerance: 0 }),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    expect(server.count(at)).toBe(3);
  });
});

describe('createRemoteJWKS: failures', () => {
  it('a 500 gives ERR_JWKS_FETCH; a failed fetch is not retried within the cooldown', async () => {
    const at = path();
    let healthy = false;
    server.handle((request, response) => (healthy ? serveJson(setOf(k1))(request, response) : response.writeHead(500).end('oops')));
    const clock = fakeClock();
    const jwks = remote(at, clock, { cooldown: 30 });
    const token = await tokenOf(k1);
    await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_FETCH');
    await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_FETCH');
    expect(server.count(at)).toBe(1);
    healthy = true;
    clock.advance(30);
    await check(token, jwks, clock);
    expect(server.count(at)).toBe(2);
  });

  it('with nothing cached, a failed fetch is retried after 1 s, then 2 s, 4 s, ... up to the cooldown; healthy again, it works at once', async () => {
    const at = path();
    let healthy = false;
    server.handle((request, response) => (healthy ? serveJson(setOf(k1))(request, response) : response.writeHead(503).end()));
    const clock = fakeClock();
    const jwks = remote(at, clock, { cooldown: 10 });
    const token = await tokenOf(k1);
    const attemptsAfter = async (seconds: number): Promise<number> => {
      clock.advance(seconds);
      await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_FETCH');
      return server.count(at);
    };
    expect(await attemptsAfter(0)).toBe(1);
    expect(await attemptsAfter(0.9)).toBe(1); // within 1 s of the first failure
    expect(await attemptsAfter(0.1)).toBe(2); // 1 s
    expect(await attemptsAfter(1.9)).toBe(2);
    expect(await attemptsAfter(0.1)).toBe(3); // 2 s
    expect(await attemptsAfter(4)).toBe(4); // 4 s
    expect(await attemptsAfter(8)).toBe(5); // 8 s
    expect(await attemptsAfter(9.9)).toBe(5); // capped at the 10 s cooldown
    expect(await attemptsAfter(0.1)).toBe(6);
    healthy = true;
    clock.advance(10);
    await check(token, jwks, clock);
    expect(server.count(at)).toBe(7);
  });

  it('stale-if-error: the last good set serves while refetches fail, for a bounded time', async () => {
    const at = path();
    let healthy = true;
    server.handle((request, response) => (healthy ? serveJson(setOf(k1), 'max-age=60')(request, response) : response.writeHead(503).end()));
    const clock = fakeClock();
    const jwks = remote(at, clock, { staleIfError: '10m', cooldown: 30 });
    const token = await tokenOf(k1);
    await check(token, jwks, clock);
    healthy = false;
    clock.advance(61);
    await check(token, jwks, clock); // refetch fails; stale set used
    await check(token, jwks, clock); // within cooldown: no new attempt
    expect(server.count(at)).toBe(2);
    clock.advance(30);
    await check(token, jwks, clock);
    expect(server.count(at)).toBe(3);
    clock.advance(600);
    await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_FETCH');
    healthy = true;
    clock.advance(30);
    await check(token, jwks, clock);
  });

  it.each([
    ['invalid JSON', 'application/json', '{"keys": [', 'ERR_JWKS_INVALID'],
    ['not UTF-8', 'application/json', Buffer.from([0x7b, 0xff, 0x7d]), 'ERR_JWKS_INVALID'],
    ['keys not an array', 'application/json', '{"keys":{}}', 'ERR_JWKS_INVALID'],
    ['an HTML page', 'text/html', '<html></html>', 'ERR_JWKS_INVALID'],
    ['an empty body', 'application/json', '', 'ERR_JWKS_INVALID'],
  ] as const)('%s gives %s', async (_name, type, body, code) => {
    const at = path();
    server.handle((_request, response) => response.writeHead(200, { 'content-type': type }).end(body));
    const clock = fakeClock();
    await expectCode(async () => check(await tokenOf(k1), remote(at, clock), clock), code);
  });

  it('refuses fetched sets with oct keys, private keys, duplicate kids, or too many keys', async () => {
    const bad: unknown[] = [
      { keys: [{ kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' }] },
      { keys: [exportJWK(k1.privateKey, { private: true })] },
      { keys: [exportJWK(k1.publicKey), { ...exportJWK(k2.publicKey), kid: k1.publicKey.kid }] },
      { keys: Array.from({ length: 4 }, (_, i) => ({ ...exportJWK(k1.publicKey), kid: `k${i}` })) },
    ];
    for (const document of bad) {
      const at = path();
      serve(at, () => document);
      const clock = fakeClock();
      await expectCode(async () => check(await tokenOf(k1), remote(at, clock, { maxKeys: 3 }), clock), 'ERR_JWKS_INVALID');
    }
  });

  it('a 10 MB response is cut off (declared or streamed)', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
    for (const declared of [true, false]) {
      const at = path();
      server.handle((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', ...(declared ? { 'content-length': String(big.length) } : {}) });
        response.end(big);
      });
      const clock = fakeClock();
      await expectCode(async () => check(await tokenOf(k1), remote(at, clock), clock), 'ERR_JWKS_FETCH');
    }
  });

  it('a slow server times out with ERR_JWKS_FETCH (no answer, or a body that stalls)', async () => {
    const pending: (() => void)[] = [];
    for (const mode of ['silent', 'stalling-body'] as const) {
      const at = path();
      server.handle((_request, response) => {
        if (mode === 'stalling-body') {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write('{"keys": [');
        }
        pending.push(() => response.destroy());
      });
      const clock = fakeClock();
      await expectCode(async () => check(await tokenOf(k1), remote(at, clock, { timeout: 0.2 }), clock), 'ERR_JWKS_FETCH');
      expect(server.count(at)).toBe(1);
    }
    for (const release of pending) release();
  });

  it('the timeout holds even for an injected fetch that ignores the abort signal; the next fetch is not blocked', async () => {
    const clock = fakeClock();
    const token = await tokenOf(k1);
    let calls = 0;
    const neverSettles = (): Promise<Response> => {
      calls++;
      return new Promise<Response>(() => undefined);
    };
    const jwks = createRemoteJWKS('https://auth.example/jwks.json', { clock, fetch: neverSettles, timeout: 0.2 });
    await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_FETCH');
    // The hung request no longer holds the resolver: after the cooldown, a new fetch starts.
    clock.advance(31);
    await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_FETCH');
    expect(calls).toBe(2);
  });

  it('does not follow redirects', async () => {
    const at = path();
    const target = path();
    server.handle((request, response) => {
      if (new URL(request.url ?? '/', 'http://x').pathname === at) return void response.writeHead(302, { location: target }).end();
      serveJson(setOf(k1))(request, response);
    });
    const clock = fakeClock();
    await expectCode(async () => check(await tokenOf(k1), remote(at, clock), clock), 'ERR_JWKS_FETCH');
    expect(server.count(target)).toBe(0);
  });

  it('an injected fetch that throws or returns something odd gives ERR_JWKS_FETCH, never a raw error', async () => {
    const clock = fakeClock();
    const token = await tokenOf(k1);
    const fetches = [
      () => Promise.reject(new TypeError('boom')),
      () => Promise.resolve(undefined),
      () => Promise.resolve({ status: 200, headers: null, body: 5 }),
      () => {
        throw new Error('sync');
      },
    ];
    for (const fetchFunction of fetches) {
      const jwks = createRemoteJWKS('https://auth.example/jwks.json', { clock, fetch: fetchFunction as never });
      await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_FETCH');
    }
  });

  it('a network failure gives ERR_JWKS_FETCH', async () => {
    const closed = await startServer(() => undefined);
    const url = `${closed.origin}/jwks.json`;
    await closed.close();
    const clock = fakeClock();
    await expectCode(async () => check(await tokenOf(k1), createRemoteJWKS(url, { clock }), clock), 'ERR_JWKS_FETCH');
  });
});

describe('createRemoteJWKS: seed, refresh, fetch, headers', () => {
  it('a seeded cache verifies with no fetch; an expired seed is refreshed', async () => {
    const at = path();
    serve(at, () => setOf(k1, es), 'max-age=600');
    const clock = fakeClock();
    const first = remote(at, clock);
    await check(await tokenOf(k1), first, clock);
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    expect(snapshot).toEqual({ jwks: setOf(k1, es), fetchedAt: NOW, expiresAt: NOW + 600 });

    const restarted = remote(at, clock, { seed: snapshot });
    await check(await tokenOf(es), restarted, clock);
    expect(server.count(at)).toBe(1);
    clock.advance(600);
    await check(await tokenOf(es), restarted, clock);
    expect(server.count(at)).toBe(2);
  });

  it('refuses a malformed seed', () => {
    expectCodeSync(
      () => remote('/x', fakeClock(), { seed: { jwks: { keys: 'no' }, fetchedAt: NOW, expiresAt: NOW } as never }),
      'ERR_JWKS_INVALID',
    );
    expectCodeSync(
      () => remote('/x', fakeClock(), { seed: { jwks: setOf(k1), fetchedAt: 'now', expiresAt: NOW } as never }),
      'ERR_JWKS_INVALID',
    );
  });

  it('refresh() fetches now, regardless of freshness and cooldown', async () => {
    const at = path();
    serve(at, () => setOf(k1));
    const clock = fakeClock();
    const jwks = remote(at, clock);
    await jwks.refresh();
    await jwks.refresh();
    expect(server.count(at)).toBe(2);
    expect(jwks.snapshot()?.jwks).toEqual(setOf(k1));
  });

  it('uses the injected fetch and sends the configured headers; never fetches header URLs (jku, x5u)', async () => {
    const at = path();
    const elsewhere = path();
    let userAgent: string | undefined;
    server.handle((request, response) => {
      userAgent = request.headers['user-agent'];
      serveJson(setOf(k1))(request, response);
    });
    const seen: string[] = [];
    const clock = fakeClock();
    const jwks = remote(at, clock, {
      fetch: (url, init) => {
        seen.push(url);
        return fetch(url, init);
      },
      headers: { 'user-agent': 'jwtkit-test' },
    });
    const token = forgeJws(
      { alg: 'RS256', kid: 'attacker', jku: `${server.origin}${elsewhere}`, x5u: `${server.origin}${elsewhere}` },
      { sub: 'admin', exp: FAR_FUTURE },
      k3.privateKey.keyObject,
    );
    await expectCode(() => check(token, jwks, clock), 'ERR_JWKS_NO_MATCHING_KEY');
    expect(seen).toEqual([`${server.origin}${at}`]);
    expect(userAgent).toBe('jwtkit-test');
    expect(server.count(elsewhere)).toBe(0);
  });
});

describe('createRemoteJWKS: options', () => {
  it.each([
    ['http to a non-loopback host', 'http://auth.example/jwks.json'],
    ['another scheme', 'ftp://127.0.0.1/jwks.json'],
    ['credentials in the URL', 'https://user:pass@auth.example/jwks.json'],
    ['not a URL', 'jwks.json'],
    ['not a string', 42],
  ])('refuses %s', (_name, url) => {
    expectCodeSync(() => createRemoteJWKS(url as string), 'ERR_INVALID_OPTION');
  });

  it('accepts https, loopback http, and http with allowInsecureHttp', () => {
    for (const url of [
      'https://auth.example/jwks.json',
      'http://localhost:8080/jwks',
      'http://127.0.0.1/jwks',
      'http://[::1]:9/jwks',
      new URL('https://a.example/k'),
    ]) {
      expect(typeof createRemoteJWKS(url)).toBe('function');
    }
    expect(typeof createRemoteJWKS('http://auth.internal/jwks', { allowInsecureHttp: true })).toBe('function');
  });

  it.each([
    ['timeout 0', { timeout: 0 }],
    ['timeout without unit', { timeout: '5' }],
    ['negative cooldown', { cooldown: -1 }],
    ['maxResponseBytes not an integer', { maxResponseBytes: 1.5 }],
    ['maxKeys 0', { maxKeys: 0 }],
    ['min above max', { minCacheMaxAge: '2h', maxCacheMaxAge: '1h' }],
    ['fetch not a function', { fetch: 'fetch' }],
    ['headers not strings', { headers: { a: 1 } }],
    ['a header value that cannot be sent', { headers: { 'user-agent': 'a\r\nx-injected: 1' } }],
    ['a header name that cannot be sent', { headers: { 'bad name': 'x' } }],
    ['options null', null],
    ['clock not a function', { clock: Date.now() }],
    ['clock null', { clock: null }],
    ['allowInsecureHttp not a boolean', { allowInsecureHttp: 'yes' }],
  ])('refuses a bad option: %s', (_name, options) => {
    expectCodeSync(() => createRemoteJWKS('https://auth.example/jwks.json', options as never), 'ERR_INVALID_OPTION');
  });
});
