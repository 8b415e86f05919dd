import assert from 'node:assert/strict';
import { createIssuerKeyResolver, createLocalJWKS, exportJWK, generateKeyPair, isJwtError, sign, verify, type VerifyOptions } from 'jwtkit';

const partner = await generateKeyPair('ES256');
const internal = await generateKeyPair('RS256');

// Each issuer's tokens are verified with that issuer's keys only (RFC 8725 §3.8).
// In production: createRemoteJWKS(url) or await discoverJWKS(issuer) for each.
const keys = createIssuerKeyResolver({
  'https://login.partner.example': createLocalJWKS({ keys: [exportJWK(partner.publicKey)] }),
  'https://auth.internal.example': internal.publicKey,
});
const options: VerifyOptions = { algorithms: ['ES256', 'RS256'], audience: 'api' };
const verifyAny = (token: string) => verify(token, keys, options);

const fromPartner = await sign({ sub: 'p-1' }, partner.privateKey, {
  alg: 'ES256',
  issuer: 'https://login.partner.example',
  audience: 'api',
  expiresIn: '5m',
});
assert.equal((await verifyAny(fromPartner)).payload.sub, 'p-1');

// The partner's key claiming to be the internal issuer: refused, whatever the signature.
const impostor = await sign({ sub: 'admin' }, partner.privateKey, {
  alg: 'ES256',
  issuer: 'https://auth.internal.example',
  audience: 'api',
  expiresIn: '5m',
});
await assert.rejects(verifyAny(impostor), (error) => isJwtError(error, 'ERR_JWT_ALG_NOT_ALLOWED')); // the internal key is RS256
