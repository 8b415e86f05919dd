/**
 * Random identifiers and secrets, and the SHA-256 hash under which a store keeps a refresh
 * token's secret (the format itself: refresh-token-format.ts). The token itself is never stored.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { encodeBase64url } from '../encoding/base64url.js';

/**
 * Makes 32 random bytes as Base64Url (43 characters): the shape of a token secret (and of a
 * refresh token of contract v1), used by the conformance kit for random hashes.
 * @internal
 */
export function generateRefreshToken(): string {
  return encodeBase64url(randomBytes(32));
}

/**
 * Makes a random identifier (a family id or a `jti`): 16 bytes from `crypto.randomBytes`,
 * Base64Url (22 characters).
 * @internal
 */
export function generateId(): string {
  return encodeBase64url(randomBytes(16));
}

/**
 * The Base64Url SHA-256 of a text (43 characters): what a store keeps of a refresh token's secret
 * part (the part after the last `.`), and the key of a refresh token of the first format
 * (43 characters, no `.`).
 *
 * @param refreshToken - a refresh token's secret part, or a whole token of the first format.
 * @returns its hash.
 * @example
 * ```ts
 * import { hashRefreshToken } from 'jwtkit';
 * // In a test of a custom store: the hash a store receives for a token's secret part.
 * const hash = hashRefreshToken(refreshToken.slice(refreshToken.lastIndexOf('.') + 1));
 * ```
 * @throws never.
 */
export function hashRefreshToken(refreshToken: string): string {
  return encodeBase64url(createHash('sha256').update(refreshToken, 'utf8').digest());
}
