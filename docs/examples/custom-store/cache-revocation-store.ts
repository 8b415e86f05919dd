// A RevocationStore over a key-value cache whose entries expire by themselves (Redis, Memcached, a
// DynamoDB TTL attribute). `TtlMap` stands in for the cache. The rule for TTLs: an entry lives
// `expiresAt - now` seconds from the call. Never hand the cache `expiresAt` as a date on its own
// clock: the caller's clock decides (it may be a test clock, or a little off the cache's).
import type { RevocationStore } from 'jwtkit';

/** The stand-in for the cache: each value vanishes `ttlSeconds` after it was set. */
class TtlMap<Value> {
  readonly #entries = new Map<string, { value: Value; vanishAt: number }>();

  get(key: string): Value | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined && Date.now() < entry.vanishAt ? entry.value : undefined;
  }

  set(key: string, value: Value, ttlSeconds: number): void {
    this.#entries.set(key, { value, vanishAt: Date.now() + Math.max(1, ttlSeconds) * 1000 });
  }

  *entries(): Generator<[string, Value]> {
    for (const [key, { value }] of this.#entries) yield [key, value];
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }
}

interface Cutoff {
  cutoff: number;
  expiresAt: number;
}

export class CacheRevocationStore implements RevocationStore {
  readonly #jtis = new TtlMap<number>(); // jti → expiresAt
  readonly #sessions = new TtlMap<number>(); // sid → expiresAt
  readonly #cutoffs = new TtlMap<Cutoff>(); // subject → cutoff and expiresAt

  // Each write reads and writes in one atomic step in the cache (a Lua script, a conditional write).
  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    const latest = Math.max(this.#jtis.get(jti) ?? expiresAt, expiresAt); // keep the later expiry
    this.#jtis.set(jti, latest, latest - now);
  }

  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    const expiresAt = this.#jtis.get(jti);
    return expiresAt !== undefined && now < expiresAt; // the caller's clock decides, not the cache's
  }

  async revokeSession(sid: string, expiresAt: number, now: number): Promise<void> {
    const latest = Math.max(this.#sessions.get(sid) ?? expiresAt, expiresAt);
    this.#sessions.set(sid, latest, latest - now);
  }

  async isSessionRevoked(sid: string, now: number): Promise<boolean> {
    const expiresAt = this.#sessions.get(sid);
    return expiresAt !== undefined && now < expiresAt;
  }

  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void> {
    const previous = this.#cutoffs.get(subject);
    const latest = {
      cutoff: Math.max(previous?.cutoff ?? cutoff, cutoff),
      expiresAt: Math.max(previous?.expiresAt ?? expiresAt, expiresAt),
    };
    this.#cutoffs.set(subject, latest, latest.expiresAt - now);
  }

  async issuedBeforeCutoff(subject: string, now: number): Promise<number | null> {
    const entry = this.#cutoffs.get(subject);
    return entry !== undefined && now < entry.expiresAt ? entry.cutoff : null;
  }

  // The TTLs run on the cache's clock, so this still removes what expired on the caller's. A real
  // cache needs an index by expiry for it (in Redis, a sorted set scored by expiresAt).
  async deleteExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [jti, expiresAt] of this.#jtis.entries()) if (expiresAt <= now && this.#jtis.delete(jti)) removed += 1;
    for (const [sid, expiresAt] of this.#sessions.entries()) if (expiresAt <= now && this.#sessions.delete(sid)) removed += 1;
    for (const [subject, entry] of this.#cutoffs.entries()) if (entry.expiresAt <= now && this.#cutoffs.delete(subject)) removed += 1;
    return removed;
  }
}
