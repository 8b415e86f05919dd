/**
 * The conformance kit must fail broken stores: each test here runs the kit against a small store
 * with one deliberate bug and checks that the clause guarding against it fails (and that the same
 * store without bugs passes everything).
 */
import { describe, expect, it } from 'vitest';
import type {
  NewRefreshTokenRecord,
  RefreshRevocationReason,
  RefreshTokenRecord,
  RefreshTokenStore,
  RevocationStore,
  RotateResult,
} from '../../src/index.js';
import { runRefreshTokenStoreSuite, runRevocationStoreSuite, type ConformanceTestApi } from '../../src/testing/index.js';

interface CollectedTest {
  name: string;
  body: () => Promise<void>;
}

/** Declares the suite into a list instead of the test runner, to run it by hand. */
function collect(declare: (api: ConformanceTestApi) => void): CollectedTest[] {
  const tests: CollectedTest[] = [];
  const path: string[] = [];
  declare({
    describe: (name, body) => {
      path.push(name);
      body();
      path.pop();
    },
    it: (name, body) => {
      tests.push({ name: [...path.slice(1), name].join(' > '), body });
    },
    expect,
  });
  return tests;
}

async function failingTests(tests: CollectedTest[]): Promise<string[]> {
  const failed: string[] = [];
  for (const test of tests) {
    try {
      await test.body();
    } catch {
      failed.push(test.name);
    }
  }
  return failed;
}

type RefreshBug =
  | 'none'
  | 'check-then-act rotate'
  | 'ignores expiry'
  | 'expired before used'
  | 'per-record revocation'
  | 'shares state'
  | 'deleteExpired keeps everything'
  | 'deleteExpired drops used records'
  | 'subject prefix match'
  | 'last revocation reason wins';

/** A deliberately simple store, correct unless told to have one bug. */
class NaiveRefreshTokenStore implements RefreshTokenStore {
  readonly #bug: RefreshBug;
  readonly #records = new Map<string, { record: NewRefreshTokenRecord; usedAt: number | null; revoked: RefreshRevocationReason | null }>();
  readonly #families = new Map<string, RefreshRevocationReason | null>();

  constructor(bug: RefreshBug) {
    this.#bug = bug;
  }

  async insert(record: NewRefreshTokenRecord): Promise<void> {
    this.#put(record);
  }

  async find(hash: string): Promise<RefreshTokenRecord | null> {
    const entry = this.#records.get(hash);
    return entry === undefined ? null : this.#read(hash);
  }

  async rotate(oldHash: string, successor: NewRefreshTokenRecord, now: number): Promise<RotateResult> {
    const entry = this.#records.get(oldHash);
    if (entry === undefined) return { status: 'unknown' };
    if (this.#revokedReason(oldHash) !== null) return { status: 'revoked', record: this.#read(oldHash) };
    const expired =
      this.#bug !== 'ignores expiry' &&
      (now >= entry.record.expiresAt || (entry.record.idleExpiresAt !== null && now >= entry.record.idleExpiresAt));
    if (this.#bug === 'expired before used' && expired) return { status: 'expired', record: this.#read(oldHash) };
    if (entry.usedAt !== null) return { status: 'used', record: this.#read(oldHash) };
    if (expired) return { status: 'expired', record: this.#read(oldHash) };
    if (this.#bug === 'check-then-act rotate') await new Promise((resolve) => setImmediate(resolve));
    entry.usedAt = now;
    this.#put(successor);
    return { status: 'rotated', record: this.#read(oldHash) };
  }

  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    if (!this.#families.has(familyId)) return;
    if (this.#bug === 'per-record revocation') {
      for (const entry of this.#records.values()) if (entry.record.familyId === familyId) entry.revoked ??= reason;
      return;
    }
    if (this.#bug === 'last revocation reason wins' || this.#families.get(familyId) === null) this.#families.set(familyId, reason);
  }

  async revokeSubject(subject: string, reason: RefreshRevocationReason): Promise<void> {
    const families = new Set<string>();
    for (const { record } of this.#records.values()) {
      if (this.#bug === 'subject prefix match' ? record.subject.startsWith(subject) : record.subject === subject)
        families.add(record.familyId);
    }
    for (const familyId of families) await this.revokeFamily(familyId, reason);
  }

  async deleteExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [hash, entry] of this.#records) {
      const dead =
        this.#bug === 'deleteExpired keeps everything'
          ? false
          : this.#bug === 'deleteExpired drops used records'
            ? entry.record.expiresAt <= now || entry.usedAt !== null
            : entry.record.expiresAt <= now;
      if (dead) {
        this.#records.delete(hash);
        removed++;
      }
    }
    return removed;
  }

  #put(record: NewRefreshTokenRecord): void {
    const copy = this.#bug === 'shares state' ? record : structuredClone(record);
    this.#records.set(record.hash, { record: copy, usedAt: null, revoked: null });
    if (!this.#families.has(record.familyId)) this.#families.set(record.familyId, null);
  }

  #revokedReason(hash: string): RefreshRevocationReason | null {
    const entry = this.#records.get(hash);
    if (entry === undefined) return null;
    return entry.revoked ?? this.#families.get(entry.record.familyId) ?? null;
  }

  #read(hash: string): RefreshTokenRecord {
    const entry = this.#records.get(hash) as { record: NewRefreshTokenRecord; usedAt: number | null };
    const reason = this.#revokedReason(hash);
    const base = this.#bug === 'shares state' ? entry.record : structuredClone(entry.record);
    return Object.assign(base, { usedAt: entry.usedAt, revoked: reason !== null, revokedReason: reason });
  }
}

describe('runRefreshTokenStoreSuite catches broken stores', () => {
  it('a correct store passes every clause', async () => {
    expect(await failingTests(collect((api) => runRefreshTokenStoreSuite(() => new NaiveRefreshTokenStore('none'), api)))).toEqual([]);
  });

  const expectations: [RefreshBug, string][] = [
    ['check-then-act rotate', 'rotate > 200 concurrent rotations of one token: exactly one wins, one successor stored'],
    ['ignores expiry', 'rotate > absolute expiry: valid one second before expiresAt, expired at expiresAt (nothing stored)'],
    ['expired before used', 'rotate > used takes precedence over expired, so reuse is detected for as long as the record exists'],
    ['per-record revocation', 'revocation > a record inserted into a revoked family reads as revoked'],
    ['shares state', 'insert and find > the store keeps its own copy: changing objects passed in or returned changes nothing stored'],
    ['deleteExpired keeps everything', 'deleteExpired > removes records with expiresAt <= now, used or not, and keeps the rest'],
    ['deleteExpired drops used records', 'deleteExpired > removes records with expiresAt <= now, used or not, and keeps the rest'],
    ['subject prefix match', 'insert and find > subjects and family ids are opaque strings: no prefix, pattern or separator confusion'],
    ['last revocation reason wins', 'revocation > revokeFamily keeps the first reason, and leaves other families alone'],
  ];
  for (const [bug, clause] of expectations) {
    it(`bug "${bug}" fails "${clause}"`, async () => {
      const failed = await failingTests(collect((api) => runRefreshTokenStoreSuite(() => new NaiveRefreshTokenStore(bug), api)));
      expect(failed).toContain(clause);
    });
  }
});

type RevocationBug =
  | 'none'
  | 'cutoff moves back'
  | 'last jti expiry wins'
  | 'expiry inclusive'
  | 'jti and subject share keys'
  | 'TTL measured on its own clock';

/** Seconds on the real clock: what a database's own TTLs run on. */
const realSeconds = (): number => Date.now() / 1000;

/**
 * A deliberately simple store, correct unless told to have one bug. Like Redis, it lets entries
 * vanish by themselves: each keeps a `vanishAt` on the real clock, `expiresAt - now` after the write.
 */
class NaiveRevocationStore implements RevocationStore {
  readonly #bug: RevocationBug;
  readonly #jtis = new Map<string, { expiresAt: number; vanishAt: number }>();
  readonly #cutoffs = new Map<string, { cutoff: number; expiresAt: number; vanishAt: number }>();

  constructor(bug: RevocationBug) {
    this.#bug = bug;
  }

  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const previous = this.#alive(this.#jtis.get(jti));
    this.#jtis.set(jti, {
      expiresAt: this.#bug === 'last jti expiry wins' ? expiresAt : Math.max(previous?.expiresAt ?? 0, expiresAt),
      vanishAt: Math.max(previous?.vanishAt ?? 0, this.#vanishAt(expiresAt, now)),
    });
  }

  async isJtiRevoked(jti: string, now: number): Promise<boolean> {
    const entry = this.#alive(this.#jtis.get(jti));
    return entry !== undefined && (this.#bug === 'expiry inclusive' ? now <= entry.expiresAt : now < entry.expiresAt);
  }

  async revokeIssuedBefore(subject: string, cutoff: number, expiresAt: number, now: number): Promise<void> {
    const vanishAt = this.#vanishAt(expiresAt, now);
    if (this.#bug === 'jti and subject share keys') this.#jtis.set(subject, { expiresAt, vanishAt });
    const previous = this.#alive(this.#cutoffs.get(subject));
    this.#cutoffs.set(subject, {
      cutoff: previous === undefined || this.#bug === 'cutoff moves back' ? cutoff : Math.max(previous.cutoff, cutoff),
      expiresAt: Math.max(previous?.expiresAt ?? 0, expiresAt),
      vanishAt: Math.max(previous?.vanishAt ?? 0, vanishAt),
    });
  }

  async issuedBeforeCutoff(subject: string, now: number): Promise<number | null> {
    const entry = this.#alive(this.#cutoffs.get(subject));
    return entry !== undefined && now < entry.expiresAt ? entry.cutoff : null;
  }

  async deleteExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [jti, entry] of this.#jtis) if (entry.expiresAt <= now && this.#jtis.delete(jti)) removed++;
    for (const [subject, entry] of this.#cutoffs) if (entry.expiresAt <= now && this.#cutoffs.delete(subject)) removed++;
    return removed;
  }

  /** When the entry vanishes on the real clock: its lifetime is `expiresAt - now`, from the write. */
  #vanishAt(expiresAt: number, now: number): number {
    return this.#bug === 'TTL measured on its own clock' ? expiresAt : realSeconds() + (expiresAt - now);
  }

  #alive<Entry extends { vanishAt: number }>(entry: Entry | undefined): Entry | undefined {
    return entry !== undefined && realSeconds() < entry.vanishAt ? entry : undefined;
  }
}

describe('runRevocationStoreSuite catches broken stores', () => {
  it('a correct store passes every clause', async () => {
    expect(await failingTests(collect((api) => runRevocationStoreSuite(() => new NaiveRevocationStore('none'), api)))).toEqual([]);
  });

  const expectations: [RevocationBug, string][] = [
    ['cutoff moves back', 'issued-before cutoff > the cutoff only moves forward; the expiry keeps the later one'],
    ['last jti expiry wins', 'jti denylist > 200 concurrent revocations of one id keep the latest expiry'],
    ['expiry inclusive', 'jti denylist > a revoked id is revoked until its expiresAt, and not from then on'],
    ['jti and subject share keys', 'issued-before cutoff > a denylisted id and a cutoff do not mix'],
    [
      'TTL measured on its own clock',
      "expiry on the caller's clock > entries are honoured until expiresAt, measured from the call's now, whatever the real clock says",
    ],
  ];
  for (const [bug, clause] of expectations) {
    it(`bug "${bug}" fails "${clause}"`, async () => {
      const failed = await failingTests(collect((api) => runRevocationStoreSuite(() => new NaiveRevocationStore(bug), api)));
      expect(failed).toContain(clause);
    });
  }
});
