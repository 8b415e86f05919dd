/**
 * Stateless DPoP server nonces (RFC 9449 §8, §9): a nonce is the HMAC of a time window under a
 * server secret, so every instance that has the secret issues the same nonce in a window and
 * accepts the nonces any other instance issued, with nothing stored or shared but the secret.
 *
 * @module
 */
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { decodeBase64urlOrUndefined, encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import { checkClock, readClock, type Clock } from '../internal/clock.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { secretKeyFromCopy } from '../jws/jwk.js';

/** Options of {@link createDPoPNonces}. */
export interface DPoPNoncesOptions {
  /**
   * The server secret the nonces are computed with: at least 32 random bytes (e.g.
   * `crypto.randomBytes(32)`), the same on every instance that must accept the others' nonces.
   * Keep it apart from token-signing secrets. Changing it invalidates the nonces in use: clients
   * then get `use_dpop_nonce` once and retry with a new one. Required.
   */
  secret: Uint8Array;
  /**
   * The length of a nonce window: seconds, or a string such as `'5m'`; from 1 second to 1 day. A
   * nonce is accepted in the window it was issued in and the next one, so for between one and two
   * lifetimes. The instances' clocks must agree to well within it. Default: `'5m'`.
   */
  lifetime?: Duration;
  /** The clock that decides the window. Default: the system clock. */
  clock?: Clock;
}

/** Server nonces for DPoP proofs, made by {@link createDPoPNonces}. */
export interface DPoPNonces {
  /**
   * The nonce of the current window, for the `DPoP-Nonce` response header. Every call within one
   * window returns the same nonce (on every instance that has the secret), so a proof whose
   * `nonce` differs from `issue()` carries the previous window's nonce: send the fresh one with
   * the response (RFC 9449 §8.2).
   */
  issue(): string;
  /**
   * Whether a nonce is the current window's or the previous window's, compared in constant time.
   * Anything else (another secret's nonce, an older one, not a string) is `false`.
   */
  check(nonce: unknown): boolean;
}

const DPOP_NONCES_OPTION_NAMES = optionNames<DPoPNoncesOptions>({ secret: true, lifetime: true, clock: true });

const MIN_SECRET_BYTES = 32;
const DEFAULT_LIFETIME = 300;
const MAX_LIFETIME = 86_400;
/** The HMAC-SHA-256 of a window, in Base64Url. */
const NONCE_LENGTH = 43;

/**
 * Makes stateless DPoP server nonces (RFC 9449 §8, §9): `issue()` gives the nonce of the current
 * time window, the Base64Url HMAC-SHA-256 of the window's number under `secret`; `check(nonce)`
 * accepts the current and the previous window's. Pass the result as `nonces` to
 * {@link verifyDPoPProof}: a proof without an accepted nonce is then refused with
 * `ERR_DPOP_NONCE_REQUIRED`, answered with `use_dpop_nonce` and a `DPoP-Nonce: issue()` header.
 *
 * A nonce proves that a proof was made after the window began: a client cannot sign proofs in
 * advance for later use, whatever its clock says. It says nothing about the client: every client
 * gets the same nonce in a window.
 *
 * @param options - see {@link DPoPNoncesOptions}; `secret` is required.
 * @returns the nonce issuer and checker.
 * @example
 * ```ts
 * import { createDPoPNonces } from 'jwtkit';
 * const nonces = createDPoPNonces({ secret: Buffer.from(process.env.DPOP_NONCE_SECRET!, 'base64url'), lifetime: '5m' });
 * response.setHeader('DPoP-Nonce', nonces.issue());
 * nonces.check(proofNonce); // true for this window's nonce and the previous one's
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` when `secret` is not a `Uint8Array` of at least 32 bytes,
 * `lifetime` is not from 1 second to 1 day, `clock` is not a function, or an option name is unknown.
 */
export function createDPoPNonces(options: DPoPNoncesOptions): DPoPNonces {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'createDPoPNonces needs options with a "secret"');
  }
  checkOptionNames(options, DPOP_NONCES_OPTION_NAMES, 'createDPoPNonces');
  const { secret } = options;
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES) {
    throw new JwtError('ERR_INVALID_OPTION', `"secret" must be a Uint8Array of at least ${MIN_SECRET_BYTES} random bytes`);
  }
  const lifetime = options.lifetime === undefined ? DEFAULT_LIFETIME : durationToSeconds(options.lifetime, 'lifetime');
  if (lifetime < 1 || lifetime > MAX_LIFETIME) {
    throw new JwtError('ERR_INVALID_OPTION', '"lifetime" must be from 1 second to 1 day');
  }
  const clock = checkClock(options.clock, 'clock');
  const key = secretKeyFromCopy(Buffer.from(secret));
  const windowMs = lifetime * 1000;
  const digests = new Map<number, Buffer>();

  /** The HMAC of a window, computed once (the map holds the last few windows). */
  function digestOf(window: number): Buffer {
    let digest = digests.get(window);
    if (digest === undefined) {
      if (digests.size >= 4) digests.clear();
      digest = nonceDigest(key, window);
      digests.set(window, digest);
    }
    return digest;
  }
  const currentWindow = (): number => Math.floor(readClock(clock, 'clock') / windowMs);

  return Object.freeze({
    issue(): string {
      return encodeBase64url(digestOf(currentWindow()));
    },
    check(nonce: unknown): boolean {
      if (typeof nonce !== 'string' || nonce.length !== NONCE_LENGTH) return false;
      const presented = decodeBase64urlOrUndefined(nonce);
      if (presented === undefined) return false;
      const window = currentWindow();
      const current = timingSafeEqual(presented, digestOf(window));
      const previous = timingSafeEqual(presented, digestOf(window - 1));
      return current || previous;
    },
  });
}

function nonceDigest(key: KeyObject, window: number): Buffer {
  // A fixed label separates these MACs from anything else the secret might be used for.
  return createHmac('sha256', key).update(`jwtkit DPoP nonce window ${window}`).digest();
}
