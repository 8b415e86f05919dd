import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { decodeBase64urlOrUndefined } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import { MAX_RSA_MODULUS_BITS, MIN_RSA_MODULUS_BITS } from '../jws/algorithms.js';
import { secretKeyFromCopy, snapshotJwk, type JWKSnapshot } from '../jws/jwk.js';
import { CONTENT_ENCRYPTION, KEY_MANAGEMENT, isJweContentEncryptionAlgorithm, isJweKeyManagementAlgorithm } from './algorithms.js';
import { curveOfKey } from './ecdh.js';
import type { JweContentEncryptionAlgorithm, JweKey, JweKeyManagementAlgorithm } from './types.js';

/** Options of {@link bindJweKey}. @internal */
export interface BindJweKeyOptions {
  /** The key id. Default: the JWK's `kid`, if the input is a JWK with one. */
  kid?: string | undefined;
  /** The content encryption algorithm of a `dir` key (required for `dir`, refused otherwise). */
  enc?: JweContentEncryptionAlgorithm | undefined;
}

const jweKeys = new WeakSet<object>();
const MAX_RSA_PUBLIC_EXPONENT = 2n ** 32n;

/** The `key_ops` (RFC 7517 §4.3) that allow each use of a JWE key. */
const OPERATIONS = {
  public: ['encrypt', 'wrapKey', 'deriveKey', 'deriveBits'],
  private: ['decrypt', 'unwrapKey', 'deriveKey', 'deriveBits'],
  secret: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'],
} as const;

/**
 * Whether a value is a {@link JweKey} made by this copy of jwtkit (a look-alike object is not).
 *
 * @example
 * ```ts
 * if (!isJweKey(key)) key = importKey(jwk, { alg: 'ECDH-ES+A256KW' });
 * ```
 * @throws never.
 */
export function isJweKey(value: unknown): value is JweKey {
  return typeof value === 'object' && value !== null && jweKeys.has(value);
}

/**
 * Binds a key to one JWE key management algorithm (and a `dir` key to one `enc`): checks its type
 * and size once and returns a frozen {@link JweKey}. The public way to make one is `importKey`,
 * `generateKeyPair` or `generateSecret` (layer 3), which call this.
 *
 * @throws `JwtError` `ERR_KEY_INVALID` when the key cannot be used with `alg`; `ERR_INVALID_OPTION`
 * for an unsupported `alg`, a missing or misplaced `enc`, or a `kid` that is not a string.
 * @internal
 */
export function bindJweKey(
  input: KeyObject | Uint8Array | object,
  alg: JweKeyManagementAlgorithm,
  options: BindJweKeyOptions = {},
): JweKey {
  if (!isJweKeyManagementAlgorithm(alg)) throw new JwtError('ERR_INVALID_OPTION', '"alg" must be a supported JWE key management algorithm');
  if (options.kid !== undefined && typeof options.kid !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  const enc = options.enc;
  if (alg === 'dir') {
    if (!isJweContentEncryptionAlgorithm(enc)) {
      throw new JwtError('ERR_INVALID_OPTION', 'a "dir" key is bound to one content encryption algorithm: pass "enc", such as "A256GCM"');
    }
  } else if (enc !== undefined) {
    throw new JwtError('ERR_INVALID_OPTION', '"enc" binds only a "dir" key: leave it out for other algorithms');
  }
  const { keyObject, kid } = readInput(input, alg);
  assertJweKey(keyObject, alg, enc);
  const key: JweKey = Object.freeze({
    alg,
    enc: alg === 'dir' ? enc : undefined,
    kid: options.kid ?? kid,
    type: keyObject.type === 'secret' ? 'secret' : keyObject.type === 'private' ? 'private' : 'public',
    keyObject,
  });
  jweKeys.add(key);
  return key;
}

/**
 * The public half of a private {@link JweKey}, bound to the same algorithm and `kid`, to encrypt
 * to it; a public key or secret is returned as it is.
 *
 * @example
 * ```ts
 * const token = await encrypt(bytes, toEncryptionKey(privateKey), { enc: 'A256GCM' });
 * ```
 * @throws `JwtError` `ERR_KEY_INVALID` when `key` is not a {@link JweKey}.
 */
export function toEncryptionKey(key: JweKey): JweKey {
  if (!isJweKey(key)) throw new JwtError('ERR_KEY_INVALID', 'toEncryptionKey takes a JWE key made by importKey or generateKeyPair');
  if (key.type !== 'private') return key;
  return bindJweKey(createPublicKey(key.keyObject), key.alg, { kid: key.kid });
}

function readInput(input: unknown, alg: JweKeyManagementAlgorithm): { keyObject: KeyObject; kid: string | undefined } {
  if (input instanceof KeyObject) return { keyObject: input, kid: undefined };
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw new JwtError('ERR_KEY_INVALID', 'the secret is empty');
    return { keyObject: secretKeyFromCopy(Buffer.from(input)), kid: undefined };
  }
  if (typeof input !== 'object' || input === null)
    throw new JwtError('ERR_KEY_INVALID', 'the key must be a KeyObject, secret bytes or a JWK object');
  const snapshot = snapshotJwk(input);
  if (snapshot.alg !== undefined && snapshot.alg !== alg)
    throw new JwtError('ERR_KEY_INVALID', `the JWK is bound to another "alg", not ${alg}`);
  if (snapshot.use !== undefined && snapshot.use !== 'enc')
    throw new JwtError('ERR_KEY_INVALID', 'the JWK is not for encryption ("use" is not "enc")');
  const keyObject = jwkKeyObject(snapshot);
  const allowed: readonly string[] =
    OPERATIONS[keyObject.type === 'secret' ? 'secret' : keyObject.type === 'private' ? 'private' : 'public'];
  if (snapshot.keyOps !== undefined && !snapshot.keyOps.some((op) => allowed.includes(op))) {
    throw new JwtError('ERR_KEY_INVALID', 'the JWK\'s "key_ops" does not allow encryption or decryption');
  }
  return { keyObject, kid: snapshot.kid };
}

function jwkKeyObject(snapshot: JWKSnapshot): KeyObject {
  try {
    if (snapshot.kty === 'oct') return secretKeyFromCopy(decodeBase64urlOrUndefined(snapshot.material['k'] as string) as Buffer);
    const jwk = { kty: snapshot.kty, ...snapshot.material };
    return snapshot.isPrivate ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: jwk, format: 'jwk' });
  } catch (error) {
    throw new JwtError('ERR_KEY_INVALID', 'node:crypto refused the JWK', { cause: error });
  }
}

/** Throws `ERR_KEY_INVALID` unless the key fits `alg` (and `enc` for `dir`). */
function assertJweKey(key: KeyObject, alg: JweKeyManagementAlgorithm, enc: JweContentEncryptionAlgorithm | undefined): void {
  const spec = KEY_MANAGEMENT[alg];
  switch (spec.kind) {
    case 'dir': {
      const length = CONTENT_ENCRYPTION[enc as JweContentEncryptionAlgorithm].keyLength;
      if (key.type !== 'secret' || key.symmetricKeySize !== length) {
        throw new JwtError(
          'ERR_KEY_INVALID',
          `a "dir" key for ${enc} is a secret of exactly ${length} bytes: generateSecret('dir', { enc: '${enc}' })`,
        );
      }
      return;
    }
    case 'aes-kw':
      if (key.type !== 'secret' || key.symmetricKeySize !== spec.wrapKeyLength) {
        throw new JwtError('ERR_KEY_INVALID', `${alg} needs a secret of exactly ${spec.wrapKeyLength} bytes: generateSecret('${alg}')`);
      }
      return;
    case 'rsa-oaep': {
      if (key.asymmetricKeyType !== 'rsa') throw new JwtError('ERR_KEY_INVALID', `${alg} needs an RSA key`);
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_MODULUS_BITS || bits > MAX_RSA_MODULUS_BITS) {
        throw new JwtError('ERR_KEY_INVALID', `${alg} needs an RSA modulus of ${MIN_RSA_MODULUS_BITS} to ${MAX_RSA_MODULUS_BITS} bits`);
      }
      const exponent = key.asymmetricKeyDetails?.publicExponent ?? 0n;
      if (exponent < 3n || exponent > MAX_RSA_PUBLIC_EXPONENT || exponent % 2n === 0n) {
        throw new JwtError('ERR_KEY_INVALID', 'the RSA public exponent must be odd and from 3 to 2^32');
      }
      return;
    }
    case 'ecdh-es':
      if (curveOfKey(key) === undefined)
        throw new JwtError('ERR_KEY_INVALID', `${alg} needs an EC key on P-256, P-384 or P-521, or an X25519 key`);
      return;
  }
}
