// Measures what an application pays for an import from the built package: esbuild bundles a
// one-line entry (resolving 'jwtkit' to dist/ through package.json "exports"), minified, then gzip -9.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { root } from './built-package.js';

/**
 * Minified and gzipped size in bytes of the bundle of `source`, an ES module importing 'jwtkit'.
 * `platform: 'browser'` bundles for browsers, where an import of a Node built-in fails the build.
 */
export async function gzippedSize(source: string, platform: 'node' | 'browser' = 'node'): Promise<number> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform,
    target: platform === 'node' ? 'node20' : 'es2022',
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild wrote nothing');
  return gzipSync(output.contents, { level: 9 }).byteLength;
}
