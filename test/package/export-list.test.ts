/**
 * Every name every entry of the package exports, values and types alike, read from the built
 * declaration files (`dist/*.d.ts`) with the TypeScript checker and compared with the list in
 * public-exports.ts. An export added, removed or renamed by accident fails here; an intended change
 * updates the list with `UPDATE_EXPORTS=1 npx vitest run test/package/export-list.test.ts` and is
 * listed in CHANGELOG.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../package-quality/built-package.js';
import { PUBLIC_EXPORTS } from './public-exports.js';

ensureBuilt();

const manifest = (await import('../../package.json', { with: { type: 'json' } })).default as {
  exports: Record<string, string | { import?: { types?: string } }>;
};

/** `'.'`, `'./express'`, ... with the declaration file of each (the ESM one). */
function entries(): Array<[string, string]> {
  return Object.entries(manifest.exports).flatMap(([subpath, target]) =>
    typeof target === 'string' || target.import?.types === undefined
      ? []
      : [[subpath, join(root, target.import.types)] as [string, string]],
  );
}

function exportsOf(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (symbol === undefined) throw new Error(`${file} has no module symbol`);
  return checker
    .getExportsOfModule(symbol)
    .map((exported) => exported.getName())
    .sort();
}

const program = ts.createProgram({
  rootNames: entries().map(([, file]) => file),
  options: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, noEmit: true },
});
const actual = Object.fromEntries(entries().map(([subpath, file]) => [subpath, exportsOf(program, file)]));

if (process.env['UPDATE_EXPORTS'] === '1') {
  const text = `// The public names of every entry, checked by export-list.test.ts. Regenerate with\n// UPDATE_EXPORTS=1 npx vitest run test/package/export-list.test.ts after an intended change.\nexport const PUBLIC_EXPORTS: Record<string, readonly string[]> = ${JSON.stringify(actual, null, 2)};\n`;
  writeFileSync(join(root, 'test/package/public-exports.ts'), text);
}

describe('the exports of every entry', () => {
  it('every entry of package.json is listed', () => {
    expect(Object.keys(actual).sort()).toEqual(Object.keys(PUBLIC_EXPORTS).sort());
  });

  for (const [subpath, names] of Object.entries(actual)) {
    it(`${subpath} exports exactly the listed names`, () => {
      expect(names.length).toBeGreaterThan(0);
      expect(names).toEqual(PUBLIC_EXPORTS[subpath]);
    });
  }
});
