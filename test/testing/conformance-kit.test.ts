/**
 * The conformance kit must fail broken stores: each test here runs the kit against a small store
 * with one deliberate bug and checks that the clause guarding against it fails (and that the same
 * store without bugs passes everything, with and without records of contract v1).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { JwtError } from '../../src/errors.js';
import {
  runRefreshTokenStoreSuite,
  runRevocationStoreSuite,
  type ConformanceTestApi,
  type LegacyRefreshTokenRecord,
  type RefreshTokenStoreSuiteOptions,
} from '../../src/testing/index.js';
import type {
  LegacyRefreshToken,
  NewRefreshFamily,
  PresentedRefreshToken,
  RefreshFamily,
  RefreshRevocationReason,
  RefreshSuccessor,
  RefreshTokenStore,
  RevocationStore,
  RevokedFamily,
  RotateResult,
} from '../../src/tokens/store.js';

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

/** Runs only the tests named `clause` (there must be one) and answers the names of those that failed. */
async function failingClause(tests: CollectedTest[], clause: string): Promise<string[]> {
  const selected = tests.filter((test) => test.name === clause);
  expect(selected.length).toBe(1);
  return failingTests(selected);
}

type RefreshBug =
  | 'none'
  | 'no adoptLegacy'
  // rotate
  | 'check-then-act rotate'
  | 'rotate writes back a stale copy'
  | 'ignores absolute expiry'
  | 'ignores idle expiry'
  | 'expired before used'
  | 'used before revoked'
  | 'revoked before unknown'
  | 'later generation rotates'
  | 'ignores the hash'
  | 'successorUsed always false'
  | 'successorUsed off by one'
  | 'rotate keeps the claims'
  | 'rotate resets createdAt'
  | 'rotate drops jkt'
  // insert and the session cap
  | 'insert replaces a duplicate'
  | 'cap before the duplicate check'
  | 'no session cap'
  | 'cap counts revoked and expired families'
  | 'cap may revoke the new family'
  | 'cap ties by insertion order'
  // revocation
  | 'last revocation reason wins'
  | 'only the four reasons of v1'
  | 'revokeSubject answers only what it revoked'
  | 'revokeSubject answers expired families'
  | 'subject prefix match'
  // copies and clean-up
  | 'shares state'
  | 'counts one removal per token'
  | 'deleteExpired keeps everything'
  | 'deleteExpired drops revoked families'
  // records of contract v1
  | 'adoption resets the family'
  | 'adoption forgets the revocation'
  | 'adoption not atomic'
  | 'adoption drops the idle expiry'
  | 'adoption answers a v2 hash';

interface NaiveFamily extends Omit<RefreshFamily, 'revoked'> {
  /** How many tokens the family has had: what a store of one record per token would count. */
  tokens: number;
}

const V1_REASONS: ReadonlySet<RefreshRevocationReason> = new Set(['reuse', 'logout', 'logout_all', 'admin']);

/** A deliberately simple store, correct unless told to have one bug. */
class NaiveRefreshTokenStore implements RefreshTokenStore {
  readonly #bug: RefreshBug;
  readonly #families = new Map<string, NaiveFamily>();
  /** Records of contract v1, by hash. */
  readonly #legacy = new Map<string, LegacyRefreshTokenRecord>();
  /** Revocations of families that have only records of contract v1 so far. */
  readonly #legacyRevocations = new Map<string, RefreshRevocationReason>();
  readonly adoptLegacy?: (hash: string, tagKey: string, now: number) => Promise<LegacyRefreshToken | null>;

  constructor(bug: RefreshBug) {
    this.#bug = bug;
    if (bug !== 'no adoptLegacy') this.adoptLegacy = (hash, tagKey, now) => this.#adopt(hash, tagKey, now);
  }

  /** What `legacy.insert` of the suite calls: writes a record of contract v1. */
  writeLegacy(record: LegacyRefreshTokenRecord): void {
    this.#legacy.set(record.hash, structuredClone(record));
  }

  async insert(family: NewRefreshFamily, max: number): Promise<RevokedFamily[]> {
    if (this.#bug === 'cap before the duplicate check') this.#enforceCap(family, max);
    if (this.#families.has(family.familyId) && this.#bug !== 'insert replaces a duplicate') {
      throw new JwtError('ERR_INVALID_OPTION', 'duplicate family');
    }
    this.#families.set(family.familyId, {
      ...family,
      claims: this.#copy(family.claims),
      generation: 0,
      rotatedAt: null,
      revokedReason: null,
      tokens: 1,
    });
    return this.#bug === 'cap before the duplicate check' ? [] : this.#enforceCap(family, max);
  }

  async find(familyId: string): Promise<RefreshFamily | null> {
    const family = this.#families.get(familyId);
    return family === undefined ? null : this.#read(family);
  }

  async rotate(presented: PresentedRefreshToken, successor: RefreshSuccessor, now: number): Promise<RotateResult> {
    const family = this.#families.get(presented.familyId);
    if (family === undefined) return { status: 'unknown' };
    const { generation } = presented;
    const wrongHash = generation === family.generation && presented.hash !== family.hash && this.#bug !== 'ignores the hash';
    const later = generation > family.generation && this.#bug !== 'later generation rotates';
    const earlier = generation < family.generation;
    const revoked = family.revokedReason !== null;
    const expired =
      (this.#bug !== 'ignores absolute expiry' && now >= family.expiresAt) ||
      (this.#bug !== 'ignores idle expiry' && family.idleExpiresAt !== null && now >= family.idleExpiresAt);
    if (this.#bug === 'revoked before unknown' && revoked) return { status: 'revoked', family: this.#read(family) };
    if (wrongHash || later) return { status: 'unknown' };
    const used = (): RotateResult => ({
      status: 'used',
      family: this.#read(family),
      successorUsed:
        this.#bug === 'successorUsed always false'
          ? false
          : this.#bug === 'successorUsed off by one'
            ? family.generation > generation
            : family.generation > generation + 1,
    });
    if (this.#bug === 'used before revoked' && earlier) return used();
    if (revoked) return { status: 'revoked', family: this.#read(family) };
    if (this.#bug === 'expired before used' && expired) return { status: 'expired', family: this.#read(family) };
    if (earlier) return used();
    if (expired) return { status: 'expired', family: this.#read(family) };
    if (this.#bug === 'check-then-act rotate') await nextTurn();
    // A read-modify-write of the whole record, as a store without a compare-and-set might do it.
    const next: NaiveFamily = this.#bug === 'rotate writes back a stale copy' ? { ...family } : family;
    if (this.#bug === 'rotate writes back a stale copy') await nextTurn();
    next.generation += 1;
    next.hash = successor.hash;
    next.idleExpiresAt = successor.idleExpiresAt;
    if (this.#bug !== 'rotate keeps the claims') next.claims = this.#copy(successor.claims);
    if (this.#bug === 'rotate resets createdAt') next.createdAt = now;
    if (this.#bug === 'rotate drops jkt') next.jkt = null;
    next.rotatedAt = now;
    next.tokens += 1;
    this.#families.set(next.familyId, next);
    return { status: 'rotated', family: this.#read(next) };
  }

  async revokeFamily(familyId: string, reason: RefreshRevocationReason): Promise<void> {
    const family = this.#families.get(familyId);
    const stored = this.#bug === 'only the four reasons of v1' && !V1_REASONS.has(reason) ? 'admin' : reason;
    if (family !== undefined) {
      if (family.revokedReason === null || this.#bug === 'last revocation reason wins') family.revokedReason = stored;
    } else if ([...this.#legacy.values()].some((record) => record.familyId === familyId) && !this.#legacyRevocations.has(familyId)) {
      this.#legacyRevocations.set(familyId, stored);
    }
  }

  async revokeSubject(subject: string, reason: RefreshRevocationReason, now: number): Promise<RevokedFamily[]> {
    const matches = (candidate: string): boolean =>
      this.#bug === 'subject prefix match' ? candidate.startsWith(subject) : candidate === subject;
    const reached: RevokedFamily[] = [];
    for (const family of [...this.#families.values()]) {
      if (!matches(family.subject)) continue;
      const before = family.revokedReason;
      await this.revokeFamily(family.familyId, reason);
      if (this.#bug === 'revokeSubject answers only what it revoked' && before !== null) continue;
      if (family.expiresAt > now || this.#bug === 'revokeSubject answers expired families') {
        reached.push({ familyId: family.familyId, expiresAt: family.expiresAt });
      }
    }
    for (const record of [...this.#legacy.values()]) if (matches(record.subject)) await this.revokeFamily(record.familyId, reason);
    return reached;
  }

  async deleteExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [familyId, family] of this.#families) {
      const dead =
        this.#bug === 'deleteExpired keeps everything'
          ? false
          : family.expiresAt <= now || (this.#bug === 'deleteExpired drops revoked families' && family.revokedReason !== null);
      if (dead) {
        this.#families.delete(familyId);
        removed += this.#bug === 'counts one removal per token' ? family.tokens : 1;
      }
    }
    for (const [hash, record] of this.#legacy) if (record.expiresAt <= now) this.#legacy.delete(hash);
    return removed;
  }

  async #adopt(hash: string, tagKey: string, _now: number): Promise<LegacyRefreshToken | null> {
    if (this.#bug === 'adoption answers a v2 hash') {
      const family = [...this.#families.values()].find((candidate) => candidate.hash === hash);
      if (family !== undefined) return { status: 'current', familyId: family.familyId };
    }
    const record = this.#legacy.get(hash);
    if (record === undefined) return null;
    if (record.usedAt !== null) return { status: 'used', familyId: record.familyId, subject: record.subject, usedAt: record.usedAt };
    const exists = this.#families.has(record.familyId) && this.#bug !== 'adoption resets the family';
    if (this.#bug === 'adoption not atomic') await nextTurn();
    if (!exists) {
      this.#families.set(record.familyId, {
        familyId: record.familyId,
        subject: record.subject,
        hash,
        tagKey,
        generation: 0,
        createdAt: record.createdAt,
        rotatedAt: null,
        expiresAt: record.expiresAt,
        idleExpiresAt: this.#bug === 'adoption drops the idle expiry' ? null : record.idleExpiresAt,
        claims: this.#copy(record.claims),
        jkt: null,
        revokedReason: this.#bug === 'adoption forgets the revocation' ? null : (this.#legacyRevocations.get(record.familyId) ?? null),
        tokens: 1,
      });
    }
    return { status: 'current', familyId: record.familyId };
  }

  /** Revokes the subject's oldest live families other than `added` with `session_limit` until `max` remain. */
  #enforceCap(added: NewRefreshFamily, max: number): RevokedFamily[] {
    if (this.#bug === 'no session cap') return [];
    const live = (family: NaiveFamily): boolean =>
      this.#bug === 'cap counts revoked and expired families' ||
      (family.revokedReason === null &&
        added.createdAt < family.expiresAt &&
        (family.idleExpiresAt === null || added.createdAt < family.idleExpiresAt));
    const candidates = [...this.#families.values()].filter(
      (family) =>
        family.subject === added.subject &&
        (family.familyId !== added.familyId || this.#bug === 'cap may revoke the new family') &&
        live(family),
    );
    candidates.sort(
      (a, b) =>
        a.createdAt - b.createdAt ||
        (this.#bug === 'cap ties by insertion order' ? 0 : a.familyId < b.familyId ? -1 : a.familyId > b.familyId ? 1 : 0),
    );
    const excess = candidates.length + (this.#bug === 'cap may revoke the new family' ? 0 : 1) - max;
    return candidates.slice(0, Math.max(0, excess)).map((family) => {
      family.revokedReason = 'session_limit';
      return { familyId: family.familyId, expiresAt: family.expiresAt };
    });
  }

  #copy(claims: Record<string, unknown>): Record<string, unknown> {
    return this.#bug === 'shares state' ? claims : structuredClone(claims);
  }

  #read(family: NaiveFamily): RefreshFamily {
    const { tokens: _tokens, ...members } = family;
    return { ...members, claims: this.#copy(family.claims), revoked: family.revokedReason !== null };
  }
}

const LEGACY: RefreshTokenStoreSuiteOptions<NaiveRefreshTokenStore> = {
  legacy: { insert: async (store, record) => store.writeLegacy(record) },
};

function refreshSuite(bug: RefreshBug, options: RefreshTokenStoreSuiteOptions<NaiveRefreshTokenStore> = LEGACY): CollectedTest[] {
  return collect((api) => runRefreshTokenStoreSuite(() => new NaiveRefreshTokenStore(bug), api, options));
}

/** How many tests the kit declares for `adoptLegacy` under the `legacy` option. */
const LEGACY_TESTS = 9;

describe('runRefreshTokenStoreSuite catches broken stores', () => {
  it('a correct store passes every clause, the adoptLegacy ones included', async () => {
    const tests = refreshSuite('none');
    expect(tests.filter((test) => test.name.startsWith('adoptLegacy')).length).toBe(LEGACY_TESTS);
    expect(await failingTests(tests)).toEqual([]);
  }, 60_000);

  it('without the legacy option, the adoptLegacy tests are not declared', () => {
    const names = refreshSuite('none', {}).map((test) => test.name);
    expect(names.some((name) => name.startsWith('adoptLegacy'))).toBe(false);
    expect(names.length).toBe(refreshSuite('none').length - LEGACY_TESTS);
  });

  it('with the legacy option, a store without adoptLegacy passes the adoptLegacy tests (skipped)', async () => {
    const tests = refreshSuite('no adoptLegacy').filter((test) => test.name.startsWith('adoptLegacy'));
    expect(tests.length).toBe(LEGACY_TESTS);
    expect(await failingTests(tests)).toEqual([]);
  });

  it('refuses a legacy option without an insert function', () => {
    for (const legacy of [{}, { insert: true }, null]) {
      expect(() => refreshSuite('none', { legacy } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });

  const rotate = 'rotate > ';
  const revocation = 'revocation > ';
  const cap = 'session cap > ';
  const cleanUp = 'deleteExpired > ';
  const adoption = 'adoptLegacy (records of contract v1) > ';
  const expectations: [RefreshBug, string][] = [
    ['check-then-act rotate', `${rotate}200 concurrent rotations of one token: exactly one wins, the others report used`],
    ['rotate writes back a stale copy', `${revocation}revokeFamily racing rotate: the family ends revoked, and nothing rotates after`],
    [
      'rotate writes back a stale copy',
      `${revocation}revokeSubject racing rotate: every family ends revoked and answered, and nothing rotates after`,
    ],
    ['ignores absolute expiry', `${rotate}absolute expiry: valid one second before expiresAt, expired at expiresAt (nothing changed)`],
    ['ignores idle expiry', `${rotate}idle expiry: valid one second before idleExpiresAt, expired at it; each rotation sets the next one`],
    ['expired before used', `${rotate}used takes precedence over expired, so reuse is detected for as long as the family exists`],
    ['used before revoked', `${rotate}revoked takes precedence over used and expired`],
    [
      'revoked before unknown',
      `${rotate}unknown takes precedence over revoked and expired: a token the store cannot recognise is never more`,
    ],
    ['later generation rotates', `${rotate}a generation later than the current one: reports unknown and changes nothing`],
    ['ignores the hash', `${rotate}the current generation with another hash: reports unknown and changes nothing`],
    [
      'successorUsed always false',
      `${rotate}an earlier generation reports used, successorUsed false for the previous one and true for older ones, changing nothing`,
    ],
    [
      'successorUsed always false',
      `${rotate}after 3000 rotations, the first token reports used with successorUsed, and the family is still one record`,
    ],
    [
      'successorUsed off by one',
      `${rotate}an earlier generation reports used, successorUsed false for the previous one and true for older ones, changing nothing`,
    ],
    [
      'rotate keeps the claims',
      `${rotate}rotates the current token: generation + 1, hash, idle expiry and claims replaced, rotatedAt = now, the rest unchanged`,
    ],
    [
      'rotate resets createdAt',
      `${rotate}rotates the current token: generation + 1, hash, idle expiry and claims replaced, rotatedAt = now, the rest unchanged`,
    ],
    ['rotate drops jkt', 'insert and find > jkt null and a key thumbprint round-trip, and rotations keep them'],
    [
      'insert replaces a duplicate',
      'insert and find > insert refuses a family id that exists (ERR_INVALID_OPTION), changing nothing, the session cap included',
    ],
    [
      'cap before the duplicate check',
      'insert and find > insert refuses a family id that exists (ERR_INVALID_OPTION), changing nothing, the session cap included',
    ],
    [
      'no session cap',
      `${cap}over the cap, insert revokes the oldest live family with session_limit and answers it; other subjects do not count`,
    ],
    ['cap counts revoked and expired families', `${cap}revoked and expired families do not count, and are not revoked again`],
    ['cap may revoke the new family', `${cap}never revokes the family being inserted, even when it is the oldest`],
    [
      'cap ties by insertion order',
      `${cap}revokes as many of the oldest as it takes to leave the cap, ties on createdAt broken by familyId`,
    ],
    ['last revocation reason wins', `${revocation}revokeFamily keeps the first reason, and leaves other families alone`],
    [
      'last revocation reason wins',
      `${revocation}revokeSubject is idempotent: called again, it answers the same families and keeps the first reasons`,
    ],
    ['only the four reasons of v1', `${revocation}every revocation reason round-trips, through revokeFamily and revokeSubject`],
    [
      'revokeSubject answers only what it revoked',
      `${revocation}revokeSubject revokes every family of the subject, answers each one not expired at now, and nobody else’s`,
    ],
    [
      'revokeSubject answers only what it revoked',
      `${revocation}revokeSubject is idempotent: called again, it answers the same families and keeps the first reasons`,
    ],
    [
      'revokeSubject answers expired families',
      `${revocation}revokeSubject revokes every family of the subject, answers each one not expired at now, and nobody else’s`,
    ],
    ['subject prefix match', 'insert and find > subjects and family ids are opaque strings: no prefix, pattern or separator confusion'],
    ['shares state', 'insert and find > the store keeps its own copy: changing objects passed in or returned changes nothing stored'],
    ['counts one removal per token', `${cleanUp}counts families, not tokens: a family rotated many times is one record`],
    [
      'deleteExpired keeps everything',
      `${cleanUp}removes families with expiresAt <= now, rotated or revoked or not, and keeps the others, revoked ones too`,
    ],
    [
      'deleteExpired drops revoked families',
      `${cleanUp}removes families with expiresAt <= now, rotated or revoked or not, and keeps the others, revoked ones too`,
    ],
    [
      'adoption resets the family',
      `${adoption}adopting the same token again answers current and neither resets the family nor changes its tag key`,
    ],
    ['adoption forgets the revocation', `${adoption}a legacy family revoked by revokeFamily or revokeSubject stays revoked once adopted`],
    ['adoption not atomic', `${adoption}200 concurrent adoptions of one token give its family one v2 record, of which one rotation wins`],
    [
      'adoption drops the idle expiry',
      `${adoption}a legacy token keeps its expiry: adopted past its idle expiry, it then rotates as expired`,
    ],
    ['adoption answers a v2 hash', `${adoption}answers null for a hash that no legacy record has, a v2 family’s current hash included`],
  ];
  for (const [bug, clause] of expectations) {
    it(`bug "${bug}" fails "${clause}"`, async () => {
      expect(await failingClause(refreshSuite(bug), clause)).toEqual([clause]);
    });
  }
});

type RevocationBug =
  | 'none'
  | 'cutoff moves back'
  | 'last jti expiry wins'
  | 'expiry inclusive'
  | 'jti and subject share keys'
  | 'TTL measured on its own clock'
  | 'session revoked from the next second'
  | 'last session expiry wins'
  | 'sessions share the jti denylist'
  | 'deleteExpired keeps sessions';

/** Seconds on the real clock: what a database's own TTLs run on. */
const realSeconds = (): number => Date.now() / 1000;

interface Entry {
  expiresAt: number;
  vanishAt: number;
}

/**
 * A deliberately simple store, correct unless told to have one bug. Like Redis, it lets entries
 * vanish by themselves: each keeps a `vanishAt` on the real clock, `expiresAt - now` after the write.
 */
class NaiveRevocationStore implements RevocationStore {
  readonly #bug: RevocationBug;
  readonly #jtis = new Map<string, Entry>();
  readonly #sessions = new Map<string, Entry & { revokedAt: number }>();
  readonly #cutoffs = new Map<string, Entry & { cutoff: number }>();

  constructor(bug: RevocationBug) {
    this.#bug = bug;
  }

  async revokeJti(jti: string, expiresAt: number, now: number): Promise<void> {
    await nextTurn();
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

  async revokeSession(sid: string, expiresAt: number, now: number): Promise<void> {
    if (this.#bug === 'sessions share the jti denylist') return this.revokeJti(sid, expiresAt, now);
    await nextTurn();
    const previous = this.#alive(this.#sessions.get(sid));
    this.#sessions.set(sid, {
      expiresAt: this.#bug === 'last session expiry wins' ? expiresAt : Math.max(previous?.expiresAt ?? 0, expiresAt),
      vanishAt: Math.max(previous?.vanishAt ?? 0, this.#vanishAt(expiresAt, now)),
      revokedAt: Math.min(previous?.revokedAt ?? now, now),
    });
  }

  async isSessionRevoked(sid: string, now: number): Promise<boolean> {
    if (this.#bug === 'sessions share the jti denylist') return this.isJtiRevoked(sid, now);
    const entry = this.#alive(this.#sessions.get(sid));
    return entry !== undefined && now < entry.expiresAt && (this.#bug !== 'session revoked from the next second' || now > entry.revokedAt);
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
    const maps: Map<string, Entry>[] = [this.#jtis, this.#cutoffs];
    if (this.#bug !== 'deleteExpired keeps sessions') maps.push(this.#sessions);
    for (const entries of maps) {
      for (const [key, entry] of entries) if (entry.expiresAt <= now && entries.delete(key)) removed++;
    }
    return removed;
  }

  /** When the entry vanishes on the real clock: its lifetime is `expiresAt - now`, from the write. */
  #vanishAt(expiresAt: number, now: number): number {
    return this.#bug === 'TTL measured on its own clock' ? expiresAt : realSeconds() + (expiresAt - now);
  }

  #alive<Stored extends Entry>(entry: Stored | undefined): Stored | undefined {
    return entry !== undefined && realSeconds() < entry.vanishAt ? entry : undefined;
  }
}

function revocationSuite(bug: RevocationBug): CollectedTest[] {
  return collect((api) => runRevocationStoreSuite(() => new NaiveRevocationStore(bug), api));
}

describe('runRevocationStoreSuite catches broken stores', () => {
  it('a correct store passes every clause', async () => {
    expect(await failingTests(revocationSuite('none'))).toEqual([]);
  });

  const expectations: [RevocationBug, string][] = [
    ['cutoff moves back', 'issued-before cutoff > the cutoff only moves forward; the expiry keeps the later one'],
    ['last jti expiry wins', 'jti denylist > 200 concurrent revocations of one id keep the latest expiry'],
    ['expiry inclusive', 'jti denylist > a revoked id is revoked until its expiresAt, and not from then on'],
    ['jti and subject share keys', 'issued-before cutoff > a denylisted id, a revoked session and a cutoff do not mix'],
    [
      'TTL measured on its own clock',
      "expiry on the caller's clock > entries are honoured until expiresAt, measured from the call's now, whatever the real clock says",
    ],
    [
      'session revoked from the next second',
      'revoked sessions > a revoked session is revoked from the second of the call until its expiresAt, and not from then on',
    ],
    ['last session expiry wins', 'revoked sessions > 200 concurrent revocations of one session keep the latest expiry'],
    ['last session expiry wins', 'revoked sessions > revoking a session again keeps the later expiry'],
    ['sessions share the jti denylist', 'issued-before cutoff > a denylisted id, a revoked session and a cutoff do not mix'],
    ['deleteExpired keeps sessions', 'deleteExpired > removes entries with expiresAt <= now and keeps the rest'],
  ];
  for (const [bug, clause] of expectations) {
    it(`bug "${bug}" fails "${clause}"`, async () => {
      expect(await failingClause(revocationSuite(bug), clause)).toEqual([clause]);
    });
  }
});
