// jose 6: signing with the builder, verifying against a key set.
import assert from 'node:assert/strict';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';

const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] });

const token = await new SignJWT({ scope: 'read' })
  .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
  .setSubject('user-1')
  .setIssuer('https://auth.example')
  .setAudience('api')
  .setIssuedAt()
  .setExpirationTime('15m')
  .sign(privateKey);

const { payload, protectedHeader } = await jwtVerify<{ scope: string }>(token, jwks, {
  algorithms: ['ES256'],
  issuer: 'https://auth.example',
  audience: 'api',
  typ: 'at+jwt',
  maxTokenAge: '1h',
});
assert.equal(payload.scope, 'read');
assert.equal(protectedHeader.kid, 'k1');
