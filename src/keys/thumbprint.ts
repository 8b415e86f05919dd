import { createHash } from 'node:crypto';
import { encodeBase64url } from '../encoding/base64url.js';
import { snapshotJwk } from '../jws/jwk.js';
import type { JWK } from '../jws/types.js';

/** The members RFC 7638 §3.2 hashes for each key type, in lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

/**
 * The JWK Thumbprint of a key (RFC 7638): the Base64Url SHA-256 of its required public members
 * (`RSA`: `e`, `kty`, `n`; `EC`: `crv`, `kty`, `x`, `y`; `OKP`: `crv`, `kty`, `x`; `oct`: `k`,
 * `kty`) serialised in lexicographic order without whitespace. A private JWK has the same
 * thumbprint as its public half, and `alg`, `kid` and `use` do not take part. jwtkit uses it as
 * the default `kid` of generated key pairs and of key-ring keys without one.
 *
 * @param jwk - a public or private JWK object.
 * @returns the 43-character Base64Url thumbprint.
 * @example
 * ```ts
 * import { thumbprint, exportJWK } from 'jwtkit';
 * const kid = thumbprint(exportJWK(publicKey)); // e.g. 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 * ```
 * @throws `JwtError` `ERR_KEY_INVALID` when `jwk` is not a well-formed RSA, EC, OKP or oct JWK.
 */
export function thumbprint(jwk: JWK): string {
  const snapshot = snapshotJwk(jwk);
  const members: Record<string, string> = {};
  for (const name of REQUIRED_MEMBERS[snapshot.kty] as readonly string[]) {
    members[name] = name === 'kty' ? snapshot.kty : (snapshot.material[name] as string);
  }
  return encodeBase64url(createHash('sha256').update(JSON.stringify(members)).digest());
}
