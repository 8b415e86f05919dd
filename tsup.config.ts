import { defineConfig } from 'tsup';

/** The Node entry points, one per public subpath (`jwtkit/client` is built apart, below). */
const entry = {
  index: 'src/index.ts',
  express: 'src/adapters/express/index.ts',
  fetch: 'src/adapters/fetch/index.ts',
  fastify: 'src/adapters/fastify/index.ts',
  hono: 'src/adapters/hono/index.ts',
  koa: 'src/adapters/koa/index.ts',
  testing: 'src/testing/index.ts',
  redis: 'src/stores/redis/index.ts',
  postgres: 'src/stores/postgres/index.ts',
};

export default defineConfig([
  // One entry per public subpath. `splitting` puts shared code (the JwtError class among it) into
  // shared chunks, so every entry point of one format uses the same class.
  {
    entry,
    format: ['esm', 'cjs'],
    // With the client's declarations: this build deletes every .d.ts of dist/ before it writes.
    dts: { entry: { ...entry, client: 'src/client/index.ts' } },
    splitting: true,
    // Keep the CLI and the client (built by the other configs, at the same time) when cleaning.
    clean: ['!cli.js', '!client.*'],
    target: 'node20',
    platform: 'node',
    sourcemap: false,
    treeshake: true,
  },
  // `jwtkit/client` for browsers and Node: platform-neutral, one self-contained file per format (no
  // shared chunk that could bring Node code along); test/package-quality checks it imports no `node:`.
  {
    entry: { client: 'src/client/index.ts' },
    format: ['esm', 'cjs'],
    // Its declarations come from the first build (which deletes every .d.ts of dist/ first).
    dts: false,
    splitting: false,
    clean: false,
    target: 'es2022',
    platform: 'neutral',
    sourcemap: false,
    treeshake: true,
  },
  // The `jwtkit` executable (package.json "bin"): one ESM file, no types.
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    banner: { js: '#!/usr/bin/env node' },
    dts: false,
    splitting: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    sourcemap: false,
    treeshake: true,
  },
]);
