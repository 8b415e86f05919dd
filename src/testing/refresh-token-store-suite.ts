/**
 * `runRefreshTokenStoreSuite`: the conformance tests of the {@link RefreshTokenStore} contract.
 *
 * @module
 */
import { generateId, generateRefreshToken, hashRefreshToken } from '../tokens/opaque.js';
import type { NewRefreshTokenRecord, RefreshTokenRecord, RefreshTokenStore, RotateResult } from '../tokens/store.js';
import { storeTest, type ConformanceSuiteOptions, type ConformanceTestApi } from './conformance-api.js';

/** Options of {@link runRefreshTokenStoreSuite}. */
export interface RefreshTokenStoreSuiteOptions extends ConformanceSuiteOptions<RefreshTokenStore> {}

/** The suite's frozen clock: 2023-11-14T22:13:20Z, in seconds. */
const NOW = 1_700_000_000;
const DAY = 86_400;

/**
 * Declares the conformance tests of the {@link RefreshTokenStore} contract with the test framework
 * you pass: every clause of the contract, with an injected clock (the tests pass `now`, they never
 * wait), including `concurrency` (default 200) simultaneous `rotate` calls on one token, of which
 * exactly one may win, and rotations racing family and subject revocation. Each test creates its
 * own store with `createStore` and uses random hashes, families and subjects, so a shared database
 * works too. Run it from a test file of your store.
 *
 * @param createStore - makes a store for one test (may be async).
 * @param api - the test framework's `describe`, `it` and `expect` (vitest or Jest).
 * @param options - see {@link RefreshTokenStoreSuiteOptions}.
 * @example
 * ```ts
 * // test/my-store.test.ts
 * import { describe, it, expect } from 'vitest';
 * import { runRefreshTokenStoreSuite } from 'jwtkit/testing';
 * runRefreshTokenStoreSuite(() => new MyStore(pool), { describe, it, expect }, { destroyStore: (s) => s.close() });
 * ```
 * @throws `ERR_INVALID_OPTION` for an unknown option name; otherwise never (it only declares tests;
 * failures are reported by the test framework).
 */
export function runRefreshTokenStoreSuite(
  createStore: () => RefreshTokenStore | Promise<RefreshTokenStore>,
  api: ConformanceTestApi,
  options: RefreshTokenStoreSuiteOptions = {},
): void {
  const { describe, expect } = api;
  const test = storeTest(api, createStore, options);
  const concurrency = options.concurrency ?? 200;

  /** Asserts that `actual` is the record `expected` with the given state (extra members ignored). */
  function expectRecord(
    actual: RefreshTokenRecord | null | undefined,
    expected: NewRefreshTokenRecord,
    state: Pick<RefreshTokenRecord, 'usedAt' | 'revoked' | 'revokedReason'>,
  ): void {
    expect(actual === null || actual === undefined ? actual : project(actual)).toEqual({ ...project(expected), ...state });
  }

  const UNUSED = { usedAt: null, revoked: false, revokedReason: null } as const;

  describe('RefreshTokenStore conformance', () => {
    describe('insert and find', () => {
      test('find returns null for a hash that was never stored', async (store) => {
        expect(await store.find(randomHash())).toBe(null);
      });

      test('insert stores a record that find returns unused and not revoked, claims intact', async (store) => {
        const record = firstRecord({
          claims: { scope: 'read write', roles: ['a', 'b'], nested: { n: 1, ok: true, none: null }, 'ü€': 'ü€😀' },
        });
        await store.insert(record);
        expectRecord(await store.find(record.hash), record, UNUSED);
      });

      test('a record without an idle limit keeps idleExpiresAt null', async (store) => {
        const record = firstRecord({ idleExpiresAt: null });
        await store.insert(record);
        expect((await store.find(record.hash))?.idleExpiresAt).toBe(null);
      });

      test('records are independent: find of one does not return another', async (store) => {
        const a = firstRecord();
        const b = firstRecord({ subject: a.subject });
        await store.insert(a);
        await store.insert(b);
        expectRecord(await store.find(a.hash), a, UNUSED);
        expectRecord(await store.find(b.hash), b, UNUSED);
      });

      test('the store keeps its own copy: changing objects passed in or returned changes nothing stored', async (store) => {
        const record = firstRecord({ claims: { roles: ['a'] } });
        const snapshot = structuredClone(record);
        await store.insert(record);
        (record.claims['roles'] as string[]).push('admin');
        record.subject = 'someone-else';
        const found = await store.find(snapshot.hash);
        expectRecord(found, snapshot, UNUSED);
        (found?.claims['roles'] as string[] | undefined)?.push('admin');
        expectRecord(await store.find(snapshot.hash), snapshot, UNUSED);
      });

      test('subjects and family ids are opaque strings: no prefix, pattern or separator confusion', async (store) => {
        const subjects = ['a', 'a:b', 'a*', '*', 'a b', '{a}', 'ü€😀', 'a\nb', 'x'.repeat(255)];
        const records = subjects.map((subject) => firstRecord({ subject }));
        for (const record of records) await store.insert(record);
        await store.revokeSubject('a', 'logout_all');
        for (const record of records) {
          expectRecord(
            await store.find(record.hash),
            record,
            record.subject === 'a' ? { usedAt: null, revoked: true, revokedReason: 'logout_all' } : UNUSED,
          );
        }
      });
    });

    describe('rotate', () => {
      test('rotates an unused, valid record: old marked used at now, successor stored unused', async (store) => {
        const old = firstRecord();
        await store.insert(old);
        const successor = successorOf(old, NOW + 60);
        const result = await store.rotate(old.hash, successor, NOW + 60);
        expect(result.status).toBe('rotated');
        expectRecord(recordOf(result), old, { usedAt: NOW + 60, revoked: false, revokedReason: null });
        expectRecord(await store.find(old.hash), old, { usedAt: NOW + 60, revoked: false, revokedReason: null });
        expectRecord(await store.find(successor.hash), successor, UNUSED);
      });

      test('a successor can be rotated in turn (a chain of rotations)', async (store) => {
        const first = firstRecord();
        await store.insert(first);
        const second = successorOf(first, NOW + 10);
        expect((await store.rotate(first.hash, second, NOW + 10)).status).toBe('rotated');
        const third = successorOf(second, NOW + 20);
        expect((await store.rotate(second.hash, third, NOW + 20)).status).toBe('rotated');
        expectRecord(await store.find(second.hash), second, { usedAt: NOW + 20, revoked: false, revokedReason: null });
        expectRecord(await store.find(third.hash), third, UNUSED);
      });

      test('unknown hash: reports unknown and stores nothing', async (store) => {
        const ghost = firstRecord();
        const successor = successorOf(ghost, NOW);
        expect(await store.rotate(ghost.hash, successor, NOW)).toEqual({ status: 'unknown' });
        expect(await store.find(successor.hash)).toBe(null);
        expect(await store.find(ghost.hash)).toBe(null);
      });

      test('already used: reports used with the first usedAt, stores nothing, changes nothing', async (store) => {
        const old = firstRecord();
        await store.insert(old);
        const winner = successorOf(old, NOW + 5);
        expect((await store.rotate(old.hash, winner, NOW + 5)).status).toBe('rotated');
        const late = successorOf(old, NOW + 9);
        const result = await store.rotate(old.hash, late, NOW + 9);
        expect(result.status).toBe('used');
        expectRecord(recordOf(result), old, { usedAt: NOW + 5, revoked: false, revokedReason: null });
        expect(await store.find(late.hash)).toBe(null);
        expectRecord(await store.find(winner.hash), winner, UNUSED);
      });

      test('absolute expiry: valid one second before expiresAt, expired at expiresAt (nothing stored)', async (store) => {
        const early = firstRecord({ expiresAt: NOW + 100, idleExpiresAt: null });
        const late = firstRecord({ expiresAt: NOW + 100, idleExpiresAt: null });
        await store.insert(early);
        await store.insert(late);
        expect((await store.rotate(early.hash, successorOf(early, NOW + 99), NOW + 99)).status).toBe('rotated');
        const successor = successorOf(late, NOW + 100);
        const result = await store.rotate(late.hash, successor, NOW + 100);
        expect(result.status).toBe('expired');
        expectRecord(recordOf(result), late, UNUSED);
        expect(await store.find(successor.hash)).toBe(null);
        expectRecord(await store.find(late.hash), late, UNUSED);
      });

      test('idle expiry: valid one second before idleExpiresAt, expired at idleExpiresAt', async (store) => {
        const early = firstRecord({ expiresAt: NOW + 30 * DAY, idleExpiresAt: NOW + 3600 });
        const late = firstRecord({ expiresAt: NOW + 30 * DAY, idleExpiresAt: NOW + 3600 });
        await store.insert(early);
        await store.insert(late);
        expect((await store.rotate(early.hash, successorOf(early, NOW + 3599), NOW + 3599)).status).toBe('rotated');
        const successor = successorOf(late, NOW + 3600);
        const result = await store.rotate(late.hash, successor, NOW + 3600);
        expect(result.status).toBe('expired');
        expect(await store.find(successor.hash)).toBe(null);
        expectRecord(await store.find(late.hash), late, UNUSED);
      });

      test('used takes precedence over expired, so reuse is detected for as long as the record exists', async (store) => {
        const old = firstRecord({ expiresAt: NOW + 100, idleExpiresAt: NOW + 50 });
        await store.insert(old);
        expect((await store.rotate(old.hash, successorOf(old, NOW + 10), NOW + 10)).status).toBe('rotated');
        expect((await store.rotate(old.hash, successorOf(old, NOW + 60), NOW + 60)).status).toBe('used');
        expect((await store.rotate(old.hash, successorOf(old, NOW + 100), NOW + 100)).status).toBe('used');
      });

      test('revoked takes precedence over used and expired', async (store) => {
        const old = firstRecord({ expiresAt: NOW + 100, idleExpiresAt: null });
        await store.insert(old);
        expect((await store.rotate(old.hash, successorOf(old, NOW + 10), NOW + 10)).status).toBe('rotated');
        await store.revokeFamily(old.familyId, 'reuse');
        const atOnce = await store.rotate(old.hash, successorOf(old, NOW + 20), NOW + 20);
        expect(atOnce.status).toBe('revoked');
        expectRecord(recordOf(atOnce), old, { usedAt: NOW + 10, revoked: true, revokedReason: 'reuse' });
        expect((await store.rotate(old.hash, successorOf(old, NOW + 100), NOW + 100)).status).toBe('revoked');
      });

      test(`${concurrency} concurrent rotations of one token: exactly one wins, one successor stored`, async (store) => {
        const old = firstRecord();
        await store.insert(old);
        const successors = Array.from({ length: concurrency }, () => successorOf(old, NOW + 1));
        const results = await Promise.all(successors.map((successor) => store.rotate(old.hash, successor, NOW + 1)));
        const statuses = countStatuses(results);
        expect(statuses).toEqual({ rotated: 1, used: concurrency - 1 });
        const winner = results.findIndex((result) => result.status === 'rotated');
        const found = await Promise.all(successors.map((successor) => store.find(successor.hash)));
        expect(found.map((record, index) => (record === null ? 'absent' : index === winner ? 'winner' : 'loser'))).toEqual(
          successors.map((_, index) => (index === winner ? 'winner' : 'absent')),
        );
        for (const result of results) {
          if (result.status === 'used') expect(result.record.usedAt).toBe(NOW + 1);
        }
      });

      test(`${concurrency} concurrent rotations of ${concurrency} different tokens all win`, async (store) => {
        const olds = Array.from({ length: concurrency }, () => firstRecord());
        await Promise.all(olds.map((record) => store.insert(record)));
        const results = await Promise.all(olds.map((record) => store.rotate(record.hash, successorOf(record, NOW + 1), NOW + 1)));
        expect(countStatuses(results)).toEqual({ rotated: concurrency });
      });
    });

    describe('revocation', () => {
      test('revokeFamily revokes every record of the family (used or not) and blocks further rotation', async (store) => {
        const first = firstRecord();
        await store.insert(first);
        const second = successorOf(first, NOW + 10);
        await store.rotate(first.hash, second, NOW + 10);
        await store.revokeFamily(first.familyId, 'logout');
        expectRecord(await store.find(first.hash), first, { usedAt: NOW + 10, revoked: true, revokedReason: 'logout' });
        expectRecord(await store.find(second.hash), second, { usedAt: null, revoked: true, revokedReason: 'logout' });
        const third = successorOf(second, NOW + 20);
        const result = await store.rotate(second.hash, third, NOW + 20);
        expect(result.status).toBe('revoked');
        expect(await store.find(third.hash)).toBe(null);
        expectRecord(await store.find(second.hash), second, { usedAt: null, revoked: true, revokedReason: 'logout' });
      });

      test('revokeFamily keeps the first reason, and leaves other families alone', async (store) => {
        const mine = firstRecord();
        const other = firstRecord({ subject: mine.subject });
        await store.insert(mine);
        await store.insert(other);
        await store.revokeFamily(mine.familyId, 'reuse');
        await store.revokeFamily(mine.familyId, 'logout');
        await store.revokeSubject(mine.subject, 'logout_all');
        expect((await store.find(mine.hash))?.revokedReason).toBe('reuse');
        expect((await store.find(other.hash))?.revokedReason).toBe('logout_all');
      });

      test('revokeFamily of an unknown family does nothing and does not fail', async (store) => {
        const record = firstRecord();
        await store.insert(record);
        await store.revokeFamily(generateId(), 'admin');
        expectRecord(await store.find(record.hash), record, UNUSED);
      });

      test('a record inserted into a revoked family reads as revoked', async (store) => {
        const first = firstRecord();
        await store.insert(first);
        await store.revokeFamily(first.familyId, 'admin');
        const sibling = firstRecord({ subject: first.subject, familyId: first.familyId });
        await store.insert(sibling);
        expect((await store.find(sibling.hash))?.revoked).toBe(true);
        expect((await store.rotate(sibling.hash, successorOf(sibling, NOW + 1), NOW + 1)).status).toBe('revoked');
      });

      test('revokeSubject revokes every family of the subject and nobody else’s', async (store) => {
        const subject = generateId();
        const mine = [firstRecord({ subject }), firstRecord({ subject }), firstRecord({ subject })];
        const theirs = firstRecord();
        for (const record of [...mine, theirs]) await store.insert(record);
        const rotated = successorOf(mine[0] as NewRefreshTokenRecord, NOW + 5);
        await store.rotate((mine[0] as NewRefreshTokenRecord).hash, rotated, NOW + 5);
        await store.revokeSubject(subject, 'logout_all');
        for (const record of [...mine, rotated]) expect((await store.find(record.hash))?.revokedReason).toBe('logout_all');
        expectRecord(await store.find(theirs.hash), theirs, UNUSED);
      });

      test('a family created after revokeSubject is not revoked', async (store) => {
        const before = firstRecord();
        await store.insert(before);
        await store.revokeSubject(before.subject, 'logout_all');
        const after = firstRecord({ subject: before.subject });
        await store.insert(after);
        expectRecord(await store.find(after.hash), after, UNUSED);
        expect((await store.rotate(after.hash, successorOf(after, NOW + 1), NOW + 1)).status).toBe('rotated');
      });

      test('revokeSubject of an unknown subject does nothing and does not fail', async (store) => {
        const record = firstRecord();
        await store.insert(record);
        await store.revokeSubject(generateId(), 'admin');
        expectRecord(await store.find(record.hash), record, UNUSED);
      });

      test('revokeFamily racing rotate: no live successor ever survives the revocation', async (store) => {
        for (let round = 0; round < 25; round++) {
          const old = firstRecord();
          await store.insert(old);
          const successor = successorOf(old, NOW + 1);
          const [result] = await Promise.all([store.rotate(old.hash, successor, NOW + 1), store.revokeFamily(old.familyId, 'reuse')]);
          expect(['rotated', 'revoked'].includes(result.status)).toBe(true);
          const stored = await store.find(successor.hash);
          expect(stored === null ? 'absent' : stored.revoked ? 'revoked' : 'live').toBe(result.status === 'rotated' ? 'revoked' : 'absent');
          expect((await store.rotate(successor.hash, successorOf(successor, NOW + 2), NOW + 2)).status).toBe(
            result.status === 'rotated' ? 'revoked' : 'unknown',
          );
        }
      });

      test('revokeSubject racing rotate: no live successor ever survives the revocation', async (store) => {
        for (let round = 0; round < 25; round++) {
          const old = firstRecord();
          await store.insert(old);
          const successor = successorOf(old, NOW + 1);
          const [result] = await Promise.all([store.rotate(old.hash, successor, NOW + 1), store.revokeSubject(old.subject, 'logout_all')]);
          const stored = await store.find(successor.hash);
          expect(stored === null ? 'absent' : stored.revoked ? 'revoked' : 'live').toBe(result.status === 'rotated' ? 'revoked' : 'absent');
        }
      });
    });

    describe('deleteExpired', () => {
      test('removes records with expiresAt <= now, used or not, and keeps the rest', async (store) => {
        const gone = firstRecord({ expiresAt: NOW + 100, idleExpiresAt: null });
        const goneChild = successorOf(gone, NOW + 10);
        const kept = firstRecord({ expiresAt: NOW + 101, idleExpiresAt: NOW + 50 });
        const keptChild = successorOf(kept, NOW + 20);
        await store.insert(gone);
        await store.insert(kept);
        await store.rotate(gone.hash, goneChild, NOW + 10);
        await store.rotate(kept.hash, keptChild, NOW + 20);
        const removed = await store.deleteExpired(NOW + 100);
        expect(Number.isInteger(removed) && removed >= 0).toBe(true);
        expect(await store.find(gone.hash)).toBe(null);
        expect(await store.find(goneChild.hash)).toBe(null);
        expect((await store.rotate(goneChild.hash, successorOf(goneChild, NOW + 100), NOW + 100)).status).toBe('unknown');
        // Used, and past its idle expiry, but not past expiresAt: kept, so reuse is still detected.
        expectRecord(await store.find(kept.hash), kept, { usedAt: NOW + 20, revoked: false, revokedReason: null });
        expectRecord(await store.find(keptChild.hash), keptChild, UNUSED);
        expect((await store.rotate(kept.hash, successorOf(kept, NOW + 100), NOW + 100)).status).toBe('used');
      });

      test('keeps a revoked family revoked while any of its records remains', async (store) => {
        const first = firstRecord({ expiresAt: NOW + 1000, idleExpiresAt: null });
        await store.insert(first);
        const second = successorOf(first, NOW + 10);
        await store.rotate(first.hash, second, NOW + 10);
        await store.revokeFamily(first.familyId, 'reuse');
        await store.deleteExpired(NOW + 500);
        expect((await store.find(second.hash))?.revokedReason).toBe('reuse');
        expect((await store.rotate(second.hash, successorOf(second, NOW + 600), NOW + 600)).status).toBe('revoked');
      });

      test('with nothing expired, removes nothing', async (store) => {
        const record = firstRecord();
        await store.insert(record);
        await store.deleteExpired(NOW);
        expectRecord(await store.find(record.hash), record, UNUSED);
      });
    });
  });
}

/** The members of the contract, in a fixed shape (stores may return extra members). */
function project(record: NewRefreshTokenRecord & Partial<RefreshTokenRecord>): Record<string, unknown> {
  const projected: Record<string, unknown> = {
    hash: record.hash,
    subject: record.subject,
    familyId: record.familyId,
    parentHash: record.parentHash,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    idleExpiresAt: record.idleExpiresAt,
    claims: record.claims,
  };
  if ('usedAt' in record) projected['usedAt'] = record.usedAt;
  if ('revoked' in record) projected['revoked'] = record.revoked;
  if ('revokedReason' in record) projected['revokedReason'] = record.revokedReason;
  return projected;
}

function recordOf(result: RotateResult): RefreshTokenRecord | null {
  return result.status === 'unknown' ? null : result.record;
}

function countStatuses(results: readonly RotateResult[]): Partial<Record<RotateResult['status'], number>> {
  const counts: Partial<Record<RotateResult['status'], number>> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  return counts;
}

/** The hash of a fresh random token, exactly as the token service computes it. */
function randomHash(): string {
  return hashRefreshToken(generateRefreshToken());
}

function firstRecord(overrides: Partial<NewRefreshTokenRecord> = {}): NewRefreshTokenRecord {
  return {
    hash: randomHash(),
    subject: `user-${generateId()}`,
    familyId: generateId(),
    parentHash: null,
    createdAt: NOW,
    expiresAt: NOW + 30 * DAY,
    idleExpiresAt: NOW + 7 * DAY,
    claims: { scope: 'read' },
    ...overrides,
  };
}

function successorOf(parent: NewRefreshTokenRecord, now: number): NewRefreshTokenRecord {
  return {
    hash: randomHash(),
    subject: parent.subject,
    familyId: parent.familyId,
    parentHash: parent.hash,
    createdAt: now,
    expiresAt: parent.expiresAt,
    idleExpiresAt: parent.idleExpiresAt === null ? null : Math.min(now + 7 * DAY, parent.expiresAt),
    claims: structuredClone(parent.claims),
  };
}
