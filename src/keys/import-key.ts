import { KeyObject, X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGORITHMS, isJwsAlgorithm } from '../jws/algorithms.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { bindKey } from '../jws/key.js';
import { absentKeyMessage } from '../jws/key-near-miss.js';
import type { BoundKey, JWK, JwsAlgorithm, KeyInput } from '../jws/types.js';
import { KEY_MANAGEMENT, isJweKeyManagementAlgorithm } from '../jwe/algorithms.js';
import { bindJweKey } from '../jwe/key.js';
import type { JweContentEncryptionAlgorithm, JweKey, JweKeyManagementAlgorithm } from '../jwe/types.js';

/**
 * How key bytes given to {@link importKey} are encoded:
 * - `pem`: PEM text as UTF-8 bytes (e.g. `fs.readFileSync('key.pem')`);
 * - `spki`: DER SubjectPublicKeyInfo (public);
 * - `pkcs8`: DER PKCS#8 private key, encrypted or not;
 * - `pkcs1-public` / `pkcs1-private`: DER PKCS#1 RSA public / private key;
 * - `sec1`: DER SEC 1 EC private key;
 * - `x509`: DER X.509 certificate (its public key is imported).
 */
export type KeyFormat = 'pem' | 'spki' | 'pkcs8' | 'pkcs1-public' | 'pkcs1-private' | 'sec1' | 'x509';

/** What {@link importKey} reads: PEM text, bytes (DER, PEM or an HMAC secret) or a JWK object. */
export type ImportKeyInput = string | Uint8Array | JWK | KeyObject;

/** Options of {@link importKey}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface ImportKeyOptions {
  /**
   * The one algorithm the key will be used with: a JWS algorithm (the result is a {@link BoundKey})
   * or a JWE key management algorithm (the result is a `JweKey`). Required: there is no default.
   */
  alg: JwsAlgorithm | JweKeyManagementAlgorithm;
  /**
   * The content encryption algorithm of a `dir` key (RFC 7518 §4.5), which is bound to it too.
   * Required with `alg: 'dir'`, refused with any other `alg`. Default: none.
   */
  enc?: JweContentEncryptionAlgorithm;
  /** The key id written into (and expected in) the `kid` header. Default: a JWK's own `kid`; otherwise none. */
  kid?: string;
  /**
   * How bytes are encoded. Required for bytes of an asymmetric key; must be left out for PEM text,
   * JWK objects and HMAC secrets (bytes with an `HS*` algorithm). Default: none.
   */
  format?: KeyFormat;
  /** The passphrase of an encrypted private key (`ENCRYPTED PRIVATE KEY` PEM, encrypted PKCS#8 DER). Default: none. */
  passphrase?: string | Uint8Array;
}

const IMPORT_KEY_OPTION_NAMES = optionNames<ImportKeyOptions>(
  { alg: true, enc: true, kid: true, format: true, passphrase: true },
  { algorithm: 'use "alg" (required, there is no default)' },
);

const FORMATS: ReadonlySet<string> = new Set<KeyFormat>(['pem', 'spki', 'pkcs8', 'pkcs1-public', 'pkcs1-private', 'sec1', 'x509']);
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----/g;
const PUBLIC_PEM_LABELS: ReadonlySet<string> = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE']);
const PRIVATE_PEM_LABELS: ReadonlySet<string> = new Set(['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

/**
 * Imports key material for one algorithm and returns a {@link BoundKey}, checked once for that
 * algorithm (type, RSA size and exponent, EC curve, HMAC secret length) so that `sign` and
 * `verify` use it without further parsing.
 *
 * What it reads:
 * - **PEM text** (a string): `PUBLIC KEY` (SPKI), `PRIVATE KEY` / `ENCRYPTED PRIVATE KEY` (PKCS#8,
 *   with `passphrase`), `RSA PUBLIC KEY` / `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC 1), or
 *   `CERTIFICATE` (X.509: its public key; the certificate's dates and chain are not checked).
 *   Exactly one PEM block. A string is never an HMAC secret here.
 * - **Bytes** with a {@link KeyFormat} (`format` is required): DER, or PEM as UTF-8.
 * - **HMAC secret bytes**: a `Uint8Array` with an `HS*` algorithm and no `format`; at least as long
 *   as the hash (RFC 7518 §3.2).
 * - **A JWK object** (public or private; its `alg`, `use` and `key_ops` must allow the use).
 *
 * - **A `KeyObject`** you already hold (`secret`, `public` or `private`); it takes neither `format` nor `passphrase`.
 *
 * @param input - PEM text, bytes, a JWK object or a `KeyObject`.
 * @param options - see {@link ImportKeyOptions}; `alg` is required.
 * @returns the key bound to `options.alg`: `private`, `public` or `secret` as the input was.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { importKey } from 'jwtkit';
 * const publicKey = importKey(readFileSync('public.pem', 'utf8'), { alg: 'RS256', kid: '2026-01' });
 * const privateKey = importKey(readFileSync('key.p8', 'utf8'), { alg: 'ES256', passphrase: process.env.KEY_PASS });
 * const secret = importKey(Buffer.from(process.env.JWT_SECRET!, 'base64url'), { alg: 'HS256' });
 * // JWE keys: a JWE algorithm gives a JweKey (a JWK's "use", when present, must be "enc")
 * const decryptionKey = importKey(readFileSync('ecdh.p8', 'utf8'), { alg: 'ECDH-ES+A256KW' });
 * const sealingKey = importKey(Buffer.from(process.env.SEAL_KEY!, 'base64url'), { alg: 'dir', enc: 'A256GCM' });
 * ```
 * @throws `JwtError` `ERR_KEY_INVALID` when the material cannot be read or does not fit `alg`
 * (wrong type, RSA modulus under 2048 bits, wrong curve, short secret, wrong passphrase, a JWK whose
 * `alg`/`use`/`key_ops` forbid it); `ERR_INVALID_OPTION` for a missing or unsupported `alg`, an `enc`
 * missing for `dir` or given for another `alg`, a
 * missing or misplaced `format`, a bad `kid`/`passphrase`, or an unknown option name.
 */
export function importKey(input: ImportKeyInput, options: ImportKeyOptions & { alg: JweKeyManagementAlgorithm }): JweKey;
export function importKey(input: ImportKeyInput, options: ImportKeyOptions & { alg: JwsAlgorithm }): BoundKey;
// The JWS overload is the last one, so that `ReturnType<typeof importKey>` stays `BoundKey`.
export function importKey(input: ImportKeyInput, options: ImportKeyOptions): BoundKey | JweKey {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'importKey needs options with an "alg"');
  }
  checkOptionNames(options, IMPORT_KEY_OPTION_NAMES, 'importKey');
  const { alg, enc, kid, format, passphrase } = options;
  const jwe = isJweKeyManagementAlgorithm(alg);
  if (!jwe && !isJwsAlgorithm(alg)) {
    throw new JwtError('ERR_INVALID_OPTION', '"alg" is required and must be a supported JWS algorithm or JWE key management algorithm');
  }
  if (!jwe && enc !== undefined) throw new JwtError('ERR_INVALID_OPTION', '"enc" binds only a JWE "dir" key: leave it out');
  if (format !== undefined && !FORMATS.has(format)) throw new JwtError('ERR_INVALID_OPTION', '"format" is not a known key format');
  if (passphrase !== undefined && typeof passphrase !== 'string' && !(passphrase instanceof Uint8Array)) {
    throw new JwtError('ERR_INVALID_OPTION', '"passphrase" must be a string or a Uint8Array');
  }
  if (input === undefined || input === null) throw new JwtError('ERR_KEY_INVALID', absentKeyMessage(input));
  const bindOptions = kid === undefined ? {} : { kid };
  // A JWS key binds through bindKey (src/jws/key.ts), a JWE key through bindJweKey (src/jwe/key.ts).
  const bind = (material: KeyObject | Uint8Array | object): BoundKey | JweKey =>
    jwe ? bindJweKey(material, alg, { kid, enc }) : bindKey(material as KeyInput, alg, bindOptions);
  const isHmac = jwe ? KEY_MANAGEMENT[alg].kind === 'dir' || KEY_MANAGEMENT[alg].kind === 'aes-kw' : ALGORITHMS[alg].family === 'hmac';

  if (typeof input === 'string') {
    if (isHmac) {
      throw new JwtError('ERR_KEY_INVALID', 'importKey reads a string as PEM: pass an HMAC secret as bytes (Uint8Array)');
    }
    if (format !== undefined && format !== 'pem') throw new JwtError('ERR_INVALID_OPTION', 'a string is PEM text: leave "format" out');
    return bind(readPem(input, passphrase));
  }
  if (input instanceof Uint8Array) {
    if (isHmac) {
      if (format !== undefined) throw new JwtError('ERR_INVALID_OPTION', 'an HMAC secret takes no "format"');
      return bind(input);
    }
    if (format === undefined) {
      throw new JwtError(
        'ERR_INVALID_OPTION',
        '"format" is required for key bytes (pem, spki, pkcs8, pkcs1-public, pkcs1-private, sec1, x509)',
      );
    }
    return bind(readBytes(input, format, passphrase));
  }
  if (input instanceof KeyObject) {
    if (format !== undefined || passphrase !== undefined) {
      throw new JwtError('ERR_INVALID_OPTION', 'a KeyObject takes neither "format" nor "passphrase"');
    }
    return bind(input);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input) || ArrayBuffer.isView(input)) {
    throw new JwtError('ERR_KEY_INVALID', 'importKey takes PEM text, key bytes or a JWK object');
  }
  if (format !== undefined || passphrase !== undefined) {
    throw new JwtError('ERR_INVALID_OPTION', 'a JWK takes neither "format" nor "passphrase"');
  }
  return bind(input);
}

function readPem(pem: string, passphrase: string | Uint8Array | undefined): KeyObject {
  const labels = [...pem.matchAll(PEM_BEGIN)].map((match) => match[1] as string);
  if (labels.length !== 1) throw new JwtError('ERR_KEY_INVALID', 'the text must hold exactly one PEM block');
  const label = labels[0] as string;
  if (PUBLIC_PEM_LABELS.has(label)) return toKeyObject(() => createPublicKey({ key: pem, format: 'pem' }));
  if (PRIVATE_PEM_LABELS.has(label)) {
    if (passphrase === undefined && (label === 'ENCRYPTED PRIVATE KEY' || pem.includes('Proc-Type: 4,ENCRYPTED'))) {
      throw new JwtError('ERR_KEY_INVALID', 'the private key is encrypted: pass its "passphrase"');
    }
    return toKeyObject(() => createPrivateKey({ key: pem, format: 'pem', ...passphraseOption(passphrase) }));
  }
  throw new JwtError('ERR_KEY_INVALID', 'the PEM block is not a public key, private key or certificate jwtkit reads');
}

function readBytes(bytes: Uint8Array, format: KeyFormat, passphrase: string | Uint8Array | undefined): KeyObject {
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case 'pem':
      return readPem(key.toString('utf8'), passphrase);
    case 'spki':
      return toKeyObject(() => createPublicKey({ key, format: 'der', type: 'spki' }));
    case 'pkcs1-public':
      return toKeyObject(() => createPublicKey({ key, format: 'der', type: 'pkcs1' }));
    case 'x509':
      return toKeyObject(() => new X509Certificate(key).publicKey);
    case 'pkcs8':
      return toKeyObject(() => createPrivateKey({ key, format: 'der', type: 'pkcs8', ...passphraseOption(passphrase) }));
    case 'pkcs1-private':
      return toKeyObject(() => createPrivateKey({ key, format: 'der', type: 'pkcs1' }));
    case 'sec1':
      return toKeyObject(() => createPrivateKey({ key, format: 'der', type: 'sec1' }));
  }
}

function passphraseOption(passphrase: string | Uint8Array | undefined): { passphrase?: string | Buffer } {
  if (passphrase === undefined) return {};
  return { passphrase: typeof passphrase === 'string' ? passphrase : Buffer.from(passphrase) };
}

function toKeyObject(read: () => KeyObject): KeyObject {
  try {
    return read();
  } catch (error) {
    throw new JwtError('ERR_KEY_INVALID', 'node:crypto could not read the key (wrong format, corrupt data or wrong passphrase)', {
      cause: error,
    });
  }
}
