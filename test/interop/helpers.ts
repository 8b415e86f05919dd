/**
 * Shared material for the interop suites: one key per algorithm, the claims every token carries,
 * and the frozen clock (NOW = 1_700_000_000). Each peer library signs with these keys and
 * verifies jwtkit's tokens, and jwtkit verifies theirs.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { JwsAlgorithm } from '../../src/index.js';

export const NOW = 1_700_000_000;
export const NOW_DATE = new Date(NOW * 1000);
/** A clock standing at NOW, for the `clock` option of `sign` and `verify`. */
export const NOW_CLOCK = (): Date => new Date(NOW * 1000);

/** Registered and private claims of every interop token, with fixed times. */
export const CLAIMS = Object.freeze({
  iss: 'https://issuer.example',
  sub: 'user-1',
  aud: 'api',
  jti: 'token-1',
  iat: NOW,
  nbf: NOW - 10,
  exp: NOW + 600,
  scope: 'read write',
  roles: ['admin', 'user'],
  nested: { a: 1, b: [true, null, 'ü✓'] },
});

export interface AlgKeys {
  /** What signs: a private KeyObject or the secret bytes. */
  signKey: KeyObject | Buffer;
  /** What verifies: a public KeyObject or the secret bytes. */
  verifyKey: KeyObject | Buffer;
  /** PEM strings (or the secret) for libraries that take text keys. */
  signPem: string | Buffer;
  verifyPem: string | Buffer;
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pairs = {
  rsa,
  'P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  'P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  'P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  ed25519: generateKeyPairSync('ed25519'),
};
const secrets = { HS256: randomBytes(32), HS384: randomBytes(48), HS512: randomBytes(64) };

function asymmetric(pair: { privateKey: KeyObject; publicKey: KeyObject }): AlgKeys {
  return {
    signKey: pair.privateKey,
    verifyKey: pair.publicKey,
    signPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    verifyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

/** The keys for one algorithm. */
export function keysFor(alg: JwsAlgorithm): AlgKeys {
  switch (alg) {
    case 'HS256':
    case 'HS384':
    case 'HS512':
      return { signKey: secrets[alg], verifyKey: secrets[alg], signPem: secrets[alg], verifyPem: secrets[alg] };
    case 'ES256':
      return asymmetric(pairs['P-256']);
    case 'ES384':
      return asymmetric(pairs['P-384']);
    case 'ES512':
      return asymmetric(pairs['P-521']);
    case 'EdDSA':
      return asymmetric(pairs.ed25519);
    default:
      return asymmetric(pairs.rsa);
  }
}

/** Options jwtkit's verify uses for interop tokens: the expected issuer and audience, frozen clock. */
export function ourVerifyOptions(alg: JwsAlgorithm) {
  return { algorithms: [alg], issuer: CLAIMS.iss, audience: CLAIMS.aud, subject: CLAIMS.sub, clock: NOW_CLOCK };
}
