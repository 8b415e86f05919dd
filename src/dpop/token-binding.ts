/**
 * The confirmation (`cnf`, RFC 7800) of a sender-constrained access token, checked against what
 * the request proves: a DPoP proof key (`cnf.jkt`, RFC 9449 §6.1, §7.1) and a TLS client
 * certificate (`cnf["x5t#S256"]`, RFC 8705 §3).
 *
 * @module
 */
import type { X509Certificate } from 'node:crypto';
import { JwtError, type JwtErrorDetails } from '../errors.js';
import { checkOptionNamesMemoised, optionNames } from '../internal/option-names.js';
import { certificateThumbprint } from './certificate-thumbprint.js';

/** Options of {@link checkTokenBinding}: what the request proves. */
export interface CheckTokenBindingOptions {
  /**
   * The thumbprint of the DPoP proof that came with the request (`thumbprint` of
   * {@link verifyDPoPProof}'s result). Give it exactly when the token came with the `DPoP`
   * authorization scheme and its proof verified. Default: none (a `Bearer` request).
   */
  dpopThumbprint?: string;
  /**
   * The TLS client certificate the request came with (`getPeerCertificate().raw`, or the
   * `Client-Cert` header of a trusted proxy, RFC 9440), as DER bytes or an `X509Certificate`.
   * Default: none (no client certificate).
   */
  clientCertificate?: Uint8Array | X509Certificate;
}

const CHECK_TOKEN_BINDING_OPTION_NAMES = optionNames<CheckTokenBindingOptions>({ dpopThumbprint: true, clientCertificate: true });

/** The confirmation methods jwtkit checks: a `cnf` with any other member is refused. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['jkt', 'x5t#S256']);

function mismatch(message: string, details: JwtErrorDetails): JwtError {
  return new JwtError('ERR_TOKEN_BINDING_MISMATCH', message, details);
}

/**
 * Checks that a verified access token is used by the client it is bound to. Call it after
 * `verify` (and after {@link verifyDPoPProof} for a DPoP request) with the token's claims:
 *
 * - no `cnf`: a bearer token. Accepted, except with `dpopThumbprint`: a request made with the
 *   `DPoP` scheme must carry a DPoP-bound token (RFC 9449 §7.1).
 * - `cnf.jkt`: the token is DPoP-bound; `dpopThumbprint` must be given and equal it exactly. Such
 *   a token presented as `Bearer` (no `dpopThumbprint`) is refused.
 * - `cnf["x5t#S256"]`: the token is certificate-bound; `clientCertificate` must be given and its
 *   SHA-256 thumbprint equal it exactly (RFC 8705 §3). The certificate must come from the TLS
 *   connection, or from a proxy you trust: never from a header a client could write.
 * - both members: both bindings are checked, and both must hold. A client that received such a
 *   token proves both keys.
 * - any other member, or a `cnf` that is not an object of string members: refused, since a
 *   confirmation jwtkit cannot check must not become a bearer token.
 *
 * @param claims - the verified claims of the access token.
 * @param options - see {@link CheckTokenBindingOptions}.
 * @example
 * ```ts
 * import { checkTokenBinding, verify, verifyDPoPProof } from 'jwtkit';
 * const { payload } = await verify(accessToken, jwks, { algorithms: ['ES256'], audience: 'api' });
 * const proof = await verifyDPoPProof(dpopHeader, { method: 'GET', url, accessToken, replayCache });
 * checkTokenBinding(payload, { dpopThumbprint: proof.thumbprint });
 * ```
 * @throws `JwtError` `ERR_TOKEN_BINDING_MISMATCH` (with `claim` `cnf`, `cnf.jkt` or `cnf.x5t#S256`
 * and `reason` `missing`, `type` or `mismatch`) when the binding does not hold;
 * `ERR_INVALID_OPTION` when `claims` is not an object, `dpopThumbprint` is not a string,
 * `clientCertificate` is not a certificate, or an option name is unknown.
 */
export function checkTokenBinding(claims: object, options: CheckTokenBindingOptions = {}): void {
  if (typeof claims !== 'object' || claims === null) throw new JwtError('ERR_INVALID_OPTION', 'the claims must be an object');
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNamesMemoised(options, CHECK_TOKEN_BINDING_OPTION_NAMES, 'checkTokenBinding');
  const { dpopThumbprint, clientCertificate } = options;
  if (dpopThumbprint !== undefined && typeof dpopThumbprint !== 'string') {
    throw new JwtError('ERR_INVALID_OPTION', '"dpopThumbprint" must be the thumbprint verifyDPoPProof returned');
  }
  const certificate = clientCertificate === undefined ? undefined : certificateThumbprint(clientCertificate);

  if (!Object.hasOwn(claims, 'cnf')) {
    if (dpopThumbprint !== undefined) {
      throw mismatch('a DPoP request needs a DPoP-bound access token', { claim: 'cnf', reason: 'missing' });
    }
    return;
  }
  const cnf: unknown = (claims as { cnf?: unknown }).cnf;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) {
    throw mismatch('the token\'s "cnf" is not an object', { claim: 'cnf', reason: 'type' });
  }
  const methods = Object.keys(cnf);
  if (methods.length === 0 || methods.some((method) => !KNOWN_METHODS.has(method))) {
    throw mismatch('the token\'s "cnf" names a confirmation method jwtkit does not check', { claim: 'cnf', reason: 'type' });
  }
  const confirmation = cnf as Record<string, unknown>;
  checkMember(confirmation, 'jkt', dpopThumbprint, 'a DPoP proof of its key');
  checkMember(confirmation, 'x5t#S256', certificate, 'its TLS client certificate');
}

/**
 * Checks one confirmation member against what the request proves for it. A member that is absent
 * passes, except that a DPoP request (`jkt` proven) needs a `jkt` member.
 */
function checkMember(cnf: Record<string, unknown>, member: 'jkt' | 'x5t#S256', proven: string | undefined, what: string): void {
  const claim = `cnf.${member}`;
  if (!Object.hasOwn(cnf, member)) {
    if (member === 'jkt' && proven !== undefined) {
      throw mismatch('a DPoP request needs a DPoP-bound access token', { claim, reason: 'missing' });
    }
    return;
  }
  const expected = cnf[member];
  if (typeof expected !== 'string') throw mismatch(`the token's "${claim}" is not a string`, { claim, reason: 'type' });
  if (proven === undefined) throw mismatch(`the token is bound: it must come with ${what}`, { claim, reason: 'missing' });
  if (proven !== expected) throw mismatch(`the token is bound to another key than the request proves`, { claim, reason: 'mismatch' });
}
