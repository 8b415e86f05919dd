import { encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import { ALGORITHMS, rsaSignatureLength } from './algorithms.js';
import { ecdsaDerToJose } from './ecdsa-der.js';
import { verifySignatureAsync } from './signature.js';
import type { BoundKey, JwsAlgorithm } from './types.js';

/**
 * How an ECDSA remote signer encodes its signatures: `der`, the DER `ECDSA-Sig-Value` of
 * RFC 3279 §2.2.3 (what AWS KMS, Google Cloud KMS and Azure Key Vault's DER mode return), or `raw`,
 * `r || s` as RFC 7518 §3.4 writes it into a JWS.
 */
export type RemoteSignatureFormat = 'der' | 'raw';

/**
 * Signs with a key held elsewhere (a KMS, an HSM): receives the JWS signing input (the ASCII bytes
 * `header.payload`, not a digest) and returns the signature bytes. A KMS that signs digests is given
 * the hash of these bytes (SHA-256 for `*256`, ...); EdDSA signs the bytes themselves.
 */
export type RemoteSignFunction = (signingInput: Uint8Array) => Promise<Uint8Array> | Uint8Array;

/** A remote signer as the signing path uses it. @internal */
export interface RemoteSigning {
  readonly sign: RemoteSignFunction;
  /** Set for ECDSA only. */
  readonly signatureFormat: RemoteSignatureFormat | undefined;
  /** How long one signature may take, in milliseconds. */
  readonly timeoutMs: number;
  /** The signer's public key, bound to its algorithm and `kid`. */
  readonly publicKey: BoundKey;
  /**
   * {@link createRemoteSignatureSegment}, carried by the signer rather than imported by `sign`, so
   * that code which never meets a remote signer does not bundle it (test/package-quality, the
   * size budget of sign + verify).
   */
  readonly createSegment: (alg: JwsAlgorithm, remote: RemoteSigning, signingInput: string) => Promise<string>;
}

/**
 * The signature segment of `signingInput`, signed by a remote signer: its answer is bounded by the
 * signer's timeout, converted from DER when the signer returns DER, and verified with the signer's
 * public key before it is used, so a signer that fails or returns a wrong signature never makes a
 * token. Every failure is a `JwtError` `ERR_KEY_INVALID`, with the signer's own error as `cause`.
 * @internal
 */
export async function createRemoteSignatureSegment(alg: JwsAlgorithm, remote: RemoteSigning, signingInput: string): Promise<string> {
  // A copy in a buffer of its own (not a view into Node's shared pool): the signer may read `.buffer`.
  const result = await callSigner(remote, Uint8Array.from(Buffer.from(signingInput, 'latin1')));
  if (!(result instanceof Uint8Array)) {
    throw new JwtError('ERR_KEY_INVALID', 'the remote signer must return the signature bytes as a Uint8Array (or Buffer)');
  }
  const spec = ALGORITHMS[alg];
  let signature = result;
  if (spec.family === 'ecdsa' && remote.signatureFormat === 'der') {
    const jose = ecdsaDerToJose(result, (spec.signatureLength as number) / 2);
    if (jose === undefined) {
      throw new JwtError(
        'ERR_KEY_INVALID',
        `the remote signer did not return a strict DER ECDSA signature for ${alg}: if it returns r || s, set signatureFormat: 'raw'`,
      );
    }
    signature = jose;
  }
  const expectedLength = spec.signatureLength ?? rsaSignatureLength(remote.publicKey.keyObject);
  if (signature.length !== expectedLength) {
    const fix =
      spec.family === 'ecdsa' && remote.signatureFormat === 'raw'
        ? "if it returns DER, set signatureFormat: 'der'"
        : 'check that publicKey is the public key of the signing key';
    throw new JwtError('ERR_KEY_INVALID', `the remote signer returned ${signature.length} bytes, ${alg} signs ${expectedLength}: ${fix}`);
  }
  if (!(await verifySignatureAsync(alg, remote.publicKey.keyObject, signingInput, signature))) {
    throw new JwtError(
      'ERR_KEY_INVALID',
      `the remote signer's signature does not verify with its public key: check that publicKey is the public key of the signing key and that it signs with ${alg}`,
    );
  }
  return encodeBase64url(signature);
}

/** The signer's answer, or `ERR_KEY_INVALID` when it throws, rejects or does not answer in time. */
async function callSigner(remote: RemoteSigning, data: Uint8Array): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new JwtError('ERR_KEY_INVALID', `the remote signer did not answer within ${remote.timeoutMs / 1000} s (its "timeout" option)`),
      );
    }, remote.timeoutMs);
    timer.unref();
  });
  const answer = (async () => remote.sign(data))().catch((error: unknown) => {
    throw new JwtError('ERR_KEY_INVALID', 'the remote signer failed to sign', { cause: error });
  });
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
