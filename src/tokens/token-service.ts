/**
 * `createTokenService`: the session workflow. Login issues an access token (a short-lived JWT)
 * and a refresh token (opaque, single-use); the refresh token is traded for a new pair with
 * rotation and reuse detection (RFC 9700 §4.14.2); logout revokes a session, logout-everywhere
 * revokes all of a subject's; access tokens can be revoked through a denylist.
 *
 * @module
 */
import { JwtError, isJwtError, type JwtErrorCode } from '../errors.js';
import { epochSeconds, readClock } from '../internal/clock.js';
import { DEFAULT_MAX_TOKEN_LENGTH } from '../jws/parse.js';
import { DEFAULT_CLOCK_TOLERANCE } from '../jwt/claims.js';
import { sign } from '../jwt/sign.js';
import { verify } from '../jwt/verify.js';
import type { VerifyResult } from '../jwt/types.js';
import { generateId, generateRefreshToken, hashRefreshToken, isRefreshTokenShaped } from './opaque.js';
import { readTokenServiceOptions, type TokenServiceConfig } from './service-options.js';
import type { NewRefreshTokenRecord, RefreshRevocationReason, RefreshTokenRecord, RotateResult } from './store.js';
import type { AccessTokenClaims, AccessTokenReference, TokenPair, TokenService, TokenServiceEvent, TokenServiceOptions } from './types.js';

/** The claims the service sets itself; `issue(subject, claims)` refuses them in `claims`. */
const RESERVED_CLAIMS: readonly string[] = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti'];
/** The `typ` of every access token (RFC 9068 §2.1). */
const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * Builds the session workflow from options checked once: `issue` (login), `verifyAccessToken`,
 * `refresh` (rotation with reuse detection), `revoke` (logout), `revokeAll` (logout everywhere)
 * and `revokeAccessToken`.
 *
 * Access tokens are JWTs with `typ: at+jwt` (RFC 9068) and `iss`, `aud`, `sub`, `iat`, `exp`,
 * `jti`. Refresh tokens are opaque: 256 random bits as Base64Url, never a JWT, and the store only
 * ever sees their SHA-256. Each login starts a *family*; every refresh consumes the presented
 * token atomically and returns a new pair in the same family, whose absolute expiry never moves.
 *
 * **Reuse detection.** Presenting a refresh token that was already used means two parties hold
 * it, so one of them stole it: the whole family is revoked (the newest token stops working too)
 * and the call fails with `ERR_REFRESH_REUSED`, and `onEvent` receives `reuse_detected` and
 * `family_revoked`. Of N concurrent `refresh` calls with one token exactly one succeeds.
 *
 * **Grace window (`reuseGrace`, default 0).** Two browser tabs may refresh with the same
 * token at the same moment. Within `reuseGrace` of a rotation, presenting the rotated token
 * again still fails with `ERR_REFRESH_REUSED` and never yields a second pair (so a stolen token can
 * never fork the session), but it does NOT revoke the family: the client should retry with the
 * refresh token the winning request received (e.g. the updated cookie). After the window, the
 * presentation revokes the family. The successor cannot be handed out again: the store keeps only
 * hashes.
 *
 * **Failure atomicity.** The new access token is signed before the store is touched, and the
 * rotation (old token used + successor stored) is one atomic store operation: if signing or the
 * store fails, nothing changed, the presented refresh token is still usable, and no token the
 * store does not know is returned. (If the store's answer is lost after it committed, e.g. a
 * dropped connection, the old token is used and the client must log in again.)
 *
 * @typeParam Claims - the extra claims of your access tokens.
 * @param options - see {@link TokenServiceOptions}.
 * @returns the {@link TokenService}.
 * @example
 * ```ts
 * import { createTokenService, generateKeyPair, MemoryRevocationStore } from 'jwtkit';
 * const { privateKey } = await generateKeyPair('ES256');
 * const tokens = createTokenService<{ scope: string }>({
 *   key: privateKey,
 *   issuer: 'https://auth.example.com',
 *   audience: 'https://api.example.com',
 *   accessTokenTtl: '15m',
 *   refreshTokenTtl: '30d',
 *   revocationStore: new MemoryRevocationStore(),
 *   onEvent: (event) => { if (event.type === 'reuse_detected') alertSecurityTeam(event); },
 * });
 * const pair = await tokens.issue('user-1', { scope: 'read' });      // login
 * const { payload } = await tokens.verifyAccessToken(pair.accessToken); // each API request
 * const next = await tokens.refresh(pair.refreshToken);                 // when the access token expires
 * await tokens.revoke(next.refreshToken);                               // logout
 * ```
 * @throws `ERR_INVALID_OPTION` (a missing or bad option, an unknown option name, an
 * `accessTokenTtl` longer than `maxAccessTokenTtl`), `ERR_KEY_INVALID` (a key that cannot
 * sign with `alg`, or a public key). The methods throw the codes listed on {@link TokenService}.
 */
export function createTokenService<Claims extends object = Record<string, unknown>>(
  options: TokenServiceOptions<Claims>,
): TokenService<Claims> {
  const config = readTokenServiceOptions(options);
  const service = new TokenServiceImpl(config);
  return Object.freeze({
    issue: (subject: string, claims?: Claims) => service.issue(subject, claims),
    verifyAccessToken: (token: string) => service.verifyAccessToken(token),
    refresh: (refreshToken: string) => service.refresh(refreshToken),
    revoke: (refreshToken: string) => service.revoke(refreshToken),
    revokeAll: (subject: string) => service.revokeAll(subject),
    revokeAccessToken: (token: AccessTokenReference) => service.revokeAccessToken(token),
  });
}

class TokenServiceImpl<Claims extends object> {
  readonly #config: TokenServiceConfig<Claims>;

  constructor(config: TokenServiceConfig<Claims>) {
    this.#config = config;
  }

  async issue(subject: string, claims: Claims | undefined): Promise<TokenPair> {
    const now = this.#now();
    const nowSeconds = epochSeconds(now);
    checkSubject(subject);
    const sessionClaims = readSessionClaims(claims);
    const refreshToken = generateRefreshToken();
    const expiresAt = nowSeconds + this.#config.refreshTokenTtl;
    const record: NewRefreshTokenRecord = {
      hash: hashRefreshToken(refreshToken),
      subject,
      familyId: generateId(),
      parentHash: null,
      createdAt: nowSeconds,
      expiresAt,
      idleExpiresAt: this.#idleExpiry(nowSeconds, expiresAt),
      claims: sessionClaims,
    };
    // Sign first: a signing failure then leaves nothing in the store.
    const accessToken = await this.#signAccessToken(subject, sessionClaims, now);
    if (accessToken.length > DEFAULT_MAX_TOKEN_LENGTH) {
      throw new JwtError('ERR_INVALID_OPTION', `the claims make the access token longer than ${DEFAULT_MAX_TOKEN_LENGTH} characters`);
    }
    await callStore(() => this.#config.store.insert(record));
    this.#emit({ type: 'issued', subject, familyId: record.familyId, at: now });
    return this.#pair(accessToken, refreshToken, record, nowSeconds);
  }

  async verifyAccessToken(token: string): Promise<VerifyResult<Claims & AccessTokenClaims>> {
    const now = this.#now();
    const result = await this.#verifyAccessTokenOnly(token, now);
    await this.#checkRevocation(result, epochSeconds(now));
    return result;
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const now = this.#now();
    const nowSeconds = epochSeconds(now);
    if (!isRefreshTokenShaped(refreshToken)) {
      throw this.#refreshFailure('ERR_REFRESH_INVALID', 'the refresh token is not valid', now);
    }
    const hash = hashRefreshToken(refreshToken);
    const record = await this.#refreshStep(async () => foundRecord(await this.#config.store.find(hash)), now);
    if (record === null) throw this.#refreshFailure('ERR_REFRESH_INVALID', 'the refresh token is not valid', now);
    // Used, revoked and expired are final states: answer them without signing anything.
    if (record.revoked) throw this.#refreshFailure('ERR_REFRESH_REVOKED', 'the refresh token was revoked', now, record);
    if (record.usedAt !== null) throw await this.#reuse(record, now);
    if (isExpired(record, nowSeconds)) throw this.#refreshFailure('ERR_REFRESH_EXPIRED', 'the refresh token has expired', now, record);

    const successorToken = generateRefreshToken();
    const successor: NewRefreshTokenRecord = {
      hash: hashRefreshToken(successorToken),
      subject: record.subject,
      familyId: record.familyId,
      parentHash: hash,
      createdAt: nowSeconds,
      expiresAt: record.expiresAt,
      idleExpiresAt: this.#idleExpiry(nowSeconds, record.expiresAt),
      claims: record.claims,
    };
    // Sign before the rotation commits: a signing failure leaves the presented token usable.
    let accessToken: string;
    try {
      accessToken = await this.#signAccessToken(record.subject, record.claims, now);
    } catch (error) {
      this.#emitFailure(isJwtError(error) ? error.code : 'ERR_KEY_INVALID', now, record);
      throw error;
    }
    const result = await this.#refreshStep(
      async () => rotateResult(await this.#config.store.rotate(hash, successor, nowSeconds)),
      now,
      record,
    );
    switch (result.status) {
      case 'rotated':
        this.#emit({ type: 'refreshed', subject: record.subject, familyId: record.familyId, at: now });
        return this.#pair(accessToken, successorToken, successor, nowSeconds);
      case 'used':
        throw await this.#reuse(result.record, now);
      case 'revoked':
        throw this.#refreshFailure('ERR_REFRESH_REVOKED', 'the refresh token was revoked', now, result.record);
      case 'expired':
        throw this.#refreshFailure('ERR_REFRESH_EXPIRED', 'the refresh token has expired', now, result.record);
      default:
        throw this.#refreshFailure('ERR_REFRESH_INVALID', 'the refresh token is not valid', now);
    }
  }

  async revoke(refreshToken: string): Promise<boolean> {
    const now = this.#now();
    if (!isRefreshTokenShaped(refreshToken)) return false;
    const record = await callStore(async () => foundRecord(await this.#config.store.find(hashRefreshToken(refreshToken))));
    if (record === null) return false;
    await this.#revokeFamily(record, 'logout', now);
    return true;
  }

  async revokeAll(subject: string): Promise<void> {
    const now = this.#now();
    checkSubject(subject);
    await callStore(() => this.#config.store.revokeSubject(subject, 'logout_all'));
    const revocations = this.#config.revocationStore;
    if (revocations !== undefined) {
      // Tokens issued before this second are invalid; it is also the call time the store measures from.
      const cutoff = epochSeconds(now);
      // After this, every token issued before the cutoff has expired (with the verifier's leeway).
      const keepUntil = cutoff + this.#config.accessTokenTtl + (this.#config.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE) + 1;
      await callStore(() => revocations.revokeIssuedBefore(subject, cutoff, keepUntil, cutoff));
    }
    this.#emit({ type: 'subject_revoked', subject, at: now });
  }

  async revokeAccessToken(reference: AccessTokenReference): Promise<void> {
    const now = this.#now();
    const revocations = this.#config.revocationStore;
    if (revocations === undefined) {
      throw new JwtError('ERR_INVALID_OPTION', 'revokeAccessToken needs the "revocationStore" option');
    }
    let jti: string;
    let exp: number;
    let subject: string | undefined;
    if (typeof reference === 'string') {
      let payload: AccessTokenClaims;
      try {
        ({ payload } = await this.#verifyAccessTokenOnly(reference, now));
      } catch (error) {
        if (isJwtError(error, 'ERR_JWT_EXPIRED')) return; // already dead: nothing to remember
        throw error;
      }
      ({ jti, exp, sub: subject } = payload);
    } else {
      if (
        typeof reference !== 'object' ||
        reference === null ||
        typeof reference.jti !== 'string' ||
        reference.jti.length === 0 ||
        typeof reference.exp !== 'number' ||
        !Number.isFinite(reference.exp) ||
        (reference.sub !== undefined && typeof reference.sub !== 'string')
      ) {
        throw new JwtError('ERR_INVALID_OPTION', 'revokeAccessToken takes a token or { jti, exp }');
      }
      ({ jti, exp, sub: subject } = reference);
    }
    // Keep the entry past `exp` by the verifier's leeway, during which the token still verifies.
    const keepUntil = Math.ceil(exp) + (this.#config.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE) + 1;
    const nowSeconds = epochSeconds(now);
    if (keepUntil <= nowSeconds) return;
    await callStore(() => revocations.revokeJti(jti, keepUntil, nowSeconds));
    this.#emit(
      subject === undefined ? { type: 'access_token_revoked', jti, at: now } : { type: 'access_token_revoked', jti, subject, at: now },
    );
  }

  /** The time of one operation, read once: its signing, verification, store calls and events all use it. */
  #now(): Date {
    return new Date(readClock(this.#config.clock, 'clock'));
  }

  #idleExpiry(nowSeconds: number, expiresAt: number): number | null {
    return this.#config.idleTtl === undefined ? null : Math.min(nowSeconds + this.#config.idleTtl, expiresAt);
  }

  #pair(accessToken: string, refreshToken: string, record: NewRefreshTokenRecord, nowSeconds: number): TokenPair {
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.#config.accessTokenTtl,
      refreshExpiresIn: Math.min(record.expiresAt, record.idleExpiresAt ?? record.expiresAt) - nowSeconds,
    };
  }

  async #signAccessToken(subject: string, claims: Record<string, unknown>, now: Date): Promise<string> {
    const key = this.#config.signingKey();
    const { audience } = this.#config;
    return sign({ ...claims }, key, {
      alg: key.alg,
      typ: ACCESS_TOKEN_TYPE,
      issuer: this.#config.issuer,
      subject,
      audience: typeof audience === 'string' ? audience : [...audience],
      expiresIn: this.#config.accessTokenTtl,
      jwtId: generateId(),
      clock: () => now,
    });
  }

  async #verifyAccessTokenOnly(token: string, now: Date): Promise<VerifyResult<Claims & AccessTokenClaims>> {
    const { clockTolerance } = this.#config;
    const { key, algorithms } = this.#config.verification();
    return verify<Claims & AccessTokenClaims>(token, key, {
      algorithms,
      issuer: this.#config.issuer,
      audience: this.#config.audience,
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ['sub', 'iat', 'jti'],
      clock: () => now,
      ...(clockTolerance === undefined ? {} : { clockTolerance }),
    });
  }

  async #checkRevocation({ payload, header }: VerifyResult<Claims & AccessTokenClaims>, nowSeconds: number): Promise<void> {
    const { isRevoked, revocationStore } = this.#config;
    if (isRevoked !== undefined && (await callStore(async () => isRevoked(payload, header))) === true) {
      throw new JwtError('ERR_JWT_REVOKED', 'the access token was revoked');
    }
    if (revocationStore === undefined) return;
    const [denied, cutoff] = await callStore(() =>
      Promise.all([revocationStore.isJtiRevoked(payload.jti, nowSeconds), revocationStore.issuedBeforeCutoff(payload.sub, nowSeconds)]),
    );
    if (denied || (cutoff !== null && payload.iat < cutoff)) {
      throw new JwtError('ERR_JWT_REVOKED', 'the access token was revoked');
    }
  }

  /** A presented token was already used: revoke the family, unless within the grace window. */
  async #reuse(record: RefreshTokenRecord, now: Date): Promise<JwtError> {
    const usedAt = record.usedAt ?? epochSeconds(now);
    const withinGrace = this.#config.reuseGrace > 0 && epochSeconds(now) < usedAt + this.#config.reuseGrace;
    this.#emit({
      type: 'reuse_detected',
      subject: record.subject,
      familyId: record.familyId,
      usedAt: new Date(usedAt * 1000),
      withinGrace,
      at: now,
    });
    if (!withinGrace) {
      try {
        await this.#revokeFamily(record, 'reuse', now);
      } catch (error) {
        this.#emitFailure('ERR_STORE_UNAVAILABLE', now, record);
        return error as JwtError;
      }
    }
    return this.#refreshFailure('ERR_REFRESH_REUSED', 'the refresh token was already used', now, record);
  }

  async #revokeFamily(record: RefreshTokenRecord, reason: RefreshRevocationReason, now: Date): Promise<void> {
    await callStore(() => this.#config.store.revokeFamily(record.familyId, reason));
    this.#emit({ type: 'family_revoked', subject: record.subject, familyId: record.familyId, reason, at: now });
  }

  /** Runs one store call of `refresh`, reporting an outage as a failed refresh. */
  async #refreshStep<T>(operation: () => Promise<T>, now: Date, record?: RefreshTokenRecord): Promise<T> {
    try {
      return await callStore(operation);
    } catch (error) {
      this.#emitFailure(isJwtError(error) ? error.code : 'ERR_STORE_UNAVAILABLE', now, record);
      throw error;
    }
  }

  #refreshFailure(code: JwtErrorCode, message: string, now: Date, record?: RefreshTokenRecord): JwtError {
    this.#emitFailure(code, now, record);
    return new JwtError(code, message);
  }

  #emitFailure(code: JwtErrorCode, now: Date, record?: RefreshTokenRecord): void {
    this.#emit(
      record === undefined
        ? { type: 'refresh_failed', code, at: now }
        : { type: 'refresh_failed', code, subject: record.subject, familyId: record.familyId, at: now },
    );
  }

  /** Reports an event; the hook can never break the flow (its errors and rejections are ignored). */
  #emit(event: TokenServiceEvent): void {
    const { onEvent } = this.#config;
    if (onEvent === undefined) return;
    try {
      const returned: unknown = onEvent({ ...event, at: new Date(event.at.getTime()) });
      if (typeof returned === 'object' && returned !== null && typeof (returned as PromiseLike<unknown>).then === 'function') {
        (returned as PromiseLike<unknown>).then(undefined, () => undefined);
      }
    } catch {
      // An audit hook must not turn a successful login into a failure.
    }
  }
}

/** Runs a store call; anything but a `JwtError` becomes `ERR_STORE_UNAVAILABLE` (fail closed). */
async function callStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isJwtError(error)) throw error;
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the token store failed', { cause: error });
  }
}

/** A `find` answer the contract allows (a record or `null`); anything else is a broken store: fail closed. */
function foundRecord(value: RefreshTokenRecord | null): RefreshTokenRecord | null {
  if (typeof value === 'object') return value; // a record, or null
  throw new JwtError('ERR_STORE_UNAVAILABLE', 'the token store answered "find" out of contract');
}

const RECORD_STATUSES: ReadonlySet<unknown> = new Set(['rotated', 'used', 'revoked', 'expired']);

/** A `rotate` answer the contract allows; anything else is a broken store: fail closed. */
function rotateResult(value: RotateResult): RotateResult {
  const { status, record } = (typeof value === 'object' && value !== null ? value : {}) as { status?: unknown; record?: unknown };
  if (status === 'unknown' || (RECORD_STATUSES.has(status) && typeof record === 'object' && record !== null)) return value;
  throw new JwtError('ERR_STORE_UNAVAILABLE', 'the token store answered "rotate" out of contract');
}

function isExpired(record: RefreshTokenRecord, nowSeconds: number): boolean {
  return nowSeconds >= record.expiresAt || (record.idleExpiresAt !== null && nowSeconds >= record.idleExpiresAt);
}

function checkSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', 'the subject must be a non-empty string');
  }
}

/** Copies the session claims as JSON (as a store will keep them) and refuses reserved ones. */
function readSessionClaims(claims: unknown): Record<string, unknown> {
  if (claims === undefined) return {};
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new JwtError('ERR_INVALID_OPTION', 'the claims must be a plain object');
  }
  let copy: Record<string, unknown>;
  try {
    copy = JSON.parse(JSON.stringify(claims)) as Record<string, unknown>;
  } catch (error) {
    throw new JwtError('ERR_INVALID_OPTION', 'the claims must be JSON-serialisable', { cause: error });
  }
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
    throw new JwtError('ERR_INVALID_OPTION', 'the claims must be a plain object');
  }
  for (const name of RESERVED_CLAIMS) {
    if (Object.hasOwn(copy, name)) throw new JwtError('ERR_INVALID_OPTION', `the "${name}" claim is set by the token service`);
  }
  return copy;
}
