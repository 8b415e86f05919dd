// Loads the built jwtkit: the package itself by self-reference (`jwtkit` → dist/), or another
// build given with `--module <file>`; `--baseline <file>` loads a second build to measure
// before/after in the same process (it appears as the contestant `jwtkit@baseline`).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export async function loadBuild(file) {
  return file === undefined ? import('jwtkit') : import(pathToFileURL(resolve(file)).href);
}

/** Whether a build exports every one of `names` (features other engineers are still adding). */
export function hasExports(build, ...names) {
  return names.every((name) => typeof build[name] === 'function');
}

/** A key bound to `alg` in `build`: `importKey` (the public way), or `bindKey` in older builds. */
export function boundKey(build, keyObject, alg) {
  return typeof build.importKey === 'function' ? build.importKey(keyObject, { alg }) : build.bindKey(keyObject, alg);
}

/**
 * A subpath of the build (`express`, `redis`, `postgres`, ...): `jwtkit/<name>`, or the file
 * `<name>.js` next to `--module`. `undefined` when that build has no such entry (yet).
 */
export async function loadSubpath(moduleFile, name) {
  if (moduleFile !== undefined) {
    const file = join(dirname(resolve(moduleFile)), `${name}.js`);
    return existsSync(file) ? import(pathToFileURL(file).href) : undefined;
  }
  try {
    return await import(`jwtkit/${name}`);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    throw error;
  }
}
