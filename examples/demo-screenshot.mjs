// Takes docs/demo.png (run from the repository root after `npx tsup`, with Debian's chromium installed): the demo page after login, a call, "Expire now", "Two tabs at once" and a stolen token.
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startAuthServer } from './auth-server.mjs';
import { startResourceServer } from './resource-server.mjs';
const auth = await startAuthServer({ accessTokenTtl: '60s', insecureDevCookie: true });
const resource = await startResourceServer({ authUrl: auth.url });
auth.setResourceUrl(resource.url);
const browser = await chromium.launch({
  executablePath: execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim(),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
page.on('pageerror', (e) => console.log('pageerror', e.message));
await page.goto(`${auth.url}/`);
await page.waitForSelector('body[data-ready="true"]');
const act = async (button, selector) => {
  const before = await page.locator(selector).count();
  await page.click(button);
  await page.locator(selector).nth(before).waitFor();
};
await page.fill('#password', 'wonderland');
await act('#login', '#log li[data-step="login"]');
await act('#call', '#log li[data-step="call"]');
await act('#expire', '#log li[data-step="retry"]');
await page.click('#two-tabs');
await page.locator('#log li[data-step="retry"][data-tab="2"]').waitFor();
await page.locator('#log li[data-step="retry"][data-tab="1"]').nth(1).waitFor();
await act('#stolen', '#log li[data-step="stolen"]');
await page.waitForTimeout(300);
await page.screenshot({ path: 'docs/demo.png', fullPage: true });
console.log(await page.locator('#log').innerText());
await browser.close();
await Promise.all([auth.close(), resource.close()]);
