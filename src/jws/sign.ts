import { encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import { BoundedCache } from '../internal/bounded-cache.js';
import { checkOptionNamesMemoised, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { assertSigningAlgorithm, prepareKey, type PreparedKey } from './key.js';
import type { RemoteSigning } from './remote-signature.js';
import { createSignatureSegment, createSignatureSegmentAsync } from './signature.js';
import type { JwsAlgorithm, KeyInput } from './types.js';

/**
 * Options of {@link signJws}. Any other member is refused with `ERR_INVALID_OPTION`; as for `sign`,
 * the names of an options object are checked in its first uses (then it is remembered by identity),
 * its values at every call.
 */
export interface SignJwsOptions {
  /** The algorithm. Required: there is no default. A bound key must be bound to the same one. */
  alg: JwsAlgorithm;
  /** Sets the `kid` header. Default: the key's own `kid` (BoundKey or JWK), if it has one. */
  kid?: string;
  /** Sets the `typ` header. Default: none. */
  typ?: string;
  /**
   * Extra protected-header parameters that carry no security meaning (e.g. `cty`). `alg`, `kid`,
   * `typ`, `crit`, `b64`, `zip`, `enc`, `jwk`, `jku`, `x5u`, `x5c`, `x5t` and `x5t#S256` are
   * refused with `ERR_INVALID_OPTION`. Default: none.
   */
  header?: Record<string, unknown>;
}

/** The names of {@link SignJwsOptions}; the header is a map of parameters, whose names are not options. */
const SIGN_JWS_OPTION_NAMES = optionNames<SignJwsOptions>(
  { alg: true, kid: true, typ: true, header: true },
  { algorithm: 'use "alg" (required, there is no default)' },
);

const RESERVED_HEADER_PARAMETERS = new Set([
  'alg',
  'kid',
  'typ',
  'crit',
  'b64',
  'zip',
  'enc',
  'jwk',
  'jku',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
]);

/** Encoded headers for the common case (no extra parameters), by their JSON text. */
const headerSegments = new BoundedCache<string, string>(256);

/**
 * The header segment returned last and its parameters. Signing with one key repeats them: three
 * comparisons then replace building and hashing a Map key (bench: sign/HS256/sync).
 */
let lastHeader: { alg: JwsAlgorithm; typ: string | undefined; kid: string | undefined; segment: string } | undefined;

/**
 * The Base64Url protected header for a signature, built once per distinct `alg`/`typ`/`kid`
 * when there are no extra parameters. Throws `ERR_INVALID_OPTION` for bad parameters.
 * @internal
 */
export function encodeProtectedHeader(alg: JwsAlgorithm, typ: unknown, kid: unknown, extra: Record<string, unknown> | undefined): string {
  if (typ !== undefined && typeof typ !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"typ" must be a string');
  if (kid !== undefined && typeof kid !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  if (extra === undefined) {
    if (lastHeader !== undefined && lastHeader.alg === alg && lastHeader.typ === typ && lastHeader.kid === kid) return lastHeader.segment;
    const json = JSON.stringify({ alg, typ, kid });
    let segment = headerSegments.get(json);
    if (segment === undefined) {
      segment = encodeBase64url(json);
      headerSegments.set(json, segment);
    }
    lastHeader = { alg, typ, kid, segment };
    return segment;
  }
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    throw new JwtError('ERR_INVALID_OPTION', '"header" must be an object');
  }
  for (const name of Object.keys(extra)) {
    if (RESERVED_HEADER_PARAMETERS.has(name)) {
      throw new JwtError('ERR_INVALID_OPTION', `"header" must not set "${name}": use the dedicated option or leave it out`);
    }
  }
  return encodeBase64url(stringifyOption({ alg, typ, kid, ...extra }, 'header'));
}

/** `JSON.stringify`, with its failures (cycles, BigInt) turned into `ERR_INVALID_OPTION`. @internal */
export function stringifyOption(value: unknown, option: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" cannot be serialised as JSON`, { cause: error });
  }
}

/**
 * Signs `headerSegment.payloadSegment` and returns the compact JWS.
 * @internal
 */
export function signCompact(alg: JwsAlgorithm, key: PreparedKey, headerSegment: string, payloadSegment: string): string {
  const signingInput = `${headerSegment}.${payloadSegment}`;
  return `${signingInput}.${createSignatureSegment(alg, key.keyObject, signingInput)}`;
}

/**
 * {@link signCompact} for the asynchronous API: the signature of an RSA, ECDSA or EdDSA key is
 * computed on the thread pool while it is enabled (`createSignatureSegmentAsync`).
 * @internal
 */
export function signCompactAsync(
  alg: JwsAlgorithm,
  key: PreparedKey,
  headerSegment: string,
  payloadSegment: string,
): string | Promise<string> {
  const signingInput = `${headerSegment}.${payloadSegment}`;
  const segment = createSignatureSegmentAsync(alg, key.keyObject, signingInput);
  return typeof segment === 'string' ? `${signingInput}.${segment}` : segment.then((signature) => `${signingInput}.${signature}`);
}

/**
 * Signs `headerSegment.payloadSegment` with a remote signer and returns the compact JWS.
 * @internal
 */
export async function signCompactRemote(
  alg: JwsAlgorithm,
  remote: RemoteSigning,
  headerSegment: string,
  payloadSegment: string,
): Promise<string> {
  const signingInput = `${headerSegment}.${payloadSegment}`;
  return `${signingInput}.${await remote.createSegment(alg, remote, signingInput)}`;
}

/**
 * Refuses a remote signer in a synchronous signing function: it signs asynchronously.
 * @internal
 */
export function refuseRemoteSigner(key: PreparedKey, subject: 'signSync' | 'signJwsSync', instead: 'sign' | 'signJws'): void {
  if (key.remote !== undefined) {
    throw new JwtError('ERR_INVALID_OPTION', `${subject} cannot use a remote signer, which signs asynchronously: use ${instead}`);
  }
}

/**
 * The synchronous form of {@link signJws}. A remote signer (`createRemoteSigner`) is refused:
 * it signs asynchronously.
 *
 * @example
 * ```ts
 * const jws = signJwsSync('hello', secret, { alg: 'HS256' });
 * ```
 * @throws the same codes as {@link signJws}; `ERR_INVALID_OPTION` for a remote signer.
 */
export function signJwsSync(payload: Uint8Array | string, key: KeyInput, options: SignJwsOptions): string {
  return signJwsWith(payload, key, options, true) as string;
}

function signJwsWith(payload: Uint8Array | string, key: KeyInput, options: SignJwsOptions, sync: boolean): string | Promise<string> {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new JwtError('ERR_INVALID_OPTION', 'the JWS payload must be a Uint8Array or a string');
  }
  checkOptionNamesMemoised(options, SIGN_JWS_OPTION_NAMES, 'signJws');
  // Only own members are options (test/jwt/prototype-pollution.test.ts).
  const requestedAlg = ownValue(options, 'alg', options?.alg);
  const prepared = prepareKey(key, 'sign', requestedAlg);
  const alg = assertSigningAlgorithm(prepared, requestedAlg);
  if (sync) refuseRemoteSigner(prepared, 'signJwsSync', 'signJws');
  const headerSegment = encodeProtectedHeader(
    alg,
    ownValue(options, 'typ', options.typ),
    ownValue(options, 'kid', options.kid) ?? prepared.kid,
    ownValue(options, 'header', options.header),
  );
  const payloadSegment = encodeBase64url(payload);
  if (prepared.remote !== undefined) return signCompactRemote(alg, prepared.remote, headerSegment, payloadSegment);
  return sync ? signCompact(alg, prepared, headerSegment, payloadSegment) : signCompactAsync(alg, prepared, headerSegment, payloadSegment);
}

/**
 * Signs arbitrary bytes (or a string, as UTF-8) as a compact JWS (RFC 7515): the layer under
 * {@link sign}. `alg` is required and must fit the key.
 *
 * @param payload - the bytes to sign.
 * @param key - a private key, a remote signer (`createRemoteSigner`) or an HMAC secret.
 * @param options - see {@link SignJwsOptions}.
 * @returns the compact JWS.
 * @example
 * ```ts
 * import { signJws } from 'jwtkit';
 * const jws = await signJws(new Uint8Array([1, 2, 3]), privateKey, { alg: 'EdDSA' });
 * ```
 * @throws `JwtError`: `ERR_INVALID_OPTION` (no or unknown `alg`, reserved header parameters, an
 * unknown option name),
 * `ERR_KEY_INVALID` (the key cannot sign with `alg`; a remote signer failed, did not answer within
 * its timeout, or returned a signature that does not verify with its public key).
 */
export async function signJws(payload: Uint8Array | string, key: KeyInput, options: SignJwsOptions): Promise<string> {
  return signJwsWith(payload, key, options, false);
}
