/**
 * The declarations of jwtkit/client (dist/client.d.ts) as a browser app sees them: type-checked
 * with the DOM library and without @types/node, and used as `fetch` is.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { root } from '../package-quality/built-package.js';

const APP = join(root, 'node_modules', '.cache', 'jwtkit-client-app.ts');
const APP_TEXT = `import { createAuthClient, type AuthClient, type AuthClientOptions, type AuthResult } from '../../dist/client.js';
const options: AuthClientOptions = { loginUrl: '/auth/login', refreshUrl: '/auth/refresh', logoutUrl: new URL('/auth/logout', location.href), dpop: true };
const api: AuthClient = createAuthClient(options);
const asFetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> = api;
const result: Promise<AuthResult> = api.login({ username: 'alice', password: 'wonderland' });
// @ts-expect-error the access token is not stored anywhere the client lets you choose
createAuthClient({ ...options, storage: 'localStorage' });
export { asFetch, result };
`;

function diagnostics(): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (file === APP ? APP_TEXT : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === APP || fileExists(file);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language) => (file === APP ? ts.createSourceFile(file, APP_TEXT, language) : getSourceFile(file, language));
  const program = ts.createProgram({ rootNames: [APP], options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('jwtkit/client declarations in a browser project', () => {
  it('type-check with the DOM library and no @types/node, the client standing in for fetch', () => {
    expect(existsSync(join(root, 'dist', 'client.d.ts')), 'the package is not built: run `npx tsup`').toBe(true);
    expect(diagnostics()).toEqual([]);
  });
});
