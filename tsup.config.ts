import { defineConfig } from 'tsup';

export default defineConfig([
  // One entry per public subpath. `splitting` puts shared code (the JwtError class among it) into
  // shared chunks, so every entry point of one format uses the same class.
  {
    entry: {
      index: 'src/index.ts',
      express: 'src/adapters/express/index.ts',
      fetch: 'src/adapters/fetch/index.ts',
      testing: 'src/testing/index.ts',
      redis: 'src/stores/redis/index.ts',
      postgres: 'src/stores/postgres/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    // Keep the CLI (built by the second config, at the same time) when cleaning.
    clean: ['!cli.js'],
    target: 'node20',
    platform: 'node',
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
