/**
 * Types of the token service: its options, what it returns, and the events it reports.
 *
 * @module
 */
import type { JwtErrorCode } from '../errors.js';
import type { Clock } from '../internal/clock.js';
import type { Duration } from '../internal/duration.js';
import { optionNames } from '../internal/option-names.js';
import type { BoundKey, JwsAlgorithm, JwsHeader, KeyInput } from '../jws/types.js';
import type { KeyRing } from '../keys/key-ring.js';
import type { SharedKeyRing } from '../keys/shared-key-ring.js';
import type { JwtClaims, VerifyResult } from '../jwt/types.js';
import type { RefreshRevocationReason, RefreshTokenStore, RevocationStore } from './store.js';

/** The claims every access token of the token service carries (RFC 9068 §2.2). */
export interface AccessTokenClaims extends JwtClaims {
  /** The issuer. */
  iss: string;
  /** The subject (the user). */
  sub: string;
  /** The audience. */
  aud: string | string[];
  /** Issued at (seconds since the epoch). */
  iat: number;
  /** Expiry (seconds since the epoch). */
  exp: number;
  /** Unique token id: the key of the revocation denylist. */
  jti: string;
  /**
   * The session (the refresh-token family id): revoking the session (logout, reuse detection,
   * logout everywhere) revokes every access token that names it. Set on every token jwtkit 0.2 or
   * later issues; absent only from tokens of jwtkit 0.1, accepted until they expire.
   */
  sid?: string;
  /**
   * The confirmation of a sender-constrained token (RFC 7800): `jkt`, the thumbprint of the DPoP key
   * the session is bound to (RFC 9449 §6.1). Absent from bearer tokens.
   */
  cnf?: {
    /** The JWK SHA-256 thumbprint of the DPoP key (RFC 9449 §6.1). */
    jkt?: string;
    /** The SHA-256 thumbprint of a TLS client certificate (RFC 8705 §3.1); the token service never sets it. */
    'x5t#S256'?: string;
  };
}

/** Options of {@link TokenService.issue}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface IssueOptions {
  /**
   * The thumbprint of the DPoP proof that came with the login (`thumbprint` of `verifyDPoPProof`'s
   * result, RFC 9449 §5): the session is bound to that key. Its access tokens carry
   * `cnf: { jkt }` and `tokenType` is `'DPoP'`; every refresh of the session must prove the same
   * key. Default: none (a bearer session).
   */
  dpopThumbprint?: string;
}

/** Options of {@link TokenService.refresh}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RefreshOptions {
  /**
   * The thumbprint of the DPoP proof that came with the refresh request. Required for a session
   * bound to a key, and it must be that key's; for a bearer session it binds the new access token
   * (not the session). Default: none.
   */
  dpopThumbprint?: string;
  /**
   * Called once every check of the presented token and its session passed (its key binding
   * included), just before the rotation commits; if it throws or rejects, the refresh fails with
   * that error and nothing is consumed. The auth endpoints remember the request's DPoP proof in the
   * replay cache here, so that only a holder of a valid refresh token (and of its key, for a bound
   * session) can add entries to it, and a replayed proof still consumes nothing. Default: none.
   */
  beforeRotate?: () => void | Promise<void>;
}

/** Options of {@link TokenService.verifyAccessToken}: what the request proves. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface VerifyAccessTokenOptions {
  /**
   * The thumbprint of the DPoP proof that came with the request (`verifyDPoPProof`), when the token
   * came with the `DPoP` scheme. A DPoP-bound token without it is refused (`checkTokenBinding`).
   * Default: none (a `Bearer` request).
   */
  dpopThumbprint?: string;
}

/** The names of {@link IssueOptions} and {@link VerifyAccessTokenOptions}. @internal */
export const PROOF_OPTION_NAMES = optionNames<IssueOptions & VerifyAccessTokenOptions>({ dpopThumbprint: true });
/** The names of {@link RefreshOptions}. @internal */
export const REFRESH_OPTION_NAMES = optionNames<RefreshOptions>({ dpopThumbprint: true, beforeRotate: true });

/** A login: `issue` returned a new pair (a new family). */
export interface TokenIssuedEvent {
  /** The event type. */
  type: 'issued';
  /** The user. */
  subject: string;
  /** The new session (refresh-token family). */
  familyId: string;
  /** When it happened (the service's clock). */
  at: Date;
}

/** `refresh` rotated a refresh token and returned a new pair. */
export interface TokenRefreshedEvent {
  /** The event type. */
  type: 'refreshed';
  /** The user. */
  subject: string;
  /** The session. */
  familyId: string;
  /** When it happened (the service's clock). */
  at: Date;
}

/** `refresh` failed (with any code, reuse included). */
export interface RefreshFailedEvent {
  /** The event type. */
  type: 'refresh_failed';
  /** The code of the error `refresh` threw. */
  code: JwtErrorCode;
  /** The user, when the presented token was found in the store. */
  subject?: string;
  /** The session, when the presented token was found in the store. */
  familyId?: string;
  /** When it happened (the service's clock). */
  at: Date;
}

/**
 * A refresh of a session bound to a DPoP key came with a proof of another key: a theft signal (the
 * refresh token was copied to a device without the key). The session is revoked (`key_mismatch`)
 * and `family_revoked` follows.
 */
export interface DPoPKeyMismatchEvent {
  /** The event type. */
  type: 'dpop_key_mismatch';
  /** The user. */
  subject: string;
  /** The session. */
  familyId: string;
  /** When it happened (the service's clock). */
  at: Date;
}

/**
 * An already-used refresh token was presented. A replay (`withinGrace: false`) is the signal of a
 * stolen token, and the session is revoked: alert on it. Within `reuseGrace` of the rotation, and
 * only while the successor is unused, it is treated as a concurrent double submit: refused,
 * session kept.
 */
export interface RefreshReuseDetectedEvent {
  /** The event type. */
  type: 'reuse_detected';
  /** The user. */
  subject: string;
  /** The session. */
  familyId: string;
  /** When the presented token was rotated. */
  usedAt: Date;
  /**
   * Whether the presentation counts as a concurrent double submit: within `reuseGrace` of the
   * rotation, and the successor not used yet (then the family is kept).
   */
  withinGrace: boolean;
  /** Whether the presented token's successor had itself been used: then the other party moved on, and it is never a double submit. */
  successorUsed: boolean;
  /** When it happened (the service's clock). */
  at: Date;
}

/**
 * A session (a refresh-token family) was revoked, and its access tokens with it: reuse, logout, the
 * session cap (`session_limit`), or by the application.
 */
export interface FamilyRevokedEvent {
  /** The event type. */
  type: 'family_revoked';
  /** The user. */
  subject: string;
  /** The session. */
  familyId: string;
  /** Why. */
  reason: RefreshRevocationReason;
  /** When it happened (the service's clock). */
  at: Date;
}

/** `revokeAll(subject)`: every session of the subject was ended. */
export interface SubjectRevokedEvent {
  /** The event type. */
  type: 'subject_revoked';
  /** The user. */
  subject: string;
  /** When it happened (the service's clock). */
  at: Date;
}

/** `revokeAccessToken`: an access token's `jti` was put on the denylist. */
export interface AccessTokenRevokedEvent {
  /** The event type. */
  type: 'access_token_revoked';
  /** The revoked token's id. */
  jti: string;
  /** The token's subject, when known. */
  subject?: string;
  /** When it happened (the service's clock). */
  at: Date;
}

/** An event the token service reports through `onEvent`, for audit logs and alerts. It never contains a token. */
export type TokenServiceEvent =
  | TokenIssuedEvent
  | TokenRefreshedEvent
  | RefreshFailedEvent
  | RefreshReuseDetectedEvent
  | DPoPKeyMismatchEvent
  | FamilyRevokedEvent
  | SubjectRevokedEvent
  | AccessTokenRevokedEvent;

/**
 * Decides whether a verified access token is revoked, in addition to the service's own checks.
 * Return `true` to refuse the token with `ERR_JWT_REVOKED`.
 */
export type IsRevokedHook<Claims extends object> = (payload: Claims & AccessTokenClaims, header: JwsHeader) => boolean | Promise<boolean>;

/** What the `refreshClaims` hook of {@link TokenServiceOptions} receives at each refresh. */
export interface RefreshClaimsContext<Claims extends object> {
  /** The user. */
  subject: string;
  /** The session (the `sid` of its access tokens). */
  sessionId: string;
  /** The session's current claims (a copy: changing it changes nothing). */
  claims: Claims;
}

/**
 * Re-reads a session's claims at a refresh: returns the claims of the new access token (kept for
 * the session from then on), or `false` to end the session. May be async.
 */
export type RefreshClaimsHook<Claims extends object> = (session: RefreshClaimsContext<Claims>) => Claims | false | Promise<Claims | false>;

/** Options of {@link createTokenService}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface TokenServiceOptions<Claims extends object = Record<string, unknown>> {
  /**
   * What access tokens are signed with: a private key or HMAC secret (any {@link KeyInput}; a
   * {@link BoundKey} fixes the algorithm), or a {@link KeyRing} (`createKeyRing`) or
   * {@link SharedKeyRing} (`createSharedKeyRing`): its current key signs (read at every signing, so
   * a rotation takes effect at once) and every key of its JWKS (current, next, retired) verifies. Required.
   */
  key: KeyInput | KeyRing | SharedKeyRing;
  /**
   * The signing algorithm. Required with a key that is not bound to one; with a {@link BoundKey}
   * or a key ring it defaults to (and must equal) the key's algorithm.
   */
  alg?: JwsAlgorithm;
  /** The `iss` of access tokens, checked on verification. Required. */
  issuer: string;
  /** The `aud` of access tokens (one or several), checked on verification. Required. */
  audience: string | readonly string[];
  /**
   * The `client_id` claim of every access token (RFC 9068 §2.2: the OAuth 2.0 client the token
   * was issued to, such as your web app), so that the tokens satisfy the RFC 9068 profile a
   * resource server may require (`authenticate({ profile: 'rfc9068', ... })`). While it is set,
   * `issue` and `refreshClaims` refuse a `client_id` claim of their own (`ERR_INVALID_OPTION`).
   * Default: none; access tokens carry no `client_id` (unless the session claims give one).
   */
  clientId?: string;
  /**
   * Access-token lifetime: seconds (not milliseconds) or a string with a unit. At most
   * `maxAccessTokenTtl`; with a key ring, at most its `maxTokenLifetime` too (retired keys are
   * published that long). Default: `'15m'`.
   */
  accessTokenTtl?: Duration;
  /**
   * The longest `accessTokenTtl` accepted: a longer one is refused at construction with
   * `ERR_INVALID_OPTION`. It catches a lifetime written in milliseconds (`900000` is 10 days, not
   * 15 minutes); raise it to issue longer-lived access tokens on purpose. Default: `'24h'`.
   */
  maxAccessTokenTtl?: Duration;
  /**
   * Absolute lifetime of a session (a refresh-token family), fixed at login: rotation never
   * extends it. Default: `'30d'`.
   */
  refreshTokenTtl?: Duration;
  /**
   * Idle lifetime: a refresh token not used within this time expires, even if its family has
   * time left. At most `refreshTokenTtl`. Default: none (only the absolute lifetime applies).
   */
  idleTtl?: Duration;
  /** Where refresh tokens are kept (store contract v2). Default: a new `MemoryRefreshTokenStore` (one process only). */
  store?: RefreshTokenStore;
  /**
   * Where revocations of access tokens are kept (the `jti` denylist, revoked sessions and
   * per-subject cutoffs), checked by `verifyAccessToken`. Several processes (or resource servers,
   * through `createRevocationCheck`) must share one: a `RedisRevocationStore` or a
   * `PostgresRevocationStore`; otherwise a logout handled by one process does not reach the access
   * tokens another verifies. Default: a new `MemoryRevocationStore` (one process only).
   */
  revocationStore?: RevocationStore;
  /**
   * The most live sessions (refresh-token families) one subject may have. A login beyond it ends
   * the subject's oldest live session (reason `session_limit`, its access tokens too), so one
   * account cannot grow the store without bound. A whole number from 1 to 1,000,000. Default: `100`.
   */
  maxSessionsPerSubject?: number;
  /**
   * How long after a rotation presenting the rotated token again is treated as a concurrent
   * double submit (two tabs refreshing at once) rather than a replay: it fails with
   * `ERR_REFRESH_REUSED` but does NOT revoke the family, and never yields a second pair. After the
   * window, a presentation revokes the family. Seconds or a string with a unit (`'10s'`), a whole
   * number of seconds from 0 to 60. Default: `0` (every reuse revokes).
   */
  reuseGrace?: Duration;
  /**
   * The grace window in seconds (a whole number from 0 to 60). Giving both `reuseGraceSeconds`
   * and `reuseGrace` is `ERR_INVALID_OPTION`. Default: none (`reuseGrace` decides).
   * @deprecated Use reuseGrace (seconds or `'10s'`). Removed in 0.3.
   */
  reuseGraceSeconds?: number;
  /** Leeway for `exp`, `nbf` and `iat` when verifying access tokens, in seconds (0 to 300). Default: `5`. */
  clockTolerance?: number;
  /**
   * Called at each refresh, after the presented token was found valid and before anything is
   * signed or stored, with the subject, the session id and the session's current claims. Return
   * the claims for the new access token (a changed role, say; they are stored with the session and
   * passed to the next call), or `false` to end the session (an account disabled): the session and
   * its access tokens are revoked with the reason `refresh_denied`, `onEvent` receives
   * `family_revoked`, and the refresh fails with `ERR_REFRESH_REVOKED`. If the hook throws, the
   * refresh fails with that error and consumes nothing. Default: none (the claims given at login
   * are kept for the whole session).
   */
  refreshClaims?: RefreshClaimsHook<Claims>;
  /**
   * An extra revocation check run on every verified access token (after the signature and claims);
   * returning `true` refuses the token with `ERR_JWT_REVOKED`. Default: none.
   */
  isRevoked?: IsRevokedHook<Claims>;
  /**
   * Receives every {@link TokenServiceEvent}. Called synchronously; what it throws (or a promise
   * it returns rejects with) is ignored, so an audit hook can never break authentication.
   * Default: none.
   */
  onEvent?: (event: TokenServiceEvent) => void;
  /**
   * The clock, read once per operation (issue, verify, refresh, revoke); it must return a valid
   * `Date` (otherwise the operation throws `ERR_INVALID_OPTION`). Default: the system time.
   */
  clock?: Clock;
}

/** The names of {@link TokenServiceOptions}. @internal */
export const TOKEN_SERVICE_OPTION_NAMES = optionNames<TokenServiceOptions>({
  key: true,
  alg: true,
  issuer: true,
  audience: true,
  clientId: true,
  accessTokenTtl: true,
  maxAccessTokenTtl: true,
  refreshTokenTtl: true,
  idleTtl: true,
  store: true,
  revocationStore: true,
  maxSessionsPerSubject: true,
  reuseGrace: true,
  reuseGraceSeconds: true,
  clockTolerance: true,
  refreshClaims: true,
  isRevoked: true,
  onEvent: true,
  clock: true,
});

/** What `issue` and `refresh` return: an OAuth 2.0 token response (RFC 6749 §5.1), as an object. */
export interface TokenPair {
  /** The access token: a JWT with `typ: at+jwt` (RFC 9068). Send it as `Authorization: Bearer` (or `DPoP`, with a proof, when `tokenType` is `'DPoP'`). */
  accessToken: string;
  /**
   * The refresh token: `<session id>.<generation>.<secret>` (at most 83 characters of Base64Url,
   * digits and dots), opaque to clients. Keep it secret (an HttpOnly cookie); it is single-use.
   */
  refreshToken: string;
  /** `'DPoP'` when the access token is bound to a DPoP key (`cnf.jkt`), else `'Bearer'`. */
  tokenType: 'Bearer' | 'DPoP';
  /** Seconds until the access token expires. */
  expiresIn: number;
  /** Seconds until the refresh token expires (the earlier of the session's absolute and idle expiry). */
  refreshExpiresIn: number;
}

/** What `revokeAccessToken` accepts: a token, or the `jti` and `exp` of a token already verified. */
export type AccessTokenReference =
  | string
  | {
      /** The token's `jti`. */
      jti: string;
      /** The token's `exp` (seconds since the epoch): the denylist entry lasts until then. */
      exp: number;
      /** The token's `sub`, reported in the event. */
      sub?: string;
    };

/**
 * The session workflow built by {@link createTokenService}: login, verification, rotation with
 * reuse detection, logout and revocation.
 */
export interface TokenService<Claims extends object = Record<string, unknown>> {
  /**
   * Starts a session (a login): a new access token and a new refresh token (a new family).
   *
   * @param subject - the user id (`sub`): a non-empty string.
   * @param claims - extra claims for every access token of this session (a JSON object without
   *   `iss`, `sub`, `aud`, `iat`, `exp`, `nbf`, `jti`, `sid`, `cnf`); kept with the session to mint the next ones.
   * @param options - see {@link IssueOptions} (a DPoP proof's key binds the session).
   * @throws `ERR_INVALID_OPTION` (bad subject, claims or options), `ERR_KEY_INVALID`, `ERR_STORE_UNAVAILABLE`
   *   (no token is returned; the session may have been stored, unusable since nobody holds its token).
   */
  issue(subject: string, claims?: Claims, options?: IssueOptions): Promise<TokenPair>;

  /**
   * Verifies an access token: signature, `typ: at+jwt` (so a refresh token, an ID token or any
   * other JWT is refused), `iss`, `aud`, `exp`, `iat`, `sub`, `jti`, `sid` (a string when present);
   * then the binding of a sender-constrained token (`checkTokenBinding`: a DPoP-bound token needs
   * `options.dpopThumbprint`, of its key); then revocation: the `isRevoked` hook, the `jti`
   * denylist, the revoked sessions and the subject's cutoff.
   *
   * @param token - the compact JWT from `Authorization: Bearer` (or `DPoP`).
   * @param options - see {@link VerifyAccessTokenOptions}.
   * @returns the verified payload and header.
   * @throws the codes of `verify` (`ERR_JWT_TYPE_MISMATCH`, `ERR_JWT_EXPIRED`, ...), `ERR_JWT_REVOKED`,
   *   `ERR_TOKEN_BINDING_MISMATCH`, `ERR_STORE_UNAVAILABLE` (the revocation store failed: the token is refused).
   */
  verifyAccessToken(token: string, options?: VerifyAccessTokenOptions): Promise<VerifyResult<Claims & AccessTokenClaims>>;

  /**
   * Trades a refresh token for a new pair in the same session, consuming it atomically.
   *
   * @param refreshToken - the refresh token from the client.
   * @param options - see {@link RefreshOptions} (the DPoP proof's key, required for a bound session).
   * @throws `ERR_REFRESH_INVALID` (malformed or unknown), `ERR_REFRESH_REUSED` (already used: the
   *   session is revoked, unless a double submit within `reuseGrace`), `ERR_REFRESH_REVOKED`,
   *   `ERR_REFRESH_EXPIRED`, `ERR_TOKEN_BINDING_MISMATCH` (a bound session without a proof: nothing
   *   consumed; with a proof of another key: the session is revoked, `key_mismatch`),
   *   `ERR_STORE_UNAVAILABLE` (the old token stays usable), `ERR_KEY_INVALID`, `ERR_INVALID_OPTION`.
   */
  refresh(refreshToken: string, options?: RefreshOptions): Promise<TokenPair>;

  /**
   * Logout: revokes the session (the family) of a refresh token, and the session's access tokens
   * (their `sid`). Any token of the session this service issued counts, a rotated one too; unknown
   * or malformed tokens are ignored (RFC 7009 §2.2).
   *
   * @returns `true` when a session was found and is now revoked.
   * @throws `ERR_STORE_UNAVAILABLE`.
   */
  revoke(refreshToken: string): Promise<boolean>;

  /**
   * Logout everywhere (or after a password change): first a cutoff (every access token of the
   * subject issued before the call's whole second is refused), then every session of the subject
   * is revoked, and with it every access token of those sessions (their `sid`), those issued within
   * the same second included. Sessions started afterwards are not affected, so a login right after
   * the call (e.g. after a password change) works. The entries are kept until every earlier access
   * token has expired.
   *
   * @throws `ERR_INVALID_OPTION` (bad subject), `ERR_STORE_UNAVAILABLE` (then possibly partly
   *   applied: retry; a retry reaches every session again).
   */
  revokeAll(subject: string): Promise<void>;

  /**
   * Puts one access token on the denylist until its `exp`. A token is verified first; an already
   * expired one is ignored.
   *
   * @throws `ERR_INVALID_OPTION` (bad reference), the codes of
   *   `verifyAccessToken` for a token that is not a valid access token, `ERR_STORE_UNAVAILABLE`.
   */
  revokeAccessToken(token: AccessTokenReference): Promise<void>;
}
