/**
 * `runRefreshTokenStoreSuite`: the conformance tests of the {@link RefreshTokenStore} contract.
 *
 * @module
 */
import { isJwtError, JwtError } from '../errors.js';
import { optionNames } from '../internal/option-names.js';
import { generateId, generateRefreshToken, hashRefreshToken } from '../tokens/opaque.js';
import { generateTagKey, mintRefreshToken } from '../tokens/refresh-token-format.js';
import {
  REFRESH_REVOCATION_REASONS,
  type NewRefreshFamily,
  type PresentedRefreshToken,
  type RefreshFamily,
  type RefreshRevocationReason,
  type RefreshSuccessor,
  type RefreshTokenStore,
  type RevokedFamily,
  type RotateResult,
} from '../tokens/store.js';
import { CONFORMANCE_SUITE_OPTION_NAMES, storeTest, type ConformanceSuiteOptions, type ConformanceTestApi } from './conformance-api.js';

/**
 * A refresh token as a store of contract v1 kept it: one record per token, keyed by the hash of the
 * whole token (43 characters, no routing part). The conformance suite hands such records to
 * `legacy.insert` (see {@link RefreshTokenStoreSuiteOptions.legacy}) to test `adoptLegacy`.
 */
export interface LegacyRefreshTokenRecord {
  /** Base64Url SHA-256 of the whole legacy token (43 characters). The record's key. */
  hash: string;
  /** The subject (`sub`) the token was issued to. */
  subject: string;
  /** The family: every token rotated from one login shares it. */
  familyId: string;
  /** The hash of the token this one was rotated from, or `null` for the first token of a family. */
  parentHash: string | null;
  /** When the token was issued (seconds since the epoch). */
  createdAt: number;
  /** Absolute expiry of the token (the family's, fixed at login), in seconds since the epoch. */
  expiresAt: number;
  /** Idle expiry of the token, or `null` when there is no idle limit. */
  idleExpiresAt: number | null;
  /** The claims of the session. */
  claims: Record<string, unknown>;
  /** When the token was rotated, or `null` while it is unused. */
  usedAt: number | null;
}

/** Options of {@link runRefreshTokenStoreSuite}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RefreshTokenStoreSuiteOptions<Store extends RefreshTokenStore = RefreshTokenStore> extends ConformanceSuiteOptions<Store> {
  /**
   * For a store that implements `adoptLegacy` (it still holds records of contract v1): writes a
   * record of contract v1 into the store as the store's earlier version wrote it (keys, columns,
   * and the family and subject entries that version kept), so that the suite can test
   * `adoptLegacy`. Without it, or for a store without `adoptLegacy`, those tests are skipped.
   * Default: none.
   */
  legacy?: {
    /**
     * Writes one record of contract v1.
     * @param store - the store of the test (from `createStore`).
     * @param record - the record.
     */
    insert(store: Store, record: LegacyRefreshTokenRecord): Promise<void>;
  };
}

const REFRESH_TOKEN_STORE_SUITE_OPTION_NAMES = optionNames<RefreshTokenStoreSuiteOptions>({
  ...CONFORMANCE_SUITE_OPTION_NAMES.list,
  legacy: true,
});

/** The suite's frozen clock: 2023-11-14T22:13:20Z, in seconds. */
const NOW = 1_700_000_000;
/** A clock far behind the suite's (2001-09-09T01:46:40Z): no other test stores anything expiring then. */
const PAST = 1_000_000_000;
const DAY = 86_400;
/** How often the long-chain test rotates one family before replaying its first token. */
const LONG_CHAIN = 3_000;

/**
 * Declares the conformance tests of the {@link RefreshTokenStore} contract (v2: one record per
 * family) with the test framework you pass: every clause of the contract, with an injected clock
 * (the tests pass `now`, they never wait): every status of `rotate` and their order, the replay of
 * a family's first token after 3,000 rotations, `concurrency` (default 200) simultaneous `rotate`
 * calls on one token of which exactly one may win, rotations racing family and subject revocation,
 * the session cap of `insert`, what `revokeSubject` answers, every revocation reason, and
 * `deleteExpired`; with the `legacy` option, `adoptLegacy` too. Each test creates its own store
 * with `createStore` and uses random family ids, subjects and hashes, so a shared database works
 * too. Run it from a test file of your store.
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
 * @throws `ERR_INVALID_OPTION` for an unknown option name, or a `legacy` without an `insert`
 * function; otherwise never (it only declares tests; failures are reported by the test framework).
 */
export function runRefreshTokenStoreSuite<Store extends RefreshTokenStore>(
  createStore: () => Store | Promise<Store>,
  api: ConformanceTestApi,
  options: RefreshTokenStoreSuiteOptions<Store> = {},
): void {
  const { describe, expect } = api;
  const test = storeTest(api, createStore, options, REFRESH_TOKEN_STORE_SUITE_OPTION_NAMES);
  const concurrency = options.concurrency ?? 200;
  const { legacy } = options;
  if (legacy !== undefined && typeof legacy?.insert !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', '"legacy" must be an object with an insert(store, record) function');
  }

  /** Asserts that `actual` is the family `expected` (members beyond the contract's ignored). */
  function expectFamily(actual: RefreshFamily | null | undefined, expected: RefreshFamily | null): void {
    expect(actual === null || actual === undefined ? actual : project(actual)).toEqual(expected === null ? null : project(expected));
  }

  /** Asserts that a rotate reported `status` with the family `expected`. */
  function expectResult(result: RotateResult, status: RotateResult['status'], expected: RefreshFamily): void {
    expect(result.status).toBe(status);
    expectFamily(familyOf(result), expected);
  }

  /** Inserts a family under a generous cap and returns the state it must read in. */
  async function inserted(store: Store, family: NewRefreshFamily): Promise<RefreshFamily> {
    expect(await store.insert(family, 1_000)).toEqual([]);
    return freshState(family);
  }

  /** Rotates the current token of `state` at `now`, asserts it worked, and returns the new state. */
  async function rotated(store: Store, state: RefreshFamily, now: number, claims?: Record<string, unknown>): Promise<RefreshFamily> {
    const successor = successorOf(state, now, claims);
    const expected = stateAfterRotation(state, successor, now);
    expectResult(await store.rotate(presentedOf(state), successor, now), 'rotated', expected);
    return expected;
  }

  /** Asserts that `rotate` of `presented` reports `unknown` and leaves `state` as it is. */
  async function expectUnknown(store: Store, presented: PresentedRefreshToken, state: RefreshFamily | null, now: number): Promise<void> {
    expect(await store.rotate(presented, successorOf(state ?? freshState(newFamily()), now), now)).toEqual({ status: 'unknown' });
    if (state !== null) expectFamily(await store.find(state.familyId), state);
  }

  describe('RefreshTokenStore conformance', () => {
    describe('insert and find', () => {
      test('find returns null for a family id that was never stored', async (store) => {
        expect(await store.find(generateId())).toBe(null);
      });

      test('insert stores one family that find returns at generation 0, never rotated, not revoked, claims intact', async (store) => {
        const family = newFamily({
          claims: { scope: 'read write', roles: ['a', 'b'], nested: { n: 1, ok: true, none: null }, 'ü€': 'ü€😀' },
        });
        expect(await store.insert(family, 1)).toEqual([]);
        expectFamily(await store.find(family.familyId), freshState(family));
      });

      test('a family without an idle limit keeps idleExpiresAt null, through rotations too', async (store) => {
        let state = await inserted(store, newFamily({ idleExpiresAt: null }));
        expect((await store.find(state.familyId))?.idleExpiresAt).toBe(null);
        state = await rotated(store, state, NOW + 10);
        expect(state.idleExpiresAt).toBe(null);
        expectFamily(await store.find(state.familyId), state);
      });

      test('jkt null and a key thumbprint round-trip, and rotations keep them', async (store) => {
        const thumbprint = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
        for (const jkt of [null, thumbprint]) {
          let state = await inserted(store, newFamily({ jkt }));
          expect((await store.find(state.familyId))?.jkt).toBe(jkt);
          state = await rotated(store, state, NOW + 10);
          expect((await store.find(state.familyId))?.jkt).toBe(jkt);
        }
      });

      test('families are independent: find of one does not return another', async (store) => {
        const a = await inserted(store, newFamily());
        const b = await inserted(store, newFamily({ subject: a.subject }));
        expectFamily(await store.find(a.familyId), a);
        expectFamily(await store.find(b.familyId), b);
      });

      test('insert refuses a family id that exists (ERR_INVALID_OPTION), changing nothing, the session cap included', async (store) => {
        const older = await inserted(store, newFamily({ createdAt: NOW - 100 }));
        let first = await inserted(store, newFamily({ subject: older.subject }));
        first = await rotated(store, first, NOW + 10);
        // Same id, another subject, hash and tag key; under a cap that the subject would exceed.
        for (const subject of [older.subject, `user-${generateId()}`]) {
          const duplicate = newFamily({ familyId: first.familyId, subject, createdAt: NOW + 20 });
          expect(await codeOf(store.insert(duplicate, 1))).toBe('ERR_INVALID_OPTION');
        }
        expectFamily(await store.find(first.familyId), first);
        expectFamily(await store.find(older.familyId), older);
        // A revoked family's id is not free either.
        await store.revokeFamily(first.familyId, 'logout');
        expect(await codeOf(store.insert(newFamily({ familyId: first.familyId }), 1_000))).toBe('ERR_INVALID_OPTION');
        expectFamily(await store.find(first.familyId), revokedState(first, 'logout'));
      });

      test('the store keeps its own copy: changing objects passed in or returned changes nothing stored', async (store) => {
        const family = newFamily({ claims: { roles: ['a'] } });
        const state = freshState(family);
        await store.insert(family, 1_000);
        (family.claims['roles'] as string[]).push('admin');
        family.subject = 'someone-else';
        family.hash = randomHash();
        const found = await store.find(state.familyId);
        expectFamily(found, state);
        (found?.claims['roles'] as string[] | undefined)?.push('admin');
        if (found !== null) found.generation = 7;
        expectFamily(await store.find(state.familyId), state);
        const successor = successorOf(state, NOW + 1, { roles: ['b'] });
        const expected = stateAfterRotation(state, successor, NOW + 1);
        const result = await store.rotate(presentedOf(state), successor, NOW + 1);
        (successor.claims['roles'] as string[]).push('admin');
        successor.hash = randomHash();
        (familyOf(result)?.claims['roles'] as string[] | undefined)?.push('admin');
        expectFamily(await store.find(state.familyId), expected);
      });

      test('subjects and family ids are opaque strings: no prefix, pattern or separator confusion', async (store) => {
        const subjects = ['a', 'a:b', 'a*', '*', 'a b', '{a}', 'ü€😀', 'a\nb', 'A', 'x'.repeat(255)];
        const states: RefreshFamily[] = [];
        for (const subject of subjects) states.push(await inserted(store, newFamily({ subject })));
        const reached = await store.revokeSubject('a', 'logout_all', NOW);
        // (A shared backend may hold families of subject 'a' from earlier runs: only this test's count.)
        const mine = new Set(states.map((state) => state.familyId));
        expect(reached.filter((family) => mine.has(family.familyId))).toEqual([revokedFamily(states[0] as RefreshFamily)]);
        for (const state of states) {
          expectFamily(await store.find(state.familyId), state.subject === 'a' ? revokedState(state, 'logout_all') : state);
        }
        const id = (states[1] as RefreshFamily).familyId;
        const swapped = id.toLowerCase() === id ? id.toUpperCase() : id.toLowerCase();
        for (const other of [`${id}A`, id.slice(0, -1), swapped, '*', `${id.slice(0, -1)}*`]) expect(await store.find(other)).toBe(null);
      });
    });

    describe('rotate', () => {
      test('rotates the current token: generation + 1, hash, idle expiry and claims replaced, rotatedAt = now, the rest unchanged', async (store) => {
        const start = await inserted(store, newFamily({ jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', claims: { scope: 'read' } }));
        const successor = successorOf(start, NOW + 60, { scope: 'read write', roles: ['admin'] });
        const result = await store.rotate(presentedOf(start), successor, NOW + 60);
        const expected: RefreshFamily = {
          ...start,
          hash: successor.hash,
          generation: 1,
          rotatedAt: NOW + 60,
          idleExpiresAt: successor.idleExpiresAt,
          claims: { scope: 'read write', roles: ['admin'] },
        };
        expectResult(result, 'rotated', expected);
        expectFamily(await store.find(start.familyId), expected);
      });

      test('the new current token rotates in turn (a chain of rotations)', async (store) => {
        let state = await inserted(store, newFamily());
        for (let step = 1; step <= 5; step++) {
          state = await rotated(store, state, NOW + 10 * step, { step });
          expect(state.generation).toBe(step);
        }
        expectFamily(await store.find(state.familyId), state);
      });

      test('unknown family: reports unknown and stores nothing', async (store) => {
        const ghost = freshState(newFamily());
        await expectUnknown(store, presentedOf(ghost), null, NOW);
        expect(await store.find(ghost.familyId)).toBe(null);
      });

      test('a generation later than the current one: reports unknown and changes nothing', async (store) => {
        let state = await inserted(store, newFamily());
        state = await rotated(store, state, NOW + 10);
        const next = successorOf(state, NOW + 20);
        await expectUnknown(store, { familyId: state.familyId, generation: state.generation + 1, hash: next.hash }, state, NOW + 20);
        await expectUnknown(store, { familyId: state.familyId, generation: state.generation + 1, hash: state.hash }, state, NOW + 20);
        await expectUnknown(store, { familyId: state.familyId, generation: state.generation + 1000, hash: state.hash }, state, NOW + 20);
      });

      test('the current generation with another hash: reports unknown and changes nothing', async (store) => {
        const start = await inserted(store, newFamily());
        await expectUnknown(store, { ...presentedOf(start), hash: randomHash() }, start, NOW + 5);
        const state = await rotated(store, start, NOW + 10);
        // The previous token's hash, presented as the current generation.
        await expectUnknown(store, { ...presentedOf(state), hash: start.hash }, state, NOW + 20);
        // Another family's current hash.
        const other = await inserted(store, newFamily({ subject: state.subject }));
        await expectUnknown(store, { ...presentedOf(state), hash: other.hash }, state, NOW + 20);
        expectFamily(await store.find(other.familyId), other);
      });

      test('an earlier generation reports used, successorUsed false for the previous one and true for older ones, changing nothing', async (store) => {
        const states = [await inserted(store, newFamily())];
        for (let step = 1; step <= 3; step++) states.push(await rotated(store, states[step - 1] as RefreshFamily, NOW + 10 * step));
        const current = states[3] as RefreshFamily;
        for (const [generation, successorUsed] of [
          [2, false],
          [1, true],
          [0, true],
        ] as const) {
          const result = await store.rotate(presentedOf(states[generation] as RefreshFamily), successorOf(current, NOW + 40), NOW + 40);
          expectResult(result, 'used', current);
          expect(result.status === 'used' ? result.successorUsed : undefined).toBe(successorUsed);
        }
        // The service checked the token's tag, not its hash: whatever the hash, an earlier generation is used.
        const result = await store.rotate(
          { familyId: current.familyId, generation: 2, hash: randomHash() },
          successorOf(current, NOW + 40),
          NOW + 40,
        );
        expectResult(result, 'used', current);
        expectFamily(await store.find(current.familyId), current);
      });

      test('absolute expiry: valid one second before expiresAt, expired at expiresAt (nothing changed)', async (store) => {
        const early = await inserted(store, newFamily({ expiresAt: NOW + 100, idleExpiresAt: null }));
        const late = await inserted(store, newFamily({ expiresAt: NOW + 100, idleExpiresAt: null }));
        await rotated(store, early, NOW + 99);
        expectResult(await store.rotate(presentedOf(late), successorOf(late, NOW + 100), NOW + 100), 'expired', late);
        expectResult(await store.rotate(presentedOf(late), successorOf(late, NOW + 500), NOW + 500), 'expired', late);
        expectFamily(await store.find(late.familyId), late);
      });

      test('idle expiry: valid one second before idleExpiresAt, expired at it; each rotation sets the next one', async (store) => {
        const early = await inserted(store, newFamily({ expiresAt: NOW + 30 * DAY, idleExpiresAt: NOW + 3600 }));
        const late = await inserted(store, newFamily({ expiresAt: NOW + 30 * DAY, idleExpiresAt: NOW + 3600 }));
        let state = await rotated(store, early, NOW + 3599);
        expect(state.idleExpiresAt).toBe(NOW + 3599 + 7 * DAY);
        expectResult(await store.rotate(presentedOf(late), successorOf(late, NOW + 3600), NOW + 3600), 'expired', late);
        expectFamily(await store.find(late.familyId), late);
        // The successor's idle expiry is the family's now: the first one has passed, this one has not.
        state = await rotated(store, state, NOW + 3600 + DAY);
        const idle = state.idleExpiresAt as number;
        expectResult(await store.rotate(presentedOf(state), successorOf(state, idle), idle), 'expired', state);
        // A successor without an idle limit lifts it.
        const unlimited = { ...successorOf(state, idle - 1), idleExpiresAt: null };
        const expected = stateAfterRotation(state, unlimited, idle - 1);
        expectResult(await store.rotate(presentedOf(state), unlimited, idle - 1), 'rotated', expected);
        await rotated(store, expected, NOW + 29 * DAY);
      });

      test('used takes precedence over expired, so reuse is detected for as long as the family exists', async (store) => {
        const start = await inserted(store, newFamily({ expiresAt: NOW + 100, idleExpiresAt: NOW + 50 }));
        const state = await rotated(store, start, NOW + 10);
        for (const now of [NOW + 50, NOW + 100, NOW + 1000]) {
          const result = await store.rotate(presentedOf(start), successorOf(state, now), now);
          expectResult(result, 'used', state);
          expect(result.status === 'used' ? result.successorUsed : undefined).toBe(false);
        }
        // The current token past its expiry is expired, not used.
        expectResult(await store.rotate(presentedOf(state), successorOf(state, NOW + 100), NOW + 100), 'expired', state);
      });

      test('revoked takes precedence over used and expired', async (store) => {
        const start = await inserted(store, newFamily({ expiresAt: NOW + 100, idleExpiresAt: null }));
        const state = await rotated(store, start, NOW + 10);
        await store.revokeFamily(state.familyId, 'reuse');
        const revoked = revokedState(state, 'reuse');
        for (const [presented, now] of [
          [start, NOW + 20],
          [state, NOW + 20],
          [start, NOW + 100],
          [state, NOW + 100],
        ] as const) {
          expectResult(await store.rotate(presentedOf(presented), successorOf(state, now), now), 'revoked', revoked);
        }
        expectFamily(await store.find(state.familyId), revoked);
      });

      test('unknown takes precedence over revoked and expired: a token the store cannot recognise is never more', async (store) => {
        const state = await inserted(store, newFamily({ expiresAt: NOW + 100, idleExpiresAt: null }));
        await expectUnknown(store, { ...presentedOf(state), hash: randomHash() }, state, NOW + 100);
        await expectUnknown(store, { ...presentedOf(state), generation: 1 }, state, NOW + 100);
        await store.revokeFamily(state.familyId, 'admin');
        const revoked = revokedState(state, 'admin');
        await expectUnknown(store, { ...presentedOf(state), hash: randomHash() }, revoked, NOW + 10);
        await expectUnknown(store, { ...presentedOf(state), generation: 1 }, revoked, NOW + 10);
      });

      test(`${concurrency} concurrent rotations of one token: exactly one wins, the others report used`, async (store) => {
        const start = await inserted(store, newFamily());
        const successors = Array.from({ length: concurrency }, () => successorOf(start, NOW + 1));
        const results = await Promise.all(successors.map((successor) => store.rotate(presentedOf(start), successor, NOW + 1)));
        expect(countStatuses(results)).toEqual({ rotated: 1, used: concurrency - 1 });
        const winner = successors[results.findIndex((result) => result.status === 'rotated')] as RefreshSuccessor;
        const expected = stateAfterRotation(start, winner, NOW + 1);
        for (const result of results) {
          expectFamily(familyOf(result), expected);
          if (result.status === 'used') expect(result.successorUsed).toBe(false);
        }
        expectFamily(await store.find(start.familyId), expected);
      });

      test(`${concurrency} concurrent rotations of ${concurrency} different families all win`, async (store) => {
        const states = await Promise.all(Array.from({ length: concurrency }, () => inserted(store, newFamily())));
        const results = await Promise.all(states.map((state) => store.rotate(presentedOf(state), successorOf(state, NOW + 1), NOW + 1)));
        expect(countStatuses(results)).toEqual({ rotated: concurrency });
      });

      test(`after ${LONG_CHAIN} rotations, the first token reports used with successorUsed, and the family is still one record`, async (store) => {
        const start = await inserted(store, newFamily({ idleExpiresAt: null }));
        let previous = start;
        let state = start;
        for (let step = 1; step <= LONG_CHAIN; step++) {
          const successor = successorOf(state, NOW + 1, { step });
          const result = await store.rotate(presentedOf(state), successor, NOW + 1);
          if (result.status !== 'rotated') expect(result.status).toBe('rotated');
          previous = state;
          state = stateAfterRotation(state, successor, NOW + 1);
        }
        expectFamily(await store.find(start.familyId), state);
        for (const [presented, successorUsed] of [
          [start, true],
          [previous, false],
        ] as const) {
          const result = await store.rotate(presentedOf(presented), successorOf(state, NOW + 2), NOW + 2);
          expectResult(result, 'used', state);
          expect(result.status === 'used' ? result.successorUsed : undefined).toBe(successorUsed);
        }
        const last = await rotated(store, state, NOW + 3);
        expect(last.generation).toBe(LONG_CHAIN + 1);
      });
    });

    describe('revocation', () => {
      test('revokeFamily revokes the family, blocks further rotation, and changes nothing else', async (store) => {
        const state = await rotated(store, await inserted(store, newFamily()), NOW + 10);
        await store.revokeFamily(state.familyId, 'logout');
        const revoked = revokedState(state, 'logout');
        expectFamily(await store.find(state.familyId), revoked);
        expectResult(await store.rotate(presentedOf(state), successorOf(state, NOW + 20), NOW + 20), 'revoked', revoked);
        expectFamily(await store.find(state.familyId), revoked);
      });

      test('revokeFamily keeps the first reason, and leaves other families alone', async (store) => {
        const mine = await inserted(store, newFamily());
        const other = await inserted(store, newFamily({ subject: mine.subject }));
        const stranger = await inserted(store, newFamily());
        await store.revokeFamily(mine.familyId, 'reuse');
        expectFamily(await store.find(other.familyId), other);
        await store.revokeFamily(mine.familyId, 'logout');
        await store.revokeSubject(mine.subject, 'logout_all', NOW);
        expect((await store.find(mine.familyId))?.revokedReason).toBe('reuse');
        expect((await store.find(other.familyId))?.revokedReason).toBe('logout_all');
        expectFamily(await store.find(stranger.familyId), stranger);
      });

      test('revokeFamily of an unknown family does nothing and does not fail', async (store) => {
        const state = await inserted(store, newFamily());
        const ghost = generateId();
        await store.revokeFamily(ghost, 'admin');
        expect(await store.find(ghost)).toBe(null);
        expectFamily(await store.find(state.familyId), state);
      });

      test('every revocation reason round-trips, through revokeFamily and revokeSubject', async (store) => {
        for (const reason of REFRESH_REVOCATION_REASONS) {
          const byFamily = await inserted(store, newFamily());
          await store.revokeFamily(byFamily.familyId, reason);
          expectFamily(await store.find(byFamily.familyId), revokedState(byFamily, reason));
          const result = await store.rotate(presentedOf(byFamily), successorOf(byFamily, NOW + 1), NOW + 1);
          expectResult(result, 'revoked', revokedState(byFamily, reason));
          const bySubject = await inserted(store, newFamily());
          await store.revokeSubject(bySubject.subject, reason, NOW);
          expectFamily(await store.find(bySubject.familyId), revokedState(bySubject, reason));
        }
      });

      test('revokeSubject revokes every family of the subject, answers each one not expired at now, and nobody else’s', async (store) => {
        const subject = `user-${generateId()}`;
        let rotatedTwice = await inserted(store, newFamily({ subject, createdAt: NOW - 50 }));
        rotatedTwice = await rotated(store, rotatedTwice, NOW - 40);
        rotatedTwice = await rotated(store, rotatedTwice, NOW - 30);
        const plain = await inserted(store, newFamily({ subject }));
        const revokedBefore = await inserted(store, newFamily({ subject }));
        await store.revokeFamily(revokedBefore.familyId, 'reuse');
        // Expires at the call's now: not answered.
        await inserted(store, newFamily({ subject, expiresAt: NOW + 10, idleExpiresAt: null }));
        const expiringNext = await inserted(store, newFamily({ subject, expiresAt: NOW + 11, idleExpiresAt: null }));
        const idle = await inserted(store, newFamily({ subject, idleExpiresAt: NOW + 5 }));
        const theirs = await inserted(store, newFamily());
        const reached = await store.revokeSubject(subject, 'logout_all', NOW + 10);
        expect(sortedRevoked(reached)).toEqual(sortedRevoked([rotatedTwice, plain, revokedBefore, expiringNext, idle].map(revokedFamily)));
        for (const state of [rotatedTwice, plain, expiringNext, idle]) {
          expectFamily(await store.find(state.familyId), revokedState(state, 'logout_all'));
        }
        expectFamily(await store.find(revokedBefore.familyId), revokedState(revokedBefore, 'reuse'));
        const result = await store.rotate(presentedOf(rotatedTwice), successorOf(rotatedTwice, NOW + 10), NOW + 10);
        expectResult(result, 'revoked', revokedState(rotatedTwice, 'logout_all'));
        expectFamily(await store.find(theirs.familyId), theirs);
      });

      test('revokeSubject is idempotent: called again, it answers the same families and keeps the first reasons', async (store) => {
        const subject = `user-${generateId()}`;
        const states = [await inserted(store, newFamily({ subject })), await inserted(store, newFamily({ subject, expiresAt: NOW + 20 }))];
        const expected = sortedRevoked(states.map(revokedFamily));
        expect(sortedRevoked(await store.revokeSubject(subject, 'logout_all', NOW))).toEqual(expected);
        expect(sortedRevoked(await store.revokeSubject(subject, 'admin', NOW))).toEqual(expected);
        for (const state of states) expectFamily(await store.find(state.familyId), revokedState(state, 'logout_all'));
        // Later, a family past its expiry is no longer answered, but stays revoked until removed.
        expect(await store.revokeSubject(subject, 'admin', NOW + 20)).toEqual([revokedFamily(states[0] as RefreshFamily)]);
      });

      test('a family created after revokeSubject is not revoked', async (store) => {
        const before = await inserted(store, newFamily());
        await store.revokeSubject(before.subject, 'logout_all', NOW);
        const after = await inserted(store, newFamily({ subject: before.subject, createdAt: NOW + 1 }));
        expectFamily(await store.find(after.familyId), after);
        await rotated(store, after, NOW + 2);
      });

      test('revokeSubject of an unknown subject answers nothing and changes nothing', async (store) => {
        const state = await inserted(store, newFamily());
        expect(await store.revokeSubject(`user-${generateId()}`, 'admin', NOW)).toEqual([]);
        expectFamily(await store.find(state.familyId), state);
      });

      test('revokeFamily racing rotate: the family ends revoked, and nothing rotates after', async (store) => {
        for (let round = 0; round < 25; round++) {
          const start = await inserted(store, newFamily());
          const successor = successorOf(start, NOW + 1);
          const [result] = await Promise.all([
            store.rotate(presentedOf(start), successor, NOW + 1),
            store.revokeFamily(start.familyId, 'reuse'),
          ]);
          expect(['rotated', 'revoked'].includes(result.status)).toBe(true);
          const state = result.status === 'rotated' ? stateAfterRotation(start, successor, NOW + 1) : start;
          expectFamily(await store.find(start.familyId), revokedState(state, 'reuse'));
          expectResult(
            await store.rotate(presentedOf(state), successorOf(state, NOW + 2), NOW + 2),
            'revoked',
            revokedState(state, 'reuse'),
          );
        }
      });

      test('revokeSubject racing rotate: every family ends revoked and answered, and nothing rotates after', async (store) => {
        for (let round = 0; round < 10; round++) {
          const subject = `user-${generateId()}`;
          const starts = await Promise.all(Array.from({ length: 10 }, () => inserted(store, newFamily({ subject }))));
          const successors = starts.map((start) => successorOf(start, NOW + 1));
          const [reached, ...results] = await Promise.all([
            store.revokeSubject(subject, 'logout_all', NOW + 1),
            ...starts.map((start, index) => store.rotate(presentedOf(start), successors[index] as RefreshSuccessor, NOW + 1)),
          ]);
          expect(sortedRevoked(reached)).toEqual(sortedRevoked(starts.map(revokedFamily)));
          for (const [index, result] of results.entries()) {
            expect(['rotated', 'revoked'].includes(result.status)).toBe(true);
            const start = starts[index] as RefreshFamily;
            const state = result.status === 'rotated' ? stateAfterRotation(start, successors[index] as RefreshSuccessor, NOW + 1) : start;
            expectFamily(await store.find(start.familyId), revokedState(state, 'logout_all'));
            expect((await store.rotate(presentedOf(state), successorOf(state, NOW + 2), NOW + 2)).status).toBe('revoked');
          }
        }
      });
    });

    describe('session cap', () => {
      test('insert under the cap revokes nothing and answers an empty list', async (store) => {
        const subject = `user-${generateId()}`;
        const states: RefreshFamily[] = [];
        for (let index = 0; index < 3; index++) {
          const family = newFamily({ subject, createdAt: NOW + index });
          expect(await store.insert(family, 3)).toEqual([]);
          states.push(freshState(family));
        }
        for (const state of states) expectFamily(await store.find(state.familyId), state);
      });

      test('over the cap, insert revokes the oldest live family with session_limit and answers it; other subjects do not count', async (store) => {
        const subject = `user-${generateId()}`;
        const oldest = await inserted(store, newFamily({ subject, createdAt: NOW - 300, expiresAt: NOW + 10 * DAY }));
        const middle = await inserted(store, newFamily({ subject, createdAt: NOW - 200, expiresAt: NOW + 11 * DAY }));
        const youngest = await rotated(store, await inserted(store, newFamily({ subject, createdAt: NOW - 100 })), NOW - 50);
        const strangers = [await inserted(store, newFamily()), await inserted(store, newFamily())];
        const added = newFamily({ subject, createdAt: NOW, expiresAt: NOW + 12 * DAY });
        expect(await store.insert(added, 3)).toEqual([revokedFamily(oldest)]);
        const capped = revokedState(oldest, 'session_limit');
        expectFamily(await store.find(oldest.familyId), capped);
        expectResult(await store.rotate(presentedOf(oldest), successorOf(oldest, NOW + 1), NOW + 1), 'revoked', capped);
        for (const state of [middle, youngest, freshState(added), ...strangers]) expectFamily(await store.find(state.familyId), state);
        // A login of another subject under a cap of 1 revokes none of these.
        expect(await store.insert(newFamily({ createdAt: NOW + 1 }), 1)).toEqual([]);
        for (const state of [middle, youngest, freshState(added), ...strangers]) expectFamily(await store.find(state.familyId), state);
      });

      test('revokes as many of the oldest as it takes to leave the cap, ties on createdAt broken by familyId', async (store) => {
        const subject = `user-${generateId()}`;
        // Inserted in the reverse of familyId order, and not oldest first: neither insertion order nor luck breaks the tie right.
        const ids = Array.from({ length: 6 }, () => generateId())
          .sort()
          .reverse();
        const ages = [50, 100, 50, 100, 100, 100];
        const states: RefreshFamily[] = [];
        for (const [index, familyId] of ids.entries()) {
          states.push(await inserted(store, newFamily({ familyId, subject, createdAt: NOW - (ages[index] as number) })));
        }
        // Oldest first: those of NOW - 100 in familyId order (code units: byte order, for Base64Url), then those of NOW - 50.
        const aged = (age: number): RefreshFamily[] => states.filter((state) => state.createdAt === NOW - age).sort(byFamilyId);
        const order = [...aged(100), ...aged(50)];
        const added = newFamily({ subject, createdAt: NOW });
        expect(sortedRevoked(await store.insert(added, 2))).toEqual(sortedRevoked(order.slice(0, 5).map(revokedFamily)));
        for (const state of order.slice(0, 5)) expectFamily(await store.find(state.familyId), revokedState(state, 'session_limit'));
        expectFamily(await store.find((order[5] as RefreshFamily).familyId), order[5] as RefreshFamily);
        expectFamily(await store.find(added.familyId), freshState(added));
      });

      test('revoked and expired families do not count, and are not revoked again', async (store) => {
        const subject = `user-${generateId()}`;
        const revokedBefore = await inserted(store, newFamily({ subject, createdAt: NOW - 500 }));
        await store.revokeFamily(revokedBefore.familyId, 'logout');
        const expired = await inserted(store, newFamily({ subject, createdAt: NOW - 400, expiresAt: NOW, idleExpiresAt: null }));
        const idle = await inserted(store, newFamily({ subject, createdAt: NOW - 300, idleExpiresAt: NOW }));
        // Expires one second after the logins below: still live.
        const lastSecond = await inserted(store, newFamily({ subject, createdAt: NOW - 200, expiresAt: NOW + 1, idleExpiresAt: null }));
        const live = await inserted(store, newFamily({ subject, createdAt: NOW - 100 }));
        const first = newFamily({ subject, createdAt: NOW });
        expect(await store.insert(first, 3)).toEqual([]);
        const second = newFamily({ subject, createdAt: NOW });
        expect(await store.insert(second, 3)).toEqual([revokedFamily(lastSecond)]);
        expectFamily(await store.find(revokedBefore.familyId), revokedState(revokedBefore, 'logout'));
        for (const state of [expired, idle, live, freshState(first), freshState(second)])
          expectFamily(await store.find(state.familyId), state);
        expectFamily(await store.find(lastSecond.familyId), revokedState(lastSecond, 'session_limit'));
      });

      test('never revokes the family being inserted, even when it is the oldest', async (store) => {
        const subject = `user-${generateId()}`;
        const others = [await inserted(store, newFamily({ subject })), await inserted(store, newFamily({ subject }))];
        // Older than the others, and first by familyId too ('-' is the first Base64Url character).
        const added = newFamily({ subject, createdAt: NOW - 1000, familyId: `-${generateId()}` });
        expect(sortedRevoked(await store.insert(added, 1))).toEqual(sortedRevoked(others.map(revokedFamily)));
        expectFamily(await store.find(added.familyId), freshState(added));
        for (const state of others) expectFamily(await store.find(state.familyId), revokedState(state, 'session_limit'));
      });
    });

    describe('deleteExpired', () => {
      test('removes families with expiresAt <= now, rotated or revoked or not, and keeps the others, revoked ones too', async (store) => {
        const goneSubject = `user-${generateId()}`;
        const gone = await rotated(
          store,
          await inserted(store, newFamily({ subject: goneSubject, expiresAt: NOW + 100, idleExpiresAt: null })),
          NOW + 10,
        );
        const goneRevoked = await inserted(store, newFamily({ subject: goneSubject, expiresAt: NOW + 50 }));
        await store.revokeFamily(goneRevoked.familyId, 'logout');
        const keptStart = await inserted(store, newFamily({ expiresAt: NOW + 101 }));
        const kept = await rotated(store, keptStart, NOW + 20);
        // Past its idle expiry, but not past expiresAt.
        const keptIdle = await inserted(store, newFamily({ expiresAt: NOW + 101, idleExpiresAt: NOW + 50 }));
        const keptRevoked = await inserted(store, newFamily({ expiresAt: NOW + 1000 }));
        await store.revokeFamily(keptRevoked.familyId, 'reuse');
        const removed = await store.deleteExpired(NOW + 100);
        expect(Number.isInteger(removed) && removed >= 0).toBe(true);
        for (const state of [gone, goneRevoked]) {
          expect(await store.find(state.familyId)).toBe(null);
          await expectUnknown(store, presentedOf(state), null, NOW + 100);
        }
        // Asked with an earlier now, the subject has no family left: really gone, index included.
        expect(await store.revokeSubject(goneSubject, 'admin', NOW)).toEqual([]);
        expectFamily(await store.find(kept.familyId), kept);
        expectFamily(await store.find(keptIdle.familyId), keptIdle);
        expectResult(await store.rotate(presentedOf(keptStart), successorOf(kept, NOW + 100), NOW + 100), 'used', kept);
        const revoked = revokedState(keptRevoked, 'reuse');
        expectFamily(await store.find(keptRevoked.familyId), revoked);
        expectResult(await store.rotate(presentedOf(keptRevoked), successorOf(keptRevoked, NOW + 600), NOW + 600), 'revoked', revoked);
      });

      test('counts families, not tokens: a family rotated many times is one record', async (store) => {
        // Far in the past, so that no family of another test sharing the backend expires with these.
        const often = newFamily({ createdAt: PAST, expiresAt: PAST + 100, idleExpiresAt: null });
        let state = freshState(often);
        expect(await store.insert(often, 1_000)).toEqual([]);
        for (let step = 1; step <= 10; step++) state = await rotated(store, state, PAST + step);
        const never = newFamily({ createdAt: PAST, expiresAt: PAST + 100, idleExpiresAt: null });
        expect(await store.insert(never, 1_000)).toEqual([]);
        const removed = await store.deleteExpired(PAST + 100);
        // Two families: 2, or 0 from a store that cannot count.
        expect(removed === 2 || removed === 0 ? 'families' : removed).toBe('families');
        expect(await store.find(often.familyId)).toBe(null);
        expect(await store.find(never.familyId)).toBe(null);
      });

      test('with nothing expired, removes nothing', async (store) => {
        const state = await inserted(store, newFamily());
        await store.deleteExpired(NOW);
        expectFamily(await store.find(state.familyId), state);
      });
    });

    if (legacy !== undefined) {
      describe('adoptLegacy (records of contract v1)', () => {
        /** Declares a test that runs only against a store with `adoptLegacy`. */
        const legacyTest = (
          name: string,
          body: (store: Store, adopt: Required<RefreshTokenStore>['adoptLegacy']) => Promise<void>,
        ): void => {
          test(name, async (store) => {
            if (typeof store.adoptLegacy !== 'function') return;
            await body(store, store.adoptLegacy.bind(store));
          });
        };

        /** Writes a family of v1 records: `used` used ones, then one unused; returns them oldest first. */
        async function legacyFamily(
          store: Store,
          used: number,
          overrides: Partial<LegacyRefreshTokenRecord> = {},
        ): Promise<LegacyRefreshTokenRecord[]> {
          const first = legacyRecord(overrides);
          const records = [first];
          for (let step = 1; step <= used; step++) {
            const parent = records[step - 1] as LegacyRefreshTokenRecord;
            parent.usedAt = first.createdAt + 10 * step;
            records.push({ ...first, hash: legacyHash(), parentHash: parent.hash, createdAt: parent.usedAt, usedAt: null });
          }
          for (const record of records) await legacy?.insert(store, structuredClone(record));
          return records;
        }

        /** The family of contract v2 that adopting `record` must create. */
        function adoptedState(record: LegacyRefreshTokenRecord, tagKey: string): RefreshFamily {
          return {
            familyId: record.familyId,
            subject: record.subject,
            hash: record.hash,
            tagKey,
            generation: 0,
            createdAt: record.createdAt,
            rotatedAt: null,
            expiresAt: record.expiresAt,
            idleExpiresAt: record.idleExpiresAt,
            claims: structuredClone(record.claims),
            jkt: null,
            revoked: false,
            revokedReason: null,
          };
        }

        legacyTest('answers null for a hash that no legacy record has, a v2 family’s current hash included', async (store, adopt) => {
          expect(await adopt(legacyHash(), generateTagKey(), NOW)).toBe(null);
          const state = await inserted(store, newFamily());
          expect(await adopt(state.hash, generateTagKey(), NOW)).toBe(null);
          expectFamily(await store.find(state.familyId), state);
        });

        legacyTest('a used legacy token answers used, with its family, its subject and when it was used', async (store, adopt) => {
          const [first, second] = (await legacyFamily(store, 2)) as [LegacyRefreshTokenRecord, LegacyRefreshTokenRecord];
          for (const record of [first, second]) {
            expect(await adopt(record.hash, generateTagKey(), NOW + 100)).toEqual({
              status: 'used',
              familyId: record.familyId,
              subject: record.subject,
              usedAt: record.usedAt,
            });
          }
        });

        legacyTest(
          'revokeFamily reaches a legacy family that has no v2 record yet, and its adoption keeps it revoked',
          async (store, adopt) => {
            const [used, current] = (await legacyFamily(store, 1)) as [LegacyRefreshTokenRecord, LegacyRefreshTokenRecord];
            await store.revokeFamily(used.familyId, 'reuse');
            expect(await adopt(current.hash, generateTagKey(), NOW + 100)).toEqual({ status: 'current', familyId: current.familyId });
            const family = await store.find(current.familyId);
            expect([family?.revoked, family?.revokedReason]).toEqual([true, 'reuse']);
          },
        );

        legacyTest(
          'the unused legacy token answers current and gives its family a v2 record at generation 0, which then rotates',
          async (store, adopt) => {
            const records = await legacyFamily(store, 1, { claims: { scope: 'read', roles: ['a'] } });
            const current = records[1] as LegacyRefreshTokenRecord;
            const tagKey = generateTagKey();
            expect(await adopt(current.hash, tagKey, NOW + 20)).toEqual({ status: 'current', familyId: current.familyId });
            const adopted = adoptedState(current, tagKey);
            expectFamily(await store.find(current.familyId), adopted);
            const state = await rotated(store, adopted, NOW + 30);
            const result = await store.rotate(presentedOf(adopted), successorOf(state, NOW + 40), NOW + 40);
            expectResult(result, 'used', state);
          },
        );

        legacyTest(
          'adopting the same token again answers current and neither resets the family nor changes its tag key',
          async (store, adopt) => {
            const [record] = (await legacyFamily(store, 0)) as [LegacyRefreshTokenRecord];
            const tagKey = generateTagKey();
            expect(await adopt(record.hash, tagKey, NOW + 10)).toEqual({ status: 'current', familyId: record.familyId });
            expect(await adopt(record.hash, generateTagKey(), NOW + 11)).toEqual({ status: 'current', familyId: record.familyId });
            const adopted = adoptedState(record, tagKey);
            expectFamily(await store.find(record.familyId), adopted);
            const state = await rotated(store, adopted, NOW + 20);
            expect(await adopt(record.hash, generateTagKey(), NOW + 30)).toEqual({ status: 'current', familyId: record.familyId });
            expectFamily(await store.find(record.familyId), state);
            // The caller's rotate then finds the token used.
            const result = await store.rotate(presentedOf(adopted), successorOf(state, NOW + 30), NOW + 30);
            expectResult(result, 'used', state);
            expect(result.status === 'used' ? result.successorUsed : undefined).toBe(false);
          },
        );

        legacyTest(
          `${concurrency} concurrent adoptions of one token give its family one v2 record, of which one rotation wins`,
          async (store, adopt) => {
            const [record] = (await legacyFamily(store, 0)) as [LegacyRefreshTokenRecord];
            const tagKeys = Array.from({ length: concurrency }, () => generateTagKey());
            // Each caller as the token service does it: adopt, then rotate generation 0.
            const presented = { familyId: record.familyId, generation: 0, hash: record.hash };
            const results = await Promise.all(
              tagKeys.map(async (tagKey) => {
                expect(await adopt(record.hash, tagKey, NOW + 10)).toEqual({ status: 'current', familyId: record.familyId });
                return store.rotate(presented, successorOf(adoptedState(record, tagKey), NOW + 10), NOW + 10);
              }),
            );
            expect(countStatuses(results)).toEqual({ rotated: 1, used: concurrency - 1 });
            const found = await store.find(record.familyId);
            expect(tagKeys.includes(found?.tagKey as string)).toBe(true);
            expect([found?.generation, found?.createdAt]).toEqual([1, record.createdAt]);
          },
        );

        legacyTest('a legacy family revoked by revokeFamily or revokeSubject stays revoked once adopted', async (store, adopt) => {
          const subject = `user-${generateId()}`;
          const [byFamily] = (await legacyFamily(store, 1, { subject })).slice(1) as [LegacyRefreshTokenRecord];
          const [bySubject] = (await legacyFamily(store, 0, { subject })) as [LegacyRefreshTokenRecord];
          await store.revokeFamily(byFamily.familyId, 'logout');
          await store.revokeSubject(subject, 'logout_all', NOW + 30);
          for (const [record, reason] of [
            [byFamily, 'logout'],
            [bySubject, 'logout_all'],
          ] as const) {
            const tagKey = generateTagKey();
            expect(await adopt(record.hash, tagKey, NOW + 40)).toEqual({ status: 'current', familyId: record.familyId });
            const revoked = revokedState(adoptedState(record, tagKey), reason);
            expectFamily(await store.find(record.familyId), revoked);
            expectResult(await store.rotate(presentedOf(revoked), successorOf(revoked, NOW + 40), NOW + 40), 'revoked', revoked);
          }
        });

        legacyTest('a legacy token keeps its expiry: adopted past its idle expiry, it then rotates as expired', async (store, adopt) => {
          const [record] = (await legacyFamily(store, 0, { idleExpiresAt: NOW + 100 })) as [LegacyRefreshTokenRecord];
          const tagKey = generateTagKey();
          expect(await adopt(record.hash, tagKey, NOW + 100)).toEqual({ status: 'current', familyId: record.familyId });
          const adopted = adoptedState(record, tagKey);
          expectResult(await store.rotate(presentedOf(adopted), successorOf(adopted, NOW + 100), NOW + 100), 'expired', adopted);
        });

        legacyTest('deleteExpired keeps legacy records that have not expired', async (store, adopt) => {
          const [record] = (await legacyFamily(store, 0)) as [LegacyRefreshTokenRecord];
          await store.deleteExpired(NOW + 100);
          expect(await adopt(record.hash, generateTagKey(), NOW + 100)).toEqual({ status: 'current', familyId: record.familyId });
        });
      });
    }
  });
}

/** The members of the contract, in a fixed shape (stores may return extra members). */
function project(family: RefreshFamily): Record<string, unknown> {
  return {
    familyId: family.familyId,
    subject: family.subject,
    hash: family.hash,
    tagKey: family.tagKey,
    generation: family.generation,
    createdAt: family.createdAt,
    rotatedAt: family.rotatedAt,
    expiresAt: family.expiresAt,
    idleExpiresAt: family.idleExpiresAt,
    claims: family.claims,
    jkt: family.jkt,
    revoked: family.revoked,
    revokedReason: family.revokedReason,
  };
}

function familyOf(result: RotateResult): RefreshFamily | null {
  return result.status === 'unknown' ? null : result.family;
}

function countStatuses(results: readonly RotateResult[]): Partial<Record<RotateResult['status'], number>> {
  const counts: Partial<Record<RotateResult['status'], number>> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  return counts;
}

/** The rejection code of a promise (`'resolved'` when it resolves, `'other'` for anything but a JwtError). */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isJwtError(error) ? error.code : 'other';
  }
}

/** The hash of generation `generation` of a family's tokens, exactly as the token service computes it. */
function tokenHash(familyId: string, generation: number, tagKey: string): string {
  return mintRefreshToken(familyId, generation, tagKey).hash;
}

/** A hash no stored token has. */
function randomHash(): string {
  return tokenHash(generateId(), 0, generateTagKey());
}

/** The hash of a fresh legacy token (43 characters, hashed whole), as the token service computes it. */
function legacyHash(): string {
  return hashRefreshToken(generateRefreshToken());
}

function newFamily(overrides: Partial<NewRefreshFamily> = {}): NewRefreshFamily {
  const familyId = overrides.familyId ?? generateId();
  const tagKey = overrides.tagKey ?? generateTagKey();
  return {
    familyId,
    subject: `user-${generateId()}`,
    hash: tokenHash(familyId, 0, tagKey),
    tagKey,
    createdAt: NOW,
    expiresAt: NOW + 30 * DAY,
    idleExpiresAt: NOW + 7 * DAY,
    claims: { scope: 'read' },
    jkt: null,
    ...overrides,
  };
}

function legacyRecord(overrides: Partial<LegacyRefreshTokenRecord> = {}): LegacyRefreshTokenRecord {
  return {
    hash: legacyHash(),
    subject: `user-${generateId()}`,
    familyId: generateId(),
    parentHash: null,
    createdAt: NOW,
    expiresAt: NOW + 30 * DAY,
    idleExpiresAt: NOW + 7 * DAY,
    claims: { scope: 'read' },
    usedAt: null,
    ...overrides,
  };
}

/** What a family must read as right after `insert`. */
function freshState(family: NewRefreshFamily): RefreshFamily {
  return { ...structuredClone(family), generation: 0, rotatedAt: null, revoked: false, revokedReason: null };
}

/** What a family must read as after `rotate` moved it on with `successor` at `now`. */
function stateAfterRotation(state: RefreshFamily, successor: RefreshSuccessor, now: number): RefreshFamily {
  return {
    ...state,
    hash: successor.hash,
    generation: state.generation + 1,
    rotatedAt: now,
    idleExpiresAt: successor.idleExpiresAt,
    claims: structuredClone(successor.claims),
  };
}

function revokedState(state: RefreshFamily, reason: RefreshRevocationReason): RefreshFamily {
  return { ...state, revoked: true, revokedReason: reason };
}

function presentedOf(state: RefreshFamily): PresentedRefreshToken {
  return { familyId: state.familyId, generation: state.generation, hash: state.hash };
}

/** The next token of a family, issued at `now`, with the claims given (by default, new ones). */
function successorOf(state: RefreshFamily, now: number, claims?: Record<string, unknown>): RefreshSuccessor {
  const generation = state.generation + 1;
  return {
    hash: tokenHash(state.familyId, generation, state.tagKey),
    idleExpiresAt: state.idleExpiresAt === null ? null : Math.min(now + 7 * DAY, state.expiresAt),
    claims: claims ?? { scope: 'read', generation },
  };
}

function revokedFamily(state: RefreshFamily): RevokedFamily {
  return { familyId: state.familyId, expiresAt: state.expiresAt };
}

function byFamilyId(a: { familyId: string }, b: { familyId: string }): number {
  return a.familyId < b.familyId ? -1 : a.familyId > b.familyId ? 1 : 0;
}

/** A list of revoked families in a fixed order and shape (any order, extra members ignored). */
function sortedRevoked(families: readonly RevokedFamily[]): RevokedFamily[] {
  return families.map(({ familyId, expiresAt }) => ({ familyId, expiresAt })).sort(byFamilyId);
}
