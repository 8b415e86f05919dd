import { JwtError } from '../errors.js';
import type { JweContentEncryptionAlgorithm, JweKey, JweKeyManagementAlgorithm } from '../jwe/types.js';
import {
  isJweContentEncryptionAlgorithm,
  isJweKeyManagementAlgorithm,
  JWE_CONTENT_ENCRYPTION_ALGORITHMS,
  JWE_KEY_MANAGEMENT_ALGORITHMS,
} from '../jwe/algorithms.js';
import { importKey, type ImportKeyInput } from '../keys/import-key.js';
import { passphraseOf, readMaterial, type KeySource } from './load-key.js';

/** Reads `--alg` of `encrypt`/`decrypt`: exactly one JWE key management algorithm (the key is bound to it). */
export function readKeyManagementAlgorithm(value: string | undefined): JweKeyManagementAlgorithm {
  if (value === undefined) throw new JwtError('ERR_INVALID_OPTION', '--alg is required (e.g. --alg ECDH-ES+A256KW): there is no default');
  if (value === 'RSA1_5') throw new JwtError('ERR_INVALID_OPTION', '--alg RSA1_5 is never supported (RFC 8725 §3.2): use RSA-OAEP-256');
  if (!isJweKeyManagementAlgorithm(value)) {
    throw new JwtError('ERR_INVALID_OPTION', `--alg must be one of ${JWE_KEY_MANAGEMENT_ALGORITHMS.join(', ')}`);
  }
  return value;
}

/** Reads `--enc` values (repeated or comma-separated) as content encryption algorithms. */
export function readContentEncryptionAlgorithms(values: readonly string[] | undefined): JweContentEncryptionAlgorithm[] {
  const names = (values ?? []).flatMap((value) => value.split(',')).map((name) => name.trim());
  if (names.length === 0) throw new JwtError('ERR_INVALID_OPTION', '--enc is required (e.g. --enc A256GCM): there is no default');
  for (const name of names) {
    if (!isJweContentEncryptionAlgorithm(name)) {
      throw new JwtError('ERR_INVALID_OPTION', `--enc must be one of ${JWE_CONTENT_ENCRYPTION_ALGORITHMS.join(', ')}`);
    }
  }
  return [...new Set(names as JweContentEncryptionAlgorithm[])];
}

/**
 * The key of `encrypt` (a public key or a secret) or `decrypt` (a private key or a secret), bound
 * to `alg` (and a `dir` key to its one `enc`). A private key given to `encrypt` encrypts to its
 * public half.
 */
export function loadJweKey(
  source: KeySource,
  alg: JweKeyManagementAlgorithm,
  enc: readonly JweContentEncryptionAlgorithm[],
  env: Readonly<Record<string, string | undefined>>,
): JweKey {
  if (alg === 'dir' && enc.length !== 1)
    throw new JwtError('ERR_INVALID_OPTION', 'a "dir" key is for one content encryption algorithm: give exactly one --enc');
  const options = { alg, ...(alg === 'dir' ? { enc: enc[0] as JweContentEncryptionAlgorithm } : {}) };
  const material = readMaterial(source, env);
  switch (material.kind) {
    case 'pem':
      return importKey(material.text, { ...options, ...passphraseOf(source, env) });
    case 'jwk':
      return importKey(material.jwk as ImportKeyInput, options);
    case 'secret':
      return importKey(material.bytes, options);
    case 'jwks':
      throw new JwtError('ERR_INVALID_OPTION', '--key holds a key set: this command needs one key');
  }
}
