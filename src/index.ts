/**
 * jwtkit: strict, fast JSON Web Tokens for Node.js backends.
 *
 * The root entry holds everything that does not depend on a web framework or a database driver:
 * Base64Url, compact JWS and JWT sign/verify, claims, keys and JWKS, and the token service.
 * Adapters and stores live at `jwtkit/express`, `jwtkit/fetch`, `jwtkit/redis`, `jwtkit/postgres`,
 * and test helpers at `jwtkit/testing`.
 *
 * @module jwtkit
 */

// Layer 0: errors, durations, encoding
export { JwtError, isJwtError, JWT_ERROR_CODES } from './errors.js';
export type { JwtErrorCode, JwtErrorDetails, JwtClaimFailureReason } from './errors.js';
export type { Duration, DurationUnit } from './internal/duration.js';
export { base64url } from './encoding/base64url.js';

// Layer 1: JWS
export { JWS_ALGORITHMS } from './jws/algorithms.js';
export { bindKey, isBoundKey, toVerificationKey } from './jws/key.js';
export type { BindKeyOptions } from './jws/key.js';
export { signJws, signJwsSync } from './jws/sign.js';
export type { SignJwsOptions } from './jws/sign.js';
export { verifyJws, verifyJwsSync } from './jws/verify.js';
export type { VerifyJwsOptions, VerifyJwsResult } from './jws/verify.js';
export type { BoundKey, JwsAlgorithm, JwsHeader, Jwk, KeyInput, KeyResolver } from './jws/types.js';

// Layer 2: JWT
export { sign, signSync } from './jwt/sign.js';
export { verify, verifySync } from './jwt/verify.js';
export { decode } from './jwt/decode.js';
export type { DecodeOptions } from './jwt/decode.js';
export type { DecodedJwt, JwtClaims, SignOptions, VerifyOptions, VerifyResult } from './jwt/types.js';

// Layer 3: keys and JWKS

// Layer 4: token service and stores
