/**
 * The key names of the Redis stores, built in one place. Every script declares the keys it touches
 * (`KEYS`), and the keys of one call share a Redis Cluster hash slot through a hash tag (the part
 * of a key between its first `{` and the next `}`): a session's key is tagged by its family id, a
 * subject's keys by the subject, and the expiry indexes and revocation entries by a bucket number.
 * So different sessions land in different slots, and a cluster spreads them over its masters.
 * `keyPrefix` may contain no `{` or `}` (it would take the place of these tags).
 *
 * @module
 * @internal
 */

/** How many expiry buckets each store spreads its expiry index over (each in a slot of its own). @internal */
export const EXPIRY_BUCKETS = 64;

/** A bucket number in `[0, EXPIRY_BUCKETS)` for `id` (FNV-1a over its UTF-16 code units). @internal */
export function bucketOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % EXPIRY_BUCKETS;
}

/** The session's HASH (contract v2): `<prefix>rt:{<familyId>}`. @internal */
export function familyKey(prefix: string, familyId: string): string {
  return `${prefix}rt:{${familyId}}`;
}

/** The four keys of a subject, in one slot: state, families (by seq), live (by created), live (by expires). @internal */
export interface SubjectKeys {
  readonly state: string;
  readonly families: string;
  readonly live: string;
  readonly liveExpiry: string;
  /** The four, in the order the scripts take them as `KEYS`. */
  readonly all: readonly [string, string, string, string];
}

/**
 * The keys of a subject: `<prefix>rt:subj:{s:<subject>}:<kind>`. The `s:` inside the tag keeps it
 * non-empty whatever the subject (a subject that began with `}` would otherwise leave an empty tag,
 * and Redis would hash each whole key apart); a subject with a `}` is cut there, the same way in
 * each of the four keys.
 * @internal
 */
export function subjectKeys(prefix: string, subject: string): SubjectKeys {
  const base = `${prefix}rt:subj:{s:${subject}}:`;
  const state = `${base}state`;
  const families = `${base}families`;
  const live = `${base}live`;
  const liveExpiry = `${base}live-expiry`;
  return { state, families, live, liveExpiry, all: [state, families, live, liveExpiry] };
}

/** One bucket of the sessions' expiry index: ZSET `<familyId> <subject>` → `expiresAt`. @internal */
export function familyExpiryKey(prefix: string, bucket: number): string {
  return `${prefix}rt:expiry:{e${bucket}}`;
}

/** The kinds of revocation entries. @internal */
export type RevocationKind = 'jti' | 'session' | 'cutoff';

/**
 * A revocation entry and the expiry index of its bucket, in one slot:
 * `<prefix>revoked:{r<bucket>}:<kind>:<id>` and `<prefix>revoked:{r<bucket>}:<kind>-expiry`.
 * @internal
 */
export function revocationKeys(prefix: string, kind: RevocationKind, id: string): { entry: string; index: string } {
  const bucket = bucketOf(id);
  return { entry: `${prefix}revoked:{r${bucket}}:${kind}:${id}`, index: revocationIndexKey(prefix, kind, bucket) };
}

/** The expiry index of one bucket of revocation entries. @internal */
export function revocationIndexKey(prefix: string, kind: RevocationKind, bucket: number): string {
  return `${prefix}revoked:{r${bucket}}:${kind}-expiry`;
}

/** The entry of `id` in a bucket whose index is `index` (as {@link revocationKeys} names it). @internal */
export function revocationEntryKey(prefix: string, kind: RevocationKind, bucket: number, id: string): string {
  return `${prefix}revoked:{r${bucket}}:${kind}:${id}`;
}

/**
 * The keys a store of contract v1 (jwtkit 0.1) wrote, read until they expire and never written
 * anew but for the revocation flag. They carry no hash tag: the scripts that read them together
 * run on a single Redis node only (see "Upgrading from store contract v1" in docs/redis-and-postgres.md).
 * @internal
 */
export const legacyKeys = {
  token: (prefix: string, hash: string) => `${prefix}rt:token:${hash}`,
  family: (prefix: string, familyId: string) => `${prefix}rt:family:${familyId}`,
  familyTokens: (prefix: string, familyId: string) => `${prefix}rt:family-tokens:${familyId}`,
  subject: (prefix: string, subject: string) => `${prefix}rt:subject:${subject}`,
  expiry: (prefix: string) => `${prefix}rt:expiry`,
  /** A revocation entry (STRING `expiresAt`, or `'<cutoff> <expiresAt>'`), with a Redis TTL of its own. */
  revocation: (prefix: string, kind: RevocationKind, id: string) => `${prefix}revoked:${kind}:${id}`,
  /** The expiry index of the revocation entries of one kind: ZSET id → `expiresAt`, no TTL. */
  revocationIndex: (prefix: string, kind: RevocationKind) => `${prefix}revoked:${kind}-expiry`,
};
