import { JwtError } from '../errors.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import type { JwsHeader } from '../jws/types.js';
import type { JwtClaims } from './types.js';

/** Options of {@link createVerifiedTokenCache}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface VerifiedTokenCacheOptions {
  /** The most tokens remembered; past it, the least recently used is forgotten first. Default: `1000`. */
  max?: number;
  /**
   * The longest an entry is kept (seconds or a string such as `'10m'`), however long the token
   * itself lives. An entry never outlives the token's `exp` either. Default: `'10m'`.
   */
  ttl?: Duration;
}

const VERIFIED_TOKEN_CACHE_OPTION_NAMES = optionNames<VerifiedTokenCacheOptions>({ max: true, ttl: true });

/**
 * A bounded store of tokens that {@link verify} or {@link verifySync} already verified, made by
 * {@link createVerifiedTokenCache} and passed as the `cache` option. Only the cache's creator can
 * read or fill it; this interface is what you can do with it.
 */
export interface VerifiedTokenCache {
  /** The most tokens remembered. */
  readonly max: number;
  /** How many tokens are remembered now (expired ones included until they are next looked up or pushed out). */
  readonly size: number;
  /** Forgets every token (e.g. after a key was revoked). */
  clear(): void;
}

/** What a hit gives back: everything the signature check and the parser established. @internal */
export interface CachedVerification {
  /** The key input the signature was checked with (a hit needs the very same one). */
  readonly key: unknown;
  /** The protected header (frozen). */
  readonly header: Readonly<JwsHeader>;
  /** The claims (deeply frozen: every hit hands out the same object). */
  readonly payload: Readonly<JwtClaims>;
  /** Epoch seconds after which the entry is gone: `min(exp, stored + ttl)`. */
  readonly expiresAt: number;
}

const DEFAULT_MAX = 1000;
const DEFAULT_TTL_SECONDS = 600;

/** The entries of each cache, reachable only through this module (a look-alike object has none). */
const entriesOf = new WeakMap<VerifiedTokenCache, { entries: Map<string, CachedVerification>; ttl: number }>();

/**
 * Creates an opt-in cache of verified tokens, for services that see the same token many times
 * (one access token per session, on every request). Pass it as `cache` in the options of
 * {@link verify} or {@link verifySync}.
 *
 * What a hit skips, and what it does not:
 * - It skips only what cannot change for one exact token string: parsing it and checking its
 *   signature. The entry is keyed by the whole token, exactly as received, and remembers the key
 *   it was verified with: a hit needs the same key input (for a resolver such as a JWKS, the
 *   resolver still runs, and must return the same key).
 * - Everything that depends on the call is done again on every hit: the algorithm allow-list and
 *   key fit, `maxTokenLength`, and every claim check (`exp`, `nbf`, `iat` and `maxAge` against
 *   this call's clock, `iss`, `sub`, `aud`, `typ`, required claims).
 * - An entry never outlives the token's `exp` (nor `ttl`); failures are never cached.
 * - Nothing after `verify` is skipped: a revocation check (e.g. the token service's) still runs.
 *
 * A cached result's `payload` is deeply frozen, since every hit returns the same object.
 * Memory is bounded by `max` tokens of at most `maxTokenLength` characters each.
 *
 * @param options - see {@link VerifiedTokenCacheOptions}.
 * @returns the cache, to pass as `cache`.
 * @example
 * ```ts
 * import { createVerifiedTokenCache, verify } from 'jwtkit';
 * const cache = createVerifiedTokenCache({ max: 10_000 });
 * const { payload } = await verify(token, publicKey, { algorithms: ['ES256'], audience: 'api', cache });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` when `max` is not a positive integer, `ttl` is not a
 * duration, or an option name is unknown.
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions = {}): VerifiedTokenCache {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'createVerifiedTokenCache takes an options object');
  }
  checkOptionNames(options, VERIFIED_TOKEN_CACHE_OPTION_NAMES, 'createVerifiedTokenCache');
  const max = options.max === undefined ? DEFAULT_MAX : options.max;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max <= 0) {
    throw new JwtError('ERR_INVALID_OPTION', '"max" must be a positive integer');
  }
  const ttl = options.ttl === undefined ? DEFAULT_TTL_SECONDS : durationToSeconds(options.ttl, 'ttl');
  const entries = new Map<string, CachedVerification>();
  const cache: VerifiedTokenCache = Object.freeze({
    max,
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  });
  entriesOf.set(cache, { entries, ttl });
  return cache;
}

/** Throws `ERR_INVALID_OPTION` unless `value` was made by {@link createVerifiedTokenCache}. @internal */
export function checkCacheOption(value: unknown): VerifiedTokenCache | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || !entriesOf.has(value as VerifiedTokenCache)) {
    throw new JwtError('ERR_INVALID_OPTION', '"cache" must be made by createVerifiedTokenCache');
  }
  return value as VerifiedTokenCache;
}

/**
 * The entry of `token`, if there is one that has not expired at `now` (epoch seconds). A hit
 * becomes the most recently used entry; an expired entry is dropped.
 * @internal
 */
export function findVerified(cache: VerifiedTokenCache, token: string, now: number): CachedVerification | undefined {
  const { entries } = entriesOf.get(cache) as { entries: Map<string, CachedVerification> };
  const entry = entries.get(token);
  if (entry === undefined) return undefined;
  entries.delete(token);
  if (now >= entry.expiresAt) return undefined;
  entries.set(token, entry);
  return entry;
}

/**
 * Remembers a successful verification made at `now` (epoch seconds), unless it would expire at
 * once; forgets the least recently used entry when the cache is full.
 * @internal
 */
export function rememberVerified(
  cache: VerifiedTokenCache,
  token: string,
  entry: Omit<CachedVerification, 'expiresAt'>,
  now: number,
): void {
  const store = entriesOf.get(cache) as { entries: Map<string, CachedVerification>; ttl: number };
  const exp = ownValue(entry.payload, 'exp', entry.payload.exp);
  const expiresAt = Math.min(typeof exp === 'number' ? exp : Number.POSITIVE_INFINITY, now + store.ttl);
  if (!(expiresAt > now)) return;
  const { entries } = store;
  entries.delete(token);
  entries.set(token, { key: entry.key, header: entry.header, payload: entry.payload, expiresAt });
  if (entries.size > cache.max) entries.delete(entries.keys().next().value as string);
}
