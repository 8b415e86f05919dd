import { randomBytes } from 'node:crypto';
import { encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import { checkOptionNamesMemoised, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { CONTENT_ENCRYPTION, KEY_MANAGEMENT, checkRsaOaepSha1, isJweContentEncryptionAlgorithm } from './algorithms.js';
import { aesWrap } from './aes-kw.js';
import { encryptContent } from './content.js';
import { MAX_PARTY_INFO_LENGTH, concatKdf, curveOfKey, ephemeralKeyPair, sharedSecret } from './ecdh.js';
import { isJweKey } from './key.js';
import { rsaOaepEncrypt } from './rsa-oaep.js';
import type { JweContentEncryptionAlgorithm, JweKey } from './types.js';

/**
 * Options of {@link encrypt}. Any other member is refused with `ERR_INVALID_OPTION`. The key
 * management algorithm is the one the key is bound to.
 */
export interface EncryptOptions {
  /** The content encryption algorithm. Required, except with a `dir` key, which is bound to one (then it must be that one). */
  enc?: JweContentEncryptionAlgorithm;
  /** Sets the `kid` header. Default: the key's `kid`, if it has one. */
  kid?: string;
  /** Sets the `typ` header. Default: none. */
  typ?: string;
  /** Sets the `cty` header (`JWT` for a nested JWT). Default: none. */
  cty?: string;
  /**
   * Extra protected-header parameters that carry no security meaning. Parameters jwtkit sets or
   * refuses (`alg`, `enc`, `kid`, `typ`, `cty`, `zip`, `crit`, `b64`, `epk`, `apu`, `apv`, `iv`,
   * `tag`, `p2s`, `p2c`, `jwk`, `jku`, `x5u`, `x5c`, `x5t`, `x5t#S256`) are refused with
   * `ERR_INVALID_OPTION`. Default: none.
   */
  header?: Record<string, unknown>;
  /** Agreement PartyUInfo of `ECDH-ES*` (RFC 7518 §4.6.1.2), at most 128 bytes. Default: none. */
  apu?: Uint8Array;
  /** Agreement PartyVInfo of `ECDH-ES*` (RFC 7518 §4.6.1.3), at most 128 bytes. Default: none. */
  apv?: Uint8Array;
  /** Allows a key bound to `RSA-OAEP` (SHA-1). Default: `false` (use `RSA-OAEP-256`). */
  allowRsaOaepSha1?: boolean;
}

const ENCRYPT_OPTION_NAMES = optionNames<EncryptOptions>(
  { enc: true, kid: true, typ: true, cty: true, header: true, apu: true, apv: true, allowRsaOaepSha1: true },
  { alg: 'leave it out: the key is bound to its key management algorithm (importKey(..., { alg }))' },
);

const RESERVED = new Set([
  'alg',
  'enc',
  'kid',
  'typ',
  'cty',
  'zip',
  'crit',
  'b64',
  'epk',
  'apu',
  'apv',
  'iv',
  'tag',
  'p2s',
  'p2c',
  'jwk',
  'jku',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
]);

/** A JWE key given for encryption: a public key or a secret. Throws `ERR_KEY_INVALID`. @internal */
export function encryptionKey(key: unknown): JweKey {
  if (!isJweKey(key)) {
    throw new JwtError('ERR_KEY_INVALID', 'the key must be a JWE key: importKey, generateKeyPair or generateSecret with a JWE "alg"');
  }
  if (key.type === 'private') throw new JwtError('ERR_KEY_INVALID', 'encryption takes the public key: pass toEncryptionKey(privateKey)');
  return key;
}

function partyInfo(value: unknown, name: 'apu' | 'apv'): Buffer | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Uint8Array) || value.length > MAX_PARTY_INFO_LENGTH) {
    throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a Uint8Array of at most ${MAX_PARTY_INFO_LENGTH} bytes`);
  }
  return Buffer.from(value);
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') throw new JwtError('ERR_INVALID_OPTION', `"${name}" must be a string`);
  return value;
}

function extraHeader(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JwtError('ERR_INVALID_OPTION', '"header" must be an object');
  for (const name of Object.keys(value)) {
    if (RESERVED.has(name))
      throw new JwtError('ERR_INVALID_OPTION', `"header" must not set "${name}": use the dedicated option or leave it out`);
  }
  return { ...value };
}

/**
 * Encrypts bytes (or a string, as UTF-8) as a compact JWE (RFC 7516) to a {@link JweKey}: a
 * random CEK (or the `dir` key itself, or the ECDH-ES derived key) and a random IV for each call.
 * Nothing is compressed (`zip` is never used).
 *
 * @param plaintext - the bytes to encrypt.
 * @param key - a public key (RSA-OAEP*, ECDH-ES*) or a secret (`dir`, `A*KW`) bound to its algorithm.
 * @param options - see {@link EncryptOptions}.
 * @returns the compact JWE.
 * @example
 * ```ts
 * import { encrypt, generateSecret } from 'jwtkit';
 * const key = generateSecret('A256KW');
 * const jwe = await encrypt('hello', key, { enc: 'A256GCM' });
 * ```
 * @throws `JwtError`: `ERR_KEY_INVALID` (not a JWE key, a private key), `ERR_INVALID_OPTION` (no or
 * unknown `enc`, an `enc` other than a `dir` key's, reserved header parameters, `apu`/`apv`
 * without ECDH-ES or too long, RSA-OAEP without `allowRsaOaepSha1`, an unknown option name).
 */
export async function encrypt(plaintext: Uint8Array | string, key: JweKey, options: EncryptOptions = {}): Promise<string> {
  return encryptBytes(plaintext, key, options);
}

/** The body of {@link encrypt}, shared with `encryptJwt` and `signThenEncrypt`. @internal */
export function encryptBytes(plaintext: Uint8Array | string, keyInput: JweKey, options: EncryptOptions): string {
  if (typeof plaintext !== 'string' && !(plaintext instanceof Uint8Array)) {
    throw new JwtError('ERR_INVALID_OPTION', 'the plaintext must be a Uint8Array or a string');
  }
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNamesMemoised(options, ENCRYPT_OPTION_NAMES, 'encrypt');
  const key = encryptionKey(keyInput);
  const alg = key.alg;
  checkRsaOaepSha1([alg], ownValue(options, 'allowRsaOaepSha1', options.allowRsaOaepSha1));
  const requested = ownValue(options, 'enc', options.enc);
  let enc: JweContentEncryptionAlgorithm;
  if (alg === 'dir') {
    if (requested !== undefined && requested !== key.enc)
      throw new JwtError('ERR_INVALID_OPTION', `the "dir" key is bound to ${key.enc}, not to this "enc"`);
    enc = key.enc as JweContentEncryptionAlgorithm;
  } else {
    if (!isJweContentEncryptionAlgorithm(requested)) {
      throw new JwtError('ERR_INVALID_OPTION', '"enc" is required and must be a supported content encryption algorithm, such as "A256GCM"');
    }
    enc = requested;
  }
  const spec = KEY_MANAGEMENT[alg];
  const content = CONTENT_ENCRYPTION[enc];
  const apu = partyInfo(ownValue(options, 'apu', options.apu), 'apu');
  const apv = partyInfo(ownValue(options, 'apv', options.apv), 'apv');
  if ((apu !== undefined || apv !== undefined) && spec.kind !== 'ecdh-es') {
    throw new JwtError('ERR_INVALID_OPTION', '"apu" and "apv" are parameters of ECDH-ES only');
  }
  const header: Record<string, unknown> = {
    alg,
    enc,
    kid: optionalString(ownValue(options, 'kid', options.kid), 'kid') ?? key.kid,
    typ: optionalString(ownValue(options, 'typ', options.typ), 'typ'),
    cty: optionalString(ownValue(options, 'cty', options.cty), 'cty'),
  };
  const extra = extraHeader(ownValue(options, 'header', options.header));

  let cek: Buffer;
  let encryptedKey: Buffer = Buffer.alloc(0);
  switch (spec.kind) {
    case 'dir':
      cek = key.keyObject.export();
      break;
    case 'aes-kw':
      cek = randomBytes(content.keyLength);
      encryptedKey = aesWrap(key.keyObject, cek);
      break;
    case 'rsa-oaep':
      cek = randomBytes(content.keyLength);
      encryptedKey = rsaOaepEncrypt(key.keyObject, spec.oaepHash as 'sha1' | 'sha256', cek);
      break;
    case 'ecdh-es': {
      const curve = curveOfKey(key.keyObject);
      if (curve === undefined) throw new JwtError('ERR_KEY_INVALID', `${alg} needs an EC or X25519 key`);
      const { privateKey, epk } = ephemeralKeyPair(curve);
      const z = sharedSecret(privateKey, key.keyObject, 'ERR_KEY_INVALID');
      header['epk'] = epk;
      if (apu !== undefined) header['apu'] = encodeBase64url(apu);
      if (apv !== undefined) header['apv'] = encodeBase64url(apv);
      const empty = Buffer.alloc(0);
      if (spec.wrapKeyLength === undefined) {
        cek = concatKdf(z, content.keyLength, enc, apu ?? empty, apv ?? empty);
      } else {
        const kek = concatKdf(z, spec.wrapKeyLength, alg, apu ?? empty, apv ?? empty);
        cek = randomBytes(content.keyLength);
        encryptedKey = aesWrap(kek, cek);
        kek.fill(0);
      }
      z.fill(0);
      break;
    }
  }
  let json: string;
  try {
    json = JSON.stringify({ ...header, ...extra });
  } catch (error) {
    throw new JwtError('ERR_INVALID_OPTION', '"header" cannot be serialised as JSON', { cause: error });
  }
  const protectedSegment = encodeBase64url(json);
  const iv = randomBytes(content.ivLength);
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const { ciphertext, tag } = encryptContent(content, cek, iv, bytes, Buffer.from(protectedSegment, 'latin1'));
  cek.fill(0);
  return `${protectedSegment}.${encodeBase64url(encryptedKey)}.${encodeBase64url(iv)}.${encodeBase64url(ciphertext)}.${encodeBase64url(tag)}`;
}
