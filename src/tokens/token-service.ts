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
import { checkOptionNames, type OptionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { checkTokenBinding, type CheckTokenBindingOptions } from '../dpop/token-binding.js';
import { generateId } from './opaque.js';
import { generateTagKey, hasValidTag, mintRefreshToken, parseRefreshToken } from './refresh-token-format.js';
import { isRevokedInStore } from './revocation-check.js';
import { readTokenServiceOptions, type TokenServiceConfig } from './service-options.js';
import type {
  LegacyRefreshToken,
  NewRefreshFamily,
  PresentedRefreshToken,
  RefreshFamily,
  RefreshRevocationReason,
  RefreshSuccessor,
  RevokedFamily,
  RotateResult,
} from './store.js';
import {
  PROOF_OPTION_NAMES,
  REFRESH_OPTION_NAMES,
  type AccessTokenClaims,
  type AccessTokenReference,
  type IssueOptions,
  type RefreshOptions,
  type TokenPair,
  type TokenService,
  type TokenServiceEvent,
  type TokenServiceOptions,
  type VerifyAccessTokenOptions,
} from './types.js';

/** The claims the service sets itself; `issue(subject, claims)` refuses them in `claims`. */
const RESERVED_CLAIMS: readonly string[] = ['iss', 'sub', 'aud', 'iat', 'exp', 'nbf', 'jti', 'sid', 'cnf'];
/** The `typ` of every access token (RFC 9068 §2.1). */
const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * Builds the session workflow from options checked once: `issue` (login), `verifyAccessToken`,
 * `refresh` (rotation with reuse detection), `revoke` (logout), `revokeAll` (logout everywhere)
 * and `revokeAccessToken`.
 *
 * Access tokens are JWTs with `typ: at+jwt` (RFC 9068) and `iss`, `aud`, `sub`, `iat`, `exp`,
 * `jti` and `sid` (the session), and `client_id` with the `clientId` option (the RFC 9068 §2.2
 * profile). Refresh tokens are opaque, never a JWT: a session id, a generation
 * and a 256-bit secret (128 random bits and a 128-bit tag under the session's key), and the store
 * only ever sees the secret's SHA-256. Each login starts a *session* (a refresh-token family); every
 * refresh consumes the presented token atomically and returns a new pair in the same session, whose
 * absolute expiry never moves. The store keeps one record per session, however often it rotates.
 *
 * **Reuse detection.** Presenting a refresh token that was already used, of any earlier generation,
 * means two parties hold it, so one of them stole it: the session is revoked (the newest refresh
 * token and every access token of the session stop working too) and the call fails with
 * `ERR_REFRESH_REUSED`, and `onEvent` receives `reuse_detected` and `family_revoked`. Of N
 * concurrent `refresh` calls with one token exactly one succeeds. A token the service did not issue
 * (a wrong tag, an unknown generation) is `ERR_REFRESH_INVALID` and never revokes anything, so
 * knowing a session id (`sid` is in every access token) gives no power over the session.
 *
 * **Logout reaches access tokens.** Reuse detection, `revoke` (logout), `revokeAll` (logout
 * everywhere) and the session cap (`maxSessionsPerSubject`) revoke the sessions they end in the
 * `revocationStore` (a `MemoryRevocationStore` by default), so `verifyAccessToken` refuses their
 * access tokens at once with `ERR_JWT_REVOKED`. See docs/security.md, "Session revocation".
 *
 * **Grace window (`reuseGrace`, default 0).** Two browser tabs may refresh with the same
 * token at the same moment. Within `reuseGrace` of a rotation, presenting the rotated token
 * again still fails with `ERR_REFRESH_REUSED` and never yields a second pair (so a stolen token can
 * never fork the session), but it does NOT revoke the session while the successor has not been used
 * itself: the client should retry with the refresh token the winning request received (e.g. the
 * updated cookie). Once the successor was used (the other party moved on), or after the window,
 * the presentation revokes the session. The residual risk: a thief who rotates first, then stops,
 * keeps the session when the victim comes back within the window (the victim gets
 * `ERR_REFRESH_REUSED` and must log in again; the thief's next refresh is then allowed).
 *
 * **Failure atomicity.** The new access token is signed before the store is touched, and the
 * rotation is one atomic store operation: if signing or the store fails, nothing changed, the
 * presented refresh token is still usable, and no token the store does not know is returned. (If
 * the store's answer is lost after it committed, e.g. a dropped connection, the old token is used
 * and the client must log in again.)
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
 *   revocationStore: new MemoryRevocationStore(), // the default; share a Redis or PostgreSQL one between processes
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
    issue: (subject: string, claims?: Claims, options?: IssueOptions) => service.issue(subject, claims, options),
    verifyAccessToken: (token: string, options?: VerifyAccessTokenOptions) => service.verifyAccessToken(token, options),
    refresh: (refreshToken: string, options?: RefreshOptions) => service.refresh(refreshToken, options),
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

  async issue(subject: string, claims: Claims | undefined, options: IssueOptions | undefined): Promise<TokenPair> {
    const now = this.#now();
    const nowSeconds = epochSeconds(now);
    checkSubject(subject);
    const sessionClaims = readSessionClaims(claims, this.#config.clientId);
    const jkt = readDPoPThumbprint(options, 'issue');
    const familyId = generateId();
    const tagKey = generateTagKey();
    const refreshToken = mintRefreshToken(familyId, 0, tagKey);
    const expiresAt = nowSeconds + this.#config.refreshTokenTtl;
    const family: NewRefreshFamily = {
      familyId,
      subject,
      hash: refreshToken.hash,
      tagKey,
      createdAt: nowSeconds,
      expiresAt,
      idleExpiresAt: this.#idleExpiry(nowSeconds, expiresAt),
      claims: sessionClaims,
      jkt: jkt ?? null,
    };
    // Sign first: a signing failure then leaves nothing in the store.
    const accessToken = await this.#signAccessToken(subject, familyId, sessionClaims, jkt, now);
    if (accessToken.length > DEFAULT_MAX_TOKEN_LENGTH) {
      throw new JwtError('ERR_INVALID_OPTION', `the claims make the access token longer than ${DEFAULT_MAX_TOKEN_LENGTH} characters`);
    }
    const ended = await callStore(() => this.#config.store.insert(family, this.#config.maxSessionsPerSubject));
    this.#emit({ type: 'issued', subject, familyId, at: now });
    // The subject's oldest sessions beyond the cap: their access tokens stop too.
    await this.#endCappedSessions(subject, revokedFamilies(ended, 'insert'), now);
    return this.#pair(accessToken, refreshToken.token, family.expiresAt, family.idleExpiresAt, jkt, nowSeconds);
  }

  async verifyAccessToken(token: string, options: VerifyAccessTokenOptions | undefined): Promise<VerifyResult<Claims & AccessTokenClaims>> {
    const now = this.#now();
    const dpopThumbprint = readDPoPThumbprint(options, 'verifyAccessToken');
    const result = await this.#verifyAccessTokenOnly(token, now);
    checkTokenBinding(result.payload, dpopThumbprint === undefined ? BEARER_REQUEST : { dpopThumbprint });
    await this.#checkRevocation(result, epochSeconds(now));
    return result;
  }

  async refresh(refreshToken: string, options: RefreshOptions | undefined): Promise<TokenPair> {
    const now = this.#now();
    const nowSeconds = epochSeconds(now);
    const dpopThumbprint = readDPoPThumbprint(options, 'refresh', REFRESH_OPTION_NAMES);
    const beforeRotate = options === undefined ? undefined : ownValue(options, 'beforeRotate', options.beforeRotate);
    if (beforeRotate !== undefined && typeof beforeRotate !== 'function') {
      throw new JwtError('ERR_INVALID_OPTION', '"beforeRotate" must be a function');
    }
    const presented = await this.#presentedToken(refreshToken, now);
    if (presented.kind === 'unknown') throw this.#refreshFailure('ERR_REFRESH_INVALID', 'the refresh token is not valid', now);
    if (presented.kind === 'legacy-used') {
      const session = presented.family;
      if (session.revoked) throw this.#refreshFailure('ERR_REFRESH_REVOKED', 'the refresh token was revoked', now, session);
      // A token of the first format rotated before the upgrade: whether its successor was used is not known; count it as used.
      throw await this.#reuse(session, presented.usedAt, true, now);
    }
    const { family, token } = presented;
    // Revoked, used and expired are final states: answer them without signing anything.
    if (family.revoked) throw this.#refreshFailure('ERR_REFRESH_REVOKED', 'the refresh token was revoked', now, family);
    if (token.generation < family.generation) {
      throw await this.#reuse(family, family.rotatedAt, family.generation > token.generation + 1, now);
    }
    if (isExpired(family, nowSeconds)) throw this.#refreshFailure('ERR_REFRESH_EXPIRED', 'the refresh token has expired', now, family);
    // Before anything is consumed: a bound session refreshes only with a proof of its key.
    if (family.jkt !== null) await this.#checkSessionKey(family, dpopThumbprint, now);
    const claims = await this.#successorClaims(family, now);
    // A bound session's tokens stay bound; a bearer session's new access token is bound to a proof given now.
    const jkt = family.jkt ?? dpopThumbprint;

    const successorToken = mintRefreshToken(family.familyId, family.generation + 1, family.tagKey);
    const successor: RefreshSuccessor = {
      hash: successorToken.hash,
      idleExpiresAt: this.#idleExpiry(nowSeconds, family.expiresAt),
      claims,
    };
    // Sign before the rotation commits: a signing failure leaves the presented token usable.
    let accessToken: string;
    try {
      accessToken = await this.#signAccessToken(family.subject, family.familyId, successor.claims, jkt, now);
    } catch (error) {
      this.#emitFailure(isJwtError(error) ? error.code : 'ERR_KEY_INVALID', now, family);
      throw error;
    }
    if (beforeRotate !== undefined) {
      try {
        await beforeRotate();
      } catch (error) {
        this.#emitFailure(isJwtError(error) ? error.code : 'ERR_INVALID_OPTION', now, family);
        throw error;
      }
    }
    const result = await this.#refreshStep(
      async () => rotateResult(await this.#config.store.rotate(token, successor, nowSeconds)),
      now,
      family,
    );
    switch (result.status) {
      case 'rotated':
        this.#emit({ type: 'refreshed', subject: family.subject, familyId: family.familyId, at: now });
        return this.#pair(accessToken, successorToken.token, family.expiresAt, successor.idleExpiresAt, jkt, nowSeconds);
      case 'used':
        throw await this.#reuse(result.family, result.family.rotatedAt, result.successorUsed, now);
      case 'revoked':
        throw this.#refreshFailure('ERR_REFRESH_REVOKED', 'the refresh token was revoked', now, result.family);
      case 'expired':
        throw this.#refreshFailure('ERR_REFRESH_EXPIRED', 'the refresh token has expired', now, result.family);
      default:
        throw this.#refreshFailure('ERR_REFRESH_INVALID', 'the refresh token is not valid', now, family);
    }
  }

  async revoke(refreshToken: string): Promise<boolean> {
    const now = this.#now();
    const presented = await this.#presentedToken(refreshToken, now, false);
    if (presented.kind === 'unknown') return false;
    await this.#endSession(presented.family, 'logout', now);
    return true;
  }

  async revokeAll(subject: string): Promise<void> {
    const now = this.#now();
    const nowSeconds = epochSeconds(now);
    checkSubject(subject);
    const revocations = this.#config.revocationStore;
    // First the cutoff: every access token issued before this second stops at once, whatever
    // happens to the rest of the call. It is also the call time the store measures from.
    const keepUntil = this.#accessTokensGoneBy(nowSeconds);
    await callStore(() => revocations.revokeIssuedBefore(subject, nowSeconds, keepUntil, nowSeconds));
    // Then the sessions, and the access tokens of each (those of this very second included).
    const families = revokedFamilies(
      await callStore(() => this.#config.store.revokeSubject(subject, 'logout_all', nowSeconds)),
      'revokeSubject',
    );
    for (let start = 0; start < families.length; start += SESSION_REVOCATION_BATCH) {
      const batch = families.slice(start, start + SESSION_REVOCATION_BATCH);
      await Promise.all(batch.map(({ familyId }) => this.#revokeSessionAccess(familyId, now)));
    }
    this.#emit({ type: 'subject_revoked', subject, at: now });
  }

  async revokeAccessToken(reference: AccessTokenReference): Promise<void> {
    const now = this.#now();
    const revocations = this.#config.revocationStore;
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
    const keepUntil = Math.ceil(exp) + this.#clockTolerance() + 1;
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

  #clockTolerance(): number {
    return this.#config.clockTolerance ?? DEFAULT_CLOCK_TOLERANCE;
  }

  /**
   * When every access token issued up to `nowSeconds` has expired, with the verifier's leeway, and
   * as much again for the clocks of other instances, which may run that far ahead of this one
   * (docs/security.md, "Session revocation").
   */
  #accessTokensGoneBy(nowSeconds: number): number {
    return nowSeconds + this.#config.accessTokenTtl + 2 * this.#clockTolerance() + 1;
  }

  #idleExpiry(nowSeconds: number, expiresAt: number): number | null {
    return this.#config.idleTtl === undefined ? null : Math.min(nowSeconds + this.#config.idleTtl, expiresAt);
  }

  #pair(
    accessToken: string,
    refreshToken: string,
    expiresAt: number,
    idleExpiresAt: number | null,
    jkt: string | undefined,
    nowSeconds: number,
  ): TokenPair {
    return {
      accessToken,
      refreshToken,
      tokenType: jkt === undefined ? 'Bearer' : 'DPoP',
      expiresIn: this.#config.accessTokenTtl,
      refreshExpiresIn: Math.min(expiresAt, idleExpiresAt ?? expiresAt) - nowSeconds,
    };
  }

  /**
   * Parses a presented refresh token and finds its family. A token of the current format must carry
   * its family's tag (so only a token this service issued can ever count as reuse, and knowing a
   * `sid` is not enough to end a session); its generation must not be later than the family's, nor
   * its hash differ from the current one's at the same generation. A token of the first format is
   * looked up through the store's `adoptLegacy`. Store failures are refresh failures when
   * `asRefresh` (the default), plain `ERR_STORE_UNAVAILABLE` for logout.
   */
  async #presentedToken(value: string, now: Date, asRefresh = true): Promise<PresentedToken> {
    const step = <T>(operation: () => Promise<T>): Promise<T> => (asRefresh ? this.#refreshStep(operation, now) : callStore(operation));
    const parsed = parseRefreshToken(value);
    if (parsed === undefined) return UNKNOWN;
    const { store } = this.#config;
    if (parsed.format === 'legacy') {
      const adoptLegacy = store.adoptLegacy;
      if (typeof adoptLegacy !== 'function') return UNKNOWN;
      const legacy = await step(async () => legacyResult(await adoptLegacy.call(store, parsed.hash, generateTagKey(), epochSeconds(now))));
      if (legacy === null) return UNKNOWN;
      const family = await step(async () => foundFamily(await store.find(legacy.familyId)));
      if (legacy.status === 'used') {
        // A family rotated before the upgrade may have no record of contract v2 yet: still a session to end.
        const session = family ?? { familyId: legacy.familyId, subject: legacy.subject, revoked: false };
        return { kind: 'legacy-used', family: session, usedAt: legacy.usedAt };
      }
      if (family === null) return UNKNOWN;
      return checkedToken({ familyId: family.familyId, generation: 0, hash: parsed.hash }, family);
    }
    const family = await step(async () => foundFamily(await store.find(parsed.familyId)));
    if (family === null || family.familyId !== parsed.familyId || !hasValidTag(parsed, family.tagKey)) return UNKNOWN;
    return checkedToken({ familyId: parsed.familyId, generation: parsed.generation, hash: parsed.hash }, family);
  }

  /**
   * Checks that a refresh of a session bound to a DPoP key proves that key (RFC 9449 §5). Without a
   * proof the refresh is refused and nothing changes; a proof of another key is a theft signal (the
   * refresh token was copied to a device without the key): the session ends (`key_mismatch`).
   */
  async #checkSessionKey(family: RefreshFamily, dpopThumbprint: string | undefined, now: Date): Promise<void> {
    if (dpopThumbprint === undefined) {
      this.#emitFailure('ERR_TOKEN_BINDING_MISMATCH', now, family);
      throw new JwtError('ERR_TOKEN_BINDING_MISMATCH', 'the session is bound to a DPoP key: send a DPoP proof of it', {
        claim: 'cnf.jkt',
        reason: 'missing',
      });
    }
    if (dpopThumbprint === family.jkt) return;
    this.#emit({ type: 'dpop_key_mismatch', subject: family.subject, familyId: family.familyId, at: now });
    await this.#refreshStep(() => this.#endSession(family, 'key_mismatch', now), now, family);
    this.#emitFailure('ERR_TOKEN_BINDING_MISMATCH', now, family);
    throw new JwtError('ERR_TOKEN_BINDING_MISMATCH', 'the DPoP proof is not of the key the session is bound to', {
      claim: 'cnf.jkt',
      reason: 'mismatch',
    });
  }

  /**
   * The claims of a refresh's new access token: the session's, or what the `refreshClaims` hook
   * returns. When the hook returns `false`, the session ends (`refresh_denied`) and the refresh
   * fails with `ERR_REFRESH_REVOKED`; what it throws fails the refresh, consuming nothing.
   */
  async #successorClaims(family: RefreshFamily, now: Date): Promise<Record<string, unknown>> {
    const hook = this.#config.refreshClaims;
    if (hook === undefined) return family.claims;
    let returned: unknown;
    try {
      returned = await hook({ subject: family.subject, sessionId: family.familyId, claims: structuredClone(family.claims) as Claims });
    } catch (error) {
      this.#emitFailure(isJwtError(error) ? error.code : 'ERR_INVALID_OPTION', now, family);
      throw error;
    }
    if (returned === false) {
      await this.#refreshStep(() => this.#endSession(family, 'refresh_denied', now), now, family);
      throw this.#refreshFailure('ERR_REFRESH_REVOKED', 'the session was ended by the application', now, family);
    }
    try {
      return readSessionClaims(returned, this.#config.clientId);
    } catch (error) {
      this.#emitFailure('ERR_INVALID_OPTION', now, family);
      throw new JwtError('ERR_INVALID_OPTION', '"refreshClaims" must return a plain JSON object of claims or false', { cause: error });
    }
  }

  async #signAccessToken(
    subject: string,
    sessionId: string,
    claims: Record<string, unknown>,
    jkt: string | undefined,
    now: Date,
  ): Promise<string> {
    const key = this.#config.signingKey();
    const { audience, clientId } = this.#config;
    // `client_id` (RFC 9068 §2.2) is reserved while `clientId` is set: the claims cannot hold one.
    const own = clientId === undefined ? claims : { ...claims, client_id: clientId };
    const payload = jkt === undefined ? { ...own, sid: sessionId } : { ...own, sid: sessionId, cnf: boundConfirmation(claims, jkt) };
    return sign(payload, key, {
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
    const result = await verify<Claims & AccessTokenClaims>(token, key, {
      algorithms,
      issuer: this.#config.issuer,
      audience: this.#config.audience,
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ['sub', 'iat', 'jti'],
      clock: () => now,
      ...(clockTolerance === undefined ? {} : { clockTolerance }),
    });
    // `sid` names the session: absent only from tokens of jwtkit 0.1 (accepted until they expire), never of another type.
    const payload: AccessTokenClaims = result.payload;
    const sid = ownValue(payload, 'sid', payload.sid);
    if (sid !== undefined && (typeof sid !== 'string' || sid.length === 0)) {
      throw new JwtError('ERR_JWT_CLAIM_INVALID', 'the "sid" claim must be a non-empty string', { claim: 'sid', reason: 'type' });
    }
    return result;
  }

  async #checkRevocation({ payload, header }: VerifyResult<Claims & AccessTokenClaims>, nowSeconds: number): Promise<void> {
    const { isRevoked, revocationStore } = this.#config;
    if (isRevoked !== undefined && (await callStore(async () => isRevoked(payload, header))) === true) {
      throw new JwtError('ERR_JWT_REVOKED', 'the access token was revoked');
    }
    if (await isRevokedInStore(revocationStore, payload, nowSeconds)) {
      throw new JwtError('ERR_JWT_REVOKED', 'the access token was revoked');
    }
  }

  /**
   * A presented token was already used: revoke the session, unless the presentation is a
   * concurrent double submit (the successor not used yet, within `reuseGrace` of the rotation).
   */
  async #reuse(family: SessionReference, usedAt: number | null, successorUsed: boolean, now: Date): Promise<JwtError> {
    const nowSeconds = epochSeconds(now);
    const rotatedAt = usedAt ?? nowSeconds;
    const withinGrace = this.#config.reuseGrace > 0 && !successorUsed && nowSeconds < rotatedAt + this.#config.reuseGrace;
    this.#emit({
      type: 'reuse_detected',
      subject: family.subject,
      familyId: family.familyId,
      usedAt: new Date(rotatedAt * 1000),
      withinGrace,
      successorUsed,
      at: now,
    });
    if (!withinGrace) {
      try {
        await this.#endSession(family, 'reuse', now);
      } catch (error) {
        this.#emitFailure('ERR_STORE_UNAVAILABLE', now, family);
        return error as JwtError;
      }
    }
    return this.#refreshFailure('ERR_REFRESH_REUSED', 'the refresh token was already used', now, family);
  }

  /**
   * Revokes the access tokens of the sessions the cap ended, every one of them even when some
   * writes fail; then fails the login if any did (its refresh token is never handed out).
   */
  async #endCappedSessions(subject: string, sessions: readonly RevokedFamily[], now: Date): Promise<void> {
    const outcomes = await Promise.allSettled(sessions.map(({ familyId }) => this.#revokeSessionAccess(familyId, now)));
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') {
        this.#emit({
          type: 'family_revoked',
          subject,
          familyId: (sessions[index] as RevokedFamily).familyId,
          reason: 'session_limit',
          at: now,
        });
      }
    }
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  /**
   * Ends a session: its access tokens first (`sid` revoked), then the family (no refresh any more).
   * In this order a failure of either store leaves the family live, so the same call (a logout, the
   * next replay of a reused token) runs both again; the other order would leave a revoked family
   * whose access tokens nobody revokes any more.
   */
  async #endSession(family: SessionReference, reason: RefreshRevocationReason, now: Date): Promise<void> {
    await this.#revokeSessionAccess(family.familyId, now, lastIssuedAt(family));
    await callStore(() => this.#config.store.revokeFamily(family.familyId, reason));
    this.#emit({ type: 'family_revoked', subject: family.subject, familyId: family.familyId, reason, at: now });
  }

  /**
   * Revokes a session's access tokens (its `sid`) until the last of them has expired: the last was
   * issued at the later of now and `lastIssued` (the session's last rotation or login, on the clock
   * of the instance that made it, which may run ahead of this one).
   */
  async #revokeSessionAccess(familyId: string, now: Date, lastIssued?: number): Promise<void> {
    const nowSeconds = epochSeconds(now);
    const until = this.#accessTokensGoneBy(Math.max(nowSeconds, lastIssued ?? nowSeconds));
    await callStore(() => this.#config.revocationStore.revokeSession(familyId, until, nowSeconds));
  }

  /** Runs one store call of `refresh`, reporting an outage as a failed refresh. */
  async #refreshStep<T>(operation: () => Promise<T>, now: Date, family?: SessionReference): Promise<T> {
    try {
      return await callStore(operation);
    } catch (error) {
      this.#emitFailure(isJwtError(error) ? error.code : 'ERR_STORE_UNAVAILABLE', now, family);
      throw error;
    }
  }

  #refreshFailure(code: JwtErrorCode, message: string, now: Date, family?: SessionReference): JwtError {
    this.#emitFailure(code, now, family);
    return new JwtError(code, message);
  }

  #emitFailure(code: JwtErrorCode, now: Date, family?: SessionReference): void {
    this.#emit(
      family === undefined
        ? { type: 'refresh_failed', code, at: now }
        : { type: 'refresh_failed', code, subject: family.subject, familyId: family.familyId, at: now },
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

/** The binding options of a `Bearer` request: one object, so its option check is remembered once. */
const BEARER_REQUEST: CheckTokenBindingOptions = Object.freeze({});

/** How many sessions `revokeAll` revokes in the revocation store at once. */
const SESSION_REVOCATION_BATCH = 100;

/** A presented refresh token, with its family when the store recognised it. */
type PresentedToken =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'current-format'; readonly token: PresentedRefreshToken; readonly family: RefreshFamily }
  | { readonly kind: 'legacy-used'; readonly family: SessionReference; readonly usedAt: number };

/** What ending a session needs to know of it: a family, or a family of contract v1 not adopted yet. */
type SessionReference = Pick<RefreshFamily, 'familyId' | 'subject' | 'revoked'> & Partial<Pick<RefreshFamily, 'createdAt' | 'rotatedAt'>>;

const UNKNOWN: PresentedToken = Object.freeze({ kind: 'unknown' });

/**
 * A token whose family the store returned: unknown when its generation is later than the family's,
 * or when at the family's generation its hash is not the current one (a token the store does not
 * recognise never counts as reuse, see `RotateResult`).
 */
function checkedToken(token: PresentedRefreshToken, family: RefreshFamily): PresentedToken {
  if (token.generation > family.generation) return UNKNOWN;
  if (token.generation === family.generation && token.hash !== family.hash) return UNKNOWN;
  return { kind: 'current-format', token, family };
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

/**
 * The `cnf` of an access token bound to the DPoP key `jkt`. Claims of a session of jwtkit 0.1 may
 * hold a `cnf` of their own (a certificate binding, `x5t#S256`): it is kept, so that a DPoP proof
 * adds a binding and never replaces one; a `jkt` of their own must be this key.
 */
function boundConfirmation(claims: Record<string, unknown>, jkt: string): Record<string, unknown> {
  const stored = ownValue(claims, 'cnf', claims['cnf']);
  if (stored === undefined) return { jkt };
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new JwtError('ERR_TOKEN_BINDING_MISMATCH', 'the session\'s "cnf" claim is not an object', { claim: 'cnf', reason: 'type' });
  }
  const own = ownValue(stored as { jkt?: unknown }, 'jkt', (stored as { jkt?: unknown }).jkt);
  if (own !== undefined && own !== jkt) {
    throw new JwtError('ERR_TOKEN_BINDING_MISMATCH', 'the session is bound to another DPoP key', { claim: 'cnf.jkt', reason: 'mismatch' });
  }
  return { ...(stored as Record<string, unknown>), jkt };
}

/** The time a session's last access token was issued (its last rotation, or its login), when known. */
function lastIssuedAt(family: SessionReference): number | undefined {
  return family.rotatedAt ?? family.createdAt;
}

/** A DPoP thumbprint: the Base64Url SHA-256 of a JWK (RFC 7638), 43 characters. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** Reads the `dpopThumbprint` of the options of `issue`, `refresh` or `verifyAccessToken`; throws `ERR_INVALID_OPTION`. */
function readDPoPThumbprint(
  options: IssueOptions | RefreshOptions | VerifyAccessTokenOptions | undefined,
  method: string,
  names: OptionNames<IssueOptions & VerifyAccessTokenOptions> | OptionNames<RefreshOptions> = PROOF_OPTION_NAMES,
): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null)
    throw new JwtError('ERR_INVALID_OPTION', `the options of ${method} must be an object`);
  checkOptionNames(options, names as OptionNames<object>, method);
  const thumbprint = ownValue(options, 'dpopThumbprint', options.dpopThumbprint);
  if (thumbprint !== undefined && (typeof thumbprint !== 'string' || !THUMBPRINT.test(thumbprint))) {
    throw new JwtError('ERR_INVALID_OPTION', '"dpopThumbprint" must be the thumbprint verifyDPoPProof returned (43 Base64Url characters)');
  }
  return thumbprint;
}

/** The error for a store answer outside the contract: a broken store fails closed. */
function outOfContract(method: string): JwtError {
  return new JwtError('ERR_STORE_UNAVAILABLE', `the token store answered "${method}" out of contract`);
}

/** A `find` answer the contract allows (a family or `null`). */
function foundFamily(value: RefreshFamily | null): RefreshFamily | null {
  if (value === null) return null;
  if (typeof value !== 'object' || !Number.isSafeInteger(value.generation) || typeof value.tagKey !== 'string') throw outOfContract('find');
  return value;
}

/** An `adoptLegacy` answer the contract allows. */
function legacyResult(value: LegacyRefreshToken | null): LegacyRefreshToken | null {
  if (value === null) return null;
  const { status, familyId } = (typeof value === 'object' ? value : {}) as Partial<LegacyRefreshToken>;
  if (typeof familyId !== 'string') throw outOfContract('adoptLegacy');
  if (status === 'current' || (status === 'used' && Number.isSafeInteger((value as { usedAt?: unknown }).usedAt))) return value;
  throw outOfContract('adoptLegacy');
}

/** The families an `insert` or `revokeSubject` answered, as the contract allows. */
function revokedFamilies(value: RevokedFamily[], method: string): RevokedFamily[] {
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'object' && entry !== null && typeof entry.familyId === 'string')) {
    throw outOfContract(method);
  }
  return value;
}

const FAMILY_STATUSES: ReadonlySet<unknown> = new Set(['rotated', 'used', 'revoked', 'expired']);

/** A `rotate` answer the contract allows. */
function rotateResult(value: RotateResult): RotateResult {
  const { status, family, successorUsed } = (typeof value === 'object' && value !== null ? value : {}) as {
    status?: unknown;
    family?: unknown;
    successorUsed?: unknown;
  };
  if (status === 'unknown') return value;
  if (
    FAMILY_STATUSES.has(status) &&
    typeof family === 'object' &&
    family !== null &&
    (status !== 'used' || typeof successorUsed === 'boolean')
  ) {
    return value;
  }
  throw outOfContract('rotate');
}

function isExpired(family: RefreshFamily, nowSeconds: number): boolean {
  return nowSeconds >= family.expiresAt || (family.idleExpiresAt !== null && nowSeconds >= family.idleExpiresAt);
}

function checkSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', 'the subject must be a non-empty string');
  }
}

/**
 * Copies the session claims as JSON (as a store will keep them) and refuses reserved ones:
 * {@link RESERVED_CLAIMS}, and `client_id` while the service sets it (`clientId`).
 */
function readSessionClaims(claims: unknown, clientId: string | undefined): Record<string, unknown> {
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
  if (clientId !== undefined && Object.hasOwn(copy, 'client_id')) {
    throw new JwtError('ERR_INVALID_OPTION', 'the "client_id" claim is set by the token service (its "clientId" option)');
  }
  return copy;
}
