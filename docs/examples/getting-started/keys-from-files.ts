import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { importKey, sign, verify } from 'jwtkit';

// Made with: npx jwtkit keygen --alg ES256 --out demo-es256
const privatePem = readFileSync(new URL('../keys/demo-es256.private.pem', import.meta.url), 'utf8');
const publicJwk = JSON.parse(readFileSync(new URL('../keys/demo-es256.public.jwk.json', import.meta.url), 'utf8'));

// Import once, at startup: the key is checked for its algorithm here, not on every request.
const signingKey = importKey(privatePem, { alg: 'ES256', kid: publicJwk.kid });
const verificationKey = importKey(publicJwk, { alg: 'ES256' });

const token = await sign({ sub: 'user-1' }, signingKey, { alg: 'ES256', expiresIn: '15m' });
const { header } = await verify(token, verificationKey, { algorithms: ['ES256'] });
assert.equal(header.kid, publicJwk.kid);
