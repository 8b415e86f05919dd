import { generateKeyPair, sign, verify } from 'jwtkit';

const { privateKey, publicKey } = await generateKeyPair('ES256');

const token = await sign({ scope: 'read' }, privateKey, { alg: 'ES256', subject: 'user-1', audience: 'api', expiresIn: '15m' });

const { payload } = await verify<{ scope: string }>(token, publicKey, { algorithms: ['ES256'], audience: 'api' });

console.log(payload.sub, payload.scope); // user-1 read
