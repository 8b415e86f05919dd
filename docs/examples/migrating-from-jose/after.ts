// The same with jwtkit.
import assert from 'node:assert/strict';
import { createLocalJWKS, exportJWK, generateKeyPair, sign, verify } from 'jwtkit';

const { privateKey, publicKey } = await generateKeyPair('ES256', { kid: 'k1' }); // default kid: the thumbprint
const jwks = createLocalJWKS({ keys: [exportJWK(publicKey)] }); // exportJWK adds alg and kid

const token = await sign({ scope: 'read' }, privateKey, {
  alg: 'ES256',
  typ: 'at+jwt',
  subject: 'user-1',
  issuer: 'https://auth.example',
  audience: 'api',
  expiresIn: '15m', // iat is set by default
});

const { payload, header } = await verify<{ scope: string }>(token, jwks, {
  algorithms: ['ES256'],
  issuer: 'https://auth.example',
  audience: 'api',
  typ: 'at+jwt',
  maxAge: '1h',
});
assert.equal(payload.scope, 'read');
assert.equal(header.kid, 'k1');
