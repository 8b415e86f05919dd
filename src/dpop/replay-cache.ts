/**
 * The replay cache of DPoP proofs (RFC 9449 §11.1): the `jti` of every accepted proof is
 * remembered for as long as the proof could still be accepted, and a proof whose `jti` was seen
 * is refused.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { encodeBase64url } from '../encoding/base64url.js';

/**
 * Where the `jti`s of accepted DPoP proofs are remembered. `MemoryDPoPReplayCache` keeps them in
 * this process; `RedisDPoPReplayCache` (`jwtkit/redis`) shares them between instances. Write your
 * own for another backend: the whole contract is {@link DPoPReplayCache.checkAndRemember}.
 */
export interface DPoPReplayCache {
  /**
   * Remembers `key` until `expiresAt`, in one atomic step with the check that it is not already
   * remembered: of two concurrent calls with one key, exactly one resolves `true`.
   *
   * - `key`: the Base64Url SHA-256 of the proof key's thumbprint and the proof's `jti`
   *   (43 characters), never the `jti` itself, so its length is fixed whatever the client sent and
   *   two clients' `jti`s never collide.
   * - `expiresAt`, `now`: integer seconds since the epoch (like the token stores). The key may be
   *   forgotten once `now >= expiresAt`: by then `verifyDPoPProof` refuses the proof as too old.
   *   A cache measures its expiry from the call (`expiresAt - now`), never from its own clock.
   *
   * @returns `true` when the key was not remembered (it is now), `false` when it was: a replay.
   * @throws `JwtError` `ERR_STORE_UNAVAILABLE` when the cache cannot answer (fail closed: the
   * proof is then refused).
   */
  checkAndRemember(key: string, expiresAt: number, now: number): Promise<boolean>;
}

/**
 * The key a proof is remembered under: Base64Url(SHA-256(thumbprint "." jti)). The thumbprint is
 * 43 Base64Url characters without a `.`, so the input names one (thumbprint, jti) pair.
 * @internal
 */
export function replayKey(thumbprint: string, jti: string): string {
  return encodeBase64url(createHash('sha256').update(`${thumbprint}.${jti}`).digest());
}
