import { JwtError, isJwtError } from '../errors.js';
import { checkClock, readClock, type Clock } from '../internal/clock.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { positiveInteger } from '../internal/positive-integer.js';
import type { BoundKey, JwsHeader } from '../jws/types.js';
import { cacheControlMaxAge } from './cache-control.js';
import { fetchJson, type FetchJsonSettings } from './fetch-json.js';
import { acceptableFetchUrl } from './fetch-url.js';
import { DEFAULT_MAX_KEYS, KeySet } from './key-set.js';
import type { FetchFunction, JWKSCacheSnapshot, JsonWebKeySet } from './types.js';

/**
 * Options of {@link createRemoteJWKS} (and of `discoverJWKS`). Any other member is refused with
 * `ERR_INVALID_OPTION`; the names inside `headers` are request headers, not options.
 */
export interface RemoteJWKSOptions {
  /** The `fetch` used for every request. Default: the global `fetch`. */
  fetch?: FetchFunction;
  /** Extra request headers (e.g. a `user-agent`). Default: none besides `accept: application/json`. */
  headers?: Record<string, string>;
  /** The longest a fetch may take, body included: seconds or a string such as `'5s'`. Default: `5` seconds. */
  timeout?: Duration;
  /** The largest response body read, in bytes; a larger one fails the fetch. Default: `262144` (256 KiB). */
  maxResponseBytes?: number;
  /** The most keys a fetched set may hold; a larger set is refused. Default: `100`. */
  maxKeys?: number;
  /** How long a fetched set stays fresh when the response has no `Cache-Control: max-age`. Default: `'10m'`. */
  cacheMaxAge?: Duration;
  /** The shortest freshness accepted from `Cache-Control` (a smaller `max-age`, `no-cache` or `no-store` is raised to it). Default: `'1m'`. */
  minCacheMaxAge?: Duration;
  /** The longest freshness accepted from `Cache-Control` (a larger `max-age` is lowered to it). Default: `'1d'`. */
  maxCacheMaxAge?: Duration;
  /**
   * The shortest time between a fetch and a refetch caused by a token with an unknown `kid`, or
   * between a failed fetch and the next attempt (with no set cached yet, failed fetches are retried
   * sooner: 1 s, doubling up to `cooldown`). Default: `'30s'`.
   */
  cooldown?: Duration;
  /**
   * How long after it stopped being fresh the last good set is still used while refetches fail
   * (stale-if-error). Default: `'1h'`.
   */
  staleIfError?: Duration;
  /** Allow `http:` URLs to hosts other than loopback. Default: `false` (`https:` only; `http:` for `localhost`, `127.0.0.0/8`, `[::1]`). */
  allowInsecureHttp?: boolean;
  /** A cache saved earlier with `snapshot()`, used until it expires: a restarted server needs no fetch to start verifying. Default: none. */
  seed?: JWKSCacheSnapshot;
  /** The clock for freshness, cooldown and stale-if-error; it must return a valid `Date`. Default: the system time. */
  clock?: Clock;
}

/** The names of {@link RemoteJWKSOptions}. @internal */
export const REMOTE_JWKS_OPTION_NAMES = optionNames<RemoteJWKSOptions>({
  fetch: true,
  headers: true,
  timeout: true,
  maxResponseBytes: true,
  maxKeys: true,
  cacheMaxAge: true,
  minCacheMaxAge: true,
  maxCacheMaxAge: true,
  cooldown: true,
  staleIfError: true,
  allowInsecureHttp: true,
  seed: true,
  clock: true,
});

/**
 * A key resolver backed by a JWKS URL (see {@link createRemoteJWKS}). Pass it to `verify` in place
 * of a key.
 */
export interface RemoteJWKS {
  /** Picks the key for a token; synchronous when the cache is fresh and knows the key. */
  (header: Readonly<JwsHeader>, token: string): BoundKey | Promise<BoundKey>;
  /**
   * Fetches the set now, regardless of freshness and cooldown (joining a fetch already in flight).
   * @throws `JwtError` `ERR_JWKS_FETCH` or `ERR_JWKS_INVALID`; the cache is then unchanged.
   */
  refresh(): Promise<void>;
  /** The cache as plain JSON to persist and pass back as `seed`, or `undefined` before the first successful fetch. */
  snapshot(): JWKSCacheSnapshot | undefined;
}

interface CachedSet {
  readonly set: KeySet;
  readonly document: JsonWebKeySet;
  readonly fetchedAt: number;
  readonly expiresAt: number;
}

const DEFAULTS = {
  timeout: 5,
  maxResponseBytes: 262_144,
  maxKeys: DEFAULT_MAX_KEYS,
  cacheMaxAge: 600,
  minCacheMaxAge: 60,
  maxCacheMaxAge: 86_400,
  cooldown: 30,
  staleIfError: 3600,
} as const;

/**
 * A key resolver that fetches a JSON Web Key Set from a URL and caches it, for resource servers
 * that verify tokens of an authorization server.
 *
 * - **Fetching**: `fetch` (injectable) with a timeout covering the body, a response size limit,
 *   no redirects, `https:` only (except loopback, or with `allowInsecureHttp`). The URL comes only
 *   from here: header parameters such as `jku` and `x5u` are never followed.
 * - **Caching**: a set stays fresh for its `Cache-Control: max-age`, kept within
 *   `minCacheMaxAge`..`maxCacheMaxAge` (`cacheMaxAge` without one). Concurrent requests share one
 *   fetch.
 * - **Rotation**: a token whose key is not in the set (an unknown `kid`) triggers a refetch, at
 *   most once per `cooldown`; a burst of unknown `kid`s costs one request.
 * - **Outages**: when a refetch fails, the last good set keeps being used for `staleIfError` past
 *   its freshness, and the fetch is not retried before `cooldown`. With no set cached yet (the
 *   auth server was down when this one started), a failed fetch is retried after 1 s, then 2 s,
 *   4 s, ... up to `cooldown`.
 * - **Validation**: the fetched set follows the rules of `createLocalJWKS` (no `oct` keys, no
 *   private members, no duplicate `kid`), with at most `maxKeys` keys.
 * - **Selection**: as `createLocalJWKS`. A token without `kid` is tried against at most 3 fitting
 *   keys, each signature computed once; when more than 3 keys fit it, it is refused with
 *   `ERR_JWKS_NO_MATCHING_KEY` before any signature is computed, and without a refetch (give the
 *   keys a `kid`).
 *
 * @param url - the JWKS URL, e.g. `https://auth.example/.well-known/jwks.json`.
 * @param options - see {@link RemoteJWKSOptions}.
 * @returns the resolver, with `refresh()` and `snapshot()`.
 * @example
 * ```ts
 * import { createRemoteJWKS, verify } from 'jwtkit';
 * const jwks = createRemoteJWKS('https://auth.example/.well-known/jwks.json');
 * const { payload } = await verify(token, jwks, { algorithms: ['ES256'], issuer: 'https://auth.example' });
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` at creation for a URL that is not allowed or a bad
 * option or an unknown option name, `ERR_JWKS_INVALID` for a bad `seed`. The resolver throws `ERR_JWKS_FETCH` (network
 * failure, timeout, non-200 status, response too large, with no usable cached set),
 * `ERR_JWKS_INVALID` (the fetched document is not a valid key set, e.g. more than `maxKeys` keys),
 * `ERR_JWKS_NO_MATCHING_KEY` (no key fits, or more than 3 fit a token without `kid`),
 * `ERR_JWT_ALG_NOT_ALLOWED` and `ERR_KEY_INVALID` (as `createLocalJWKS`).
 */
export function createRemoteJWKS(url: string | URL, options: RemoteJWKSOptions = {}): RemoteJWKS {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'options must be an object');
  checkOptionNames(options, REMOTE_JWKS_OPTION_NAMES, 'createRemoteJWKS');
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  if (typeof allowInsecureHttp !== 'boolean') throw new JwtError('ERR_INVALID_OPTION', '"allowInsecureHttp" must be a boolean');
  const href = acceptableFetchUrl(url, allowInsecureHttp);
  if (href === undefined) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'the JWKS URL must be an https: URL without credentials (http: only for loopback or with allowInsecureHttp)',
    );
  }
  const settings = fetchSettings(options);
  const maxKeys = positiveInteger(options.maxKeys ?? DEFAULTS.maxKeys, 'maxKeys');
  const minMaxAge = durationToSeconds(options.minCacheMaxAge ?? DEFAULTS.minCacheMaxAge, 'minCacheMaxAge');
  const maxMaxAge = durationToSeconds(options.maxCacheMaxAge ?? DEFAULTS.maxCacheMaxAge, 'maxCacheMaxAge');
  if (minMaxAge > maxMaxAge) throw new JwtError('ERR_INVALID_OPTION', '"minCacheMaxAge" must not exceed "maxCacheMaxAge"');
  const defaultMaxAge = durationToSeconds(options.cacheMaxAge ?? DEFAULTS.cacheMaxAge, 'cacheMaxAge');
  const cooldownMs = durationToSeconds(options.cooldown ?? DEFAULTS.cooldown, 'cooldown') * 1000;
  const staleMs = durationToSeconds(options.staleIfError ?? DEFAULTS.staleIfError, 'staleIfError') * 1000;
  const clock = checkClock(options.clock, 'clock');
  const rules = { allowSymmetric: false, maxKeys };
  const freshFor = (maxAge: number | undefined): number => Math.min(Math.max(maxAge ?? defaultMaxAge, minMaxAge), maxMaxAge) * 1000;

  const now = (): number => readClock(clock, 'clock');

  let cache: CachedSet | undefined = options.seed === undefined ? undefined : readSeed(options.seed, rules, maxMaxAge);
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastError: JwtError | undefined;
  let failuresInARow = 0;
  let inFlight: Promise<void> | undefined;

  /**
   * How long after a failed fetch the next one may start: `cooldown` while a set is cached (it
   * keeps serving); with nothing cached, 1 s after the first failure, doubling up to `cooldown`,
   * so a resource server started before its auth server works within seconds of it coming up
   * (docs/auth-server-and-jwks.md, "Resource servers").
   */
  const retryDelayMs = (): number => (cache !== undefined ? cooldownMs : Math.min(cooldownMs, 1000 * 2 ** Math.max(0, failuresInARow - 1)));

  const fetchSet = (): Promise<void> => {
    if (inFlight !== undefined) return inFlight;
    lastAttemptAt = now();
    const attempt = (async (): Promise<void> => {
      try {
        const { value, cacheControl } = await fetchJson(href, settings);
        const set = new KeySet(value, rules);
        const document = { keys: structuredClone((value as JsonWebKeySet).keys) };
        const fetchedAt = now();
        cache = { set, document, fetchedAt, expiresAt: fetchedAt + freshFor(cacheControlMaxAge(cacheControl)) };
        lastError = undefined;
        failuresInARow = 0;
      } catch (error) {
        failuresInARow++;
        lastError = isJwtError(error) ? error : new JwtError('ERR_JWKS_FETCH', 'fetching the key set failed', { cause: error });
        throw lastError;
      }
    })();
    const shared = attempt.finally(() => {
      if (inFlight === shared) inFlight = undefined;
    });
    inFlight = shared;
    return shared;
  };

  /** The last good set while it may still be used after failures; otherwise the failure. */
  const staleOr = (error: JwtError | undefined): KeySet => {
    if (cache !== undefined && now() < cache.expiresAt + staleMs) return cache.set;
    throw error ?? new JwtError('ERR_JWKS_FETCH', 'the key set could not be fetched');
  };

  const usableSet = async (): Promise<KeySet> => {
    if (cache !== undefined && now() < cache.expiresAt) return cache.set;
    if (inFlight === undefined && lastError !== undefined && now() - lastAttemptAt < retryDelayMs()) return staleOr(lastError);
    try {
      await fetchSet();
    } catch (error) {
      return staleOr(error as JwtError);
    }
    return (cache as CachedSet).set;
  };

  const resolveSlowly = async (header: Readonly<JwsHeader>, token: string): Promise<BoundKey> => {
    const key = (await usableSet()).select(header, token);
    if (key !== undefined) return key;
    if (inFlight !== undefined || now() - lastAttemptAt >= cooldownMs) {
      await fetchSet();
      const refetched = (cache as CachedSet).set.select(header, token);
      if (refetched !== undefined) return refetched;
    }
    throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no key of the fetched set matches the token');
  };

  const resolver = (header: Readonly<JwsHeader>, token: string): BoundKey | Promise<BoundKey> => {
    if (cache !== undefined && now() < cache.expiresAt) {
      const key = cache.set.select(header, token);
      if (key !== undefined) return key;
    }
    return resolveSlowly(header, token);
  };

  return Object.freeze(
    Object.assign(resolver, {
      refresh: (): Promise<void> => fetchSet(),
      snapshot: (): JWKSCacheSnapshot | undefined =>
        cache === undefined
          ? undefined
          : {
              jwks: structuredClone(cache.document),
              fetchedAt: Math.floor(cache.fetchedAt / 1000),
              expiresAt: Math.floor(cache.expiresAt / 1000),
            },
    }),
  );
}

/** The fetch settings shared by {@link createRemoteJWKS} and `discoverJWKS`. @internal */
export function fetchSettings(options: RemoteJWKSOptions): FetchJsonSettings {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  if (typeof fetchFunction !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"fetch" must be a function');
  const headers = options.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Object.values(headers).some((value) => typeof value !== 'string')) {
    throw new JwtError('ERR_INVALID_OPTION', '"headers" must be an object of strings');
  }
  try {
    new Headers(headers);
  } catch (error) {
    // A name or value that cannot be sent (a line break, ...): refused now, not at every fetch.
    throw new JwtError('ERR_INVALID_OPTION', '"headers" must hold valid HTTP header names and values', { cause: error });
  }
  const timeout = durationToSeconds(options.timeout ?? DEFAULTS.timeout, 'timeout');
  if (timeout <= 0) throw new JwtError('ERR_INVALID_OPTION', '"timeout" must be positive');
  return {
    fetch: fetchFunction,
    timeoutMs: timeout * 1000,
    maxBytes: positiveInteger(options.maxResponseBytes ?? DEFAULTS.maxResponseBytes, 'maxResponseBytes'),
    headers: { ...headers },
  };
}

function readSeed(seed: JWKSCacheSnapshot, rules: { allowSymmetric: boolean; maxKeys: number }, maxMaxAge: number): CachedSet {
  const { jwks, fetchedAt, expiresAt } = seed ?? ({} as Partial<JWKSCacheSnapshot>);
  if (typeof fetchedAt !== 'number' || typeof expiresAt !== 'number' || !Number.isFinite(fetchedAt) || !Number.isFinite(expiresAt)) {
    throw new JwtError('ERR_JWKS_INVALID', 'the seed must have numeric "fetchedAt" and "expiresAt"');
  }
  const set = new KeySet(jwks, rules);
  return {
    set,
    document: { keys: structuredClone(jwks.keys) },
    fetchedAt: fetchedAt * 1000,
    expiresAt: Math.min(expiresAt, fetchedAt + maxMaxAge) * 1000,
  };
}
