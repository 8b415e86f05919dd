import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { decodeBase64urlOrUndefined } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';

/** The operation a key is wanted for. @internal */
export type KeyUsage = 'sign' | 'verify';

const MEMBERS_BY_TYPE: Readonly<Record<string, { readonly public: readonly string[]; readonly private: readonly string[] }>> = {
  RSA: { public: ['n', 'e'], private: ['d', 'p', 'q', 'dp', 'dq', 'qi'] },
  EC: { public: ['crv', 'x', 'y'], private: ['d'] },
  OKP: { public: ['crv', 'x'], private: ['d'] },
  oct: { public: [], private: ['k'] },
};
const TEXT_MEMBERS = new Set(['crv']);

/**
 * Reads an own data property without running getters, proxies' traps aside (those are caught by
 * the caller). Returns `undefined` for an absent member; throws for an accessor.
 */
function readOwn(source: object, name: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(source, name);
  if (descriptor === undefined) return undefined;
  if (!('value' in descriptor)) throw new JwtError('ERR_KEY_INVALID', `JWK member "${name}" is not a data property`);
  return descriptor.value;
}

/**
 * An own data property of an untrusted object, without running getters or letting a proxy's
 * trap throw: `undefined` when the member is absent, an accessor, or cannot be read.
 * @internal
 */
export function peekOwnDataProperty(source: object, name: string): unknown {
  try {
    const descriptor = Object.getOwnPropertyDescriptor(source, name);
    return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined;
  } catch {
    return undefined;
  }
}

/** A snapshot of the JWK members jwtkit reads, each checked for type. @internal */
export interface JWKSnapshot {
  readonly kty: string;
  readonly alg: string | undefined;
  readonly kid: string | undefined;
  readonly use: string | undefined;
  readonly keyOps: readonly string[] | undefined;
  readonly isPrivate: boolean;
  /** The key members for `node:crypto`, strings only. */
  readonly material: Readonly<Record<string, string>>;
}

/**
 * Copies and type-checks the members of a JWK object once, without invoking getters
 * (test B14 in test/jws/key.test.ts). Throws `ERR_KEY_INVALID` for anything that is not a well-formed JWK.
 * @internal
 */
export function snapshotJwk(jwk: unknown): JWKSnapshot {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new JwtError('ERR_KEY_INVALID', 'a JWK must be a plain object');
  }
  try {
    const kty = readOwn(jwk, 'kty');
    if (typeof kty !== 'string' || !Object.hasOwn(MEMBERS_BY_TYPE, kty)) {
      throw new JwtError('ERR_KEY_INVALID', 'JWK "kty" must be RSA, EC, OKP or oct');
    }
    const optionalText = (name: string): string | undefined => {
      const value = readOwn(jwk, name);
      if (value !== undefined && typeof value !== 'string') throw new JwtError('ERR_KEY_INVALID', `JWK "${name}" must be a string`);
      return value;
    };
    const rawOps = readOwn(jwk, 'key_ops');
    let keyOps: string[] | undefined;
    if (rawOps !== undefined) {
      if (!Array.isArray(rawOps) || !rawOps.every((op) => typeof op === 'string')) {
        throw new JwtError('ERR_KEY_INVALID', 'JWK "key_ops" must be an array of strings');
      }
      keyOps = [...(rawOps as string[])];
    }
    const members = MEMBERS_BY_TYPE[kty] as (typeof MEMBERS_BY_TYPE)[string];
    const material: Record<string, string> = {};
    for (const name of members.public) {
      const value = readOwn(jwk, name);
      if (typeof value !== 'string') throw new JwtError('ERR_KEY_INVALID', `JWK member "${name}" is missing`);
      material[name] = checkMember(name, value);
    }
    let privateCount = 0;
    for (const name of members.private) {
      const value = readOwn(jwk, name);
      if (value === undefined) continue;
      if (typeof value !== 'string') throw new JwtError('ERR_KEY_INVALID', `JWK member "${name}" must be a string`);
      material[name] = checkMember(name, value);
      privateCount++;
    }
    if (kty === 'oct' && privateCount === 0) throw new JwtError('ERR_KEY_INVALID', 'an oct JWK needs "k"');
    return Object.freeze({
      kty,
      alg: optionalText('alg'),
      kid: optionalText('kid'),
      use: optionalText('use'),
      keyOps,
      isPrivate: kty !== 'oct' && privateCount > 0,
      material: Object.freeze(material),
    });
  } catch (error) {
    if (error instanceof JwtError) throw error;
    throw new JwtError('ERR_KEY_INVALID', 'the JWK could not be read', { cause: error });
  }
}

/**
 * A secret `KeyObject` from a temporary copy of its bytes, which is then zeroed: such copies come
 * from Node's shared Buffer pool, which any pooled Buffer can read through `.buffer`.
 * @internal
 */
export function secretKeyFromCopy(copy: Buffer): KeyObject {
  try {
    return createSecretKey(copy);
  } finally {
    copy.fill(0);
  }
}

function checkMember(name: string, value: string): string {
  if (TEXT_MEMBERS.has(name)) return value;
  const bytes = value.length === 0 ? undefined : decodeBase64urlOrUndefined(value);
  if (bytes === undefined) throw new JwtError('ERR_KEY_INVALID', `JWK member "${name}" is not canonical Base64Url`);
  bytes.fill(0); // only decoded to check it; it may be private key material (`d`, `k`, ...)
  return value;
}

/**
 * Turns a JWK into a `node:crypto` key for one operation. `use` must be `sig` and `key_ops` must
 * list the operation, when present (RFC 7517 §4.2, §4.3). For `verify`, a JWK with private
 * members is refused: pass the public key. Throws `ERR_KEY_INVALID`.
 * @internal
 */
export function jwkToKeyObject(jwk: unknown, usage: KeyUsage): { key: KeyObject; snapshot: JWKSnapshot } {
  const snapshot = snapshotJwk(jwk);
  return { key: snapshotToKeyObject(snapshot, usage), snapshot };
}

/** The second half of {@link jwkToKeyObject}, for callers that already hold a snapshot. @internal */
export function snapshotToKeyObject(snapshot: JWKSnapshot, usage: KeyUsage): KeyObject {
  if (snapshot.use !== undefined && snapshot.use !== 'sig') {
    throw new JwtError('ERR_KEY_INVALID', 'the JWK is not for signatures ("use" is not "sig")');
  }
  if (snapshot.keyOps !== undefined && !snapshot.keyOps.includes(usage)) {
    throw new JwtError('ERR_KEY_INVALID', `the JWK's "key_ops" does not allow "${usage}"`);
  }
  if (usage === 'verify' && snapshot.isPrivate) {
    throw new JwtError('ERR_KEY_INVALID', 'a private JWK was given where a public key is expected');
  }
  if (usage === 'sign' && snapshot.kty !== 'oct' && !snapshot.isPrivate) {
    throw new JwtError('ERR_KEY_INVALID', 'signing needs a private JWK');
  }
  try {
    if (snapshot.kty === 'oct') {
      return secretKeyFromCopy(decodeBase64urlOrUndefined(snapshot.material['k'] as string) as Buffer);
    }
    const jwk = { kty: snapshot.kty, ...snapshot.material };
    return snapshot.isPrivate ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: jwk, format: 'jwk' });
  } catch (error) {
    throw new JwtError('ERR_KEY_INVALID', 'node:crypto refused the JWK', { cause: error });
  }
}
