/**
 * Options kept under a deprecated name for one minor version after a rename.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';

/**
 * Refuses an option given both under its name and under its deprecated name: the two could
 * disagree, and neither silently wins.
 *
 * @throws `ERR_INVALID_OPTION` naming both when both are given (not `undefined`).
 * @internal
 */
export function refuseBothNames(value: unknown, deprecatedValue: unknown, option: string, deprecated: string): void {
  if (value !== undefined && deprecatedValue !== undefined) {
    throw new JwtError('ERR_INVALID_OPTION', `"${deprecated}" is the deprecated name of "${option}": give only "${option}"`);
  }
}
