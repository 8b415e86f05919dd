import assert from 'node:assert/strict';
import { generateKeyPair, isJwtError, sign, verify } from 'jwtkit';

const { privateKey, publicKey } = await generateKeyPair('EdDSA');

// A token for another service of the same issuer, without an audience at all.
const token = await sign({ sub: 'user-1' }, privateKey, { alg: 'EdDSA', issuer: 'https://auth.example', expiresIn: '5m' });

// Expecting an audience makes `aud` required: a token that names none is refused.
await assert.rejects(
  verify(token, publicKey, { algorithms: ['EdDSA'], issuer: 'https://auth.example', audience: 'api' }),
  (error) => isJwtError(error, 'ERR_JWT_CLAIM_INVALID') && error.claim === 'aud' && error.reason === 'missing',
);

// Explicit typing keeps token kinds apart: this plain JWT is not an RFC 9068 access token.
await assert.rejects(verify(token, publicKey, { algorithms: ['EdDSA'], typ: 'at+jwt' }), (error) =>
  isJwtError(error, 'ERR_JWT_TYPE_MISMATCH'),
);
