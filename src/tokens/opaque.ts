/**
 * Opaque refresh tokens: 256 random bits as Base64Url, and the SHA-256 hash under which a store
 * keeps them. The token itself is never stored.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeBase64urlOrUndefined, encodeBase64url } from '../encoding/base64url.js';

/** Length of a refresh token: 32 random bytes as unpadded Base64Url. */
const REFRESH_TOKEN_LENGTH = 43;

/**
 * Makes a new refresh token: 32 bytes from `crypto.randomBytes`, Base64Url (43 characters).
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
 * Tells whether a value has the exact shape of a refresh token jwtkit issued (a string of 43
 * Base64Url characters, the canonical encoding of 32 bytes). Anything else is refused before the
 * store is asked.
 * @internal
 */
export function isRefreshTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && value.length === REFRESH_TOKEN_LENGTH && decodeBase64urlOrUndefined(value) !== undefined;
}

/**
 * The key a store keeps a refresh token under: the Base64Url SHA-256 of its text (43 characters).
 *
 * @param refreshToken - a refresh token.
 * @returns its hash.
 * @example
 * ```ts
 * import { hashRefreshToken } from 'jwtkit';
 * const record = await store.find(hashRefreshToken(refreshToken));
 * ```
 * @throws never.
 */
export function hashRefreshToken(refreshToken: string): string {
  return encodeBase64url(createHash('sha256').update(refreshToken, 'utf8').digest());
}
