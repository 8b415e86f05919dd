// Key material for every benchmarked algorithm, generated once per process.
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';

export const ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

function pair(alg) {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'ES384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    default:
      throw new Error(alg);
  }
}

const cache = new Map();

/** `{ alg, signKey, verifyKey, secret? }`: KeyObjects (and the raw secret bytes for HS*). */
export function keysFor(alg) {
  let keys = cache.get(alg);
  if (keys === undefined) {
    if (alg.startsWith('HS')) {
      const secret = randomBytes(Number(alg.slice(2)) / 8);
      const key = createSecretKey(secret);
      keys = { alg, signKey: key, verifyKey: key, secret };
    } else {
      const { privateKey, publicKey } = pair(alg);
      keys = { alg, signKey: privateKey, verifyKey: publicKey };
    }
    cache.set(alg, keys);
  }
  return keys;
}

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'api.example.com';

/** The claims every benchmark token carries (plus `iat` and `exp`, set by each signer). */
export const CLAIMS = Object.freeze({ sub: 'user-1234567890', scope: 'read:messages write:messages', iss: ISSUER, aud: AUDIENCE });
