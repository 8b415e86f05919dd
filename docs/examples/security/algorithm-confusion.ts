import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { base64url, importKey, isJwtError, verify } from 'jwtkit';

const publicPem = readFileSync(new URL('../keys/demo-rs256.public.pem', import.meta.url), 'utf8');
const publicKey = importKey(publicPem, { alg: 'RS256' });

// The classic attack: an HS256 token whose HMAC key is the server's PUBLIC key, which anyone has.
const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const payload = base64url.encode(JSON.stringify({ sub: 'admin', exp: Math.floor(Date.now() / 1000) + 600 }));
const forgedSignature = createHmac('sha256', publicPem).update(`${header}.${payload}`).digest();
const forged = `${header}.${payload}.${base64url.encode(forgedSignature)}`;

// Refused even when the allow-list carelessly names HS256 too: the key is bound to RS256 only.
await assert.rejects(verify(forged, publicKey, { algorithms: ['RS256', 'HS256'] }), (error) =>
  isJwtError(error, 'ERR_JWT_ALG_NOT_ALLOWED'),
);
