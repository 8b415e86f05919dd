import { readOrCreateShared } from './origin-store.js';
import { web, type WebKeyPair } from './platform.js';
import { serialised } from './serialise.js';

/**
 * The client's DPoP key: an ECDSA P-256 key pair whose private key is non-extractable (WebCrypto
 * can sign with it, nothing can read it). In a browser it is kept in IndexedDB, so a reload keeps
 * the binding of the session's tokens (RFC 9449 §2); it is made once per origin under a Web Lock,
 * so two tabs opened before any key exists end up with the same key. Without IndexedDB (Node), it
 * lives in memory for the life of the client.
 *
 * @internal
 * @module
 */

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' };

function generate(): Promise<WebKeyPair> {
  return web.crypto.subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']);
}

/** The DPoP key and its public JWK (`kty`, `crv`, `x`, `y`: what a proof's `jwk` header carries). @internal */
export interface DPoPKey {
  readonly pair: WebKeyPair;
  readonly jwk: { kty: unknown; crv: unknown; x: unknown; y: unknown };
}

/** Loads (or makes) the DPoP key: from IndexedDB under `name` when there is IndexedDB, else a new one in memory. @internal */
export async function loadDPoPKey(name: string): Promise<DPoPKey> {
  const pair =
    web.indexedDB === undefined ? await generate() : await serialised(`${name}:dpop-key`, () => readOrCreateShared(name, 'dpop', generate));
  const { kty, crv, x, y } = await web.crypto.subtle.exportKey('jwk', pair.publicKey);
  return { pair, jwk: { kty, crv, x, y } };
}
