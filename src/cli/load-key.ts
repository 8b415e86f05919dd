import { decodeBase64urlOrUndefined } from '../encoding/base64url.js';
import { JwtError, isJwtError } from '../errors.js';
import { ALGORITHMS } from '../jws/algorithms.js';
import { bindKey, toVerificationKey } from '../jws/key.js';
import type { BoundKey, JWK, JwsAlgorithm, KeyResolver } from '../jws/types.js';
import { exportJWK } from '../keys/export-jwk.js';
import { importKey, type ImportKeyInput } from '../keys/import-key.js';
import { createLocalJWKS } from '../keys/local-jwks.js';
import { createRemoteJWKS } from '../keys/remote-jwks.js';
import { thumbprint } from '../keys/thumbprint.js';
import type { JsonWebKeySet } from '../keys/types.js';
import { readTextFile } from './arguments.js';

/** Where a command's key comes from: `--key <file|url>` or `--secret-env <NAME>`. */
export interface KeySource {
  /** `--key`: a PEM or JSON (JWK, JWKS) file; for `verify`, also an `https:` JWKS URL. */
  key?: string | undefined;
  /** `--secret-env`: the name of an environment variable holding an HMAC secret. */
  secretEnv?: string | undefined;
  /** `--secret-encoding`: how that variable encodes the secret: `base64url` (the default), `utf8` or `hex`. */
  secretEncoding?: string | undefined;
  /** `--passphrase-env`: the name of an environment variable holding the private key's passphrase. */
  passphraseEnv?: string | undefined;
}

/** What a key file holds. A key file is PEM or JSON, never a bare secret (its encoding would be a guess). */
export type KeyMaterial =
  { kind: 'pem'; text: string } | { kind: 'jwk'; jwk: JWK } | { kind: 'jwks'; jwks: JsonWebKeySet } | { kind: 'secret'; bytes: Uint8Array };

/**
 * How `--secret-env` reads its variable. The first is the default: base64url, the form
 * `jwtkit secret` prints (`--base64url`, and the `k` of its JWK), so a secret it makes works as is.
 */
const SECRET_ENCODINGS = ['base64url', 'utf8', 'hex'] as const;
type SecretEncoding = (typeof SECRET_ENCODINGS)[number];

export function parseKeyFile(text: string, path: string): KeyMaterial {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new JwtError('ERR_KEY_INVALID', `${path} is not valid JSON`, { cause: error });
    }
    const members = parsed as Record<string, unknown>;
    if (Array.isArray(members['keys'])) return { kind: 'jwks', jwks: parsed as JsonWebKeySet };
    if (typeof members['kty'] === 'string') return { kind: 'jwk', jwk: parsed as JWK };
    throw new JwtError('ERR_KEY_INVALID', `${path} is JSON but neither a JWK nor a JWKS`);
  }
  if (trimmed.includes('-----BEGIN ')) return { kind: 'pem', text };
  throw new JwtError('ERR_KEY_INVALID', `${path} holds neither a PEM key nor a JWK/JWKS (store an HMAC secret as a JWK: jwtkit secret)`);
}

function readSecretEnv(source: KeySource, env: Readonly<Record<string, string | undefined>>): Uint8Array {
  const name = source.secretEnv as string;
  const value = env[name];
  if (value === undefined || value === '') throw new JwtError('ERR_INVALID_OPTION', `--secret-env: the variable ${name} is not set`);
  const encoding = source.secretEncoding ?? SECRET_ENCODINGS[0];
  if (!isSecretEncoding(encoding)) {
    throw new JwtError('ERR_INVALID_OPTION', `--secret-encoding must be one of ${SECRET_ENCODINGS.join(', ')}`);
  }
  if (encoding === 'utf8') return new TextEncoder().encode(value);
  const bytes = encoding === 'hex' ? decodeHexOrUndefined(value) : decodeBase64urlOrUndefined(value);
  if (bytes === undefined) {
    // Name the fix, never the value.
    const fix = /^\s|\s$/.test(value)
      ? 'remove the whitespace around it (a trailing newline?)'
      : 'if it holds the secret as text, add --secret-encoding utf8';
    throw new JwtError('ERR_KEY_INVALID', `--secret-env: the variable ${name} is not canonical ${encoding}: ${fix}`);
  }
  return new Uint8Array(bytes);
}

function isSecretEncoding(value: string): value is SecretEncoding {
  return (SECRET_ENCODINGS as readonly string[]).includes(value);
}

/** Hex text (either case, an even number of digits) as bytes, or `undefined`. */
function decodeHexOrUndefined(text: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : undefined;
}

/** Reads `--key` or `--secret-env` (exactly one) into key material. */
export function readMaterial(source: KeySource, env: Readonly<Record<string, string | undefined>>): KeyMaterial {
  if ((source.key === undefined) === (source.secretEnv === undefined)) {
    throw new JwtError('ERR_INVALID_OPTION', 'give the key with exactly one of --key <file> or --secret-env <NAME>');
  }
  if (source.secretEnv !== undefined) return { kind: 'secret', bytes: readSecretEnv(source, env) };
  const path = source.key as string;
  return parseKeyFile(readTextFile(path, '--key'), path);
}

export function passphraseOf(source: KeySource, env: Readonly<Record<string, string | undefined>>): { passphrase?: string } {
  if (source.passphraseEnv === undefined) return {};
  const value = env[source.passphraseEnv];
  if (value === undefined) throw new JwtError('ERR_INVALID_OPTION', `--passphrase-env: the variable ${source.passphraseEnv} is not set`);
  return { passphrase: value };
}

function importMaterial(material: KeyMaterial, alg: JwsAlgorithm, passphrase: { passphrase?: string }): BoundKey {
  switch (material.kind) {
    case 'pem':
      return importKey(material.text, { alg, ...passphrase });
    case 'jwk':
      return importKey(material.jwk as ImportKeyInput, { alg });
    case 'secret':
      return importKey(material.bytes, { alg });
    case 'jwks':
      throw new JwtError('ERR_INVALID_OPTION', '--key holds a key set: this command needs one key');
  }
}

/**
 * The signing key for `sign`: a private key or an HMAC secret bound to `alg`. A private key
 * without a `kid` gets its RFC 7638 thumbprint, the `kid` `jwtkit keygen` and `jwtkit jwks` give
 * its public half, so that verifiers can pick it from a key set.
 */
export function loadSigningKey(
  source: KeySource,
  alg: JwsAlgorithm,
  env: Readonly<Record<string, string | undefined>>,
  kid?: string,
): BoundKey {
  const key = importMaterial(readMaterial(source, env), alg, passphraseOf(source, env));
  if (key.type === 'public') throw new JwtError('ERR_KEY_INVALID', '--key holds a public key: signing needs the private key');
  const wantedKid = kid ?? key.kid ?? (key.type === 'private' ? thumbprint(exportJWK(key)) : undefined);
  return wantedKid === key.kid ? key : bindKey(key.keyObject, alg, { kid: wantedKid as string });
}

function isRemote(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/**
 * The verification key for `verify`: a JWKS URL or file becomes a key resolver; a single key is
 * bound to each allowed algorithm it fits. Only the key set is fetched: the token is never sent.
 */
export function loadVerificationKey(
  source: KeySource,
  algorithms: readonly JwsAlgorithm[],
  env: Readonly<Record<string, string | undefined>>,
): BoundKey | KeyResolver {
  if (source.key !== undefined && source.secretEnv === undefined && isRemote(source.key)) return createRemoteJWKS(source.key);
  const material = readMaterial(source, env);
  if (material.kind === 'jwks') {
    const allowSymmetric = algorithms.every((alg) => ALGORITHMS[alg].family === 'hmac');
    return createLocalJWKS(material.jwks, { allowSymmetric });
  }
  const byAlgorithm = new Map<string, BoundKey>();
  let lastError: unknown;
  for (const alg of algorithms) {
    try {
      const key = importMaterial(material, alg, passphraseOf(source, env));
      byAlgorithm.set(alg, key.type === 'private' ? toVerificationKey(key) : key);
    } catch (error) {
      if (!isJwtError(error, 'ERR_KEY_INVALID')) throw error;
      lastError = error;
    }
  }
  const keys = [...byAlgorithm.values()];
  if (keys.length === 0) {
    throw new JwtError('ERR_KEY_INVALID', `the key cannot be used with ${algorithms.join(', ')}`, { cause: lastError });
  }
  if (keys.length === 1) return keys[0] as BoundKey;
  const fallback = keys[0] as BoundKey;
  return (header) => byAlgorithm.get(header.alg) ?? fallback;
}
