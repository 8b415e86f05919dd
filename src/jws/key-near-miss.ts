import { ALGORITHMS, isJwsAlgorithm } from './algorithms.js';
import type { JwsAlgorithm } from './types.js';

/**
 * The message for a key that is `undefined` or `null`: most often `process.env.NAME` of a
 * variable that is not set, or a key not loaded yet.
 * @internal
 */
export function absentKeyMessage(value: null | undefined): string {
  return `got ${String(value)}: is the environment variable set?`;
}

/**
 * The algorithm to show in an `importKey(..., { alg })` fix: the first asymmetric one the caller
 * asked for (`alg` of `sign`, or the `algorithms` of `verify`), else `RS256` as an example.
 */
function asymmetricAlgorithm(intended: unknown): JwsAlgorithm {
  const candidates: readonly unknown[] = Array.isArray(intended) ? intended : [intended];
  for (const candidate of candidates) {
    if (isJwsAlgorithm(candidate) && ALGORITHMS[candidate].family !== 'hmac') return candidate;
  }
  return 'RS256';
}

/**
 * What a string or bytes given as an HMAC secret hold instead: PEM text, a JSON document, or a
 * DER key in Base64 (named by its `importKey` format).
 */
export type KeyDocument = 'pem' | 'json' | 'spki' | 'pkcs1-public' | 'pkcs8';

/**
 * The message for a key document given where a string or bytes are read as an HMAC secret
 * (tests B7–B8 in test/jws/key.test.ts): it names the `importKey` call that reads it, with the
 * algorithm the caller meant (`intended`: an algorithm or a list of them, read only here).
 * @internal
 */
export function keyDocumentMessage(document: KeyDocument, input: 'string' | 'bytes', intended: unknown): string {
  const alg = asymmetricAlgorithm(intended);
  if (document === 'pem') {
    const call = input === 'string' ? `pem, { alg: '${alg}' }` : `bytes, { alg: '${alg}', format: 'pem' }`;
    return `the key is PEM text, not an HMAC secret: use importKey(${call})`;
  }
  if (document === 'json') return `the key is JSON text, not an HMAC secret: use importKey(JSON.parse(text), { alg: '${alg}' })`;
  return `the key is Base64 DER, not an HMAC secret: use importKey(Buffer.from(text, 'base64'), { alg: '${alg}', format: '${document}' })`;
}
