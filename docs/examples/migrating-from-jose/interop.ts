// jose and jwtkit read each other's tokens and JWKs.
import assert from 'node:assert/strict';
import { SignJWT, importJWK, jwtVerify } from 'jose';
import { exportJWK, generateKeyPair, importKey, sign, verify } from 'jwtkit';

const { privateKey, publicKey } = await generateKeyPair('EdDSA');

const fromJwtkit = await sign({ sub: 'user-1' }, privateKey, { alg: 'EdDSA', expiresIn: '5m' });
const joseKey = await importJWK(exportJWK(publicKey), 'EdDSA');
assert.equal((await jwtVerify(fromJwtkit, joseKey, { algorithms: ['EdDSA'] })).payload.sub, 'user-1');

const joseSigningKey = await importJWK(exportJWK(privateKey, { private: true }), 'EdDSA');
const fromJose = await new SignJWT({ sub: 'user-2' }).setProtectedHeader({ alg: 'EdDSA' }).setExpirationTime('5m').sign(joseSigningKey);
const { payload } = await verify(fromJose, importKey(exportJWK(publicKey), { alg: 'EdDSA' }), { algorithms: ['EdDSA'] });
assert.equal(payload.sub, 'user-2');
