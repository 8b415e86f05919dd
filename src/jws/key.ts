import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { JwtError } from '../errors.js';
import { BoundedCache } from '../internal/bounded-cache.js';
import { ALGORITHMS, assertKeyForAlgorithm, familyFits, familyOfKey, isJwsAlgorithm } from './algorithms.js';
import { jwkToKeyObject, peekOwnDataProperty, secretKeyFromCopy, type KeyUsage } from './jwk.js';
import { absentKeyMessage, keyDocumentMessage, type KeyDocument } from './key-near-miss.js';
import type { RemoteSigning } from './remote-signature.js';
import type { BoundKey, JwsAlgorithm, KeyInput } from './types.js';

/**
 * A key as jwtkit uses it on the hot path: parsed once, with the algorithm it is bound to (if
 * any) and the algorithms it has already been checked for.
 * @internal
 */
export interface PreparedKey {
  readonly keyObject: KeyObject;
  /** The only algorithm allowed with this key, when the key names one (BoundKey, JWK `alg`). */
  readonly alg: JwsAlgorithm | undefined;
  readonly kid: string | undefined;
  /** Algorithms {@link assertKeyForAlgorithm} already accepted for this key. */
  readonly checked: Set<JwsAlgorithm>;
  /** Set for a remote signer (then `keyObject` is its public key): signing is asynchronous, through it. */
  readonly remote?: RemoteSigning;
}

/** Options of {@link bindKey}. @internal */
export interface BindKeyOptions {
  /** The key id to write into (and expect in) the `kid` header. Default: the JWK's `kid`, if the input is a JWK with one. */
  kid?: string;
}

const boundKeys = new WeakSet<object>();
const preparedBound = new WeakMap<object, PreparedKey>();
const preparedByObject: Record<KeyUsage, WeakMap<object, PreparedKey>> = { sign: new WeakMap(), verify: new WeakMap() };
/** String secrets, by value. Bounded: an application has a handful of secrets. */
const preparedByString = new BoundedCache<string, PreparedKey>(64);

/**
 * Binds a key to exactly one algorithm (RFC 8725 §3.1): checks its type, size and curve for that
 * algorithm once, and returns a frozen {@link BoundKey} that `sign`, `verify` and the key sets
 * use without further parsing. The public way to make one is `importKey` (layer 3), which reads
 * every key format and calls this. A JWK input keeps its own `alg` (which must equal `alg`), `kid`,
 * `use` and `key_ops` rules; a private key binds for signing, a public key or secret for verifying.
 *
 * @param input - a `KeyObject`, secret bytes, a string secret (HS* only) or a JWK object.
 * @param alg - the algorithm the key is for.
 * @param options - see {@link BindKeyOptions}.
 * @returns the bound key.
 * @throws `JwtError` `ERR_KEY_INVALID` when the key cannot be used with `alg`; `ERR_INVALID_OPTION`
 * when `alg` is not a supported algorithm or `kid` is not a string.
 * @internal
 */
export function bindKey(input: KeyInput, alg: JwsAlgorithm, options: BindKeyOptions = {}): BoundKey {
  if (!isJwsAlgorithm(alg)) throw new JwtError('ERR_INVALID_OPTION', '"alg" must be a supported JWS algorithm');
  if (options.kid !== undefined && typeof options.kid !== 'string') {
    throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  }
  const usage: KeyUsage = isPrivateOrSigningInput(input) ? 'sign' : 'verify';
  const prepared = prepareKey(input, usage, alg);
  if (prepared.alg !== undefined && prepared.alg !== alg) {
    throw new JwtError('ERR_KEY_INVALID', `the key is bound to ${prepared.alg}, not ${alg}`);
  }
  assertKeyForAlgorithm(prepared.keyObject, alg);
  const keyObject = prepared.keyObject;
  const bound: BoundKey = Object.freeze({
    alg,
    kid: options.kid ?? prepared.kid,
    type: keyObject.type === 'secret' ? 'secret' : keyObject.type === 'private' ? 'private' : 'public',
    keyObject,
  });
  boundKeys.add(bound);
  preparedBound.set(bound, { keyObject, alg, kid: bound.kid, checked: new Set([alg]) });
  return bound;
}

/**
 * Makes the {@link BoundKey} of a remote signer: a `private` key (it signs) whose `keyObject` is
 * the signer's public key, and whose signatures come from `remote` (asynchronously: `sign`, not
 * `signSync`). The public way to make one is `createRemoteSigner` (layer 3), which checks the
 * signer first.
 * @internal
 */
export function bindRemoteSigner(remote: RemoteSigning): BoundKey {
  const { alg, kid, keyObject } = remote.publicKey;
  const bound: BoundKey = Object.freeze({ alg, kid, type: 'private', keyObject });
  boundKeys.add(bound);
  preparedBound.set(bound, { keyObject, alg, kid, checked: new Set([alg]), remote });
  return bound;
}

/**
 * The same key under another `kid` (a remote signer stays a remote signer). Key rings use it to
 * give a key without a `kid` its thumbprint.
 * @internal
 */
export function withKeyId(key: BoundKey, kid: string): BoundKey {
  const remote = preparedBound.get(key)?.remote;
  if (remote === undefined) return bindKey(key.keyObject, key.alg, { kid });
  return bindRemoteSigner({ ...remote, publicKey: bindKey(key.keyObject, key.alg, { kid }) });
}

/**
 * Whether a value is a {@link BoundKey} made by this copy of jwtkit (a look-alike object is not).
 *
 * @example
 * ```ts
 * if (!isBoundKey(key)) key = importKey(key, { alg: 'RS256' });
 * ```
 * @throws never.
 */
export function isBoundKey(value: unknown): value is BoundKey {
  return typeof value === 'object' && value !== null && boundKeys.has(value);
}

/**
 * The public half of a bound private key, bound to the same algorithm and `kid` (for a remote
 * signer, its public key); a public key or secret is returned as it is. Token services use it to
 * verify what they signed.
 *
 * @example
 * ```ts
 * const verifyKey = toVerificationKey(signingKey);
 * ```
 * @throws never.
 */
export function toVerificationKey(key: BoundKey): BoundKey {
  if (key.type !== 'private') return key;
  const remote = preparedBound.get(key)?.remote;
  if (remote !== undefined) return remote.publicKey;
  const options: BindKeyOptions = key.kid === undefined ? {} : { kid: key.kid };
  return bindKey(createPublicKey(key.keyObject), key.alg, options);
}

function isPrivateOrSigningInput(input: KeyInput): boolean {
  if (input instanceof KeyObject) return input.type !== 'public';
  if (typeof input === 'string' || input instanceof Uint8Array) return true;
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    if (peekOwnDataProperty(input, 'kty') === 'oct') return true;
    return peekOwnDataProperty(input, 'd') !== undefined;
  }
  return false;
}

/**
 * Turns any {@link KeyInput} into a {@link PreparedKey} for one operation, once per key: the
 * result is remembered by the identity of the input (by value for string secrets).
 * Throws `ERR_KEY_INVALID` for anything that is not a usable key for that operation.
 * `intended` is the algorithm (or the list of algorithms) the caller means to use, as given: it
 * is read only to name the fix in a message (`importKey(pem, { alg: 'RS256' })`).
 * @internal
 */
export function prepareKey(input: unknown, usage: KeyUsage, intended?: unknown): PreparedKey {
  if (typeof input === 'object' && input !== null) {
    const bound = preparedBound.get(input);
    if (bound !== undefined) {
      if (bound.remote !== undefined) {
        if (usage === 'verify') {
          throw new JwtError('ERR_KEY_INVALID', 'verification needs a public key, not a remote signer: pass toVerificationKey(signer)');
        }
        return bound;
      }
      assertUsage(bound.keyObject, usage);
      return bound;
    }
    const cached = preparedByObject[usage].get(input);
    if (cached !== undefined) return cached;
    const prepared = prepareObject(input, usage, intended);
    preparedByObject[usage].set(input, prepared);
    return prepared;
  }
  if (typeof input === 'string') {
    const cached = preparedByString.get(input);
    if (cached !== undefined) return cached;
    const prepared = prepareStringSecret(input, intended);
    preparedByString.set(input, prepared);
    return prepared;
  }
  if (input === undefined || input === null) throw new JwtError('ERR_KEY_INVALID', absentKeyMessage(input));
  throw new JwtError('ERR_KEY_INVALID', 'the key must be a KeyObject, a Uint8Array, a string secret or a JWK object');
}

function prepared(keyObject: KeyObject, alg: JwsAlgorithm | undefined, kid: string | undefined): PreparedKey {
  if (familyOfKey(keyObject) === undefined) {
    // DSA, X25519, Ed448, ...: no JWS algorithm of jwtkit takes such a key.
    throw new JwtError('ERR_KEY_INVALID', 'the key type is not used by any supported JWS algorithm');
  }
  return { keyObject, alg, kid, checked: new Set() };
}

function prepareObject(input: object, usage: KeyUsage, intended: unknown): PreparedKey {
  if (input instanceof KeyObject) {
    assertUsage(input, usage);
    return prepared(input, undefined, undefined);
  }
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw new JwtError('ERR_KEY_INVALID', 'the secret is empty');
    const document = bytesKeyDocument(input);
    if (document !== undefined) throw new JwtError('ERR_KEY_INVALID', keyDocumentMessage(document, 'bytes', intended));
    return prepared(secretKeyFromCopy(Buffer.from(input)), undefined, undefined);
  }
  if (Array.isArray(input) || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) {
    throw new JwtError('ERR_KEY_INVALID', 'the key must be a KeyObject, a Uint8Array, a string secret or a JWK object');
  }
  if (peekOwnDataProperty(input, 'until') !== undefined && peekOwnDataProperty(input, 'secret') !== undefined) {
    // The `legacySecret` option of `authenticate` (docs/migrating-from-jsonwebtoken.md): verify-only, and only there.
    throw new JwtError(
      'ERR_INVALID_OPTION',
      usage === 'sign'
        ? 'a legacy secret never signs: sign new tokens with a strong secret (generateSecret) that has a "kid"'
        : 'a legacy secret is accepted only as the "legacySecret" option of authenticate, for tokens without "kid"',
    );
  }
  const { key, snapshot } = jwkToKeyObject(input, usage);
  let alg: JwsAlgorithm | undefined;
  if (snapshot.alg !== undefined) {
    if (!isJwsAlgorithm(snapshot.alg)) throw new JwtError('ERR_KEY_INVALID', 'the JWK names an unsupported "alg"');
    alg = snapshot.alg;
  }
  return prepared(key, alg, snapshot.kid);
}

const SECRET_LOOKS_LIKE_KEY = /-----BEGIN|^[\s\u0000-\u001f\u007f\u200b\u200d\u180e\ufeff]*[[{]/;

/**
 * The key document secret bytes really are, read from a file (PEM, a JWK or JWKS as JSON), or
 * `undefined`: the bytes form of tests B7–B8 in test/jws/key.test.ts. Random secrets almost never
 * begin with `{` and then parse as a JSON object, so the JSON test parses rather than looking at
 * the first byte alone.
 */
function bytesKeyDocument(input: Uint8Array): KeyDocument | undefined {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.length); // a view, not a copy
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN')) return 'pem';
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null ? 'json' : undefined;
  } catch {
    return undefined;
  }
}

function prepareStringSecret(secret: string, intended: unknown): PreparedKey {
  // An unset variable read with `?? ''` lands here.
  if (secret.length === 0) throw new JwtError('ERR_KEY_INVALID', 'the secret is empty: is the environment variable set?');
  // Never let a public key, a certificate or a JWK document become an HMAC secret (tests B7–B8 in test/jws/key.test.ts).
  const document = SECRET_LOOKS_LIKE_KEY.test(secret) ? (secret.includes('-----BEGIN') ? 'pem' : 'json') : base64DerFormat(secret);
  if (document !== undefined) throw new JwtError('ERR_KEY_INVALID', keyDocumentMessage(document, 'string', intended));
  return prepared(secretKeyFromCopy(Buffer.from(secret, 'utf8')), undefined, undefined);
}

/**
 * The `importKey` format of a DER key in standard Base64 (`MIIBIjAN...`, how public keys often
 * sit in environment variables), or `undefined` for any other string. DER starts with a
 * SEQUENCE, so the Base64 text starts with `MI`; only such text is tried, once per secret, as the
 * key formats `node:crypto` reads.
 */
function base64DerFormat(secret: string): KeyDocument | undefined {
  const text = secret.trim();
  if (!/^MI[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const der = Buffer.from(text, 'base64');
  const attempts: ReadonlyArray<readonly [KeyDocument, () => unknown]> = [
    ['spki', () => createPublicKey({ key: der, format: 'der', type: 'spki' })],
    ['pkcs1-public', () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' })],
    ['pkcs8', () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })],
  ];
  for (const [format, attempt] of attempts) {
    try {
      attempt();
      return format;
    } catch {
      // not this format: try the next
    }
  }
  return undefined;
}

function assertUsage(key: KeyObject, usage: KeyUsage): void {
  if (usage === 'sign' && key.type === 'public') {
    throw new JwtError('ERR_KEY_INVALID', 'signing needs a private key or a secret, not a public key');
  }
  if (usage === 'verify' && key.type === 'private') {
    throw new JwtError('ERR_KEY_INVALID', 'verification needs a public key or a secret, not a private key');
  }
}

/**
 * Picks the algorithm a verification uses and checks the key for it:
 * the header's `alg` must be allowed; a bound key allows only its own algorithm; an unbound key
 * whose type fits more than one allowed algorithm is refused as ambiguous (`ERR_KEY_INVALID`);
 * an unbound key of the wrong type for `alg` gives `ERR_JWT_ALG_NOT_ALLOWED`.
 * @internal
 */
export function selectVerificationAlgorithm(key: PreparedKey, headerAlg: string, allowed: readonly JwsAlgorithm[]): JwsAlgorithm {
  if (key.alg === undefined) {
    const family = familyOfKey(key.keyObject);
    const curve = key.keyObject.asymmetricKeyDetails?.namedCurve;
    let fitting = 0;
    for (const candidate of new Set(allowed)) {
      // An EC key's curve names its one algorithm; other key types fit every algorithm of their family.
      if (familyFits(family, candidate) && (family !== 'ecdsa' || ALGORITHMS[candidate].curve === curve)) fitting++;
    }
    if (fitting > 1) {
      throw new JwtError('ERR_KEY_INVALID', 'the key fits several allowed algorithms: bind it to one with importKey, or allow only one');
    }
  }
  if (!allowed.includes(headerAlg as JwsAlgorithm)) {
    throw new JwtError('ERR_JWT_ALG_NOT_ALLOWED', 'the token\'s "alg" is not an allowed algorithm');
  }
  const alg = headerAlg as JwsAlgorithm;
  if (key.alg !== undefined ? key.alg !== alg : !familyFits(familyOfKey(key.keyObject), alg)) {
    throw new JwtError('ERR_JWT_ALG_NOT_ALLOWED', 'the token\'s "alg" is not the algorithm of the key');
  }
  checkKeyOnce(key, alg);
  return alg;
}

/**
 * Picks and checks the algorithm for signing: `alg` is required; a bound key must be bound to it.
 * @internal
 */
export function assertSigningAlgorithm(key: PreparedKey, alg: unknown): JwsAlgorithm {
  if (!isJwsAlgorithm(alg)) {
    throw new JwtError('ERR_INVALID_OPTION', '"alg" is required and must be a supported JWS algorithm');
  }
  if (key.alg !== undefined && key.alg !== alg) {
    throw new JwtError('ERR_KEY_INVALID', `the key is bound to ${key.alg}, not ${alg}`);
  }
  checkKeyOnce(key, alg);
  return alg;
}

function checkKeyOnce(key: PreparedKey, alg: JwsAlgorithm): void {
  if (key.checked.has(alg)) return;
  assertKeyForAlgorithm(key.keyObject, alg);
  key.checked.add(alg);
}
