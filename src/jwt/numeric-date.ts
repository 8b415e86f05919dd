/**
 * The bounds that catch a time written in milliseconds where JWT counts seconds (RFC 7519 §2,
 * NumericDate): `exp: Date.now() + 3600000` or `expiresIn: Date.now()` would otherwise sign a token
 * that lives for millennia.
 *
 * @module
 * @internal
 */

/**
 * The smallest NumericDate refused (`exp`, `nbf`, `iat`): 10^11 seconds is in the year 5138, while
 * any time since March 1973 written in milliseconds is above it. `sign` refuses it with
 * `ERR_INVALID_OPTION`, `verify` with `ERR_JWT_CLAIM_INVALID` and reason `milliseconds`.
 * @internal
 */
export const MIN_MILLISECONDS_DATE = 1e11;

/**
 * The smallest number of seconds `sign` refuses as `expiresIn` or `notBefore`: 10^9 seconds is 31
 * years, and a timestamp (in seconds since September 2001, or in milliseconds) is above it.
 * @internal
 */
export const MIN_TIMESTAMP_DURATION = 1e9;
