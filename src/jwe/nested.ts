import { bytesToText } from '../encoding/json.js';
import { JwtError } from '../errors.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import type { KeyInput, KeyResolver } from '../jws/types.js';
import { sign } from '../jwt/sign.js';
import type { JwtClaims, SignOptions, VerifyOptions, VerifyResult } from '../jwt/types.js';
import { readVerifyOptions, verify } from '../jwt/verify.js';
import { readDecryptOptions, decryptWith, type DecryptOptions } from './decrypt.js';
import { encryptBytes, type EncryptOptions } from './encrypt.js';
import { isNestedJwt } from './jwt.js';
import type { JweHeader, JweKey, JweKeyResolver } from './types.js';

/** The keys of {@link signThenEncrypt}. */
export interface SignThenEncryptKeys {
  /** The key that signs the inner JWT (as for `sign`). */
  signingKey: KeyInput;
  /** The key the signed JWT is encrypted to (as for `encrypt`). */
  encryptionKey: JweKey;
}

/** Options of {@link signThenEncrypt}: one set for each step. */
export interface SignThenEncryptOptions {
  /** The options of the inner `sign` (`alg` is required). */
  sign: SignOptions;
  /** The options of the outer `encrypt` (`cty` is always `JWT`). Default: `{}` (then `enc` is required unless the key is `dir`). */
  encrypt: Omit<EncryptOptions, 'cty'>;
}

const SIGN_THEN_ENCRYPT_OPTION_NAMES = optionNames<SignThenEncryptOptions>({ sign: true, encrypt: true });

/** The keys of {@link decryptThenVerify}. */
export interface DecryptThenVerifyKeys {
  /** The key (or resolver) that decrypts the outer JWE. */
  decryptionKey: JweKey | JweKeyResolver;
  /** The key (or resolver) that verifies the inner JWT. */
  verificationKey: KeyInput | KeyResolver;
}

/** Options of {@link decryptThenVerify}: one set for each step, each with its own allow-lists. */
export interface DecryptThenVerifyOptions {
  /** The options of the outer `decrypt`. */
  decrypt: DecryptOptions;
  /** The options of the inner `verify` (`algorithms` is required). */
  verify: VerifyOptions;
}

const DECRYPT_THEN_VERIFY_OPTION_NAMES = optionNames<DecryptThenVerifyOptions>({ decrypt: true, verify: true });

/** What {@link decryptThenVerify} returns: the verified inner JWT and the outer JWE header. */
export interface DecryptThenVerifyResult<Claims extends object = Record<string, unknown>> extends VerifyResult<Claims> {
  /** The protected header of the outer JWE (frozen). */
  encryptionHeader: JweHeader;
}

function twoStepOptions(options: unknown, subject: string): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', `${subject} needs options for both steps`);
  return options as Record<string, unknown>;
}

/**
 * Makes a nested JWT (RFC 7519 §5.2): signs the claims as `sign` does, then encrypts the JWS to
 * the recipient with `cty: "JWT"`. The signature says who sent the claims; the encryption keeps
 * them secret.
 *
 * @param payload - the claims.
 * @param keys - see {@link SignThenEncryptKeys}.
 * @param options - see {@link SignThenEncryptOptions}.
 * @returns the compact JWE.
 * @example
 * ```ts
 * import { signThenEncrypt } from 'jwtkit';
 * const token = await signThenEncrypt({ sub: 'u1' }, { signingKey, encryptionKey }, {
 *   sign: { alg: 'ES256', expiresIn: '5m' },
 *   encrypt: { enc: 'A256GCM' },
 * });
 * ```
 * @throws `JwtError`: the codes of `sign` and of `encrypt`.
 */
export async function signThenEncrypt(payload: JwtClaims, keys: SignThenEncryptKeys, options: SignThenEncryptOptions): Promise<string> {
  const both = twoStepOptions(options, 'signThenEncrypt');
  checkOptionNames(both, SIGN_THEN_ENCRYPT_OPTION_NAMES, 'signThenEncrypt');
  if (typeof keys !== 'object' || keys === null) throw new JwtError('ERR_INVALID_OPTION', 'keys must be { signingKey, encryptionKey }');
  const encryptOptions = (both['encrypt'] ?? {}) as EncryptOptions;
  if (typeof encryptOptions !== 'object' || encryptOptions === null || Object.hasOwn(encryptOptions, 'cty')) {
    throw new JwtError('ERR_INVALID_OPTION', '"encrypt" must be an object without "cty" (a nested JWT always has cty "JWT")');
  }
  const inner = await sign(payload, keys.signingKey, both['sign'] as SignOptions);
  return encryptBytes(inner, keys.encryptionKey, { ...encryptOptions, cty: 'JWT' });
}

/**
 * Opens a nested JWT (RFC 7519 §5.2): decrypts the outer JWE with its allow-lists, requires
 * `cty: "JWT"`, then verifies the inner JWT with `verify` and its own `algorithms` and claim
 * checks. Both option sets are checked before the token is read.
 *
 * @param token - the compact JWE.
 * @param keys - see {@link DecryptThenVerifyKeys}.
 * @param options - see {@link DecryptThenVerifyOptions}.
 * @returns the verified claims, the inner JWS header, and the outer JWE header.
 * @example
 * ```ts
 * import { decryptThenVerify } from 'jwtkit';
 * const { payload } = await decryptThenVerify(token, { decryptionKey, verificationKey }, {
 *   decrypt: { keyManagementAlgorithms: ['ECDH-ES+A256KW'], contentEncryptionAlgorithms: ['A256GCM'] },
 *   verify: { algorithms: ['ES256'], audience: 'api' },
 * });
 * ```
 * @throws `JwtError`: the codes of `decrypt`, then `ERR_JWT_TYPE_MISMATCH` (claim `cty`) when the
 * JWE is not a nested JWT, then the codes of `verify`.
 */
export async function decryptThenVerify<Claims extends object = Record<string, unknown>>(
  token: string,
  keys: DecryptThenVerifyKeys,
  options: DecryptThenVerifyOptions,
): Promise<DecryptThenVerifyResult<Claims>> {
  const both = twoStepOptions(options, 'decryptThenVerify');
  checkOptionNames(both, DECRYPT_THEN_VERIFY_OPTION_NAMES, 'decryptThenVerify');
  if (typeof keys !== 'object' || keys === null)
    throw new JwtError('ERR_INVALID_OPTION', 'keys must be { decryptionKey, verificationKey }');
  const decryptOptions = both['decrypt'] as DecryptOptions;
  const verifyOptions = both['verify'] as VerifyOptions;
  const context = readDecryptOptions(decryptOptions);
  readVerifyOptions(verifyOptions);
  const { plaintext, header } = await decryptWith(token, keys.decryptionKey, context);
  if (!isNestedJwt(header)) throw new JwtError('ERR_JWT_TYPE_MISMATCH', 'the JWE is not a nested JWT (cty "JWT")', { claim: 'cty' });
  const inner = bytesToText(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.length));
  if (inner === undefined) throw new JwtError('ERR_JWT_MALFORMED', 'the nested JWT is not text');
  const result = await verify<Claims>(inner, keys.verificationKey, verifyOptions);
  return { ...result, encryptionHeader: header };
}
