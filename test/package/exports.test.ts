/**
 * The built package through its exports map, as a user gets it: `import('jwtkit')` (ESM) and
 * `require('jwtkit')` (CommonJS), each in a fresh Node process started from the repository root
 * (a package can import itself by name through `name` + `exports`).
 *
 * `npm test` builds first. When `dist/` is missing (e.g. `npx vitest run test/package` on a fresh
 * clone), the suite builds it once with tsup.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { JWT_ERROR_CODES } from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  name: string;
  exports: Record<string, string | { import?: { types?: string; default?: string }; require?: { types?: string; default?: string } }>;
};

/** Every file the exports map names (types and code, both conditions). */
function exportedFiles(): string[] {
  const files: string[] = [];
  for (const target of Object.values(packageJson.exports)) {
    if (typeof target === 'string') continue;
    for (const condition of [target.import, target.require]) {
      if (condition?.types !== undefined) files.push(condition.types);
      if (condition?.default !== undefined) files.push(condition.default);
    }
  }
  return files;
}

/** Runs a script in a fresh Node process at the repository root and parses its JSON output. */
function runNode(args: string[]): unknown {
  const output = execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(output.trim().split('\n').at(-1) as string);
}

const ESM_PROBE = `
import { createRequire } from 'node:module';
const esm = await import('jwtkit');
const cjs = createRequire(process.cwd() + '/package.json')('jwtkit');
const codeOf = (fn) => { try { fn(); return null; } catch (error) { return error; } };
const fromCjs = codeOf(() => cjs.verifySync('not-a-token', new Uint8Array(32), { algorithms: ['HS256'] }));
const fromEsm = codeOf(() => esm.verifySync('not-a-token', new Uint8Array(32), { algorithms: ['HS256'] }));
const secret = new Uint8Array(32).fill(7);
const tokenFromEsm = esm.signSync({ sub: 'u' }, secret, { alg: 'HS256', expiresIn: 60 });
const tokenFromCjs = cjs.signSync({ sub: 'u' }, secret, { alg: 'HS256', expiresIn: 60 });
console.log(JSON.stringify({
  resolvedImport: import.meta.resolve('jwtkit'),
  esmCodes: esm.JWT_ERROR_CODES,
  cjsCodes: cjs.JWT_ERROR_CODES,
  esmExports: Object.keys(esm).filter((name) => name !== 'default').sort(),
  cjsExports: Object.keys(cjs).sort(),
  sameClass: esm.JwtError === cjs.JwtError,
  cjsErrorCode: fromCjs && fromCjs.code,
  esmRecognisesCjsError: esm.isJwtError(fromCjs),
  esmRecognisesCjsErrorWithCode: esm.isJwtError(fromCjs, 'ERR_JWT_MALFORMED'),
  cjsRecognisesEsmError: cjs.isJwtError(fromEsm),
  cjsRecognisesEsmErrorWithWrongCode: cjs.isJwtError(fromEsm, 'ERR_JWT_EXPIRED'),
  cjsErrorIsInstanceOfOwnClass: fromCjs instanceof cjs.JwtError,
  esmErrorIsInstanceOfOwnClass: fromEsm instanceof esm.JwtError,
  cjsVerifiesEsmToken: cjs.verifySync(tokenFromEsm, secret, { algorithms: ['HS256'] }).payload.sub,
  esmVerifiesCjsToken: esm.verifySync(tokenFromCjs, secret, { algorithms: ['HS256'] }).payload.sub,
}));
`;

const CJS_PROBE = `
const jwtkit = require('jwtkit');
console.log(JSON.stringify({
  resolvedRequire: require.resolve('jwtkit'),
  codes: jwtkit.JWT_ERROR_CODES,
  hasCore: ['sign', 'signSync', 'verify', 'verifySync', 'decode', 'signJws', 'verifyJws', 'base64url', 'JwtError', 'isJwtError'].every((name) => name in jwtkit),
  base64: jwtkit.base64url.encode('hello'),
}));
`;

describe('the built package, through its exports map', () => {
  beforeAll(() => {
    // Build once only when the root entry itself is missing (a fresh clone running this folder
    // alone): tsup cleans dist/, so never rebuild just because a newer subpath is not built yet.
    const rootFiles = ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts'];
    if (rootFiles.some((file) => !existsSync(new URL(file, `file://${ROOT}`)))) {
      execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['tsup'], { cwd: ROOT, stdio: 'ignore', timeout: 180_000 });
    }
  }, 200_000);

  it('package.json names the package jwtkit and its exports map points at files that exist', () => {
    expect(packageJson.name).toBe('jwtkit');
    const files = exportedFiles();
    expect(files).toEqual(expect.arrayContaining(['./dist/index.js', './dist/index.cjs', './dist/index.d.ts', './dist/index.d.cts']));
    for (const file of files) expect(existsSync(new URL(file, `file://${ROOT}`)), file).toBe(true);
  });

  it('require("jwtkit") in a CommonJS process resolves to dist/index.cjs and exposes the core with the same error codes', () => {
    const result = runNode(['-e', CJS_PROBE]) as { resolvedRequire: string; codes: string[]; hasCore: boolean; base64: string };
    expect(result.resolvedRequire.endsWith('/dist/index.cjs')).toBe(true);
    expect(result.codes).toEqual([...JWT_ERROR_CODES]);
    expect(result.hasCore).toBe(true);
    expect(result.base64).toBe('aGVsbG8');
  });

  it('import("jwtkit") resolves to dist/index.js; ESM and CJS expose the same names and error codes; isJwtError works across the copies', () => {
    const result = runNode(['--input-type=module', '-e', ESM_PROBE]) as Record<string, unknown>;
    expect(String(result['resolvedImport']).endsWith('/dist/index.js')).toBe(true);
    expect(result['esmCodes']).toEqual([...JWT_ERROR_CODES]);
    expect(result['cjsCodes']).toEqual(result['esmCodes']);
    expect(result['esmExports']).toEqual(result['cjsExports']);
    // Two copies of the class (dual package), so instanceof alone cannot work across them...
    expect(result['sameClass']).toBe(false);
    expect(result['cjsErrorIsInstanceOfOwnClass']).toBe(true);
    expect(result['esmErrorIsInstanceOfOwnClass']).toBe(true);
    // ...but isJwtError compares name and code, so it recognises the other copy's errors.
    expect(result['cjsErrorCode']).toBe('ERR_JWT_MALFORMED');
    expect(result['esmRecognisesCjsError']).toBe(true);
    expect(result['esmRecognisesCjsErrorWithCode']).toBe(true);
    expect(result['cjsRecognisesEsmError']).toBe(true);
    expect(result['cjsRecognisesEsmErrorWithWrongCode']).toBe(false);
    // Both copies speak the same token format.
    expect(result['cjsVerifiesEsmToken']).toBe('u');
    expect(result['esmVerifiesCjsToken']).toBe('u');
  });

  it("every built subpath entry that exports JwtError shares the root entry's class (one class per format)", () => {
    // Subpaths whose files are missing fail the exports-map test above; here only built ones are imported.
    const subpaths = Object.entries(packageJson.exports)
      .filter(([key, target]) => key !== '.' && typeof target !== 'string' && target.import?.default !== undefined)
      .filter(([, target]) => existsSync(new URL((target as { import: { default: string } }).import.default, `file://${ROOT}`)))
      .map(([key]) => key);
    const script = `
      const root = await import('jwtkit');
      const rootCjs = (await import('node:module')).createRequire(process.cwd() + '/package.json')('jwtkit');
      const results = {};
      for (const subpath of ${JSON.stringify(subpaths)}) {
        const name = 'jwtkit' + subpath.slice(1);
        const esm = await import(name);
        const cjs = (await import('node:module')).createRequire(process.cwd() + '/package.json')(name);
        results[subpath] = {
          esm: 'JwtError' in esm ? esm.JwtError === root.JwtError : 'no JwtError export',
          cjs: 'JwtError' in cjs ? cjs.JwtError === rootCjs.JwtError : 'no JwtError export',
        };
      }
      console.log(JSON.stringify(results));
    `;
    const result = runNode(['--input-type=module', '-e', script]) as Record<string, { esm: unknown; cjs: unknown }>;
    expect(Object.keys(result).sort()).toEqual([...subpaths].sort());
    for (const subpath of subpaths) {
      expect([true, 'no JwtError export'], `${subpath} (ESM)`).toContain(result[subpath]?.esm);
      expect([true, 'no JwtError export'], `${subpath} (CJS)`).toContain(result[subpath]?.cjs);
    }
  });
});
