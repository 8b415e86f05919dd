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
 *   (unpadded) SHA-256 of the refresh token, 43 characters. Stores use it as an opaque key.
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
 * Why a refresh-token family was revoked.
 * - `reuse`: an already-used refresh token was presented (RFC 9700 §4.14.2 reuse detection).
 * - `logout`: the session was ended (`revoke(refreshToken)`).
 * - `logout_all`: every session of the subject was ended (`revokeAll(subject)`).
 * - `admin`: revoked by the application for another reason.
 */
export type RefreshRevocationReason = 'reuse' | 'logout' | 'logout_all' | 'admin';

/**
 * A refresh token as handed to {@link RefreshTokenStore.insert} and
 * {@link RefreshTokenStore.rotate}: everything about it except its mutable state. All members are
 * immutable once stored.
 */
export interface NewRefreshTokenRecord {
  /** Base64Url SHA-256 of the refresh token (43 characters). Unique; the record's key. */
  hash: string;
  /** The subject (`sub`) the token was issued to. */
  subject: string;
  /** The family: every token rotated from one login shares it. Base64Url, at most 64 characters. */
  familyId: string;
  /** The hash of the token this one was rotated from, or `null` for the first token of a family. */
  parentHash: string | null;
  /** When the token was issued (seconds since the epoch). */
  createdAt: number;
  /**
   * Absolute expiry of the token, in seconds since the epoch. It is the family's expiry, fixed at
   * login: a rotation copies it unchanged to the successor, so rotation never extends a session.
   * The token is expired when `now >= expiresAt`.
   */
  expiresAt: number;
  /**
   * Idle expiry of this token (its `createdAt` plus the idle lifetime), or `null` when there is no
   * idle limit. The token is expired when `now >= idleExpiresAt`. Never later than `expiresAt`.
   */
  idleExpiresAt: number | null;
  /**
   * The claims the next access token is minted with (besides `iss`, `aud`, `sub`, `iat`, `exp`,
   * `jti`). A JSON object: the store may serialise it with `JSON.stringify` and must return a
   * structurally equal object.
   */
  claims: Record<string, unknown>;
}

/** A refresh token as a store returns it: the record plus its current state. */
export interface RefreshTokenRecord extends NewRefreshTokenRecord {
  /** When the token was rotated (seconds since the epoch), or `null` while it is unused. Set once, never cleared. */
  usedAt: number | null;
  /** `true` when the token's family has been revoked (revocation is per family, permanent). */
  revoked: boolean;
  /** Why the family was revoked (the reason given first), or `null` while it is not revoked. */
  revokedReason: RefreshRevocationReason | null;
}

/**
 * What {@link RefreshTokenStore.rotate} found, as a discriminated union on `status`. The states
 * are checked in this order, and the first that applies is reported:
 * 1. `unknown`: no record has this hash (never stored, or removed after it expired).
 * 2. `revoked`: the record's family is revoked.
 * 3. `used`: the record was already rotated (`usedAt` is set). This is reuse (or, within a grace
 *    window the caller applies using `record.usedAt`, a concurrent double submit). It takes
 *    precedence over `expired`, so reuse is detected as long as the record exists.
 * 4. `expired`: `now >= expiresAt`, or `now >= idleExpiresAt`.
 * 5. `rotated`: none of the above; the record is now used and the successor is stored.
 *
 * Every `record` is the stored record as it is after the call (for `rotated`, with `usedAt` set
 * to `now`).
 */
export type RotateResult =
  | {
      /** Consumed; the successor is stored. */
      status: 'rotated';
      /** The old record, now with `usedAt` set to `now`. */
      record: RefreshTokenRecord;
    }
  | {
      /** Already rotated before: reuse (or a concurrent double submit). */
      status: 'used';
      /** The old record, with the `usedAt` of its rotation. */
      record: RefreshTokenRecord;
    }
  | {
      /** Its family is revoked. */
      status: 'revoked';
      /** The old record. */
      record: RefreshTokenRecord;
    }
  | {
      /** Past its absolute or idle expiry. */
      status: 'expired';
      /** The old record. */
      record: RefreshTokenRecord;
    }
  | {
      /** No record has this hash. */
      status: 'unknown';
    };

/**
 * Where refresh tokens live: one record per token, grouped into families (one family per login).
 * Implementations must meet this contract; `runRefreshTokenStoreSuite` from `jwtkit/testing`
 * checks every clause. See the module documentation for the rules common to every method (time in
 * seconds from the caller, hashes only, `ERR_STORE_UNAVAILABLE` on outage).
 *
 * **Atomicity.** {@link RefreshTokenStore.rotate} is one compare-and-set: of N concurrent
 * rotations of one token (from any number of processes sharing the store) exactly one reports
 * `rotated`; the others report `used` (or `revoked`/`expired`). Marking the old record used and
 * storing its successor happen in one atomic step: a crash can never leave the old record used
 * without its successor stored, nor a successor stored with its parent unused. In Redis: one Lua
 * script. In SQL: one statement that consumes the old record with a conditional
 * `UPDATE ... WHERE used_at IS NULL ... RETURNING` (locking its row) and inserts the successor from
 * the row it returned, or one transaction that locks the family row.
 *
 * **Family revocation is permanent and wins races.** After `revokeFamily(f)` (or a
 * `revokeSubject` that covers `f`) resolves, every record of family `f` reads as revoked, including
 * a successor stored by a `rotate` that ran concurrently with the revocation, and a later `rotate`
 * in that family reports `revoked` and stores nothing. (Keep a family-level revoked flag that
 * `rotate` checks in the same atomic step, rather than flagging records one by one.)
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
   * Stores the first token of a new family (a login). The record starts unused. If its family is
   * already revoked the record reads as revoked. A store must never silently replace an existing
   * record with the same hash (hashes of 256-bit random tokens do not collide).
   *
   * There is no `now` parameter: the caller sets `record.createdAt` to the current time, so a store
   * that expires entries by itself measures their lifetime as `record.expiresAt - record.createdAt`.
   *
   * @param record - the new record, `parentHash: null`, `createdAt` the current time.
   * @returns when the record is durably stored: a `find` or `rotate` from any process sees it.
   * @throws `ERR_STORE_UNAVAILABLE` on outage (then nothing was stored).
   */
  insert(record: NewRefreshTokenRecord): Promise<void>;

  /**
   * Reads one record, whatever its state (used, revoked, expired but not yet deleted).
   *
   * @param hash - the Base64Url SHA-256 of the token.
   * @returns the record with its current state, or `null` when no record has this hash.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  find(hash: string): Promise<RefreshTokenRecord | null>;

  /**
   * Atomically consumes the record `oldHash` and stores `successor` (compare-and-set): if the
   * record exists, its family is not revoked, it is unused and not expired at `now`, sets its
   * `usedAt` to `now` and stores `successor` (unused) in the same atomic step, and reports
   * `rotated`. Otherwise changes nothing and reports why (see {@link RotateResult} for the order).
   *
   * The caller guarantees that `successor.parentHash === oldHash` and that its `subject`,
   * `familyId`, `expiresAt` and `claims` are copied from the old record; stores need not check.
   *
   * @param oldHash - the hash of the presented token.
   * @param successor - the record of the new token.
   * @param now - the current time, in seconds since the epoch.
   * @returns what was found, and for every status but `unknown` the record after the call.
   * @throws `ERR_STORE_UNAVAILABLE` on outage (then nothing changed, or everything did).
   */
  rotate(oldHash: string, successor: NewRefreshTokenRecord, now: number): Promise<RotateResult>;

  /**
   * Revokes a whole family, permanently: every record of it, present or stored later by a racing
   * `rotate`, reads as revoked. Revoking an already revoked family keeps its first reason;
   * revoking an unknown family does nothing.
   *
   * @param familyId - the family.
   * @param reason - why, kept as `revokedReason`.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void>;

  /**
   * Revokes every family of a subject that exists when the call runs (as `revokeFamily` does for
   * each). Families created afterwards (a new login) are not affected.
   *
   * @param subject - the subject.
   * @param reason - why, kept as `revokedReason` of each family not already revoked.
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  revokeSubject(subject: string, reason: RefreshRevocationReason): Promise<void>;

  /**
   * Removes every record with `expiresAt <= now` (and any index entry or family flag no record
   * needs any more). Records not yet past `expiresAt` stay, used or not, so reuse is detected for
   * the whole life of a family. Stores that expire entries by themselves may have little to do;
   * they should keep a record for a while after its `expiresAt` (a minute, say), so that a late
   * presentation reads as `expired` rather than `unknown`.
   *
   * @param now - the current time, in seconds since the epoch.
   * @returns how many records were removed (stores that cannot count may return 0).
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  deleteExpired(now: number): Promise<number>;
}

/**
 * Where access-token revocations live: a `jti` denylist whose entries last until the token's own
 * `exp`, and a per-subject cutoff ("tokens issued before T are invalid") for logout everywhere and
 * password changes. Implementations must meet this contract; `runRevocationStoreSuite` from
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
   * Removes every denylist and cutoff entry with `expiresAt <= now`.
   *
   * @param now - the current time, in seconds since the epoch.
   * @returns how many entries were removed (stores that cannot count may return 0).
   * @throws `ERR_STORE_UNAVAILABLE` on outage.
   */
  deleteExpired(now: number): Promise<number>;
}
