// Enforces the layering rule of CONTRIBUTING.md: a file in src/ imports only from its own layer or
// a lower one, plus `node:` built-ins; layer-5 modules (adapters, stores, testing) never import
// each other and the root entry never imports them. `src/stores/shared/` holds the helpers the
// stores share: only `src/stores/` imports it. `src/adapters/core/` holds the framework-neutral
// pieces of the adapters: each framework folder (`src/adapters/express/`, `src/adapters/fetch/`,
// ...) imports it and the lower layers, never another framework folder, and core/ imports none.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

const LAYERS: ReadonlyArray<[prefix: string, layer: number]> = [
  ['errors.ts', 0],
  ['internal/', 0],
  ['encoding/', 0],
  ['jws/', 1],
  ['jwt/', 2],
  ['jwe/', 2],
  ['keys/', 3],
  ['tokens/', 4],
  ['dpop/', 4],
  ['adapters/', 5],
  ['stores/', 5],
  ['testing/', 5],
  ['cli/', 5],
];

/** The client's folder: it imports only itself and `src/errors.ts`, never a `node:` built-in. */
const CLIENT = 'client/';

/** Layer-5 folders whose subfolders are modules of their own (`stores/redis`, `adapters/express`). */
const GROUPS = ['stores', 'adapters'];

/** The layer of a path relative to src/, and its layer-5 module (e.g. `stores/redis`, `adapters/core`). */
export function classify(path: string): { layer: number; module: string } {
  const normalized = path.split(sep).join('/');
  if (normalized === 'index.ts') return { layer: 4.5, module: 'index' };
  // `jwtkit/client` runs in browsers: a module of its own that no other file imports.
  if (normalized.startsWith(CLIENT)) return { layer: 5, module: 'client' };
  for (const [prefix, layer] of LAYERS) {
    if (normalized === prefix || normalized.startsWith(prefix)) {
      const parts = normalized.split('/');
      if (parts[0] === 'adapters' && parts.length < 3) {
        throw new Error(`src/${normalized} is in no adapter folder: move it into src/adapters/core/ or a framework folder`);
      }
      const module = layer === 5 ? (GROUPS.includes(parts[0] as string) ? parts.slice(0, 2).join('/') : (parts[0] as string)) : prefix;
      return { layer, module };
    }
  }
  throw new Error(`src/${normalized} is in no layer: add its folder to CONTRIBUTING.md and this test`);
}

/**
 * Layer-5 modules shared inside their group, and the group that may import them: the stores'
 * helpers (from `src/stores/` only) and the adapters' framework-neutral core (from the framework
 * folders of `src/adapters/` only).
 */
const SHARED: ReadonlyMap<string, string> = new Map([
  ['stores/shared', 'stores/'],
  ['adapters/core', 'adapters/'],
]);

/**
 * What is wrong with `src/<from>` importing `src/<target>` (paths relative to src/), or
 * `undefined` when the layering rule allows it.
 */
export function importViolation(from: string, target: string): string | undefined {
  const own = classify(from);
  const to = classify(target);
  if (own.module === 'client') {
    return to.module === 'client' || target.split(sep).join('/') === 'errors.ts'
      ? undefined
      : `src/${from} (the client) imports src/${target}: the client imports only src/client/ and src/errors.ts`;
  }
  if (to.layer > Math.floor(own.layer)) return `src/${from} (layer ${own.layer}) imports src/${target} (layer ${to.layer})`;
  if (to.layer < 5 || to.module === own.module) return undefined;
  const group = SHARED.get(to.module);
  if (group !== undefined && own.module.startsWith(group)) return undefined;
  return `src/${from} imports another layer-5 module, src/${target}`;
}

/**
 * The package a framework folder may import, types only (`import type`): jwtkit never loads the
 * framework, a devDependency, at run time.
 */
const FRAMEWORK_PACKAGES: ReadonlyMap<string, string> = new Map([
  ['adapters/fastify', 'fastify'],
  ['adapters/hono', 'hono'],
  ['adapters/koa', 'koa'],
]);

/** Whether every import of the package `name` in a source text is type-only (`import type`, `export type`). */
export function importsTypesOnly(text: string, name: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const all = [...code.matchAll(IMPORT_PATTERN)].filter((match) => (match[1] ?? match[2]) === name);
  const typeOnly = all.filter((match) => /^\s*(?:import|export)\s+type\s/.test(match[0]));
  return all.length === typeOnly.length;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const IMPORT_PATTERN = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Import specifiers of a source text; comments (TSDoc examples among them) are not code. */
export function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(IMPORT_PATTERN)].map((match) => (match[1] ?? match[2]) as string);
}

describe('layering', () => {
  const files = sourceFiles(src);

  it('finds the source files', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const file of files) {
    const from = relative(src, file);
    it(`src/${from} imports only its own layer or below`, () => {
      const text = readFileSync(file, 'utf8');
      for (const specifier of importsOf(text)) {
        if (specifier.startsWith('node:')) {
          expect(classify(from).module, `src/${from} imports "${specifier}": the client runs in browsers`).not.toBe('client');
          continue;
        }
        if (specifier === FRAMEWORK_PACKAGES.get(classify(from).module)) {
          expect(importsTypesOnly(text, specifier), `src/${from} imports more than types from "${specifier}"`).toBe(true);
          continue;
        }
        expect(specifier.startsWith('.'), `src/${from} imports the package "${specifier}"`).toBe(true);
        const target = relative(src, resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
        expect(importViolation(from, target)).toBeUndefined();
      }
    });
  }
});

/** What {@link importViolation} says of an import into a higher layer, and of one into another layer-5 module. */
const INTO_HIGHER_LAYER = /^src\/\S+ \(layer [\d.]+\) imports src\/\S+ \(layer [\d.]+\)$/;
const INTO_OTHER_MODULE = /^src\/\S+ imports another layer-5 module, src\/\S+$/;

describe('the rule itself', () => {
  it('reads static, re-export and dynamic imports, not comments', () => {
    expect(
      importsOf(
        `/** import { x } from 'jwtkit'; */\nimport { a } from './a.js';\nexport { b } from "../b.js";\nconst c = await import('./c.js');`,
      ),
    ).toEqual(['./a.js', '../b.js', './c.js']);
  });
  it('tells type-only imports of a framework package from value imports', () => {
    expect(
      importsTypesOnly(`import type { A } from 'fastify';\nexport type { B } from 'fastify';\nimport { c } from './c.js';`, 'fastify'),
    ).toBe(true);
    expect(importsTypesOnly(`import type { A } from 'fastify';\nimport Fastify from 'fastify';`, 'fastify')).toBe(false);
    expect(importsTypesOnly(`import { type A } from 'fastify';`, 'fastify')).toBe(false);
  });
  it('places files in layers', () => {
    expect(classify('jwt/verify.ts').layer).toBe(2);
    expect(classify('stores/redis/index.ts').module).toBe('stores/redis');
    expect(classify('stores/shared/record-arguments.ts')).toEqual({ layer: 5, module: 'stores/shared' });
    expect(() => classify('elsewhere/x.ts')).toThrow();
  });
  it('lets a file import its own layer and below, and no higher layer', () => {
    expect(importViolation('jwt/verify.ts', 'jws/parse.ts')).toBeUndefined();
    expect(importViolation('stores/redis/options.ts', 'tokens/store.ts')).toBeUndefined();
    expect(importViolation('jws/parse.ts', 'jwt/verify.ts')).toMatch(
      /^src\/jws\/parse\.ts \(layer 1\) imports src\/jwt\/verify\.ts \(layer 2\)$/,
    );
    expect(importViolation('index.ts', 'adapters/express/index.ts')).toMatch(/^src\/index\.ts \(layer 4\.5\) imports .* \(layer 5\)$/);
    expect(importViolation('index.ts', 'adapters/core/csrf.ts')).toMatch(/^src\/index\.ts \(layer 4\.5\) imports .* \(layer 5\)$/);
  });
  it('keeps layer-5 modules apart', () => {
    expect(importViolation('adapters/express/index.ts', 'adapters/express/requirements.ts')).toBeUndefined();
    expect(importViolation('stores/redis/index.ts', 'stores/postgres/index.ts')).toMatch(INTO_OTHER_MODULE);
    expect(importViolation('testing/index.ts', 'adapters/express/index.ts')).toMatch(INTO_OTHER_MODULE);
  });
  it('places adapter files in core/ or a framework folder, never loose in src/adapters/', () => {
    expect(classify('adapters/core/csrf.ts')).toEqual({ layer: 5, module: 'adapters/core' });
    expect(classify('adapters/express/index.ts')).toEqual({ layer: 5, module: 'adapters/express' });
    expect(classify('adapters/hono/index.ts')).toEqual({ layer: 5, module: 'adapters/hono' });
    expect(() => classify('adapters/express.ts')).toThrow();
  });
  it('lets a framework folder import core/ and the lower layers, never another framework folder', () => {
    for (const [from, target] of [
      ['adapters/express/authenticate.ts', 'adapters/core/node-exchange.ts'],
      ['adapters/fetch/endpoints.ts', 'adapters/core/jwks-endpoint.ts'],
      ['adapters/hono/index.ts', 'adapters/core/fetch-exchange.ts'],
      ['adapters/express/requirements.ts', 'adapters/express/hand-on.ts'],
      ['adapters/fetch/authenticate.ts', 'jwt/verify.ts'],
      ['adapters/core/auth-endpoints.ts', 'adapters/core/csrf.ts'],
      ['adapters/core/authenticate-options.ts', 'jwt/verify.ts'],
    ]) {
      expect(importViolation(from as string, target as string), `${from} -> ${target}`).toBeUndefined();
    }
    for (const [from, target, violation] of [
      ['adapters/fetch/requirements.ts', 'adapters/express/hand-on.ts', INTO_OTHER_MODULE],
      ['adapters/express/endpoints.ts', 'adapters/fetch/endpoints.ts', INTO_OTHER_MODULE],
      ['adapters/koa/index.ts', 'adapters/express/authenticate.ts', INTO_OTHER_MODULE],
      // core/ is below the framework folders, not beside them: it never imports one.
      ['adapters/core/auth-endpoints.ts', 'adapters/express/endpoints.ts', INTO_OTHER_MODULE],
      ['adapters/core/csrf.ts', 'adapters/fetch/index.ts', INTO_OTHER_MODULE],
      // Only the adapters import core/.
      ['stores/redis/index.ts', 'adapters/core/csrf.ts', INTO_OTHER_MODULE],
      ['testing/index.ts', 'adapters/core/requirements.ts', INTO_OTHER_MODULE],
      ['cli/main.ts', 'adapters/core/json-body.ts', INTO_OTHER_MODULE],
      ['tokens/token-service.ts', 'adapters/core/error-replies.ts', INTO_HIGHER_LAYER],
    ] as const) {
      expect(importViolation(from, target), `${from} -> ${target}`).toMatch(violation);
    }
  });
  it('keeps the client to src/client/ and src/errors.ts, and out of every other module', () => {
    expect(classify('client/create-auth-client.ts')).toEqual({ layer: 5, module: 'client' });
    expect(importViolation('client/create-auth-client.ts', 'client/dpop-proof.ts')).toBeUndefined();
    expect(importViolation('client/options.ts', 'errors.ts')).toBeUndefined();
    for (const target of ['encoding/base64url.ts', 'internal/option-names.ts', 'dpop/verify-proof.ts', 'adapters/core/csrf.ts']) {
      expect(importViolation('client/options.ts', target), target).toMatch(/^src\/client\/options\.ts \(the client\) imports /);
    }
    expect(importViolation('index.ts', 'client/index.ts')).toMatch(INTO_HIGHER_LAYER);
    expect(importViolation('adapters/fetch/index.ts', 'client/index.ts')).toMatch(INTO_OTHER_MODULE);
  });
  it('lets src/stores/** import src/stores/shared/, and nothing else', () => {
    for (const from of ['stores/redis/options.ts', 'stores/postgres/client.ts', 'stores/shared/stored-record.ts']) {
      expect(importViolation(from, 'stores/shared/record-arguments.ts'), from).toBeUndefined();
    }
    for (const [from, violation] of [
      ['tokens/token-service.ts', INTO_HIGHER_LAYER],
      ['adapters/express/index.ts', INTO_OTHER_MODULE],
      ['adapters/core/csrf.ts', INTO_OTHER_MODULE],
      ['testing/index.ts', INTO_OTHER_MODULE],
      ['cli/main.ts', INTO_OTHER_MODULE],
      ['jws/key.ts', INTO_HIGHER_LAYER],
      ['index.ts', INTO_HIGHER_LAYER],
    ] as const) {
      expect(importViolation(from, 'stores/shared/record-arguments.ts'), from).toMatch(violation);
    }
    // The shared helpers are below the stores, not beside them: they never import a store.
    expect(importViolation('stores/shared/record-arguments.ts', 'stores/redis/client.ts')).toMatch(INTO_OTHER_MODULE);
  });
  it("matches CONTRIBUTING.md's layer table", () => {
    const table = readFileSync(join(root, 'CONTRIBUTING.md'), 'utf8');
    const rows = new Map<number, string>();
    for (const match of table.matchAll(/^\| (\d) \| ([^|]+) \|/gm)) rows.set(Number(match[1]), match[2] as string);
    for (const [prefix, layer] of LAYERS) expect(rows.get(layer), `src/${prefix}`).toContain(`\`src/${prefix}\``);
    const listed = [...rows.values()].flatMap((folders) => [...folders.matchAll(/`src\/([^`]+)`/g)].map((match) => match[1]));
    expect(listed.sort()).toEqual(LAYERS.map(([prefix]) => prefix).sort());
    expect(table).toMatch(/^\| client \| `src\/client\/` \|/m);
    expect(table).toContain('`src/stores/shared/`');
    expect(table).toContain('`src/adapters/core/`');
  });
});
