import assert from 'node:assert/strict';
import { generateSecret, importKey, sign, verify } from 'jwtkit';

// Once: make a random secret (npx jwtkit secret --alg HS256 --base64url) and store it.
const generated = generateSecret('HS256');
process.env.JWT_SECRET = generated.keyObject.export().toString('base64url');

// At startup: read it back as bytes. It must be at least 32 bytes for HS256 (RFC 7518 §3.2).
const encoded = process.env.JWT_SECRET;
if (encoded === undefined) throw new Error('JWT_SECRET is not set');
const secret = importKey(Buffer.from(encoded, 'base64url'), { alg: 'HS256' });

const token = await sign({ sub: 'user-1' }, secret, { alg: 'HS256', expiresIn: '1h' });
const { payload } = await verify(token, secret, { algorithms: ['HS256'] });
assert.equal(payload.sub, 'user-1');
