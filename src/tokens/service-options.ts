/**
 * Checks and normalises the options of `createTokenService`, once, at construction.
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';
import { checkClock, type Clock } from '../internal/clock.js';
import { refuseBothNames } from '../internal/deprecated-option.js';
import { durationToSeconds } from '../internal/duration.js';
import { checkOptionNames } from '../internal/option-names.js';
import { bindKey, isBoundKey, toVerificationKey } from '../jws/key.js';
import { readClockTolerance } from '../jwt/claims.js';
import type { BoundKey, JwsAlgorithm, KeyInput, KeyResolver } from '../jws/types.js';
import { MemoryRefreshTokenStore } from './memory-refresh-token-store.js';
import { MemoryRevocationStore } from './memory-revocation-store.js';
import { checkRevocationStore } from './revocation-check.js';
import type { RefreshTokenStore, RevocationStore } from './store.js';
import type { KeyRing } from '../keys/key-ring.js';
import {
  TOKEN_SERVICE_OPTION_NAMES,
  type IsRevokedHook,
  type RefreshClaimsHook,
  type TokenServiceEvent,
  type TokenServiceOptions,
} from './types.js';

/** The longest accepted `reuseGrace`, in seconds: a longer window would blunt reuse detection. */
export const MAX_REUSE_GRACE_SECONDS = 60;

/** How access tokens are verified right now. @internal */
export interface Verification {
  readonly key: KeyInput | KeyResolver;
  readonly algorithms: readonly JwsAlgorithm[];
}

/** The options of a token service after validation. @internal */
export interface TokenServiceConfig<Claims extends object> {
  /** The key to sign the next token with (read at every signing: a key ring may have rotated). */
  readonly signingKey: () => BoundKey;
  /** The key (or resolver) access tokens are verified with, and the algorithms accepted (read at every verification). */
  readonly verification: () => Verification;
  readonly issuer: string;
  readonly audience: string | readonly string[];
  /** The `client_id` of access tokens (RFC 9068 §2.2); `undefined` for none. */
  readonly clientId: string | undefined;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly idleTtl: number | undefined;
  readonly store: RefreshTokenStore;
  /** The `revocationStore` option, or a `MemoryRevocationStore` of this service. */
  readonly revocationStore: RevocationStore;
  /** The `maxSessionsPerSubject` option. */
  readonly maxSessionsPerSubject: number;
  /** The `reuseGrace` option, in seconds. */
  readonly reuseGrace: number;
  readonly clockTolerance: number | undefined;
  readonly refreshClaims: RefreshClaimsHook<Claims> | undefined;
  readonly isRevoked: IsRevokedHook<Claims> | undefined;
  readonly onEvent: ((event: TokenServiceEvent) => void) | undefined;
  /** The `clock` option; `undefined` reads the system time. */
  readonly clock: Clock | undefined;
}

const REFRESH_STORE_METHODS = ['insert', 'find', 'rotate', 'revokeFamily', 'revokeSubject', 'deleteExpired'] as const;

/** The default and the largest `maxSessionsPerSubject`. */
export const DEFAULT_MAX_SESSIONS_PER_SUBJECT = 100;
const MAX_SESSIONS_PER_SUBJECT = 1_000_000;

/**
 * Validates every option of `createTokenService`.
 * Throws `ERR_INVALID_OPTION` or `ERR_KEY_INVALID`.
 * @internal
 */
export function readTokenServiceOptions<Claims extends object>(options: TokenServiceOptions<Claims>): TokenServiceConfig<Claims> {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'createTokenService needs an options object');
  }
  checkOptionNames(options, TOKEN_SERVICE_OPTION_NAMES, 'createTokenService');
  const keys = readKey(options.key, options.alg);
  const refreshTokenTtl = positiveDuration(options.refreshTokenTtl ?? '30d', 'refreshTokenTtl');
  const idleTtl = options.idleTtl === undefined ? undefined : positiveDuration(options.idleTtl, 'idleTtl');
  if (idleTtl !== undefined && idleTtl > refreshTokenTtl) {
    throw new JwtError('ERR_INVALID_OPTION', '"idleTtl" must not be longer than "refreshTokenTtl"');
  }
  const accessTokenTtl = positiveDuration(options.accessTokenTtl ?? '15m', 'accessTokenTtl');
  const maxAccessTokenTtl = positiveDuration(options.maxAccessTokenTtl ?? '24h', 'maxAccessTokenTtl');
  if (accessTokenTtl > maxAccessTokenTtl) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"accessTokenTtl" is longer than "maxAccessTokenTtl" (default \'24h\'): it counts seconds, not milliseconds ' +
        '(900 or \'15m\' is 15 minutes); raise "maxAccessTokenTtl" to issue longer-lived access tokens on purpose',
    );
  }
  const ringLifetime = isKeyRing(options.key) ? (options.key as Partial<KeyRing>).maxTokenLifetime : undefined;
  if (typeof ringLifetime === 'number' && accessTokenTtl > ringLifetime) {
    // A retired key drops out of the ring after maxTokenLifetime: longer-lived tokens would then fail.
    throw new JwtError('ERR_INVALID_OPTION', '"accessTokenTtl" must not be longer than the key ring\'s "maxTokenLifetime"');
  }
  return {
    ...keys,
    issuer: nonEmptyString(options.issuer, 'issuer'),
    audience: readAudience(options.audience),
    clientId: options.clientId === undefined ? undefined : nonEmptyString(options.clientId, 'clientId'),
    accessTokenTtl,
    refreshTokenTtl,
    idleTtl,
    store: options.store === undefined ? new MemoryRefreshTokenStore() : checkStore(options.store, REFRESH_STORE_METHODS, 'store'),
    revocationStore:
      options.revocationStore === undefined
        ? new MemoryRevocationStore()
        : checkRevocationStore(options.revocationStore, 'revocationStore'),
    maxSessionsPerSubject: readMaxSessions(options.maxSessionsPerSubject),
    reuseGrace: readReuseGrace(options),
    clockTolerance: readClockTolerance(options.clockTolerance),
    refreshClaims: optionalFunction(options.refreshClaims, 'refreshClaims'),
    isRevoked: optionalFunction(options.isRevoked, 'isRevoked'),
    onEvent: optionalFunction(options.onEvent, 'onEvent'),
    clock: checkClock(options.clock, 'clock'),
  };
}

/** The `reuseGrace` option (or its deprecated `reuseGraceSeconds`, a number of seconds) in seconds. */
function readReuseGrace(options: Pick<TokenServiceOptions, 'reuseGrace' | 'reuseGraceSeconds'>): number {
  const { reuseGrace, reuseGraceSeconds } = options;
  refuseBothNames(reuseGrace, reuseGraceSeconds, 'reuseGrace', 'reuseGraceSeconds');
  const option = reuseGraceSeconds == null ? 'reuseGrace' : 'reuseGraceSeconds';
  const range = `"${option}" must be a whole number of seconds from 0 to ${MAX_REUSE_GRACE_SECONDS}`;
  // The deprecated name keeps its old type: a number of seconds.
  if (reuseGraceSeconds != null && typeof reuseGraceSeconds !== 'number') throw new JwtError('ERR_INVALID_OPTION', range);
  const seconds = durationToSeconds(reuseGraceSeconds ?? reuseGrace ?? 0, option);
  if (!Number.isInteger(seconds) || seconds > MAX_REUSE_GRACE_SECONDS) throw new JwtError('ERR_INVALID_OPTION', range);
  return seconds;
}

function readMaxSessions(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_SESSIONS_PER_SUBJECT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SESSIONS_PER_SUBJECT) {
    throw new JwtError('ERR_INVALID_OPTION', `"maxSessionsPerSubject" must be a whole number from 1 to ${MAX_SESSIONS_PER_SUBJECT}`);
  }
  return value;
}

function readKey(key: unknown, alg: JwsAlgorithm | undefined): Pick<TokenServiceConfig<object>, 'signingKey' | 'verification'> {
  if (key === undefined || key === null) throw new JwtError('ERR_INVALID_OPTION', '"key" is required');
  if (isKeyRing(key)) {
    if (alg !== undefined && key.signingKey.alg !== alg) {
      throw new JwtError('ERR_KEY_INVALID', `the key ring signs with ${key.signingKey.alg}, not ${alg}`);
    }
    // Read the ring at every use: a rotation takes effect at once.
    return {
      signingKey: () => key.signingKey,
      verification: () => ({ key: (header) => key.verificationKeys(header), algorithms: key.algorithms }),
    };
  }
  let bound: BoundKey;
  if (isBoundKey(key)) {
    if (alg !== undefined && key.alg !== alg) throw new JwtError('ERR_KEY_INVALID', `the key is bound to ${key.alg}, not ${alg}`);
    bound = key;
  } else {
    if (alg === undefined) throw new JwtError('ERR_INVALID_OPTION', '"alg" is required unless "key" is a bound key or a key ring');
    bound = bindKey(key as KeyInput, alg);
  }
  if (bound.type === 'public') throw new JwtError('ERR_KEY_INVALID', 'a public key cannot sign access tokens: pass the private key');
  const verification: Verification = Object.freeze({ key: toVerificationKey(bound), algorithms: Object.freeze([bound.alg]) });
  return { signingKey: () => bound, verification: () => verification };
}

function isKeyRing(value: unknown): value is KeyRing {
  if (typeof value !== 'object' || value === null || isBoundKey(value)) return false;
  const candidate = value as Partial<Record<keyof KeyRing, unknown>>;
  return isBoundKey(candidate.signingKey) && typeof candidate.verificationKeys === 'function' && Array.isArray(candidate.algorithms);
}

function nonEmptyString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a non-empty string`);
  return value;
}

function readAudience(value: unknown): string | readonly string[] {
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string' && entry.length > 0)) {
    return Object.freeze([...(value as string[])]);
  }
  throw new JwtError('ERR_INVALID_OPTION', '"audience" must be a non-empty string or a non-empty array of them');
}

function positiveDuration(value: unknown, option: string): number {
  const seconds = durationToSeconds(value, option);
  if (seconds <= 0 || !Number.isInteger(seconds)) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a positive whole number of seconds`);
  }
  return seconds;
}

function optionalFunction<T>(value: T | undefined, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a function`);
  return value;
}

function checkStore<Store>(store: Store, methods: readonly string[], option: string): Store {
  if (typeof store !== 'object' || store === null) throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a store object`);
  for (const method of methods) {
    if (typeof (store as Record<string, unknown>)[method] !== 'function') {
      throw new JwtError('ERR_INVALID_OPTION', `"${option}" must have a "${method}" method (refresh token store contract v2)`);
    }
  }
  const adoptLegacy = (store as Record<string, unknown>)['adoptLegacy'];
  if (adoptLegacy !== undefined && typeof adoptLegacy !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}.adoptLegacy" must be a method when present`);
  }
  return store;
}
