import type { JWK } from '../jws/types.js';

/** A JSON Web Key Set (RFC 7517 §5): what `/.well-known/jwks.json` serves. */
export interface JsonWebKeySet {
  /** The keys. */
  keys: JWK[];
}

/**
 * The cache of a remote JWKS as plain JSON, to persist and hand back as `seed` so that a
 * restarted server verifies without fetching first (see `createRemoteJWKS`).
 */
export interface JWKSCacheSnapshot {
  /** The key set as last fetched. */
  jwks: JsonWebKeySet;
  /** When it was fetched, in seconds since the epoch. */
  fetchedAt: number;
  /** When it stops being fresh, in seconds since the epoch (from `Cache-Control: max-age`, within bounds). */
  expiresAt: number;
}

/** The part of the WHATWG `fetch` jwtkit uses; the global `fetch` fits it. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;
