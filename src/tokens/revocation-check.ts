/**
 * `createRevocationCheck`: the `isRevoked` hook of a resource server that shares the auth server's
 * revocation store, and the one check both of them run.
 *
 * @module
 */
import { JwtError, isJwtError } from '../errors.js';
import { checkClock, epochSeconds, readClock, type Clock } from '../internal/clock.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import type { JwtClaims } from '../jwt/types.js';
import type { RevocationStore } from './store.js';

const REVOCATION_STORE_METHODS = [
  'revokeJti',
  'isJtiRevoked',
  'revokeSession',
  'isSessionRevoked',
  'revokeIssuedBefore',
  'issuedBeforeCutoff',
  'deleteExpired',
] as const;

/** Options of {@link createRevocationCheck}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RevocationCheckOptions {
  /**
   * The clock the store's entries are compared with, read once per check; it must return a valid
   * `Date`. Default: the system time.
   */
  clock?: Clock;
}

const REVOCATION_CHECK_OPTION_NAMES = optionNames<RevocationCheckOptions>({ clock: true });

/**
 * Builds the `isRevoked` hook of the adapters (`authenticate`, `requireAuth`, ...) from the
 * {@link RevocationStore} the auth server's token service writes (a `RedisRevocationStore` or
 * `PostgresRevocationStore` both reach): a verified access token is revoked when its `jti` is on the
 * denylist, its session (`sid`) was revoked (logout, reuse detection, logout everywhere, the session
 * cap), or its `iat` is before its subject's cutoff (logout everywhere, for tokens issued before
 * the call's second). It is the check `verifyAccessToken` runs. The three reads run in parallel; a
 * store failure rejects, and the adapters then refuse the request (fail closed).
 *
 * @param store - the revocation store the auth server uses.
 * @param options - see {@link RevocationCheckOptions}.
 * @returns the hook: `true` when the token is revoked.
 * @example
 * ```ts
 * import { authenticate, createRevocationCheck } from 'jwtkit';
 * import { RedisRevocationStore } from 'jwtkit/redis';
 * const isRevoked = createRevocationCheck(new RedisRevocationStore({ client: redis }));
 * app.use(authenticate({ key: jwks, algorithms: ['ES256'], issuer, audience, isRevoked }));
 * ```
 * @throws `ERR_INVALID_OPTION` when `store` lacks a method of the contract, an option is unknown or
 * `clock` is not a function. The hook rejects with `ERR_STORE_UNAVAILABLE` when the store fails,
 * `ERR_INVALID_OPTION` when it is given something other than an object.
 */
export function createRevocationCheck(
  store: RevocationStore,
  options: RevocationCheckOptions = {},
): (payload: JwtClaims) => Promise<boolean> {
  checkRevocationStore(store, 'store');
  checkOptionNames(options, REVOCATION_CHECK_OPTION_NAMES, 'createRevocationCheck');
  const clock = checkClock(options.clock, 'clock');
  return async (payload) => {
    const now = epochSeconds(new Date(readClock(clock, 'clock')));
    return isRevokedInStore(store, payload, now);
  };
}

/** Checks that a value has every method of the {@link RevocationStore} contract; throws `ERR_INVALID_OPTION`. @internal */
export function checkRevocationStore(store: unknown, option: string): RevocationStore {
  if (typeof store !== 'object' || store === null)
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a revocation store object`);
  for (const method of REVOCATION_STORE_METHODS) {
    if (typeof (store as Record<string, unknown>)[method] !== 'function') {
      throw new JwtError('ERR_INVALID_OPTION', `"${option}" must have a "${method}" method (revocation store contract v2)`);
    }
  }
  return store as RevocationStore;
}

/**
 * Whether a verified payload is revoked in `store` at `now` (seconds): its `jti` denylisted, its
 * `sid` revoked, or its `iat` before its subject's cutoff. Claims read as own members; one that is
 * absent (or not of its type) is not looked up. Anything but a `JwtError` from the store becomes
 * `ERR_STORE_UNAVAILABLE`. @internal
 */
export async function isRevokedInStore(store: RevocationStore, payload: JwtClaims, now: number): Promise<boolean> {
  if (typeof payload !== 'object' || payload === null)
    throw new JwtError('ERR_INVALID_OPTION', 'the revocation check takes verified claims (an object)');
  const jti = ownValue(payload, 'jti', payload.jti);
  const sid = ownValue(payload, 'sid', payload['sid']);
  const sub = ownValue(payload, 'sub', payload.sub);
  const iat = ownValue(payload, 'iat', payload.iat);
  try {
    const [denied, sessionRevoked, cutoff] = await Promise.all([
      typeof jti === 'string' ? store.isJtiRevoked(jti, now) : false,
      typeof sid === 'string' ? store.isSessionRevoked(sid, now) : false,
      typeof sub === 'string' && typeof iat === 'number' ? store.issuedBeforeCutoff(sub, now) : null,
    ]);
    return denied === true || sessionRevoked === true || (typeof cutoff === 'number' && typeof iat === 'number' && iat < cutoff);
  } catch (error) {
    if (isJwtError(error)) throw error;
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the revocation store failed', { cause: error });
  }
}
