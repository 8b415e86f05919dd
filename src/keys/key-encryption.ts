/**
 * Encryption at rest of the private keys of a shared key ring, and authentication of its public
 * keys: AES-256-GCM under a key-encryption key (KEK) the application supplies, with additional
 * authenticated data that binds the ring id, the `kid`, the `alg` and the public key's thumbprint
 * (docs/auth-server-and-jwks.md, "Key encryption"). The state document as a whole is authenticated
 * by an HMAC-SHA-256 under a key derived from the KEK with HKDF-SHA-256 (RFC 5869), so that one
 * key never serves two purposes.
 *
 * @module
 * @internal
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { decodeBase64urlOrUndefined, encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import type { JwsAlgorithm } from '../jws/types.js';

/**
 * A key-encryption key: 32 random bytes (e.g. from a secret manager) and an id stored next to each
 * key it encrypts, so that the KEK can rotate.
 */
export interface KeyEncryptionKey {
  /** Names the KEK in the store (not secret): 1 to 64 of `A-Z a-z 0-9 . _ : -`. Required. */
  id: string;
  /** The 32 bytes of the AES-256 key. Required. */
  key: Uint8Array;
}

/** A private key, or the tag of a public key, as the store holds it. @internal */
export interface SealedKey {
  /** The id of the KEK that sealed it. */
  readonly kek: string;
  /** The 12-byte GCM nonce, Base64Url. */
  readonly iv: string;
  /** The PKCS #8 DER of a private key, encrypted (nothing for a public key's tag), then the 16-byte GCM tag; Base64Url. */
  readonly data: string;
}

const KEK_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
const TAG_BYTES = 16;
const IV_BYTES = 12;

/**
 * Checks the `kek` option: one KEK or a non-empty list (the first encrypts, any decrypts by id).
 * @throws `ERR_INVALID_OPTION` for a missing or malformed KEK, a key that is not 32 bytes, or two
 * KEKs sharing an id.
 * @internal
 */
export function readKeks(input: unknown): readonly KeyEncryptionKey[] {
  const list: unknown[] = Array.isArray(input) ? input : input === undefined ? [] : [input];
  if (list.length === 0) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"kek" is required: { id, key } with 32 random bytes (or a list of them, the first one encrypting), from your secret manager',
    );
  }
  const seen = new Set<string>();
  return Object.freeze(
    list.map((entry) => {
      const { id, key } = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<KeyEncryptionKey>;
      if (typeof id !== 'string' || !KEK_ID_PATTERN.test(id)) {
        throw new JwtError('ERR_INVALID_OPTION', 'every "kek" needs an "id" of 1 to 64 of the characters A-Z a-z 0-9 . _ : -');
      }
      if (!(key instanceof Uint8Array) || key.length !== 32) {
        throw new JwtError('ERR_INVALID_OPTION', 'a "kek" key must be a Uint8Array of 32 random bytes (AES-256)');
      }
      if (seen.has(id)) throw new JwtError('ERR_INVALID_OPTION', 'two entries of "kek" share an id');
      seen.add(id);
      return Object.freeze({ id, key: Buffer.from(key) });
    }),
  );
}

/** What a sealed key is bound to: its additional authenticated data. @internal */
export interface SealBinding {
  readonly ringId: string;
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  /** The RFC 7638 thumbprint of the public key. */
  readonly thumbprint: string;
}

/** The additional authenticated data of a seal: what it may be opened as, and for what. */
function additionalData(purpose: 'private key' | 'public key', binding: SealBinding): Buffer {
  const { ringId, kid, alg, thumbprint } = binding;
  return Buffer.from(JSON.stringify(['jwtkit key ring', 1, purpose, ringId, kid, alg, thumbprint]), 'utf8');
}

function seal(kek: KeyEncryptionKey, aad: Buffer, plaintext: Buffer): SealedKey {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { kek: kek.id, iv: encodeBase64url(iv), data: encodeBase64url(data) };
}

/** The KEK of `id` among `keks`. @throws `ERR_KEY_INVALID` when none has that id. */
function findKek(id: string, keks: readonly KeyEncryptionKey[]): KeyEncryptionKey {
  const kek = keks.find((entry) => entry.id === id);
  if (kek === undefined) {
    throw new JwtError(
      'ERR_KEY_INVALID',
      `a key or the state of the ring is sealed under the key-encryption key "${id}", which is not in "kek": ` +
        'keep it in the list (after the current one) until every key created under it has left the ring',
    );
  }
  return kek;
}

function open(sealed: SealedKey, keks: readonly KeyEncryptionKey[], aad: Buffer): Buffer {
  const kek = findKek(sealed.kek, keks);
  const iv = decodeBase64urlOrUndefined(sealed.iv);
  const data = decodeBase64urlOrUndefined(sealed.data);
  try {
    if (iv === undefined || iv.length !== IV_BYTES || data === undefined || data.length < TAG_BYTES) throw new Error('malformed');
    const decipher = createDecipheriv('aes-256-gcm', kek.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]);
  } catch (error) {
    throw new JwtError(
      'ERR_KEY_INVALID',
      `a key of the ring does not open with the key-encryption key "${sealed.kek}": the KEK is wrong, ` +
        'or the stored key was altered or belongs to another ring, kid or alg',
      { cause: error },
    );
  }
}

/** Encrypts a private key under `kek`, bound to `binding`. @internal */
export function sealPrivateKey(privateKey: KeyObject, kek: KeyEncryptionKey, binding: SealBinding): SealedKey {
  return seal(kek, additionalData('private key', binding), privateKey.export({ format: 'der', type: 'pkcs8' }));
}

/**
 * Decrypts a private key sealed by {@link sealPrivateKey}.
 * @throws `ERR_KEY_INVALID` when its KEK is not among `keks`, or it does not decrypt (a wrong KEK
 * under the same id, or a stored key moved to another ring, `kid`, `alg` or public key).
 * @internal
 */
export function openPrivateKey(sealed: SealedKey, keks: readonly KeyEncryptionKey[], binding: SealBinding): KeyObject {
  const der = open(sealed, keks, additionalData('private key', binding));
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new JwtError('ERR_KEY_INVALID', 'a private key of the ring decrypts to no key', { cause: error });
  }
}

/**
 * Authenticates a published key under `kek` (a GCM tag over no plaintext): only a holder of the
 * KEK can add a key that the ring publishes.
 * @internal
 */
export function sealPublicKey(kek: KeyEncryptionKey, binding: SealBinding): SealedKey {
  return seal(kek, additionalData('public key', binding), Buffer.alloc(0));
}

/**
 * Checks a tag made by {@link sealPublicKey}.
 * @throws `ERR_KEY_INVALID` as {@link openPrivateKey}.
 * @internal
 */
export function checkPublicKey(sealed: SealedKey, keks: readonly KeyEncryptionKey[], binding: SealBinding): void {
  open(sealed, keks, additionalData('public key', binding));
}

/** The MAC of a ring's state document, as the store holds it. @internal */
export interface StateMac {
  /** The id of the KEK whose derived key made it. */
  readonly kek: string;
  /** The HMAC-SHA-256, Base64Url. */
  readonly data: string;
}

/** The HKDF `info` of the state MAC key: a KEK's AES key is never used as an HMAC key itself. */
const STATE_MAC_INFO = 'jwtkit key ring state MAC v1';

function stateMac(kek: KeyEncryptionKey, ringId: string, body: string): Buffer {
  const macKey = Buffer.from(hkdfSync('sha256', kek.key, Buffer.alloc(0), STATE_MAC_INFO, 32));
  return createHmac('sha256', macKey)
    .update(JSON.stringify(['jwtkit key ring state', 1, ringId, body]), 'utf8')
    .digest();
}

/**
 * Authenticates the state document `body` of the ring `ringId` under `kek` (HMAC-SHA-256 with a
 * key derived by HKDF-SHA-256 from the KEK).
 * @internal
 */
export function macState(kek: KeyEncryptionKey, ringId: string, body: string): StateMac {
  return { kek: kek.id, data: encodeBase64url(stateMac(kek, ringId, body)) };
}

/**
 * Checks a MAC made by {@link macState}, with the KEK of its id.
 * @throws `ERR_KEY_INVALID` when that KEK is not among `keks`, or the MAC does not match (the
 * document was altered, belongs to another ring, or the KEK under that id is wrong).
 * @internal
 */
export function checkStateMac(mac: StateMac, keks: readonly KeyEncryptionKey[], ringId: string, body: string): void {
  const kek = findKek(mac.kek, keks);
  const expected = stateMac(kek, ringId, body);
  const actual = decodeBase64urlOrUndefined(mac.data);
  if (actual === undefined || actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new JwtError(
      'ERR_KEY_INVALID',
      `the state of the key ring does not authenticate with the key-encryption key "${mac.kek}": the KEK is wrong, ` +
        'or the stored state was altered or belongs to another ring',
    );
  }
}
