import { decryptJwt, encryptJwt, exportJWK, generateSecret, importKey } from 'jwtkit';

// Once: make the key and keep its base64url bytes in your secret store.
const stored = exportJWK(generateSecret('dir', { enc: 'A256GCM' }), { private: true }).k as string;

// At startup: the key is bound to dir and to A256GCM.
const sealingKey = importKey(Buffer.from(stored, 'base64url'), { alg: 'dir', enc: 'A256GCM' });

const cookie = await encryptJwt({ sub: 'user-1', cart: ['sku-1'] }, sealingKey, { expiresIn: '1h' });

const { payload } = await decryptJwt<{ cart: string[] }>(cookie, sealingKey, {
  keyManagementAlgorithms: ['dir'],
  contentEncryptionAlgorithms: ['A256GCM'],
});

console.log(payload.sub, payload.cart); // user-1 [ 'sku-1' ]
