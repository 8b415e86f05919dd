/**
 * The storage seam of the token service: {@link RefreshTokenStore} (refresh-token families with
 * atomic rotation) and {@link RevocationStore} (the access-token denylist). Both are interfaces
 * with a written contract; `MemoryRefreshTokenStore` and `MemoryRevocationStore` implement them in
 * memory, `jwtkit/redis` and `jwtkit/postgres` implement them on a database, and
 * `jwtkit/testing` checks any implementation against the contract
 * (`runRefreshTokenStoreSuite`, `runRevocationStoreSuite`).
 *
 * ## Rules common to every method
 * - **Time** is always an integer number of **seconds since the epoch** (like JWT `exp`), passed in
 *   by the caller (`now`). A store never reads the system clock to decide validity: the caller's
 *   clock may be a test clock. A store may additionally let entries vanish by themselves (e.g. a
 *   Redis TTL or a scheduled job), but only *after* the time at which the contract allows them to
 *   be deleted, measured as a duration from the call (`expiresAt - now`), never as an absolute
 *   date on the server's clock. Every method that writes something with an expiry receives the
 *   call time for this: `now`, or for {@link RefreshTokenStore.insert} the record's `createdAt`.
 * - **No plaintext token ever reaches a store.** The caller passes only `hash`, the Base64Url
 *   (unpadded) SHA-256 of the token's secret part, 43 characters, and the token's routing part
 *   (family id and generation), which is not secret. Stores compare hashes as opaque strings.
 * - **Outages fail closed**: when the backend cannot be reached or answers with an error, a method
 *   rejects with `JwtError('ERR_STORE_UNAVAILABLE')` (with the driver error as `cause`), and must
 *   not report a made-up result. A method that rejects must have changed nothing, or (when the
 *   backend cannot tell, e.g. the connection dropped after a commit) have completed entirely:
 *   never half of it.
 * - Returned objects belong to the caller: a store returns fresh objects (not its internal state),
 *   and does not keep references to objects passed in.
 *
 * @module
 */

/**
 * Why a refresh-token family (a session) was revoked.
 * - `reuse`: an already-used refresh token was presented (RFC 9700 §4.14.2 reuse detection).
 * - `logout`: the session was ended (`revoke(refreshToken)`).
 * - `logout_all`: every session of the subject was ended (`revokeAll(subject)`).
 * - `admin`: revoked by the application for another reason.
 * - `session_limit`: the subject started more live sessions than `maxSessionsPerSubject`, and this
 *   was its oldest.
 * - `refresh_denied`: the application ended the session at a refresh (an account disabled, claims
 *   it refused to re-issue).
 * - `key_mismatch`: a sender-constrained refresh token was presented with a proof of another key
 *   (RFC 9449 §5): a theft signal, revoked as reuse is.
 */
export type RefreshRevocationReason = 'reuse' | 'logout' | 'logout_all' | 'admin' | 'session_limit' | 'refresh_denied' | 'key_mismatch';

/** Every {@link RefreshRevocationReason}, in the order of the contract. @internal */
export const REFRESH_REVOCATION_REASONS: readonly RefreshRevocationReason[] = Object.freeze([
  'reuse',
  'logout',
  'logout_all',
  'admin',
  'session_limit',
  'refresh_denied',
  'key_mismatch',
]);

/**
 * A session (a refresh-token family) as `insert` receives it at login. A store keeps **one
 * record per family**, whatever the number of rotations: the family's state and its current token,
 * never a list of used tokens (see "Refresh tokens of contract v2" in docs/custom-store.md).
 */
export interface NewRefreshFamily {
  /** The family id: Base64Url, at most 64 characters. Unique; the record's key. Access tokens carry it as `sid`. */
  familyId: string;
  /** The subject (`sub`) the session belongs to. */
  subject: string;
  /** Base64Url SHA-256 (43 characters) of the secret part of the family's current token. */
  hash: string;
  /**
   * The family's tag key (32 random bytes, Base64Url): the token service checks with it that a
   * presented token of an earlier generation is one it issued. Stored as given, never changed.
   * On its own it yields no usable token (the current one is known only by its hash).
   */
  tagKey: string;
  /** When the session started (seconds since the epoch). */
  createdAt: number;
  /**
   * Absolute expiry of the session, in seconds since the epoch, fixed at login: rotation never
   * extends it. The family is expired when `now >= expiresAt`.
   */
  expiresAt: number;
  /**
   * Idle expiry of the current token (when it was issued plus the idle lifetime), or `null` when
   * there is no idle limit. Expired when `now >= idleExpiresAt`. Never later than `expiresAt`.
   */
  idleExpiresAt: number | null;
  /**
   * The claims the next access token is minted with (besides `iss`, `aud`, `sub`, `iat`, `exp`,
   * `jti`, `sid`). A JSON object: the store may serialise it with `JSON.stringify` and must return
   * a structurally equal object.
   */
  claims: Record<string, unknown>;
  /**
   * The JWK SHA-256 thumbprint (RFC 7638) of the key the session is bound to (DPoP, RFC 9449), or
   * `null` for a session that is not sender-constrained. Stored with the family, kept by rotations.
   */
  jkt: string | null;
}

/** A family as a store returns it: what `insert` stored, plus its current state. */
export interface RefreshFamily extends NewRefreshFamily {
  /** The generation of the current token: 0 at login, one more at each rotation. */
  generation: number;
  /** When the last rotation happened (seconds since the epoch), or `null` while the family was never rotated. */
  rotatedAt: number | null;
  /** `true` once the family is revoked (permanent). */
  revoked: boolean;
  /** Why the family was revoked (the reason given first), or `null` while it is not revoked. */
  revokedReason: RefreshRevocationReason | null;
}

/**
 * A presented refresh token as the store sees it: its routing part (not secret: `sid` exposes the
 * family id) and the hash of its secret part. The token service checks a token's tag before it
 * asks the store, so a presented token of an earlier generation is one it issued.
 */
export interface PresentedRefreshToken {
  /** The family the token names. */
  familyId: string;
  /** The generation the token names. */
  generation: number;
  /** Base64Url SHA-256 of the token's secret part (43 characters). */
  hash: string;
}

/** What {@link RefreshTokenStore.rotate} stores in place of the presented token. */
export interface RefreshSuccessor {
  /** Base64Url SHA-256 of the secret part of the new current token. */
  hash: string;
  /** Idle expiry of the new token (`now` plus the idle lifetime, at most `expiresAt`), or `null`. */
  idleExpiresAt: number | null;
  /** The claims of the session from now on: given by the caller at each rotation (a hook may re-read them). */
  claims: Record<string, unknown>;
}

/**
 * What {@link RefreshTokenStore.rotate} found, as a discriminated union on `status`. The states
 * are checked in this order, and the first that applies is reported:
 * 1. `unknown`: no family has this id (never stored, or removed after it expired); or the
 *    presented generation is the current one but the hash is not the current token's; or the
 *    presented generation is later than the current one. (A token the store cannot recognise
 *    never counts as reuse.)
 * 2. `revoked`: the family is revoked.
 * 3. `used`: the presented generation is earlier than the current one: the token was already
 *    rotated. This is reuse (or, within a grace window, a concurrent double submit). It takes
 *    precedence over `expired`, so reuse is detected as long as the family exists.
 * 4. `expired`: `now >= expiresAt`, or `now >= idleExpiresAt`.
 * 5. `rotated`: none of the above; the generation moved on by one and the successor is current.
 *
 * Every `family` is the stored family as it is after the call.
 */
export type RotateResult =
  | {
      /** Consumed; the successor is the family's current token. */
      status: 'rotated';
      /** The family after the rotation (`generation` one more, `rotatedAt` = `now`). */
      family: RefreshFamily;
    }
  | {
      /** Rotated before: reuse (or a concurrent double submit). */
      status: 'used';
      /** The family, unchanged. */
      family: RefreshFamily;
      /**
       * Whether the presented token's successor has itself been used (`family.generation` is more
       * than one past the presented one): the other party moved on, so this is never a two-tab race.
       */
      successorUsed: boolean;
    }
  | {
      /** The family is revoked. */
      status: 'revoked';
      /** The family, unchanged. */
      family: RefreshFamily;
    }
  | {
      /** Past its absolute or idle expiry. */
      status: 'expired';
      /** The family, unchanged. */
      family: RefreshFamily;
    }
  | {
      /** Not recognised (see the order above). */
      status: 'unknown';
    };

/** A family a revocation reached: its id (the `sid` of its access tokens) and its absolute expiry. */
export interface RevokedFamily {
  /** The family id. */
  familyId: string;
  /** The family's absolute expiry (seconds since the epoch). */
  expiresAt: number;
}

/**
 * What {@link RefreshTokenStore.adoptLegacy} found for a refresh token of the first token format
 * (43 characters, no routing part), which a store of contract v1 keeps one record per token.
 */
export type LegacyRefreshToken =
  | {
      /**
       * The token is its family's current token: the family now has a record of contract v2
       * (generation 0, `hash` the token's hash, `tagKey` the one given), and the caller goes on
       * with `rotate` as for a token of generation 0.
       */
      status: 'current';
      /** The family. */
      familyId: string;
    }
  | {
      /**
       * The token was rotated before: reuse. The family may have no record of contract v2 yet (it
       * was rotated before the upgrade, and its current token not presented since): the caller
       * then revokes it with `revokeFamily`, which reaches such a family too.
       */
      status: 'used';
      /** The family. */
      familyId: string;
      /** The subject of the record. */
      subject: string;
      /** When it was rotated. */
      usedAt: number;
    };

/**
 * Where refresh tokens live: **one record per family** (one per login), whatever the number of
 * rotations. This is contract v2; docs/custom-store.md "Migrating a custom store to contract v2"
 * lists what changed. Implementations must meet this contract; `runRefreshTokenStoreSuite` from
 * `jwtkit/testing` checks every clause. See the module documentation for the rules common to every
 * method (time in seconds from the caller, hashes only, `ERR_STORE_UNAVAILABLE` on outage).
 *
 * **Size.** A family's record holds its state and its current token's hash, never a list of used
 * tokens: a replay of a token of any earlier generation is still recognised (its generation is
 * earlier than the current one; the service has checked its tag with the family's `tagKey`), so
 * storage per session is bounded by a constant plus its claims, however often it rotates.
 *
 * **Atomicity.** {@link RefreshTokenStore.rotate} is one compare-and-set on the family's
 * generation and current hash: of N concurrent rotations of one token (from any number of
 * processes sharing the store) exactly one reports `rotated`; the others report `used` (or
 * `revoked`/`expired`). In Redis: one Lua script. In SQL: one conditional
 * `UPDATE ... WHERE generation = $g AND hash = $h AND revoked_reason IS NULL ... RETURNING`.
 *
 * **Revocation is permanent and wins races.** After `revokeFamily(f)` (or a `revokeSubject` that
 * covers `f`) resolves, the family reads as revoked and a later `rotate` reports `revoked` and
 * changes nothing.
 *
 * @example
 * ```ts
 * import { createTokenService, type RefreshTokenStore } from 'jwtkit';
 * const store: RefreshTokenStore = new MyDatabaseStore(pool);
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, store });
 * ```
 */
export interface RefreshTokenStore {
  /**
   * Stores a new family (a login), then enforces the subject's session cap: when the subject has
   * more than `maxFamiliesPerSubject` live families (neither revoked nor expired at
   * `family.createdAt`, idle expiry included), the oldest ones (by `createdAt`, then `familyId` in
   * code-unit order, as JavaScript compares strings; `COLLATE "C"` in SQL) other than the new one
   * are revoked with `session_limit` until `maxFamiliesPerSubject` remain. A store that cannot do
   * both atomically (a sharded one) enforces the cap right after the insert, and concurrent logins
   * of one subject may then leave it over the cap until its next login; it says so in its docs.
   * A store must never replace an existing family with the same id (ids are 128 random bits).
   *
   * There is no `now` parameter: the caller sets `family.createdAt` to the current time, so a store
   * that expires entries by itself measures their lifetime as `family.expiresAt - family.createdAt`.
   *
   * @param family - the new family.
   * @param maxFamiliesPerSubject - the subject's cap on live families (a positive integer).
   * @returns the families this call revoked for the cap (empty when none), each with its expiry.
   * @throws `ERR_INVALID_OPTION` when a family with this id exists; `ERR_STORE_UNAVAILABLE` on
   * outage (then nothing was stored, or, for a store that enforces the cap after the insert, the
   * family was stored and the cap may be left unenforced).
   */
  insert(family: NewRefreshFamily, maxFamiliesPerSubject: number): Promise<RevokedFamily[]>;

  /**
   * Reads one family, whatever its state (revoked, expired but not yet deleted).
   *
   * @param familyId - the family id (the routing part of a presented token).
   * @returns the family, or `null` when none has this id.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  find(familyId: string): Promise<RefreshFamily | null>;

  /**
   * Atomically rotates the family of a presented token (compare-and-set): if the family exists,
   * is not revoked, its generation is the presented one and its hash the presented hash, and it
   * is not expired at `now`, moves it to the next generation with `successor` as its current
   * token (`hash`, `idleExpiresAt`, `claims` replaced, `rotatedAt` = `now`; `subject`,
   * `createdAt`, `expiresAt`, `tagKey` and `jkt` unchanged) and reports `rotated`. Otherwise
   * changes nothing and reports why (see {@link RotateResult} for the order).
   *
   * @param presented - the routing part and hash of the presented token (the service never passes
   *   a generation that is not a non-negative safe integer; a store may refuse one with
   *   `ERR_INVALID_OPTION` or report `unknown`).
   * @param successor - the new current token.
   * @param now - the current time, in seconds since the epoch.
   * @returns what was found, and for every status but `unknown` the family after the call.
   * @throws `ERR_STORE_UNAVAILABLE` on outage (then nothing changed, or everything did).
   */
  rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number): Promise<RotateResult>;

  /**
   * Revokes a family, permanently. Revoking an already revoked family keeps its first reason;
   * revoking an unknown family does nothing. A store with `adoptLegacy` also revokes a family that
   * has only records of contract v1, and the revocation survives its adoption.
   *
   * @param familyId - the family.
   * @param reason - why, kept as `revokedReason`.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void>;

  /**
   * Revokes every family of a subject that exists when the call starts (as `revokeFamily` does
   * for each, families with only records of contract v1 included), and answers **every family of
   * the subject with `expiresAt > now`, whether this call revoked it or it was revoked before**
   * (idle expiry does not matter: such a family's access tokens may still be live), so that the
   * caller can end their access tokens too.
   * Families created after the call (a new login) are not affected.
   *
   * Idempotent, and it may be **partly applied when it rejects** (a store may revoke in batches, and
   * a sharded store cannot make it atomic): some families are then revoked and others not yet.
   * The caller retries; a retry answers every family again, those revoked by the failed call
   * included. A store that revokes in batches first makes sure that no family created before the
   * call can rotate any more (for example with a per-subject cut-off that `rotate` reads), so
   * nothing of the subject refreshes while the batches run.
   *
   * @param subject - the subject.
   * @param reason - why, kept as `revokedReason` of each family not already revoked.
   * @param now - the current time, in seconds since the epoch.
   * @returns the subject's families not expired at `now` (any order).
   * @throws `ERR_STORE_UNAVAILABLE` on outage (then possibly partly applied).
   */
  revokeSubject(subject: string, reason: RefreshRevocationReason, now: number): Promise<RevokedFamily[]>;

  /**
   * Removes every family with `expiresAt <= now` (and any index entry no family needs any more).
   * Families not yet past `expiresAt` stay, revoked or not, and past their idle expiry too, so reuse
   * is detected for the whole life of a family. Work is bounded per backend call (batches), so a
   * large backlog never stalls the backend. A store may also bound one call (a time budget): it
   * then returns early with the count so far, and the next call continues; such a store counts,
   * and returns more than 0 whenever it found expired families. So a caller that must empty a
   * backlog calls again while the result is more than 0. Stores that expire entries by themselves
   * may have little to do; they should keep a family for a while after its `expiresAt` (a minute,
   * say), so that a late presentation reads as `expired` rather than `unknown`.
   *
   * @param now - the current time, in seconds since the epoch.
   * @returns how many families were removed, not counting records of contract v1 or index entries
   * (stores that cannot count may return 0).
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  deleteExpired(now: number): Promise<number>;

  /**
   * Optional: recognises a refresh token of the first token format (contract v1: 43 characters,
   * one record per token), so that tokens issued before an upgrade keep working until they expire.
   * Only a store that holds records of contract v1 needs it; without it, such a token is unknown.
   * Atomically: when `hash` is the record of its family's unused token and the family has no
   * record of contract v2 yet, gives the family one (generation 0, this hash, `tagKey`, the
   * record's subject, claims, expiry and idle expiry, `jkt: null`, `rotatedAt: null`; `createdAt`
   * the record's, i.e. when this token was issued), and answers `current`; when the family already
   * has one, answers `current` too (the caller's `rotate` then decides); when the record was used,
   * answers `used`. Expiry is not checked here: an expired record answers `current` and the
   * `rotate` that follows reports `expired`. A revocation of the family is kept.
   *
   * @param hash - the Base64Url SHA-256 of the whole legacy token.
   * @param tagKey - the tag key for the family's record of contract v2 (ignored when it has one).
   * @param now - the current time, in seconds since the epoch.
   * @returns what was found, or `null` when no legacy record has this hash.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  adoptLegacy?(hash: string, tagKey: string, now: number): Promise<LegacyRefreshToken | null>;
}

/**
 * Where access-token revocations live: a `jti` denylist whose entries last until the token's own
 * `exp`, revoked sessions (`sid`) that last until the session's last access token has expired, and
 * a per-subject cutoff ("tokens issued before T are invalid") for logout everywhere and password
 * changes. Implementations must meet this contract; `runRevocationStoreSuite` from
 * `jwtkit/testing` checks every clause. Times are seconds since the epoch from the caller; an
 * outage rejects with `ERR_STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * import { createTokenService, MemoryRevocationStore } from 'jwtkit';
 * const tokens = createTokenService({ key, alg: 'ES256', issuer, audience, revocationStore: new MemoryRevocationStore() });
 * await tokens.revokeAccessToken(accessToken);
 * ```
 */
export interface RevocationStore {
  /**
   * Adds a token id to the denylist until `expiresAt` (the token's `exp`). Revoking an id again
   * keeps the later of the two expiries. A store that expires entries by itself keeps this one for
   * at least `expiresAt - now` seconds from the call.
   *
   * @param jti - the token's `jti` (the key: never the token itself, RFC 8725 / OWASP).
   * @param expiresAt - when the entry may be forgotten, in seconds since the epoch.
   * @param now - the current time, in seconds since the epoch.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  revokeJti(jti: string, expiresAt: number, now: number): Promise<void>;

  /**
   * Tells whether a token id is on the denylist.
   *
   * @param jti - the token's `jti`.
   * @param now - the current time, in seconds since the epoch.
   * @returns `true` when `jti` was revoked and `now < expiresAt` of its entry.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  isJtiRevoked(jti: string, now: number): Promise<boolean>;

  /**
   * Records that a session is revoked: every access token whose `sid` is `sid` is refused until
   * `expiresAt` (the caller passes the time by which the session's last access token has expired,
   * with the verifier's leeway). Revoking a session again keeps the later of the two expiries. A
   * store that expires entries by itself keeps this one for at least `expiresAt - now` seconds from
   * the call. Added by contract v2.
   *
   * @param sid - the session id (the refresh-token family id, the `sid` claim).
   * @param expiresAt - when the entry may be forgotten, in seconds since the epoch.
   * @param now - the current time, in seconds since the epoch.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  revokeSession(sid: string, expiresAt: number, now: number): Promise<void>;

  /**
   * Tells whether a session is revoked. Added by contract v2.
   *
   * @param sid - the `sid` claim of an access token.
   * @param now - the current time, in seconds since the epoch.
   * @returns `true` when `sid` was revoked and `now < expiresAt` of its entry.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  isSessionRevoked(sid: string, now: number): Promise<boolean>;

  /**
   * Records that the subject's tokens issued before `cutoff` are invalid. The cutoff only moves
   * forward: a call with an earlier `cutoff` than the stored one keeps the stored one. The entry
   * may be forgotten after `expiresAt` (the caller passes `cutoff` plus the longest access-token
   * lifetime); a later call keeps the later of the two expiries. A store that expires entries by
   * itself keeps this one for at least `expiresAt - now` seconds from the call.
   *
   * @param subject - the subject.
   * @param cutoff - tokens with `iat < cutoff` are invalid (seconds since the epoch).
   * @param expiresAt - when the entry may be forgotten, in seconds since the epoch.
   * @param now - the current time, in seconds since the epoch.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void>;

  /**
   * Reads the subject's cutoff.
   *
   * @param subject - the subject.
   * @param now - the current time, in seconds since the epoch.
   * @returns the cutoff, or `null` when there is none or its entry expired (`now >= expiresAt`).
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  issuedBeforeCutoff(subject: string, now: number): Promise<number | null>;

  /**
   * Removes every denylist, session and cutoff entry with `expiresAt <= now`. A store may bound one
   * call (a time budget): it then returns early with the count so far, and the next call continues;
   * such a store counts, and returns more than 0 whenever it found expired entries. So a caller that
   * must empty a backlog calls again while the result is more than 0.
   *
   * @param now - the current time, in seconds since the epoch.
   * @returns how many entries were removed (stores that cannot count may return 0).
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  deleteExpired(now: number): Promise<number>;
}
