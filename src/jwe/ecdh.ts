import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeBase64urlOrUndefined } from '../encoding/base64url.js';
import { JwtError, type JwtErrorCode } from '../errors.js';
import { CURVES } from './algorithms.js';
import type { JweCurve } from './types.js';

/** The longest `apu` / `apv` accepted, in decoded bytes. */
export const MAX_PARTY_INFO_LENGTH = 128;

/** The JWK curve of an ECDH-ES key, or `undefined` for any other key. @internal */
export function curveOfKey(key: KeyObject): JweCurve | undefined {
  if (key.asymmetricKeyType === 'x25519') return 'X25519';
  if (key.asymmetricKeyType !== 'ec') return undefined;
  const named = key.asymmetricKeyDetails?.namedCurve;
  for (const [crv, { nodeCurve }] of Object.entries(CURVES)) if (nodeCurve === named) return crv as JweCurve;
  return undefined;
}

/**
 * The shared secret Z of ECDH (RFC 7518 §4.6.2) or X25519 (RFC 8037 §3.2). An all-zero X25519 Z
 * (a low-order point) is refused whatever the OpenSSL version does with it. Throws `code`.
 * @internal
 */
export function sharedSecret(privateKey: KeyObject, publicKey: KeyObject, code: JwtErrorCode): Buffer {
  let z: Buffer;
  try {
    z = diffieHellman({ privateKey, publicKey });
  } catch (error) {
    throw new JwtError(code, 'the key agreement failed: the public key is not usable with this key', { cause: error });
  }
  // RFC 7748 §6.1: an all-zero X25519 output means a low-order point. (For the NIST curves Z is
  // the x-coordinate, which may be zero: Wycheproof ecdh_secp256r1_webcrypto_test.json tcId 2.)
  if (privateKey.asymmetricKeyType === 'x25519') {
    let any = 0;
    for (const byte of z) any |= byte;
    if (any === 0) throw new JwtError(code, 'the key agreement gave an all-zero secret (a low-order public key)');
  }
  return z;
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(bytes.length);
  return Buffer.concat([prefix, bytes]);
}

/**
 * The Concat KDF of NIST SP 800-56A §5.8.1 with SHA-256, as RFC 7518 §4.6.2 uses it:
 * `keyLength` bytes from Z and the OtherInfo of `algorithmId` (the `enc` for ECDH-ES, the `alg`
 * for ECDH-ES+A*KW), `apu` and `apv`. @internal
 */
export function concatKdf(z: Buffer, keyLength: number, algorithmId: string, apu: Buffer, apv: Buffer): Buffer {
  const suppPubInfo = Buffer.alloc(4);
  suppPubInfo.writeUInt32BE(keyLength * 8);
  const otherInfo = Buffer.concat([
    lengthPrefixed(Buffer.from(algorithmId, 'ascii')),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    suppPubInfo,
  ]);
  const rounds: Buffer[] = [];
  for (let counter = 1; rounds.length * 32 < keyLength; counter++) {
    const counterBytes = Buffer.alloc(4);
    counterBytes.writeUInt32BE(counter);
    rounds.push(createHash('sha256').update(counterBytes).update(z).update(otherInfo).digest());
  }
  return Buffer.concat(rounds).subarray(0, keyLength);
}

function malformed(message: string, cause?: unknown): JwtError {
  return new JwtError('ERR_JWE_MALFORMED', message, cause === undefined ? undefined : { cause });
}

/** A coordinate of `epk`: canonical Base64Url of exactly the curve's length. */
function coordinate(epk: Record<string, unknown>, name: 'x' | 'y', length: number): string {
  const value = Object.hasOwn(epk, name) ? epk[name] : undefined;
  const bytes = typeof value === 'string' ? decodeBase64urlOrUndefined(value) : undefined;
  if (bytes === undefined || bytes.length !== length) throw malformed(`the "epk" member "${name}" is not a coordinate of the curve`);
  return value as string;
}

/**
 * Reads the ephemeral public key of an ECDH-ES header (RFC 7518 §4.6.1.1): a JWK with only
 * `kty`, `crv`, `x` (and `y` for EC), on `curve`, the curve of the recipient's key, compared
 * before the point is read (node:crypto imports a point of another curve and fails only later);
 * a point not on the curve is refused by node:crypto. Throws `ERR_JWE_MALFORMED`.
 * @internal
 */
export function readEphemeralKey(epk: unknown, curve: JweCurve): KeyObject {
  if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) throw malformed('the header has no "epk" object');
  const members = epk as Record<string, unknown>;
  const okp = curve === 'X25519';
  const allowed = okp ? ['kty', 'crv', 'x'] : ['kty', 'crv', 'x', 'y'];
  for (const name of Object.keys(members)) {
    if (!allowed.includes(name)) throw malformed(`the "epk" has a member "${name}" that an ephemeral public key does not have`);
  }
  if (members['kty'] !== (okp ? 'OKP' : 'EC')) throw malformed('the "epk" is not a key of the type of the recipient key');
  if (members['crv'] !== curve) throw malformed('the "epk" is not on the curve of the recipient key');
  const length = CURVES[curve].coordinateLength;
  const jwk = okp
    ? { kty: 'OKP', crv: curve, x: coordinate(members, 'x', length) }
    : { kty: 'EC', crv: curve, x: coordinate(members, 'x', length), y: coordinate(members, 'y', length) };
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch (error) {
    throw malformed('the "epk" is not a point on its curve', error);
  }
}

/** A new ephemeral key pair on a curve, and its public JWK as the `epk` header carries it. @internal */
export function ephemeralKeyPair(curve: JweCurve): { privateKey: KeyObject; epk: Record<string, string> } {
  const { privateKey, publicKey } =
    curve === 'X25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: CURVES[curve].nodeCurve });
  const jwk = publicKey.export({ format: 'jwk' });
  const epk: Record<string, string> =
    curve === 'X25519' ? { kty: 'OKP', crv: curve, x: jwk.x as string } : { kty: 'EC', crv: curve, x: jwk.x as string, y: jwk.y as string };
  return { privateKey, epk };
}

/**
 * Reads an optional `apu` / `apv` header parameter: canonical Base64Url of at most
 * {@link MAX_PARTY_INFO_LENGTH} bytes. Throws `ERR_JWE_MALFORMED`.
 * @internal
 */
export function readPartyInfo(header: Record<string, unknown>, name: 'apu' | 'apv'): Buffer {
  if (!Object.hasOwn(header, name)) return Buffer.alloc(0);
  const value = header[name];
  const bytes = typeof value === 'string' ? decodeBase64urlOrUndefined(value) : undefined;
  if (bytes === undefined) throw malformed(`the header's "${name}" is not Base64Url`);
  if (bytes.length > MAX_PARTY_INFO_LENGTH) throw malformed(`the header's "${name}" is longer than ${MAX_PARTY_INFO_LENGTH} bytes`);
  return bytes;
}
