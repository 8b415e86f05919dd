import { bytesToText } from '../encoding/json.js';
import { JwtError } from '../errors.js';
import { readCallTime } from '../internal/clock.js';
import { checkOptionNamesMemoised, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import type { JwsHeader } from '../jws/types.js';
import { readClaimRules, validateClaims } from '../jwt/claims.js';
import { parseClaimsSet } from '../jwt/parse-claims.js';
import { encodeClaims } from '../jwt/sign.js';
import type { JwtClaims, SignOptions, VerifyOptions } from '../jwt/types.js';
import { KEY_MANAGEMENT } from './algorithms.js';
import { DECRYPT_OPTION_NAMES, decryptWith, readDecryptOptions, type DecryptOptions } from './decrypt.js';
import { encryptBytes, type EncryptOptions } from './encrypt.js';
import type { JweHeader, JweKey, JweKeyResolver } from './types.js';

/** Options of {@link encryptJwt}: the claim options of `sign` and the options of `encrypt` (but `cty`). */
export interface EncryptJwtOptions
  extends
    Omit<EncryptOptions, 'cty'>,
    Pick<SignOptions, 'expiresIn' | 'notBefore' | 'issuer' | 'subject' | 'audience' | 'jwtId' | 'iat' | 'clock'> {}

const ENCRYPT_JWT_OPTION_NAMES = optionNames<EncryptJwtOptions>({
  enc: true,
  kid: true,
  typ: true,
  header: true,
  apu: true,
  apv: true,
  allowRsaOaepSha1: true,
  expiresIn: true,
  notBefore: true,
  issuer: true,
  subject: true,
  audience: true,
  jwtId: true,
  iat: true,
  clock: true,
});

/**
 * Options of {@link decryptJwt}: those of `decrypt`, the claim checks of `verify`, and the opt-in
 * for claims whose sender is not authenticated.
 */
export interface DecryptJwtOptions
  extends
    DecryptOptions,
    Pick<
      VerifyOptions,
      'issuer' | 'subject' | 'audience' | 'typ' | 'maxAge' | 'requiredClaims' | 'clockTolerance' | 'clock' | 'requireExp'
    > {
  /**
   * Accepts claims from `RSA-OAEP*` and `ECDH-ES*` tokens. Anyone holding the public key can make
   * such a token, so its claims say nothing about who sent them: prefer a nested JWT
   * (`decryptThenVerify`). Claims of `dir` and `A*KW` tokens come from a holder of the secret.
   * Default: `false` (`ERR_INVALID_OPTION` when `keyManagementAlgorithms` lists a public-key algorithm).
   */
  allowUnauthenticatedClaims?: boolean;
}

const DECRYPT_JWT_OPTION_NAMES = optionNames<DecryptJwtOptions>({
  ...DECRYPT_OPTION_NAMES.list,
  issuer: true,
  subject: true,
  audience: true,
  typ: true,
  maxAge: true,
  requiredClaims: true,
  clockTolerance: true,
  clock: true,
  requireExp: true,
  allowUnauthenticatedClaims: true,
});

/** What {@link decryptJwt} returns. */
export interface DecryptJwtResult<Claims extends object = Record<string, unknown>> {
  /** The decrypted and checked claims. */
  payload: Claims & JwtClaims;
  /** The protected header (frozen). */
  header: JweHeader;
}

/** Whether a `cty` names a nested JWT (RFC 7519 §5.2: compared case-insensitively). @internal */
export function isNestedJwt(header: Readonly<JweHeader>): boolean {
  const cty = Object.hasOwn(header, 'cty') ? header.cty : undefined;
  return typeof cty === 'string' && /^(application\/)?jwt$/i.test(cty);
}

/**
 * Encrypts a JWT Claims Set as a compact JWE (RFC 7519 §3, encrypted), with the claim options of
 * `sign` (`iat` by default, `expiresIn`, `issuer`, ...) and `typ` `JWT` by default. The claims
 * are not signed: only the holder of a `dir` or `A*KW` secret can make such a token. To a public
 * key, sign first (`signThenEncrypt`).
 *
 * @param payload - the claims.
 * @param key - the encryption key (see `encrypt`).
 * @param options - see {@link EncryptJwtOptions}.
 * @returns the compact JWE.
 * @example
 * ```ts
 * import { encryptJwt, generateSecret } from 'jwtkit';
 * const key = generateSecret('dir', { enc: 'A256GCM' });
 * const sealed = await encryptJwt({ sub: 'u1', cart: [1, 2] }, key, { expiresIn: '1h' });
 * ```
 * @throws `JwtError`: the codes of `encrypt`; `ERR_INVALID_OPTION` for claims `sign` refuses.
 */
export async function encryptJwt(payload: JwtClaims, key: JweKey, options: EncryptJwtOptions = {}): Promise<string> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNamesMemoised(options, ENCRYPT_JWT_OPTION_NAMES, 'encryptJwt');
  const claims = encodeClaims(payload, options as SignOptions);
  const encryptOptions: EncryptOptions = { typ: ownValue(options, 'typ', options.typ) ?? 'JWT' };
  for (const name of ['enc', 'kid', 'header', 'apu', 'apv', 'allowRsaOaepSha1'] as const) {
    const value = Object.hasOwn(options, name) ? options[name] : undefined;
    if (value !== undefined) (encryptOptions as Record<string, unknown>)[name] = value;
  }
  return encryptBytes(claims, key, encryptOptions);
}

/**
 * Decrypts a JWE whose plaintext is a JWT Claims Set and checks the claims as `verify` does
 * (`exp` required by default, `nbf`, `iat`, and the expected `iss`, `sub`, `aud`, `typ`,
 * `maxAge`, required claims). Claims of `RSA-OAEP*` / `ECDH-ES*` tokens need
 * `allowUnauthenticatedClaims`; a nested JWT (`cty` `JWT`) needs `decryptThenVerify`.
 *
 * @param token - the compact JWE.
 * @param key - the decryption key, or a resolver.
 * @param options - see {@link DecryptJwtOptions}.
 * @returns the claims and the protected header.
 * @example
 * ```ts
 * import { decryptJwt } from 'jwtkit';
 * const { payload } = await decryptJwt(sealed, key, {
 *   keyManagementAlgorithms: ['dir'],
 *   contentEncryptionAlgorithms: ['A256GCM'],
 * });
 * ```
 * @throws `JwtError`: the codes of `decrypt`; `ERR_INVALID_OPTION` (a public-key algorithm without
 * `allowUnauthenticatedClaims`, bad claim options); `ERR_JWT_TYPE_MISMATCH` (a nested JWT, or not the
 * expected `typ`); `ERR_JWT_MALFORMED` (not a claims set); `ERR_JWT_EXPIRED`, `ERR_JWT_NOT_YET_VALID`,
 * `ERR_JWT_CLAIM_INVALID`.
 */
export async function decryptJwt<Claims extends object = Record<string, unknown>>(
  token: string,
  key: JweKey | JweKeyResolver,
  options: DecryptJwtOptions,
): Promise<DecryptJwtResult<Claims>> {
  checkOptionNamesMemoised(options, DECRYPT_JWT_OPTION_NAMES, 'decryptJwt');
  const context = readDecryptOptions(options);
  const allowUnauthenticated = ownValue(options, 'allowUnauthenticatedClaims', options.allowUnauthenticatedClaims);
  if (allowUnauthenticated !== undefined && typeof allowUnauthenticated !== 'boolean') {
    throw new JwtError('ERR_INVALID_OPTION', '"allowUnauthenticatedClaims" must be a boolean');
  }
  const publicKeyAlgorithm = context.keyManagement.some((alg) => {
    const kind = KEY_MANAGEMENT[alg].kind;
    return kind === 'rsa-oaep' || kind === 'ecdh-es';
  });
  if (publicKeyAlgorithm && allowUnauthenticated !== true) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'anyone with the public key can make an RSA-OAEP or ECDH-ES token: sign the claims and use decryptThenVerify, or set "allowUnauthenticatedClaims: true"',
    );
  }
  const rules = readClaimRules(options as unknown as VerifyOptions);
  const now = readCallTime(ownValue(options, 'clock', options.clock), undefined) / 1000;
  const { plaintext, header } = await decryptWith(token, key, context);
  if (isNestedJwt(header)) {
    throw new JwtError('ERR_JWT_TYPE_MISMATCH', 'the token is a nested JWT: use decryptThenVerify', { claim: 'cty' });
  }
  const payload = parseClaimsSet(bytesToText(Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.length)));
  validateClaims(payload, header as Readonly<JwsHeader>, rules, now);
  return { payload: payload as Claims & JwtClaims, header };
}
