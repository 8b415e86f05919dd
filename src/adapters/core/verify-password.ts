/**
 * `verifyPassword`: a password check for `verifyCredentials` that costs the same whether the
 * account exists or not, so the time of a failed login does not tell which usernames exist.
 *
 * @module
 */
import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';

/** Options of {@link verifyPassword}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface VerifyPasswordOptions {
  /**
   * The application's password-hash check (argon2, scrypt, bcrypt, ...): whether `password`
   * matches `hash`. Required.
   */
  verify: (password: string, hash: string) => boolean | Promise<boolean>;
  /**
   * A hash made once at startup with the same function and cost as the stored ones (e.g. of a
   * random password), checked when the account is unknown so that the same work is done. Required.
   */
  dummyHash: string;
}

const VERIFY_PASSWORD_OPTION_NAMES = optionNames<VerifyPasswordOptions>({ verify: true, dummyHash: true });

/**
 * Checks a password against the stored hash of an account, or, when there is no account
 * (`storedHash` is `undefined` or `null`), against `dummyHash` and returns `false`: either way
 * `verify` runs exactly once, so a wrong username costs what a wrong password costs. A `password`
 * that is not a string is checked as `''` (and the result is `false`).
 *
 * @example
 * ```ts
 * import { verifyPassword, createAuthEndpoints } from 'jwtkit/express';
 * import argon2 from 'argon2';
 * const dummyHash = await argon2.hash(crypto.randomUUID());
 * const auth = createAuthEndpoints({
 *   tokens,
 *   async verifyCredentials({ username, password }) {
 *     const user = typeof username === 'string' ? await users.find(username) : undefined;
 *     const ok = await verifyPassword(password, user?.passwordHash, { verify: (p, h) => argon2.verify(h, p), dummyHash });
 *     return ok && user ? { subject: user.id } : null;
 *   },
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` when `verify` is not a function or `dummyHash` is not a non-empty
 *   string; what `verify` throws is passed on.
 */
export async function verifyPassword(
  password: unknown,
  storedHash: string | null | undefined,
  options: VerifyPasswordOptions,
): Promise<boolean> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'the options must be an object');
  checkOptionNames(options, VERIFY_PASSWORD_OPTION_NAMES, 'verifyPassword');
  const { verify, dummyHash } = options;
  if (typeof verify !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"verify" must be a function (password, hash) => boolean');
  if (typeof dummyHash !== 'string' || dummyHash === '') throw new JwtError('ERR_INVALID_OPTION', '"dummyHash" must be a non-empty string');
  const known = typeof storedHash === 'string' && storedHash !== '';
  const checked = typeof password === 'string';
  const matches = (await verify(checked ? password : '', known ? storedHash : dummyHash)) === true;
  return known && checked && matches;
}
