/**
 * jwtkit/client in Chromium (Debian's, driven by playwright-core, as test/e2e/browser.test.ts):
 * two pages of one browser context share its Web Locks, BroadcastChannels, IndexedDB and cookies.
 * The page (test/client/servers.ts) loads the built dist/client.js; the auth endpoints use the
 * development refresh cookie (plain http on 127.0.0.1), the resource server is on another port.
 *
 * Needs the built package (`npx tsup`) and `chromium` on the PATH: skipped without chromium,
 * except under CI=true, where its absence is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/jwt/decode.js';
import { startTestServers, type TestServers } from '../client/servers.js';

const ACCESS_TOKEN_TTL = 3;

function findChromium(): string | undefined {
  try {
    const path = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return path === '' ? undefined : path;
  } catch {
    return undefined;
  }
}

const chromiumPath = findChromium();
const inCi = process.env['CI'] === 'true' || process.env['CI'] === '1';

if (chromiumPath === undefined && !inCi) {
  process.stderr.write('[jwtkit] skipping "jwtkit/client in Chromium": `chromium` is not on the PATH (apt-get install chromium)\n');
  describe.skip('jwtkit/client in Chromium (skipped: `chromium` is not on the PATH; apt-get install chromium)', () => {
    it('runs the client in two pages', () => undefined);
  });
} else {
  describe('jwtkit/client in Chromium', () => {
    let browser: Browser;
    let servers: TestServers;
    let context: BrowserContext;

    beforeAll(async () => {
      if (chromiumPath === undefined) throw new Error('CI=true but `chromium` is not on the PATH: .ci/run must install it');
      if (!existsSync(fileURLToPath(new URL('../../dist/client.js', import.meta.url)))) {
        throw new Error('the package is not built: run `npx tsup` (npm test builds first)');
      }
      browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
      });
    });
    afterEach(async () => {
      await context?.close();
      await servers?.close();
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function open(dpop: boolean): Promise<Page> {
      const page = await context.newPage();
      await page.goto(`${servers.authUrl}/${dpop ? '?dpop' : ''}`);
      await page.waitForFunction('window.client !== undefined');
      return page;
    }

    // Browser-side code is passed to page.evaluate as strings: the tests are type-checked without the DOM lib.
    const login = (page: Page) => page.evaluate(`window.client.login({ username: 'alice', password: 'wonderland' })`);
    const call = (page: Page) => page.evaluate('window.call()');
    const refreshes = () => servers.count('/auth/refresh', 200);
    const theftSignals = () => servers.events.filter((event) => event.type === 'reuse_detected' || event.type === 'dpop_key_mismatch');
    /** The `cnf.jkt` of the access token of the last call to the resource server. */
    function lastJkt(): string | undefined {
      const authorization = servers.log
        .filter((entry) => entry.path === '/api/profile' && entry.authorization !== null)
        .at(-1)?.authorization;
      return (decode((authorization as string).split(' ')[1] as string).payload['cnf'] as { jkt?: string } | undefined)?.jkt;
    }

    async function twoPagesAtExpiry(dpop: boolean): Promise<{ first: Page; second: Page }> {
      servers = await startTestServers({ transport: 'cookie', accessTokenTtl: ACCESS_TOKEN_TTL, page: true });
      context = await browser.newContext();
      const first = await open(dpop);
      expect(await login(first)).toEqual({ ok: true, status: 200 });
      const second = await open(dpop);
      // The second page starts without an access token: its first call refreshes (the cookie is the context's).
      expect(await call(second)).toBe(200);
      expect(await call(first)).toBe(200);
      await first.waitForTimeout((ACCESS_TOKEN_TTL + 0.5) * 1000);
      return { first, second };
    }

    it('DPoP: two pages hit expiry together; one refreshes and hands the token to the other; both continue, no reuse', async () => {
      const { first, second } = await twoPagesAtExpiry(true);
      const before = refreshes();
      expect(await Promise.all([call(first), call(second)])).toEqual([200, 200]);
      expect(refreshes() - before).toBe(1);
      expect(servers.maxConcurrentRefreshes).toBe(1);
      expect(await Promise.all([call(first), call(second)])).toEqual([200, 200]);
      expect(refreshes() - before).toBe(1);
      expect(
        servers.log.filter((entry) => entry.path === '/api/profile').every((entry) => entry.authorization?.startsWith('DPoP ') ?? true),
      ).toBe(true);
      expect(theftSignals()).toEqual([]);
    });

    it('Bearer: two pages hit expiry together; each refreshes in turn under the lock (nothing broadcast); both continue, no reuse', async () => {
      const { first, second } = await twoPagesAtExpiry(false);
      const before = refreshes();
      expect(await Promise.all([call(first), call(second)])).toEqual([200, 200]);
      expect(refreshes() - before).toBe(2);
      expect(servers.maxConcurrentRefreshes).toBe(1);
      expect(servers.count('/auth/refresh', 401)).toBe(0);
      expect(theftSignals()).toEqual([]);
    });

    it('DPoP: two pages opened before any key exists share one key; it survives a reload; storage stays empty; the cookie stays out of scripts', async () => {
      servers = await startTestServers({ transport: 'cookie', page: true });
      context = await browser.newContext();
      const [first, second] = [await open(true), await open(true)];
      // Both log in at once: each makes its proof with the origin's key, made once under a Web Lock.
      expect(await Promise.all([login(first), login(second)])).toEqual([
        { ok: true, status: 200 },
        { ok: true, status: 200 },
      ]);
      const keys = servers.log
        .filter((entry) => entry.path === '/auth/login')
        .map((entry) => JSON.stringify(decode(entry.dpop as string).header['jwk']));
      expect(keys).toHaveLength(2);
      expect(keys[0]).toBe(keys[1]);

      expect(await call(first)).toBe(200);
      const jkt = lastJkt();
      expect(jkt).toEqual(expect.any(String));
      // A reload forgets the access token; the next call refreshes with a proof of the stored key.
      const refreshesBefore = refreshes();
      await first.reload();
      await first.waitForFunction('window.client !== undefined');
      expect(await call(first)).toBe(200);
      expect(refreshes()).toBe(refreshesBefore + 1);
      expect(lastJkt()).toBe(jkt);
      expect(theftSignals()).toEqual([]);

      for (const page of [first, second]) {
        expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
        expect(await page.evaluate('document.cookie')).toBe('');
      }
      const cookie = (await context.cookies(`${servers.authUrl}/auth/refresh`)).find((entry) => entry.name === 'jwtkit-refresh');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/auth' });
    });
  });
}
