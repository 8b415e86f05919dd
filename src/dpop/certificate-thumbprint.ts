import { X509Certificate, createHash } from 'node:crypto';
import { encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';

/**
 * The X.509 certificate SHA-256 thumbprint of RFC 8705 §3.1: the Base64Url SHA-256 of the
 * certificate's DER encoding, as a certificate-bound access token carries it in
 * `cnf["x5t#S256"]`. An authorization server puts it into the tokens it binds; a resource server
 * compares it through {@link checkTokenBinding}.
 *
 * @param certificate - the certificate as DER bytes (Node's `socket.getPeerCertificate().raw`) or
 * an `X509Certificate`.
 * @returns the 43-character Base64Url thumbprint.
 * @example
 * ```ts
 * import { certificateThumbprint } from 'jwtkit';
 * const x5t = certificateThumbprint(tlsSocket.getPeerCertificate().raw);
 * const claims = { sub: 'client-1', cnf: { 'x5t#S256': x5t } };
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` when `certificate` is neither non-empty bytes nor an
 * `X509Certificate`.
 */
export function certificateThumbprint(certificate: Uint8Array | X509Certificate): string {
  const der = certificate instanceof X509Certificate ? certificate.raw : certificate;
  if (!(der instanceof Uint8Array) || der.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', 'the certificate must be DER bytes (getPeerCertificate().raw) or an X509Certificate');
  }
  return encodeBase64url(createHash('sha256').update(der).digest());
}
