import { JwtError } from '../errors.js';
import type { JweContentEncryptionAlgorithm, JweCurve, JweKeyManagementAlgorithm } from './types.js';

/** How one content encryption algorithm is computed (RFC 7518 §5). @internal */
export interface ContentEncryptionSpec {
  readonly kind: 'gcm' | 'cbc-hmac';
  /** The CEK length in bytes (for CBC-HMAC: MAC key and AES key together). */
  readonly keyLength: number;
  /** The `node:crypto` cipher name. */
  readonly cipher: string;
  /** The exact IV length in bytes. */
  readonly ivLength: number;
  /** The exact authentication tag length in bytes. */
  readonly tagLength: number;
  /** The HMAC hash (CBC-HMAC only). */
  readonly hash?: 'sha256' | 'sha384' | 'sha512';
}

const gcm = (bits: 128 | 192 | 256): ContentEncryptionSpec =>
  Object.freeze({ kind: 'gcm', keyLength: bits / 8, cipher: `aes-${bits}-gcm`, ivLength: 12, tagLength: 16 });
const cbc = (bits: 128 | 192 | 256): ContentEncryptionSpec =>
  Object.freeze({
    kind: 'cbc-hmac',
    keyLength: bits / 4,
    cipher: `aes-${bits}-cbc`,
    ivLength: 16,
    tagLength: bits / 8,
    hash: `sha${bits * 2}` as 'sha256' | 'sha384' | 'sha512',
  });

/** Every content encryption algorithm (RFC 7518 §5.1). @internal */
export const CONTENT_ENCRYPTION: Readonly<Record<JweContentEncryptionAlgorithm, ContentEncryptionSpec>> = Object.freeze({
  A128GCM: gcm(128),
  A192GCM: gcm(192),
  A256GCM: gcm(256),
  'A128CBC-HS256': cbc(128),
  'A192CBC-HS384': cbc(192),
  'A256CBC-HS512': cbc(256),
});

/** How one key management algorithm is computed (RFC 7518 §4). @internal */
export interface KeyManagementSpec {
  readonly kind: 'dir' | 'aes-kw' | 'rsa-oaep' | 'ecdh-es';
  /** The AES key wrap key length in bytes (`A*KW`, `ECDH-ES+A*KW`). */
  readonly wrapKeyLength?: number;
  /** The OAEP hash (`RSA-OAEP*`). */
  readonly oaepHash?: 'sha1' | 'sha256';
}

/** Every key management algorithm (RFC 7518 §4.1). @internal */
export const KEY_MANAGEMENT: Readonly<Record<JweKeyManagementAlgorithm, KeyManagementSpec>> = Object.freeze({
  dir: Object.freeze({ kind: 'dir' }),
  A128KW: Object.freeze({ kind: 'aes-kw', wrapKeyLength: 16 }),
  A192KW: Object.freeze({ kind: 'aes-kw', wrapKeyLength: 24 }),
  A256KW: Object.freeze({ kind: 'aes-kw', wrapKeyLength: 32 }),
  'RSA-OAEP': Object.freeze({ kind: 'rsa-oaep', oaepHash: 'sha1' }),
  'RSA-OAEP-256': Object.freeze({ kind: 'rsa-oaep', oaepHash: 'sha256' }),
  'ECDH-ES': Object.freeze({ kind: 'ecdh-es' }),
  'ECDH-ES+A128KW': Object.freeze({ kind: 'ecdh-es', wrapKeyLength: 16 }),
  'ECDH-ES+A192KW': Object.freeze({ kind: 'ecdh-es', wrapKeyLength: 24 }),
  'ECDH-ES+A256KW': Object.freeze({ kind: 'ecdh-es', wrapKeyLength: 32 }),
} satisfies Record<JweKeyManagementAlgorithm, KeyManagementSpec>);

/**
 * Every key management algorithm jwtkit supports, in a stable order.
 *
 * @example
 * ```ts
 * import { JWE_KEY_MANAGEMENT_ALGORITHMS } from 'jwtkit';
 * JWE_KEY_MANAGEMENT_ALGORITHMS.includes('RSA1_5' as never); // false: never supported
 * ```
 */
export const JWE_KEY_MANAGEMENT_ALGORITHMS: readonly JweKeyManagementAlgorithm[] = Object.freeze(
  Object.keys(KEY_MANAGEMENT) as JweKeyManagementAlgorithm[],
);

/**
 * Every content encryption algorithm jwtkit supports, in a stable order.
 *
 * @example
 * ```ts
 * import { JWE_CONTENT_ENCRYPTION_ALGORITHMS } from 'jwtkit';
 * JWE_CONTENT_ENCRYPTION_ALGORITHMS.includes('A256GCM'); // true
 * ```
 */
export const JWE_CONTENT_ENCRYPTION_ALGORITHMS: readonly JweContentEncryptionAlgorithm[] = Object.freeze(
  Object.keys(CONTENT_ENCRYPTION) as JweContentEncryptionAlgorithm[],
);

/** The `node:crypto` curve of each JWK `crv` of ECDH-ES, and its coordinate length in bytes. @internal */
export const CURVES: Readonly<Record<JweCurve, { readonly nodeCurve: string; readonly coordinateLength: number }>> = Object.freeze({
  'P-256': { nodeCurve: 'prime256v1', coordinateLength: 32 },
  'P-384': { nodeCurve: 'secp384r1', coordinateLength: 48 },
  'P-521': { nodeCurve: 'secp521r1', coordinateLength: 66 },
  X25519: { nodeCurve: 'x25519', coordinateLength: 32 },
});

/** Whether a string names a supported key management algorithm (exact, case-sensitive). @internal */
export function isJweKeyManagementAlgorithm(value: unknown): value is JweKeyManagementAlgorithm {
  return typeof value === 'string' && Object.hasOwn(KEY_MANAGEMENT, value);
}

/** Whether a string names a supported content encryption algorithm. @internal */
export function isJweContentEncryptionAlgorithm(value: unknown): value is JweContentEncryptionAlgorithm {
  return typeof value === 'string' && Object.hasOwn(CONTENT_ENCRYPTION, value);
}

/**
 * Checks a mandatory allow-list option (`keyManagementAlgorithms`, `contentEncryptionAlgorithms`).
 * Throws `ERR_INVALID_OPTION`.
 * @internal
 */
export function checkAllowList<T extends string>(
  value: unknown,
  option: string,
  isMember: (v: unknown) => v is T,
  example: string,
): readonly T[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" is required: a non-empty list such as ${example}`);
  }
  for (const entry of value) {
    if (entry === 'RSA1_5') {
      throw new JwtError('ERR_INVALID_OPTION', `"${option}" lists RSA1_5, which jwtkit never supports (RFC 8725 §3.2): use RSA-OAEP-256`);
    }
    if (!isMember(entry)) throw new JwtError('ERR_INVALID_OPTION', `"${option}" lists an unsupported algorithm`);
  }
  return value as readonly T[];
}

/**
 * Refuses `RSA-OAEP` (SHA-1) unless `allowRsaOaepSha1` is `true`. Throws `ERR_INVALID_OPTION`.
 * @internal
 */
export function checkRsaOaepSha1(algorithms: readonly JweKeyManagementAlgorithm[], allow: unknown): void {
  if (allow !== undefined && typeof allow !== 'boolean') throw new JwtError('ERR_INVALID_OPTION', '"allowRsaOaepSha1" must be a boolean');
  if (algorithms.includes('RSA-OAEP') && allow !== true) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'RSA-OAEP uses SHA-1: prefer RSA-OAEP-256, or set "allowRsaOaepSha1: true" to interoperate with a peer that only has RSA-OAEP',
    );
  }
}
