import { JwtError } from '../errors.js';

/**
 * An option that must be a positive safe integer (a count or a size), returned as it is; anything
 * else throws `ERR_INVALID_OPTION` naming the option.
 * @internal
 */
export function positiveInteger(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a positive integer`);
  }
  return value;
}
