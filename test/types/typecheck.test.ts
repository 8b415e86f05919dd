// Makes sure the type tests in this folder are type-checked by `npm test` (vitest alone only runs
// them), and that a wrong type assertion really fails the check.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const CANARY = join(here, '__canary__.ts');
const CANARY_TEXT = `import { expectTypeOf } from 'vitest';
import type { SignOptions } from '../../src/index.js';
expectTypeOf<SignOptions['expiresIn']>().toEqualTypeOf<string>();
const unitless: SignOptions = { alg: 'HS256', expiresIn: '60s' };
// @ts-expect-error this line has no error, so the directive itself is reported
const fine: SignOptions = { alg: 'HS256', expiresIn: '60m' };
export { unitless, fine };
`;

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

/** Type-checks files (plus an in-memory canary) and returns the messages per file. */
function typeCheck(files: readonly string[]): Map<string, string[]> {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => (resolve(path) === CANARY ? CANARY_TEXT : readFile(path));
  host.fileExists = (path) => resolve(path) === CANARY || ts.sys.fileExists(path);
  host.getSourceFile = (path, language, onError, fresh) =>
    resolve(path) === CANARY ? ts.createSourceFile(path, CANARY_TEXT, language) : getSourceFile(path, language, onError, fresh);
  const program = ts.createProgram({ rootNames: [...files, CANARY], options, host });
  const messages = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file === undefined ? '(global)' : resolve(diagnostic.file.fileName);
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const line =
      diagnostic.file === undefined || diagnostic.start === undefined
        ? 0
        : diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1;
    messages.set(file, [...(messages.get(file) ?? []), `TS${diagnostic.code}: ${text} (line ${line})`]);
  }
  return messages;
}

describe('type tests', () => {
  const files = readdirSync(here)
    .filter((name) => name.endsWith('.ts') && name !== 'typecheck.test.ts')
    .map((name) => join(here, name));
  const messages = typeCheck(files);

  it('finds the type-test files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`${file.slice(root.length + 1)} type-checks`, () => {
      expect(messages.get(file) ?? []).toEqual([]);
    });
  }

  it('fails on a wrong assertion and on an unused @ts-expect-error (the canary)', () => {
    const canary = messages.get(CANARY) ?? [];
    expect(canary.some((message) => message.startsWith('TS2344') || message.startsWith('TS2345'))).toBe(true);
    expect(canary.some((message) => message.startsWith('TS2578'))).toBe(true);
  });
});
