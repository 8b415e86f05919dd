// Every TypeScript block of the guides is an example file that is type-checked against the built
// package (as `import ... from 'jwtkit'`) and run. Blocks in other languages are shell commands
// (those marked `<!-- run: shell -->` run in shell-blocks.test.ts), output or diagrams.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import ts from 'typescript';
import { describe, expect, it, vi } from 'vitest';
import { ensureBuilt } from '../package-quality/built-package.js';
import { docsDirectory, exampleFiles, exampleText, fencedBlocks, guideFiles, syncGuide } from './guide-blocks.js';

const CODE_LANGUAGES = new Set(['ts', 'typescript', 'js', 'javascript', 'tsx', 'mjs', 'cjs']);
const OTHER_LANGUAGES = new Set(['sh', 'text', 'mermaid', 'json', 'http']);

if (process.env['UPDATE_GUIDES'] === '1') for (const guide of guideFiles()) syncGuide(guide);

const guides = guideFiles();
const examples = exampleFiles();
/** `*.suite.ts` examples declare tests (a conformance suite): they are imported here, while tests are collected. */
const isSuite = (example: string): boolean => example.endsWith('.suite.ts');
/** `*.cjs` examples are CommonJS: they run in a `node` process, where `require('jwtkit')` loads the built dist/index.cjs. */
const isCommonJs = (example: string): boolean => example.endsWith('.cjs');
/** `*.redis.ts` and `*.postgres.ts` examples need a server: guides-servers.test.ts runs them. */
const needsServer = (example: string): boolean => /\.(redis|postgres)\.ts$/.test(example);

// Collection imports the suites, so the package must be built before any test runs.
ensureBuilt();
for (const example of examples.filter(isSuite)) {
  describe(`${example} (a test suite)`, async () => {
    await import(/* @vite-ignore */ join(docsDirectory, example));
  });
}

function typeCheckExamples(): string[] {
  const configPath = join(docsDirectory, 'examples', 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, join(docsDirectory, 'examples'));
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where =
      diagnostic.file === undefined
        ? ''
        : `${diagnostic.file.fileName.slice(docsDirectory.length + 1)}:${
            diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1
          }: `;
    return `${where}TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

describe('guides', () => {
  it('exist', () => {
    expect(guides.length).toBeGreaterThan(0);
  });

  for (const guide of guides) {
    const name = guide.slice(docsDirectory.length + 1);
    it(`${name}: every code block is an included, up-to-date example`, () => {
      for (const block of fencedBlocks(readFileSync(guide, 'utf8'))) {
        const where = `${name}:${block.line}`;
        if (CODE_LANGUAGES.has(block.language)) {
          expect(block.include, `${where}: a ${block.language} block needs an <!-- include: examples/... --> line above it`).toBeDefined();
          const include = block.include as string;
          expect(existsSync(join(docsDirectory, include)), `${where}: ${include} does not exist`).toBe(true);
          expect(block.content, `${where} differs from ${include}: run npm run docs:guides`).toBe(exampleText(include));
        } else {
          expect(OTHER_LANGUAGES.has(block.language), `${where}: unknown block language "${block.language}"`).toBe(true);
          expect(block.include, `${where}: only TypeScript blocks are included`).toBeUndefined();
        }
      }
    });
  }

  it('include every example file', () => {
    const included = new Set(guides.flatMap((guide) => fencedBlocks(readFileSync(guide, 'utf8')).map((block) => block.include)));
    expect(examples.filter((example) => !included.has(example))).toEqual([]);
  });
});

describe('guide examples', () => {
  it('type-check against the built package', () => {
    expect(typeCheckExamples()).toEqual([]);
  }, 60_000);

  for (const example of examples.filter((candidate) => !isSuite(candidate) && !needsServer(candidate))) {
    it(`${example} runs`, async () => {
      const path = join(docsDirectory, example);
      // `console.log(x); // expected output` lines: what the example prints must be what they say.
      const expected = [...readFileSync(path, 'utf8').matchAll(/console\.log\(.*\);\s*\/\/\s*(.+)$/gm)].map((match) =>
        (match[1] as string).trim(),
      );
      if (isCommonJs(example)) {
        const output = execFileSync(process.execPath, [path], { encoding: 'utf8', timeout: 20_000 });
        expect(output.split('\n').filter((line) => line !== '')).toEqual(expected);
        return;
      }
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        await import(/* @vite-ignore */ path);
        expect(log.mock.calls.map((args) => format(...args))).toEqual(expected);
      } finally {
        log.mockRestore();
      }
    }, 30_000);
  }
});
