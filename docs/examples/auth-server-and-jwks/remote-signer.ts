import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { createKeyRing, createLocalJWKS, createRemoteSigner, createTokenService, isJwtError, signSync, verify } from 'jwtkit';

// Stands in for a KMS client, so that the example runs: the private key never leaves it, and, as
// AWS KMS and Google Cloud KMS do, it answers with DER ECDSA signatures. (A KMS that signs digests
// is given `createHash('sha256').update(signingInput).digest()`.)
const kms = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, // its GetPublicKey
    sign: async (message: Uint8Array) => cryptoSign('sha256', message, { key: privateKey, dsaEncoding: 'der' }),
  };
})();

// Signs a probe and verifies it with publicKey before it returns: a wrong key or format fails here.
const signer = await createRemoteSigner({
  alg: 'ES256',
  kid: 'kms-2026-01',
  publicKey: kms.publicKeyPem,
  signatureFormat: 'der', // converted to the JWS form (r || s)
  sign: (signingInput) => kms.sign(signingInput),
  timeout: '5s', // default: 10 seconds
});

// A remote signer is a signing key like any other: for sign(), a key ring, the token service.
const ring = createKeyRing({ current: signer, maxTokenLifetime: '16m' });
const tokens = createTokenService({ key: ring, issuer: 'https://auth.example.com', audience: 'api' });
const { accessToken } = await tokens.issue('user-1');

// The ring publishes the signer's public key; resource servers verify as usual.
assert.equal(ring.jwks().keys[0]?.kid, 'kms-2026-01');
await verify(accessToken, createLocalJWKS(ring.jwks()), {
  algorithms: ['ES256'],
  issuer: 'https://auth.example.com',
  audience: 'api',
});

// signSync cannot wait for a KMS.
assert.throws(
  () => signSync({ sub: 'user-1' }, signer, { alg: 'ES256' }),
  (error) => isJwtError(error, 'ERR_INVALID_OPTION'),
);
