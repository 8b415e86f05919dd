import type { KeyObject } from 'node:crypto';

/**
 * The JWE key management algorithms jwtkit encrypts and decrypts with (RFC 7518 §4). `RSA1_5`,
 * `PBES2-*` and `A*GCMKW` are not among them: `RSA1_5` never (RFC 8725 §3.2), the others are not
 * implemented. `RSA-OAEP` (SHA-1) works only with the `allowRsaOaepSha1` opt-in.
 */
export type JweKeyManagementAlgorithm =
  'dir' | 'A128KW' | 'A192KW' | 'A256KW' | 'RSA-OAEP' | 'RSA-OAEP-256' | 'ECDH-ES' | 'ECDH-ES+A128KW' | 'ECDH-ES+A192KW' | 'ECDH-ES+A256KW';

/** The JWE content encryption algorithms (RFC 7518 §5). */
export type JweContentEncryptionAlgorithm = 'A128GCM' | 'A192GCM' | 'A256GCM' | 'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512';

/** The curves of the `ECDH-ES*` algorithms (RFC 7518 §6.2.1.1, RFC 8037 §3.2). */
export type JweCurve = 'P-256' | 'P-384' | 'P-521' | 'X25519';

/**
 * A JWE protected header as read from a decrypted token (after decryption, its `alg` and `enc`
 * are allowed ones). Every other member is as the token carries it.
 */
export interface JweHeader {
  /** The key management algorithm. */
  alg: string;
  /** The content encryption algorithm. */
  enc: string;
  /** The key id. */
  kid?: string;
  /** The media type of the whole token. */
  typ?: string;
  /** The content type of the plaintext (`JWT` for a nested JWT, RFC 7519 §5.2). */
  cty?: string;
  /** Any other header parameter. */
  [parameter: string]: unknown;
}

/**
 * A key bound to exactly one JWE key management algorithm (RFC 8725 §3.1), made by `importKey`,
 * `generateKeyPair` or `generateSecret` with a JWE `alg`. A `dir` key is also bound to one `enc`.
 * Only keys made by jwtkit are accepted; a look-alike object is refused.
 */
export interface JweKey {
  /** The only key management algorithm this key is used with. */
  readonly alg: JweKeyManagementAlgorithm;
  /** For a `dir` key, the only content encryption algorithm; `undefined` for every other key. */
  readonly enc: JweContentEncryptionAlgorithm | undefined;
  /** The key id written into (or expected in) the `kid` header, when known. */
  readonly kid: string | undefined;
  /** `secret` for `dir` and `A*KW`, `public` to encrypt and `private` to decrypt with RSA or ECDH. */
  readonly type: 'secret' | 'private' | 'public';
  /** The underlying `node:crypto` key. */
  readonly keyObject: KeyObject;
}

/**
 * Picks the decryption key for a token from its protected header (e.g. by `kid`). It receives a
 * frozen copy of the header; key material inside the token is never used.
 */
export type JweKeyResolver = (header: Readonly<JweHeader>) => JweKey | Promise<JweKey>;
