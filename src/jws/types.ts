import type { KeyObject } from 'node:crypto';

/** The JWS signature algorithms jwtkit signs and verifies (RFC 7518 §3, RFC 8037). `none` is not one of them. */
export type JwsAlgorithm =
  'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/**
 * A JOSE protected header as read from a verified (or, in `decode`, unverified) token.
 * `alg` is always a string; every other member is as the token carries it.
 */
export interface JwsHeader {
  /** The algorithm the token claims. After verification it is one of the allowed algorithms. */
  alg: string;
  /** The media type of the whole token (`JWT`, `at+jwt`, ...). */
  typ?: string;
  /** The key id. */
  kid?: string;
  /** The content type of the payload. */
  cty?: string;
  /** Any other header parameter. */
  [parameter: string]: unknown;
}

/**
 * A JSON Web Key (RFC 7517) as a plain object. Only the members jwtkit reads are typed; any other
 * member is carried along untouched.
 */
export interface JWK {
  /** Key type: `RSA`, `EC`, `OKP` or `oct`. */
  kty: string;
  /** The one algorithm this key may be used with. When present, jwtkit enforces it. */
  alg?: string;
  /** Key id. */
  kid?: string;
  /** Public key use: jwtkit accepts only `sig` when present. */
  use?: string;
  /** Permitted operations: must include `sign` or `verify` for that operation when present. */
  key_ops?: string[];
  /** Curve (`P-256`, `P-384`, `P-521`, `Ed25519`). */
  crv?: string;
  /** EC/OKP public coordinate. */
  x?: string;
  /** EC public coordinate. */
  y?: string;
  /** Private exponent (RSA) or private key (EC, OKP). */
  d?: string;
  /** RSA modulus. */
  n?: string;
  /** RSA public exponent. */
  e?: string;
  /** RSA first prime factor. */
  p?: string;
  /** RSA second prime factor. */
  q?: string;
  /** RSA first factor CRT exponent. */
  dp?: string;
  /** RSA second factor CRT exponent. */
  dq?: string;
  /** RSA first CRT coefficient. */
  qi?: string;
  /** Symmetric key value (`oct`). */
  k?: string;
  /** X.509 certificate chain. */
  x5c?: string[];
  /** Any other member. */
  [member: string]: unknown;
}

/** @deprecated Use {@link JWK}. Removed in 0.3. */
export type Jwk = JWK;

/**
 * A key bound to exactly one algorithm (RFC 8725 §3.1), made by `importKey`, `generateKeyPair`,
 * `generateSecret` or `createRemoteSigner`. jwtkit
 * checked its type, size and curve for `alg` when it was made, so using it costs no parsing.
 * Only keys made by jwtkit are accepted as `BoundKey`s; a look-alike object is refused.
 */
export interface BoundKey {
  /** The only algorithm this key signs or verifies with. */
  readonly alg: JwsAlgorithm;
  /** The key id written into (or expected in) the `kid` header, when known. */
  readonly kid: string | undefined;
  /** `secret` for HMAC, `private` for signing with an asymmetric key, `public` for verifying. */
  readonly type: 'secret' | 'private' | 'public';
  /** The underlying `node:crypto` key (for a remote signer, its public key: the private key stays remote). */
  readonly keyObject: KeyObject;
}

/**
 * Everything jwtkit accepts as a key:
 * - a {@link BoundKey} (the fastest and most explicit form);
 * - a `KeyObject` (`secret`, `public` or `private`);
 * - secret bytes as a `Uint8Array` (HS* only);
 * - a string secret (HS* only; UTF-8 encoded; a string that looks like PEM or JSON is refused);
 * - a {@link JWK} object (its `alg`, `use` and `key_ops` are enforced when present).
 *
 * Secret bytes and JWK objects are read once, the first time they are used, and remembered by
 * identity: changing a `Uint8Array` or JWK object after it was used has no effect.
 */
export type KeyInput = BoundKey | KeyObject | Uint8Array | string | JWK;

/**
 * Picks the key for a token from its protected header, e.g. a JWKS (RFC 8725 §3.10: never from
 * key material inside the token). It receives a frozen copy of the header and the token itself
 * (for logging or routing; its payload is not verified yet).
 */
export type KeyResolver = (header: Readonly<JwsHeader>, token: string) => KeyInput | Promise<KeyInput>;
