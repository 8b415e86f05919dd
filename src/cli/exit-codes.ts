/**
 * The exit codes of the `jwtkit` command:
 * - `0`: done (for `verify`: the token is valid);
 * - `1`: the token was rejected (`verify`: signature or claims; `decode`: malformed);
 * - `2`: the command could not run: bad arguments, an unreadable file or an unusable key.
 */
export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_USAGE = 2;
