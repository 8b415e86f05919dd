/**
 * `npm run demo` end to end: `node examples/demo.mjs` against the built package starts both
 * servers, runs the scripted client through login, expiry, refresh, replay and logout, then a
 * DPoP-bound session whose stolen tokens are refused from a second device (the auth server logs
 * `dpop_key_mismatch`), prints the trace and exits 0. Needs the built package (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run demo', () => {
  it('runs the whole token flow and exits 0', () => {
    expect(existsSync(`${root}dist/express.js`), 'the package is not built: run `npm run build` (npm test does)').toBe(true);
    const run = spawnSync(process.execPath, ['examples/demo.mjs'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_ENV: 'development' },
    });
    // The servers set no onAuthEvent: jwtkit's default log writes one line per refused request on
    // stderr (NODE_ENV is not production), with its code, and nothing else is written there.
    const logged = run.stderr.split('\n').filter((line) => line !== '');
    expect(logged.filter((line) => !line.startsWith('[jwtkit] '))).toEqual([]);
    expect(logged.map((line) => /ERR_[A-Z_]+/.exec(line)?.[0])).toEqual([
      'ERR_JWT_EXPIRED',
      'ERR_REFRESH_REUSED',
      'ERR_REFRESH_REVOKED',
      'ERR_REFRESH_REVOKED',
      'ERR_CREDENTIALS_INVALID',
      'ERR_TOKEN_BINDING_MISMATCH', // the resource server: the stolen access token, with another key
      'ERR_TOKEN_BINDING_MISMATCH', // the auth server: the stolen refresh token, with another key
      'ERR_REFRESH_REVOKED',
    ]);
    expect(run.status).toBe(0);
    const statuses = [...run.stdout.matchAll(/^✔ (\d+)\. .*?\s(\d{3})\s/gm)].map((match) => [Number(match[1]), Number(match[2])]);
    expect(statuses).toEqual([
      [1, 200],
      [2, 200],
      [3, 401],
      [4, 200],
      [5, 200],
      [6, 401],
      [7, 401],
      [8, 200],
      [9, 204],
      [10, 401],
      [11, 401],
      [12, 200],
      [13, 200],
      [14, 401],
      [15, 400],
      [16, 401],
    ]);
    expect(run.stdout).toContain('error="invalid_token", error_description="The access token expired"');
    expect(run.stdout).toContain('refresh token reuse for alice, session revoked');
    expect(run.stdout).toContain('dpop_key_mismatch for alice');
    expect(run.stdout).toMatch(/^✔ 12\. .* token_type DPoP/m);
    expect(run.stdout).not.toContain('✘');
  });
});

interface AuthServerModule {
  startAuthServer(options?: { host?: string; insecureDevCookie?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
}

describe('examples/auth-server.mjs, copied as is', () => {
  it('sets a Secure, __Secure- refresh cookie unless insecureDevCookie is passed, even on a loopback host', async () => {
    // A non-literal specifier: the example is plain .mjs importing the built package by name.
    const { startAuthServer } = (await import(pathToFileURL(join(root, 'examples/auth-server.mjs')).href)) as AuthServerModule;
    const auth = await startAuthServer();
    try {
      const login = await fetch(`${auth.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-requested-with': 'fetch' },
        body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
      });
      expect(login.status).toBe(200);
      const [cookie = ''] = login.headers.getSetCookie();
      expect(cookie.startsWith('__Secure-jwtkit-refresh=')).toBe(true);
      expect(cookie.split('; ')).toContain('Secure');
    } finally {
      await auth.close();
    }
    await expect(startAuthServer({ host: '0.0.0.0', insecureDevCookie: true })).rejects.toThrow();
  });
});
