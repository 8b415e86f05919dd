import { decryptThenVerify, generateKeyPair, signThenEncrypt } from 'jwtkit';

// The issuer signs with its key; the recipient publishes an encryption key.
const issuer = await generateKeyPair('ES256');
const recipient = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' });

const token = await signThenEncrypt(
  { scope: 'payroll:read' },
  { signingKey: issuer.privateKey, encryptionKey: recipient.publicKey },
  { sign: { alg: 'ES256', subject: 'user-1', audience: 'payroll', expiresIn: '5m' }, encrypt: { enc: 'A256GCM' } },
);

const { payload, encryptionHeader } = await decryptThenVerify<{ scope: string }>(
  token,
  { decryptionKey: recipient.privateKey, verificationKey: issuer.publicKey },
  {
    decrypt: { keyManagementAlgorithms: ['ECDH-ES+A256KW'], contentEncryptionAlgorithms: ['A256GCM'] },
    verify: { algorithms: ['ES256'], audience: 'payroll' },
  },
);

console.log(payload.sub, payload.scope, encryptionHeader.cty); // user-1 payroll:read JWT
