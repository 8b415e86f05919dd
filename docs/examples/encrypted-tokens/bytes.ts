import assert from 'node:assert/strict';
import { decrypt, encrypt, generateKeyPair, isJwtError } from 'jwtkit';

const { privateKey, publicKey } = await generateKeyPair('RSA-OAEP-256');

const jwe = await encrypt(new TextEncoder().encode('any bytes'), publicKey, { enc: 'A256GCM' });

const options = { keyManagementAlgorithms: ['RSA-OAEP-256'], contentEncryptionAlgorithms: ['A256GCM'] } as const;
const { plaintext } = await decrypt(jwe, privateKey, options);
console.log(new TextDecoder().decode(plaintext)); // any bytes

// Whatever was tampered with (key, IV, ciphertext, tag, header), the failure is the same.
const [header, encryptedKey, iv, ciphertext] = jwe.split('.');
const tampered = [header, encryptedKey, iv, ciphertext, 'AAAAAAAAAAAAAAAAAAAAAA'].join('.');
try {
  await decrypt(tampered, privateKey, options);
  assert.fail('a tampered token never decrypts');
} catch (error) {
  if (!isJwtError(error)) throw error;
  console.log(error.code); // ERR_JWE_DECRYPTION_FAILED
}
