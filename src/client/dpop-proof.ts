import { base64url, base64urlJson } from './base64url.js';
import type { DPoPKey } from './dpop-key.js';
import { web } from './platform.js';

/**
 * DPoP proofs (RFC 9449 §4.2): a fresh one for every request, signed with the client's key.
 *
 * @internal
 * @module
 */

/**
 * A proof for one request: `htm` its method, `htu` its URL without query and fragment, a random
 * `jti`, `iat` now; with an access token its hash `ath` (§4.2, for a resource server, §7), with a
 * server nonce `nonce` (§8, §9).
 *
 * @internal
 */
export async function dpopProof(key: DPoPKey, method: string, url: string, accessToken?: string, nonce?: string): Promise<string> {
  const target = new URL(url);
  const claims: Record<string, unknown> = {
    jti: base64url(web.crypto.getRandomValues(new Uint8Array(16))),
    htm: method,
    htu: target.origin + target.pathname,
    iat: Math.floor(Date.now() / 1000),
  };
  if (accessToken !== undefined) {
    claims['ath'] = base64url(new Uint8Array(await web.crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
  }
  if (nonce !== undefined) claims['nonce'] = nonce;
  const input = `${base64urlJson({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk })}.${base64urlJson(claims)}`;
  const signature = await web.crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.pair.privateKey, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}
