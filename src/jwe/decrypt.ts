import { randomBytes } from 'node:crypto';
import { JwtError, isJwtError } from '../errors.js';
import { checkOptionNamesMemoised, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import {
  CONTENT_ENCRYPTION,
  KEY_MANAGEMENT,
  checkAllowList,
  checkRsaOaepSha1,
  isJweContentEncryptionAlgorithm,
  isJweKeyManagementAlgorithm,
} from './algorithms.js';
import { aesUnwrap } from './aes-kw.js';
import { decryptContent } from './content.js';
import { concatKdf, curveOfKey, readEphemeralKey, readPartyInfo, sharedSecret } from './ecdh.js';
import { isJweKey } from './key.js';
import { DEFAULT_MAX_JWE_LENGTH, parseCompactJwe, type JweParts } from './parse.js';
import { rsaOaepDecrypt } from './rsa-oaep.js';
import type { JweContentEncryptionAlgorithm, JweHeader, JweKey, JweKeyManagementAlgorithm, JweKeyResolver } from './types.js';

/**
 * Options of {@link decrypt}. Any other member is refused with `ERR_INVALID_OPTION`. Both
 * allow-lists are required, as `algorithms` is for `verify`.
 */
export interface DecryptOptions {
  /** The key management algorithms accepted, e.g. `['ECDH-ES+A256KW']`. Required and non-empty. */
  keyManagementAlgorithms: readonly JweKeyManagementAlgorithm[];
  /** The content encryption algorithms accepted, e.g. `['A256GCM']`. Required and non-empty. */
  contentEncryptionAlgorithms: readonly JweContentEncryptionAlgorithm[];
  /** Allows `RSA-OAEP` (SHA-1) in `keyManagementAlgorithms`. Default: `false` (use `RSA-OAEP-256`). */
  allowRsaOaepSha1?: boolean;
  /** Longest accepted token, in characters, checked before anything else. Default: `8192`. */
  maxTokenLength?: number;
}

/** The names of {@link DecryptOptions}, for `decrypt` and the options that extend them. @internal */
export const DECRYPT_OPTION_NAMES = optionNames<DecryptOptions>(
  { keyManagementAlgorithms: true, contentEncryptionAlgorithms: true, allowRsaOaepSha1: true, maxTokenLength: true },
  { algorithms: 'use "keyManagementAlgorithms" and "contentEncryptionAlgorithms"' },
);

/** What {@link decrypt} returns. */
export interface DecryptResult {
  /** The decrypted bytes. */
  plaintext: Uint8Array;
  /** The protected header (frozen). */
  header: JweHeader;
}

/** The checked options of one decryption. @internal */
export interface DecryptContext {
  readonly keyManagement: readonly JweKeyManagementAlgorithm[];
  readonly contentEncryption: readonly JweContentEncryptionAlgorithm[];
  readonly maxLength: number;
}

/** Header parameters of key management algorithms other than ECDH-ES (or not implemented). */
const ECDH_PARAMETERS = ['epk', 'apu', 'apv'] as const;
const FOREIGN_PARAMETERS = ['iv', 'tag', 'p2s', 'p2c'] as const;

/** Checks the options of {@link decrypt} (for `decryptJwt` too). Throws `ERR_INVALID_OPTION`. @internal */
export function readDecryptOptions(options: DecryptOptions): DecryptContext {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'decryption needs options with "keyManagementAlgorithms" and "contentEncryptionAlgorithms"');
  }
  const keyManagement = checkAllowList(
    ownValue(options, 'keyManagementAlgorithms', options.keyManagementAlgorithms),
    'keyManagementAlgorithms',
    isJweKeyManagementAlgorithm,
    '["ECDH-ES+A256KW"]',
  );
  const contentEncryption = checkAllowList(
    ownValue(options, 'contentEncryptionAlgorithms', options.contentEncryptionAlgorithms),
    'contentEncryptionAlgorithms',
    isJweContentEncryptionAlgorithm,
    '["A256GCM"]',
  );
  checkRsaOaepSha1(keyManagement, ownValue(options, 'allowRsaOaepSha1', options.allowRsaOaepSha1));
  const maxLength = ownValue(options, 'maxTokenLength', options.maxTokenLength) ?? DEFAULT_MAX_JWE_LENGTH;
  if (typeof maxLength !== 'number' || !Number.isSafeInteger(maxLength) || maxLength <= 0) {
    throw new JwtError('ERR_INVALID_OPTION', '"maxTokenLength" must be a positive integer');
  }
  return { keyManagement, contentEncryption, maxLength };
}

function notAllowed(message: string): JwtError {
  return new JwtError('ERR_JWE_ALG_NOT_ALLOWED', message);
}

function malformed(message: string): JwtError {
  return new JwtError('ERR_JWE_MALFORMED', message);
}

/**
 * The checks made before any key is touched: `alg` and `enc` in the allow-lists (so `RSA1_5`,
 * `PBES2-*`, `A*GCMKW` are refused here), and no parameter of another algorithm.
 */
function checkHeader(parts: JweParts, context: DecryptContext): { alg: JweKeyManagementAlgorithm; enc: JweContentEncryptionAlgorithm } {
  const { alg, enc } = parts.header;
  if (!context.keyManagement.includes(alg as JweKeyManagementAlgorithm)) throw notAllowed('the token\'s "alg" is not an allowed algorithm');
  if (!context.contentEncryption.includes(enc as JweContentEncryptionAlgorithm))
    throw notAllowed('the token\'s "enc" is not an allowed algorithm');
  const kind = KEY_MANAGEMENT[alg as JweKeyManagementAlgorithm].kind;
  for (const name of [...(kind === 'ecdh-es' ? [] : ECDH_PARAMETERS), ...FOREIGN_PARAMETERS]) {
    if (Object.hasOwn(parts.header, name)) throw malformed(`the header parameter "${name}" does not belong to ${alg}`);
  }
  return { alg: alg as JweKeyManagementAlgorithm, enc: enc as JweContentEncryptionAlgorithm };
}

/** Runs a key resolver; a failure that is not a `JwtError` becomes `ERR_KEY_INVALID`. */
async function resolve(resolver: JweKeyResolver, header: Readonly<JweHeader>): Promise<unknown> {
  try {
    return await resolver(header);
  } catch (error) {
    if (isJwtError(error)) throw error;
    throw new JwtError('ERR_KEY_INVALID', 'the key resolver failed', { cause: error });
  }
}

/**
 * The CEK: recovered with the key, or, when the encrypted key does not decrypt or unwrap to a key
 * of the length `enc` needs, a random one, so that the failure shows only at content decryption,
 * with its one code (RFC 7516 §11.5).
 */
function contentKey(parts: JweParts, key: JweKey, alg: JweKeyManagementAlgorithm, enc: JweContentEncryptionAlgorithm): Buffer {
  const spec = KEY_MANAGEMENT[alg];
  const length = CONTENT_ENCRYPTION[enc].keyLength;
  let cek: Buffer | undefined;
  switch (spec.kind) {
    case 'dir':
      return key.keyObject.export();
    case 'aes-kw':
      cek = aesUnwrap(key.keyObject, parts.encryptedKey);
      break;
    case 'rsa-oaep':
      cek = rsaOaepDecrypt(key.keyObject, spec.oaepHash as 'sha1' | 'sha256', parts.encryptedKey);
      break;
    case 'ecdh-es': {
      const curve = curveOfKey(key.keyObject);
      if (curve === undefined) throw new JwtError('ERR_KEY_INVALID', `${alg} needs an EC or X25519 key`);
      const epk = readEphemeralKey(parts.header['epk'], curve);
      const apu = readPartyInfo(parts.header, 'apu');
      const apv = readPartyInfo(parts.header, 'apv');
      const z = sharedSecret(key.keyObject, epk, 'ERR_JWE_MALFORMED');
      if (spec.wrapKeyLength === undefined) {
        cek = concatKdf(z, length, enc, apu, apv);
      } else {
        const kek = concatKdf(z, spec.wrapKeyLength, alg, apu, apv);
        cek = aesUnwrap(kek, parts.encryptedKey);
        kek.fill(0);
      }
      z.fill(0);
      break;
    }
  }
  if (cek === undefined || cek.length !== length) {
    cek?.fill(0);
    return randomBytes(length);
  }
  return cek;
}

/**
 * Decrypts parsed parts with a resolved key: the key's algorithm must be the header's (and a `dir`
 * key's `enc` the header's), the encrypted key must be empty exactly for `dir` and `ECDH-ES`, and
 * the IV, tag and ciphertext lengths must fit `enc`, all before any cryptography.
 * @internal
 */
export function decryptParts(parts: JweParts, keyInput: unknown, context: DecryptContext): Buffer {
  const { alg, enc } = checkHeader(parts, context);
  if (!isJweKey(keyInput)) {
    throw new JwtError('ERR_KEY_INVALID', 'the key must be a JWE key: importKey, generateKeyPair or generateSecret with a JWE "alg"');
  }
  const key = keyInput;
  if (key.type === 'public') throw new JwtError('ERR_KEY_INVALID', 'decryption needs the private key, not the public key');
  if (key.alg !== alg) throw notAllowed('the token\'s "alg" is not the algorithm of the key');
  if (alg === 'dir' && key.enc !== enc) throw notAllowed('the token\'s "enc" is not the algorithm of the "dir" key');
  const content = CONTENT_ENCRYPTION[enc];
  const direct = alg === 'dir' || alg === 'ECDH-ES';
  if (direct && parts.encryptedKey.length !== 0) throw malformed(`the encrypted key must be empty with ${alg}`);
  if (parts.iv.length !== content.ivLength) throw malformed(`the IV of ${enc} is ${content.ivLength} bytes`);
  if (parts.tag.length !== content.tagLength) throw malformed(`the authentication tag of ${enc} is ${content.tagLength} bytes`);
  if (content.kind === 'cbc-hmac' && (parts.ciphertext.length === 0 || parts.ciphertext.length % 16 !== 0)) {
    throw malformed('the ciphertext is not a whole number of AES blocks');
  }
  const cek = contentKey(parts, key, alg, enc);
  try {
    return decryptContent(content, cek, parts.iv, parts.ciphertext, parts.tag, parts.aad);
  } finally {
    cek.fill(0);
  }
}

/**
 * Decrypts a compact JWE (RFC 7516) and returns its plaintext bytes: the JWE counterpart of
 * `verifyJws`. The header's `alg` and `enc` must be in the allow-lists and be the key's; `zip`
 * and `crit` are refused; every failure of the encrypted key or content gives the same
 * `ERR_JWE_DECRYPTION_FAILED` (RFC 7516 §11.4, §11.5).
 *
 * @param token - the compact JWE.
 * @param key - the private key or secret, or a resolver that picks one from the header.
 * @param options - see {@link DecryptOptions}; both allow-lists are required.
 * @returns the plaintext bytes and the protected header.
 * @example
 * ```ts
 * import { decrypt } from 'jwtkit';
 * const { plaintext } = await decrypt(jwe, privateKey, {
 *   keyManagementAlgorithms: ['ECDH-ES+A256KW'],
 *   contentEncryptionAlgorithms: ['A256GCM'],
 * });
 * ```
 * @throws `JwtError`: `ERR_INVALID_OPTION` (bad options, thrown before the token is read),
 * `ERR_JWE_TOO_LARGE`, `ERR_JWE_MALFORMED`, `ERR_JWE_UNSUPPORTED_HEADER`, `ERR_JWE_ALG_NOT_ALLOWED`,
 * `ERR_KEY_INVALID`, `ERR_JWE_DECRYPTION_FAILED`, and whatever `JwtError` the resolver throws.
 */
export async function decrypt(token: string, key: JweKey | JweKeyResolver, options: DecryptOptions): Promise<DecryptResult> {
  checkOptionNamesMemoised(options, DECRYPT_OPTION_NAMES, 'decrypt');
  const context = readDecryptOptions(options);
  return decryptWith(token, key, context);
}

/** Parses, resolves the key and decrypts. @internal */
export async function decryptWith(token: string, key: JweKey | JweKeyResolver, context: DecryptContext): Promise<DecryptResult> {
  const parts = parseCompactJwe(token, context.maxLength);
  if (typeof key === 'function') {
    checkHeader(parts, context);
    key = (await resolve(key, parts.header)) as JweKey;
  }
  const plaintext = decryptParts(parts, key, context);
  return { plaintext: new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.length), header: parts.header };
}
