// The peer libraries, each used the way its documentation recommends for speed: keys prepared
// once (KeyObjects; jose turns them into CryptoKeys once and caches them), verifiers and signers
// built once (fast-jwt), the same claims and the same checks (`alg`, `exp`, `iss`, `aud`).
// A peer without a synchronous API (jose) or without an algorithm (jsonwebtoken: EdDSA) is
// simply absent from that row.
import { createDecoder, createSigner, createVerifier } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { AUDIENCE, ISSUER } from './keys.mjs';

const JSONWEBTOKEN_ALGS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'ES384']);

function promisify(call) {
  return new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));
}

/**
 * Contestant functions of every peer for one algorithm:
 * `{ name, signSync?, signAsync?, verifySync?, verifyAsync? }[]`; sign functions take the claims,
 * verify functions take the token.
 */
/** fast-jwt takes secrets as bytes and asymmetric keys as PEM text (it parses each PEM once and caches it). */
function fastJwtKey(key) {
  if (key.type === 'secret') return key.export();
  return key.export({ format: 'pem', type: key.type === 'private' ? 'pkcs8' : 'spki' });
}

export function peersFor({ alg, signKey, verifyKey }) {
  const peers = [];

  // jose: async only.
  const joseVerifyOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
  peers.push({
    name: 'jose',
    signAsync: (claims) =>
      new jose.SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).setIssuedAt().setExpirationTime('1h').sign(signKey),
    verifyAsync: (token) => jose.jwtVerify(token, verifyKey, joseVerifyOptions),
  });

  // jsonwebtoken: sync, and async through its callback form.
  if (JSONWEBTOKEN_ALGS.has(alg)) {
    const signOptions = { algorithm: alg, expiresIn: 3600 };
    const verifyOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
    peers.push({
      name: 'jsonwebtoken',
      signSync: (claims) => jsonwebtoken.sign(claims, signKey, signOptions),
      signAsync: (claims) => promisify((done) => jsonwebtoken.sign(claims, signKey, signOptions, done)),
      verifySync: (token) => jsonwebtoken.verify(token, verifyKey, verifyOptions),
      verifyAsync: (token) => promisify((done) => jsonwebtoken.verify(token, verifyKey, verifyOptions, done)),
    });
  }

  // fast-jwt: sync with a key; async when the key is given by an async function.
  const fastSignOptions = { algorithm: alg, expiresIn: 3_600_000 };
  const fastVerifyOptions = { algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE };
  const fastSignKey = fastJwtKey(signKey);
  const fastVerifyKey = fastJwtKey(verifyKey);
  const fastSignSync = createSigner({ ...fastSignOptions, key: fastSignKey });
  const fastSignAsync = createSigner({ ...fastSignOptions, key: async () => fastSignKey });
  const fastVerifySync = createVerifier({ ...fastVerifyOptions, key: fastVerifyKey });
  const fastVerifyAsync = createVerifier({ ...fastVerifyOptions, key: async () => fastVerifyKey });
  peers.push({
    name: 'fast-jwt',
    signSync: (claims) => fastSignSync(claims),
    signAsync: (claims) => fastSignAsync(claims),
    verifySync: (token) => fastVerifySync(token),
    verifyAsync: (token) => fastVerifyAsync(token),
  });

  return peers;
}

/** fast-jwt's verifier with its verified-token cache on (`cache: true`, its defaults otherwise). */
export function fastJwtCachedVerifier({ alg, verifyKey }) {
  return createVerifier({ algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE, key: fastJwtKey(verifyKey), cache: true });
}

/** Peer decoders (no verification). */
export function peerDecoders() {
  const fastDecode = createDecoder({ complete: true });
  return [
    { name: 'fast-jwt', decode: (token) => fastDecode(token) },
    { name: 'jose', decode: (token) => ({ header: jose.decodeProtectedHeader(token), payload: jose.decodeJwt(token) }) },
    { name: 'jsonwebtoken', decode: (token) => jsonwebtoken.decode(token, { complete: true }) },
  ];
}
