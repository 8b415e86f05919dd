// Compact JWE decrypt and encrypt against jose (the one peer with JWE), for the three shapes of
// docs/encrypted-tokens.md: dir + A256GCM (a sealed cookie), ECDH-ES+A256KW + A256GCM and
// RSA-OAEP-256 + A256GCM (tokens encrypted to a public key). The plaintext is a 300-byte claims set.
import * as jose from 'jose';
import { hasExports } from '../lib/subject.mjs';

const SHAPES = [
  ['dir', 'A256GCM'],
  ['ECDH-ES+A256KW', 'A256GCM'],
  ['RSA-OAEP-256', 'A256GCM'],
];
const PLAINTEXT = new TextEncoder().encode(
  JSON.stringify({ sub: 'user-1', scope: 'read write', cart: Array.from({ length: 20 }, (_, i) => `sku-${i}`) }),
);

/** A key pair (or a dir secret) of the build, and the same keys as jose takes them. */
async function keysOf(jwtkit, alg, enc) {
  if (alg === 'dir') {
    const secret = jwtkit.generateSecret('dir', { enc });
    const bytes = new Uint8Array(secret.keyObject.export());
    return { encryptionKey: secret, decryptionKey: secret, joseEncrypt: bytes, joseDecrypt: bytes };
  }
  const { privateKey, publicKey } = await jwtkit.generateKeyPair(alg);
  return { encryptionKey: publicKey, decryptionKey: privateKey, joseEncrypt: publicKey.keyObject, joseDecrypt: privateKey.keyObject };
}

export function groups({ jwtkit }) {
  const out = [];
  for (const [alg, enc] of SHAPES) {
    for (const operation of ['decrypt', 'encrypt']) {
      const group = { id: `jwe/${operation}/${alg}+${enc}`, title: `JWE ${operation}, ${alg} + ${enc}, 300-byte plaintext (async)` };
      if (!hasExports(jwtkit, 'encrypt', 'decrypt')) {
        out.push({ ...group, skip: 'JWE is not in this build' });
        continue;
      }
      group.build = async () => {
        const keys = await keysOf(jwtkit, alg, enc);
        const options = { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc] };
        const token = await jwtkit.encrypt(PLAINTEXT, keys.encryptionKey, alg === 'dir' ? {} : { enc });
        const contestants =
          operation === 'decrypt'
            ? [
                { name: 'jwtkit', role: 'subject', async: true, fn: () => jwtkit.decrypt(token, keys.decryptionKey, options) },
                { name: 'jose', role: 'peer', async: true, fn: () => jose.compactDecrypt(token, keys.joseDecrypt, options) },
              ]
            : [
                {
                  name: 'jwtkit',
                  role: 'subject',
                  async: true,
                  fn: () => jwtkit.encrypt(PLAINTEXT, keys.encryptionKey, alg === 'dir' ? {} : { enc }),
                },
                {
                  name: 'jose',
                  role: 'peer',
                  async: true,
                  fn: () => new jose.CompactEncrypt(PLAINTEXT).setProtectedHeader({ alg, enc }).encrypt(keys.joseEncrypt),
                },
              ];
        return {
          contestants,
          check: (result) => {
            if (operation === 'decrypt' && Buffer.compare(Buffer.from(result.plaintext), Buffer.from(PLAINTEXT)) !== 0)
              throw new Error('wrong plaintext');
            if (operation === 'encrypt' && (typeof result !== 'string' || result.split('.').length !== 5))
              throw new Error('not a compact JWE');
          },
        };
      };
      out.push(group);
    }
  }
  return out;
}
