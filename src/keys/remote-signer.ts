import { KeyObject } from 'node:crypto';
import { JwtError } from '../errors.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { ALGORITHMS, isJwsAlgorithm } from '../jws/algorithms.js';
import { bindKey, bindRemoteSigner, isBoundKey } from '../jws/key.js';
import {
  createRemoteSignatureSegment,
  type RemoteSignatureFormat,
  type RemoteSignFunction,
  type RemoteSigning,
} from '../jws/remote-signature.js';
import type { BoundKey, JWK, JwsAlgorithm } from '../jws/types.js';
import { importKey } from './import-key.js';

/** Options of {@link createRemoteSigner}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RemoteSignerOptions {
  /**
   * The algorithm the remote key signs with: an `RS*`, `PS*`, `ES*` or `EdDSA` algorithm (an HMAC
   * secret cannot be checked by the public, so `HS*` is refused). Required: there is no default.
   */
  alg: JwsAlgorithm;
  /**
   * The public key of the remote signing key: PEM text (`PUBLIC KEY` or `CERTIFICATE`), a public
   * JWK, a public `KeyObject` or a public {@link BoundKey} of `alg`. It is what key rings publish
   * and what verifies the tokens. Required.
   */
  publicKey: BoundKey | KeyObject | JWK | string;
  /**
   * Signs the JWS signing input (the bytes, not a digest) with the remote key and returns the
   * signature bytes (see {@link RemoteSignFunction}). Required.
   */
  sign: RemoteSignFunction;
  /**
   * How the signer encodes ECDSA signatures: `'der'` (what cloud KMSs return; converted to the JWS
   * form) or `'raw'` (`r || s`). Required for `ES*`; must be left out for other algorithms. Default: none.
   */
  signatureFormat?: RemoteSignatureFormat;
  /** The key id written into the `kid` header. Default: the `kid` of `publicKey` (a bound key or JWK with one); otherwise none. */
  kid?: string;
  /**
   * How long one signature may take (seconds or `'30s'`; more than 0) before signing fails with
   * `ERR_KEY_INVALID`. Default: `10` (10 seconds).
   */
  timeout?: Duration;
}

const REMOTE_SIGNER_OPTION_NAMES = optionNames<RemoteSignerOptions>(
  { alg: true, publicKey: true, sign: true, signatureFormat: true, kid: true, timeout: true },
  { algorithm: 'use "alg" (required, there is no default)', format: "use \"signatureFormat\" ('der' or 'raw', for ES* only)" },
);

const DEFAULT_TIMEOUT_SECONDS = 10;
/** The longest delay `setTimeout` keeps (2^31 - 1 ms). */
const MAX_TIMEOUT_SECONDS = 2_147_483;

/**
 * The probe the signer signs at creation. It contains spaces, so it is no JWS signing input
 * (RFC 7515 §7.1: Base64Url segments): its signature cannot make a token.
 */
const PROBE = 'jwtkit remote signer probe';

/**
 * Makes a signing key whose private half never leaves a KMS or HSM: `sign` asks the remote key for
 * each signature. The result is a {@link BoundKey} of type `private` that `sign`, `signJws`,
 * `createTokenService({ key })` and `createKeyRing` (as `current` or `next`) accept; key rings
 * publish its public key, and `toVerificationKey` returns it. `signSync` and `signJwsSync` refuse
 * it (`ERR_INVALID_OPTION`): it signs asynchronously.
 *
 * Before it returns, the signer signs a probe that is verified with `publicKey`, so a signer with
 * the wrong key, algorithm or `signatureFormat` fails here, at startup. Every signature is then
 * bounded by `timeout`, converted from strict DER for `signatureFormat: 'der'`, and verified with
 * `publicKey` before it is used: a signer that fails or returns anything else never makes a token.
 *
 * @param options - see {@link RemoteSignerOptions}.
 * @returns the remote signer, as a bound key.
 * @example
 * ```ts
 * import { createHash } from 'node:crypto';
 * import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
 * import { createRemoteSigner, sign } from 'jwtkit';
 * const kms = new KMSClient({});
 * const signer = await createRemoteSigner({
 *   alg: 'ES256',
 *   kid: '2026-01',
 *   publicKey: process.env.JWT_PUBLIC_KEY_PEM!,
 *   signatureFormat: 'der', // AWS KMS returns DER ECDSA signatures
 *   sign: async (signingInput) => {
 *     const digest = createHash('sha256').update(signingInput).digest();
 *     const reply = await kms.send(new SignCommand({ KeyId: 'alias/jwt', Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
 *     return reply.Signature!;
 *   },
 * });
 * const token = await sign({ sub: 'u1' }, signer, { alg: 'ES256', expiresIn: '15m' });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` for a missing, unsupported or `HS*` `alg`, a `sign` that is
 * not a function, a missing (`ES*`) or misplaced `signatureFormat`, a bad `kid` or `timeout`, or an
 * unknown option name; `ERR_KEY_INVALID` when `publicKey` is not a public key of `alg`, or the probe
 * fails: the signer throws, does not answer within `timeout`, or returns a signature that does not
 * verify with `publicKey` (the message names the fix; the signer's error is the `cause`). Signing
 * with the signer later fails with `ERR_KEY_INVALID` the same ways.
 */
export async function createRemoteSigner(options: RemoteSignerOptions): Promise<BoundKey> {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'createRemoteSigner needs options with "alg", "publicKey" and "sign"');
  }
  checkOptionNames(options, REMOTE_SIGNER_OPTION_NAMES, 'createRemoteSigner');
  const { alg, publicKey, sign, signatureFormat, kid, timeout } = options;
  if (!isJwsAlgorithm(alg)) throw new JwtError('ERR_INVALID_OPTION', '"alg" is required and must be a supported JWS algorithm');
  const family = ALGORITHMS[alg].family;
  if (family === 'hmac') {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'a remote signer signs with RS*, PS*, ES* or EdDSA: an HMAC secret cannot be verified by the public (use importKey for a local secret)',
    );
  }
  if (typeof sign !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"sign" must be a function that returns the signature bytes');
  if (family === 'ecdsa') {
    if (signatureFormat !== 'der' && signatureFormat !== 'raw') {
      throw new JwtError(
        'ERR_INVALID_OPTION',
        `"signatureFormat" is required for ${alg}: 'der' (what cloud KMSs return) or 'raw' (r || s)`,
      );
    }
  } else if (signatureFormat !== undefined) {
    throw new JwtError('ERR_INVALID_OPTION', `"signatureFormat" is for ES* signers only: leave it out for ${alg}`);
  }
  if (kid !== undefined && typeof kid !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"kid" must be a string');
  const timeoutSeconds = timeout === undefined ? DEFAULT_TIMEOUT_SECONDS : durationToSeconds(timeout, 'timeout');
  if (timeoutSeconds <= 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    throw new JwtError('ERR_INVALID_OPTION', `"timeout" must be more than 0 and at most ${MAX_TIMEOUT_SECONDS} seconds`);
  }
  const remote: RemoteSigning = Object.freeze({
    sign,
    signatureFormat,
    timeoutMs: timeoutSeconds * 1000,
    publicKey: readPublicKey(publicKey, alg, kid),
    createSegment: createRemoteSignatureSegment,
  });
  await createRemoteSignatureSegment(alg, remote, PROBE);
  return bindRemoteSigner(remote);
}

/** `publicKey` bound to `alg` under the signer's `kid`; a private key is refused (it belongs in the KMS). */
function readPublicKey(input: unknown, alg: JwsAlgorithm, kid: string | undefined): BoundKey {
  if (input === undefined || input === null) throw new JwtError('ERR_INVALID_OPTION', '"publicKey" is required');
  let key: BoundKey;
  if (isBoundKey(input)) {
    if (input.alg !== alg) throw new JwtError('ERR_KEY_INVALID', `"publicKey" is bound to ${input.alg}, not ${alg}`);
    key = input;
  } else {
    key = importKey(input as KeyObject | JWK | string, { alg });
  }
  if (key.type !== 'public') {
    throw new JwtError('ERR_KEY_INVALID', '"publicKey" must be the public key: the private key stays with the remote signer');
  }
  const keyId = kid ?? key.kid;
  return keyId === key.kid ? key : bindKey(key.keyObject, alg, { kid: keyId as string });
}
