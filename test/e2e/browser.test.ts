/**
 * The demo page in a real browser: Debian's Chromium driven by playwright-core. The page runs on
 * jwtkit/client with DPoP: it logs in, calls the resource server, lets the access token expire
 * (the client refreshes through the HttpOnly cookie first), has it retired at the resource server
 * (401, refresh, retry), replays it with another key (refused), and logs out; and it checks that
 * the refresh cookie is HttpOnly, SameSite=Strict, scoped to /auth, and invisible to the page's
 * scripts. The client itself: test/e2e/client-browser.test.ts.
 *
 * Needs the built package (the examples import 'jwtkit' by name; `npm test` builds first) and
 * `chromium` on the PATH. Without chromium the test is skipped, except under CI=true, where its
 * absence is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface RunningServer {
  url: string;
  close(): Promise<void>;
}
interface AuthServerModule {
  startAuthServer(options: {
    accessTokenTtl?: number | string;
    insecureDevCookie?: boolean;
  }): Promise<RunningServer & { setResourceUrl(url: string): void }>;
}
interface ResourceServerModule {
  startResourceServer(options: { authUrl: string }): Promise<RunningServer>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
// Short enough to wait for, long enough that the calls right after login and refresh are in time.
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
  // Vitest's summary only counts skipped tests: say why on stderr, as describeWithServer does.
  process.stderr.write('[jwtkit] skipping "browser end-to-end": `chromium` is not on the PATH (apt-get install chromium)\n');
  describe.skip('browser end-to-end (skipped: `chromium` is not on the PATH; apt-get install chromium)', () => {
    it('runs the demo page in Chromium', () => undefined);
  });
} else {
  describe('browser end-to-end: the demo page in Chromium', () => {
    let auth: RunningServer & { setResourceUrl(url: string): void };
    let resource: RunningServer;
    let context: BrowserContext;
    let page: Page;
    let userDataDir: string;

    beforeAll(async () => {
      if (chromiumPath === undefined) throw new Error('CI=true but `chromium` is not on the PATH: .ci/run must install it');
      if (!existsSync(join(root, 'dist/express.js'))) throw new Error('the package is not built: run `npm run build` (npm test does)');
      // Non-literal specifiers: the examples are plain .mjs importing the built package by name.
      const authModule = (await import(pathToFileURL(join(root, 'examples/auth-server.mjs')).href)) as AuthServerModule;
      const resourceModule = (await import(pathToFileURL(join(root, 'examples/resource-server.mjs')).href)) as ResourceServerModule;
      // Plain http on 127.0.0.1, as in `npm run demo`: the development cookie is asked for explicitly.
      auth = await authModule.startAuthServer({ accessTokenTtl: ACCESS_TOKEN_TTL, insecureDevCookie: true });
      resource = await resourceModule.startResourceServer({ authUrl: auth.url });
      auth.setResourceUrl(resource.url);

      userDataDir = mkdtempSync(join(tmpdir(), 'jwtkit-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: chromiumPath,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      page = context.pages()[0] ?? (await context.newPage());
    });

    afterAll(async () => {
      await context?.close();
      await Promise.all([auth?.close(), resource?.close()]);
      if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
    });

    /** Clicks a button and waits for the page to log that step; returns the logged status. */
    async function act(button: string, step: string): Promise<string> {
      const before = await page.locator(`#log li[data-step="${step}"]`).count();
      await page.click(button);
      const entry = page.locator(`#log li[data-step="${step}"]`).nth(before);
      await entry.waitFor();
      return (await entry.getAttribute('data-status')) ?? '';
    }

    // Browser-side code is passed to page.evaluate as strings: the tests are type-checked without the DOM lib.
    async function refreshCookie(): Promise<{ value: string; httpOnly: boolean; sameSite: string; path: string } | undefined> {
      // The cookie is scoped to Path=/auth: ask for the cookies a request to /auth/refresh would carry.
      return (await context.cookies(`${auth.url}/auth/refresh`)).find((cookie) => cookie.name === 'jwtkit-refresh');
    }

    /** The last timeline entry of a step: its status and text. */
    async function last(step: string): Promise<{ status: string | null; text: string | null }> {
      const entry = page.locator(`#log li[data-step="${step}"]`).last();
      return { status: await entry.getAttribute('data-status'), text: await entry.textContent() };
    }

    it('runs login, a protected call, expiry, refresh, retry, a stolen token and logout, with the refresh token out of the scripts reach', async () => {
      await page.goto(`${auth.url}/`);
      await page.waitForSelector('body[data-ready="true"]');

      // Wrong password first: refused, no cookie.
      await page.fill('#password', 'guess');
      expect(await act('#login', 'login')).toBe('401');
      expect(await refreshCookie()).toBeUndefined();

      await page.fill('#password', 'wonderland');
      expect(await act('#login', 'login')).toBe('200');
      expect(await page.textContent('#who')).toBe('alice');

      const cookie = await refreshCookie();
      expect(cookie).toMatchObject({
        value: expect.stringMatching(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/),
        httpOnly: true,
        sameSite: 'Strict',
        path: '/auth',
      });
      // Invisible to page scripts: document.cookie shows nothing, and no storage holds the token.
      expect(await page.evaluate('document.cookie')).toBe('');
      const storage = String(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })'));
      expect(storage).not.toContain(cookie?.value as string);
      expect(await page.content()).not.toContain(cookie?.value as string);

      expect(await act('#call', 'call')).toBe('200');
      expect(await page.locator('#log li[data-step="call"]').last().textContent()).toContain('hello alice');

      // The access token expires: the client knows it (expires_in) and refreshes through the
      // HttpOnly cookie before the call; the browser sends the cookie, the page never sees it.
      await page.waitForTimeout((ACCESS_TOKEN_TTL + 1.2) * 1000);
      const refreshes = await page.locator('#log li[data-step="refresh"]').count();
      expect(await act('#call', 'call')).toBe('200');
      expect(await page.locator('#log li[data-step="refresh"]').count()).toBe(refreshes + 1);
      expect((await last('refresh')).status).toBe('200');
      const rotated = await refreshCookie();
      expect(rotated?.value).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
      expect(rotated?.value).not.toBe(cookie?.value);

      // "Expire now": the resource server refuses the token (401 invalid_token); one refresh, one retry.
      expect(await act('#expire', 'retry')).toBe('200');
      expect(await last('call')).toEqual({ status: '401', text: expect.stringContaining('error="invalid_token"') });
      expect((await last('refresh')).status).toBe('200');
      expect(await page.textContent('#token-claims')).toContain('"jkt"');

      // "Two tabs at once": tab 2 (a frame of the same origin, its own memory) opens and refreshes for
      // its first call; then both find the token refused together: one refresh, the token goes to
      // the other tab over the BroadcastChannel, both retry.
      const refreshesBeforeTabs = await page.locator('#log li[data-step="refresh"]').count();
      const retries = await page.locator('#log li[data-step="retry"][data-tab="1"]').count();
      await page.click('#two-tabs');
      await page.locator('#log li[data-step="retry"][data-tab="2"]').first().waitFor();
      await page.locator('#log li[data-step="retry"][data-tab="1"]').nth(retries).waitFor();
      expect(await page.locator('#log li[data-step="refresh"]').count()).toBe(refreshesBeforeTabs + 2);
      expect(
        await page
          .locator('#log li[data-step="call"][data-tab="2"]')
          .evaluateAll((items) => items.map((item) => item.getAttribute('data-status'))),
      ).toEqual(['200', '401']);
      expect(await page.locator('#log li[data-step="retry"][data-tab="2"]').getAttribute('data-status')).toBe('200');

      // The access token copied to another key: refused.
      expect(await act('#stolen', 'stolen')).toBe('401');
      expect((await last('stolen')).text).toContain('error="invalid_token"');

      // Logout revokes the session and deletes the cookie; a call then goes without a token.
      expect(await act('#logout', 'logout')).toBe('204');
      expect(await refreshCookie()).toBeUndefined();
      expect(await act('#call', 'call')).toBe('401');
      expect(await page.evaluate('document.cookie')).toBe('');
      expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    });

    it('a page of another origin cannot use the cookie: its refresh requests rotate nothing', async () => {
      await page.goto(`${auth.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.fill('#password', 'wonderland');
      expect(await act('#login', 'login')).toBe('200');
      const before = await refreshCookie();
      // A page on the resource server's origin. 127.0.0.1 on another port is the SAME SITE, so the
      // SameSite=Strict cookie is sent along. What stops the first (simple) request is the server's
      // cross-site check (foreign Origin, no custom header); the second one, with the custom header,
      // needs a CORS preflight that the auth server does not grant, so it is never sent.
      await page.goto(`${resource.url}/api/profile`);
      const target = JSON.stringify(`${auth.url}/auth/refresh`);
      const outcomes = await page.evaluate(`Promise.all([
        fetch(${target}, { method: 'POST', credentials: 'include' }).then((r) => r.status, () => 'blocked'),
        fetch(${target}, { method: 'POST', credentials: 'include', headers: { 'x-requested-with': 'evil' } }).then((r) => r.status, () => 'blocked'),
      ])`);
      // The answers are opaque to the other origin (no CORS on the auth server).
      expect(outcomes).toEqual(['blocked', 'blocked']);
      // Nothing was rotated (a rotation would have replaced the cookie): the original still refreshes once.
      expect((await refreshCookie())?.value).toBe(before?.value);
      // Back on the page (its client starts without an access token), a call refreshes first.
      await page.goto(`${auth.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await act('#call', 'refresh')).toBe('200');
      expect((await refreshCookie())?.value).not.toBe(before?.value);
    });

    it('a cookie planted by another page with a comma ("pref=dark,jwtkit-refresh=...") is never read as the refresh cookie', async () => {
      const csrf = { 'content-type': 'application/json', 'x-requested-with': 'fetch' };
      // The attacker logs into an account of their own, outside the victim's browser.
      const attackerLogin = await fetch(`${auth.url}/auth/login`, {
        method: 'POST',
        headers: csrf,
        body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
      });
      expect(attackerLogin.status).toBe(200);
      const attackers = /jwtkit-refresh=([A-Za-z0-9_.-]+)/.exec(attackerLogin.headers.get('set-cookie') ?? '')?.[1] as string;
      expect(attackers).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);

      // A page of a sibling origin (same host, cookies ignore the port) plants the cookie through
      // document.cookie: Chromium stores the comma as part of the value of `pref`.
      await context.clearCookies();
      await page.goto(`${resource.url}/api/profile`);
      await page.evaluate(`document.cookie = ${JSON.stringify(`pref=dark,jwtkit-refresh=${attackers}; Path=/auth`)}`);
      const planted = (await context.cookies(`${auth.url}/auth/refresh`)).find((cookie) => cookie.name === 'pref');
      expect(planted?.value).toBe(`dark,jwtkit-refresh=${attackers}`);

      // The victim, not logged in, calls: its client's refresh is refused, never logged into the attacker's session.
      await page.goto(`${auth.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await act('#call', 'refresh')).toBe('401');
      expect(await refreshCookie()).toBeUndefined();

      // The victim logs in; with the planted cookie still sent beside the real one, refresh works.
      await page.fill('#password', 'wonderland');
      expect(await act('#login', 'login')).toBe('200');
      const victims = (await refreshCookie())?.value;
      expect(victims).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      expect(await act('#call', 'refresh')).toBe('200');
      const rotated = (await refreshCookie())?.value;
      expect(rotated).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
      expect([victims, attackers]).not.toContain(rotated);
      expect((await context.cookies(`${auth.url}/auth/refresh`)).find((cookie) => cookie.name === 'pref')?.value).toBe(
        `dark,jwtkit-refresh=${attackers}`,
      );

      // The attacker's refresh token was never presented by the victim's browser: it still rotates once.
      const attackerRefresh = await fetch(`${auth.url}/auth/refresh`, {
        method: 'POST',
        headers: { cookie: `jwtkit-refresh=${attackers}`, 'x-requested-with': 'fetch' },
      });
      expect(attackerRefresh.status).toBe(200);
    });
  });
}
