import { defineConfig } from 'tsup';

// One entry per public subpath. `splitting` puts shared code (the JwtError class among it) into
// shared chunks, so every entry point of one format uses the same class.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  sourcemap: false,
  treeshake: true,
});
