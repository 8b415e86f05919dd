/**
 * `runRevocationStoreSuite`: the conformance tests of the {@link RevocationStore} contract.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { generateId } from '../tokens/opaque.js';
import type { RevocationStore } from '../tokens/store.js';
import { CONFORMANCE_SUITE_OPTION_NAMES, storeTest, type ConformanceSuiteOptions, type ConformanceTestApi } from './conformance-api.js';

/** Options of {@link runRevocationStoreSuite}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RevocationStoreSuiteOptions extends ConformanceSuiteOptions<RevocationStore> {}

/** The suite's frozen clock: 2023-11-14T22:13:20Z, in seconds. */
const NOW = 1_700_000_000;
/** A caller's clock far behind the real one (2001-09-09T01:46:40Z), and one far ahead (2096-10-02). */
const PAST = 1_000_000_000;
const FUTURE = 4_000_000_000;

/**
 * Declares the conformance tests of the {@link RevocationStore} contract (the access-token `jti`
 * denylist, revoked sessions and per-subject cutoffs) with the test framework you pass, with an
 * injected clock (also one far from the real clock, so a store must measure expiry from the `now`
 * it is given), including `concurrency` (default 200) simultaneous writes that must keep the latest
 * expiry and the latest cutoff. Each test creates its own store and uses random ids and subjects.
 *
 * @param createStore - makes a store for one test (may be async).
 * @param api - the test framework's `describe`, `it` and `expect` (vitest or Jest).
 * @param options - see {@link RevocationStoreSuiteOptions}.
 * @example
 * ```ts
 * import { describe, it, expect } from 'vitest';
 * import { runRevocationStoreSuite } from 'jwtkit/testing';
 * runRevocationStoreSuite(() => new MyRevocationStore(pool), { describe, it, expect });
 * ```
 * @throws `ERR_INVALID_OPTION` for an unknown option name; otherwise never (it only declares tests;
 * failures are reported by the test framework).
 */
export function runRevocationStoreSuite(
  createStore: () => RevocationStore | Promise<RevocationStore>,
  api: ConformanceTestApi,
  options: RevocationStoreSuiteOptions = {},
): void {
  const { describe, expect } = api;
  const test = storeTest(api, createStore, options, CONFORMANCE_SUITE_OPTION_NAMES);
  const concurrency = options.concurrency ?? 200;

  describe('RevocationStore conformance', () => {
    describe('jti denylist', () => {
      test('an id never revoked is not revoked', async (store) => {
        expect(await store.isJtiRevoked(generateId(), NOW)).toBe(false);
      });

      test('a revoked id is revoked until its expiresAt, and not from then on', async (store) => {
        const jti = generateId();
        await store.revokeJti(jti, NOW + 900, NOW);
        expect(await store.isJtiRevoked(jti, NOW)).toBe(true);
        expect(await store.isJtiRevoked(jti, NOW + 899)).toBe(true);
        expect(await store.isJtiRevoked(jti, NOW + 900)).toBe(false);
      });

      test('ids are independent and opaque (no prefix or pattern confusion)', async (store) => {
        const jti = generateId();
        await store.revokeJti(jti, NOW + 900, NOW);
        for (const other of [
          generateId(),
          `${jti}x`,
          jti.slice(0, -1),
          '*',
          `${jti}*`,
          jti.toLowerCase() === jti ? jti.toUpperCase() : jti.toLowerCase(),
        ]) {
          expect(await store.isJtiRevoked(other, NOW)).toBe(false);
        }
        await store.revokeJti('a:b ü€😀', NOW + 900, NOW);
        expect(await store.isJtiRevoked('a:b ü€😀', NOW)).toBe(true);
        expect(await store.isJtiRevoked('a', NOW)).toBe(false);
      });

      test('revoking again keeps the later expiry', async (store) => {
        const jti = generateId();
        await store.revokeJti(jti, NOW + 900, NOW);
        await store.revokeJti(jti, NOW + 100, NOW);
        expect(await store.isJtiRevoked(jti, NOW + 500)).toBe(true);
        await store.revokeJti(jti, NOW + 2000, NOW);
        expect(await store.isJtiRevoked(jti, NOW + 1500)).toBe(true);
        expect(await store.isJtiRevoked(jti, NOW + 2000)).toBe(false);
      });

      test(`${concurrency} concurrent revocations of one id keep the latest expiry`, async (store) => {
        const jti = generateId();
        const expiries = shuffled(Array.from({ length: concurrency }, (_, index) => NOW + 100 + index));
        await Promise.all(expiries.map((expiresAt) => store.revokeJti(jti, expiresAt, NOW)));
        const latest = NOW + 100 + concurrency - 1;
        expect(await store.isJtiRevoked(jti, latest - 1)).toBe(true);
        expect(await store.isJtiRevoked(jti, latest)).toBe(false);
      });
    });

    describe('revoked sessions', () => {
      test('a session never revoked is not revoked', async (store) => {
        expect(await store.isSessionRevoked(generateId(), NOW)).toBe(false);
      });

      test('a revoked session is revoked from the second of the call until its expiresAt, and not from then on', async (store) => {
        const sid = generateId();
        await store.revokeSession(sid, NOW + 900, NOW);
        // Revoked at second T: an access token of that session checked in the same second is refused.
        expect(await store.isSessionRevoked(sid, NOW)).toBe(true);
        expect(await store.isSessionRevoked(sid, NOW + 899)).toBe(true);
        expect(await store.isSessionRevoked(sid, NOW + 900)).toBe(false);
      });

      test('session ids are independent and opaque (no prefix or pattern confusion)', async (store) => {
        const sid = generateId();
        await store.revokeSession(sid, NOW + 900, NOW);
        for (const other of [
          generateId(),
          `${sid}x`,
          sid.slice(0, -1),
          '*',
          `${sid}*`,
          sid.toLowerCase() === sid ? sid.toUpperCase() : sid.toLowerCase(),
        ]) {
          expect(await store.isSessionRevoked(other, NOW)).toBe(false);
        }
        await store.revokeSession('a:b ü€😀', NOW + 900, NOW);
        expect(await store.isSessionRevoked('a:b ü€😀', NOW)).toBe(true);
        expect(await store.isSessionRevoked('a', NOW)).toBe(false);
      });

      test('revoking a session again keeps the later expiry', async (store) => {
        const sid = generateId();
        await store.revokeSession(sid, NOW + 900, NOW);
        await store.revokeSession(sid, NOW + 100, NOW + 50);
        expect(await store.isSessionRevoked(sid, NOW + 500)).toBe(true);
        await store.revokeSession(sid, NOW + 2000, NOW + 60);
        expect(await store.isSessionRevoked(sid, NOW + 1500)).toBe(true);
        expect(await store.isSessionRevoked(sid, NOW + 2000)).toBe(false);
      });

      test(`${concurrency} concurrent revocations of one session keep the latest expiry`, async (store) => {
        const sid = generateId();
        const expiries = shuffled(Array.from({ length: concurrency }, (_, index) => NOW + 100 + index));
        await Promise.all(expiries.map((expiresAt) => store.revokeSession(sid, expiresAt, NOW)));
        const latest = NOW + 100 + concurrency - 1;
        expect(await store.isSessionRevoked(sid, latest - 1)).toBe(true);
        expect(await store.isSessionRevoked(sid, latest)).toBe(false);
      });
    });

    describe('issued-before cutoff', () => {
      test('a subject without a cutoff has none', async (store) => {
        expect(await store.issuedBeforeCutoff(generateId(), NOW)).toBe(null);
      });

      test('a cutoff is returned until its expiresAt, and not from then on', async (store) => {
        const subject = generateId();
        await store.revokeIssuedBefore(subject, NOW, NOW + 900, NOW);
        expect(await store.issuedBeforeCutoff(subject, NOW)).toBe(NOW);
        expect(await store.issuedBeforeCutoff(subject, NOW + 899)).toBe(NOW);
        expect(await store.issuedBeforeCutoff(subject, NOW + 900)).toBe(null);
      });

      test('the cutoff only moves forward; the expiry keeps the later one', async (store) => {
        const subject = generateId();
        await store.revokeIssuedBefore(subject, NOW + 50, NOW + 950, NOW + 50);
        await store.revokeIssuedBefore(subject, NOW + 10, NOW + 100, NOW + 10);
        expect(await store.issuedBeforeCutoff(subject, NOW + 500)).toBe(NOW + 50);
        await store.revokeIssuedBefore(subject, NOW + 60, NOW + 960, NOW + 60);
        expect(await store.issuedBeforeCutoff(subject, NOW + 955)).toBe(NOW + 60);
        expect(await store.issuedBeforeCutoff(subject, NOW + 960)).toBe(null);
      });

      test('subjects are independent and opaque', async (store) => {
        const subject = generateId();
        await store.revokeIssuedBefore(subject, NOW, NOW + 900, NOW);
        await store.revokeIssuedBefore('a:b ü€😀', NOW + 1, NOW + 900, NOW);
        expect(await store.issuedBeforeCutoff(`${subject}x`, NOW)).toBe(null);
        expect(await store.issuedBeforeCutoff(subject.slice(0, -1), NOW)).toBe(null);
        expect(await store.issuedBeforeCutoff('a', NOW)).toBe(null);
        expect(await store.issuedBeforeCutoff('a:b ü€😀', NOW)).toBe(NOW + 1);
      });

      test('a denylisted id, a revoked session and a cutoff do not mix', async (store) => {
        const jti = generateId();
        await store.revokeJti(jti, NOW + 900, NOW);
        expect(await store.isSessionRevoked(jti, NOW)).toBe(false);
        expect(await store.issuedBeforeCutoff(jti, NOW)).toBe(null);
        const sid = generateId();
        await store.revokeSession(sid, NOW + 900, NOW);
        expect(await store.isJtiRevoked(sid, NOW)).toBe(false);
        expect(await store.issuedBeforeCutoff(sid, NOW)).toBe(null);
        const subject = generateId();
        await store.revokeIssuedBefore(subject, NOW, NOW + 900, NOW);
        expect(await store.isJtiRevoked(subject, NOW)).toBe(false);
        expect(await store.isSessionRevoked(subject, NOW)).toBe(false);
      });

      test(`${concurrency} concurrent cutoffs for one subject keep the latest`, async (store) => {
        const subject = generateId();
        const cutoffs = shuffled(Array.from({ length: concurrency }, (_, index) => NOW + index));
        await Promise.all(cutoffs.map((cutoff) => store.revokeIssuedBefore(subject, cutoff, cutoff + 900, cutoff)));
        expect(await store.issuedBeforeCutoff(subject, NOW)).toBe(NOW + concurrency - 1);
        expect(await store.issuedBeforeCutoff(subject, NOW + concurrency - 1 + 899)).toBe(NOW + concurrency - 1);
      });
    });

    describe("expiry on the caller's clock", () => {
      test("entries are honoured until expiresAt, measured from the call's now, whatever the real clock says", async (store) => {
        // A store that expires entries by itself must measure `expiresAt - now` from the call, never
        // compare expiresAt with its own clock: the caller's clock here is years behind, then ahead.
        for (const now of [PAST, NOW, FUTURE]) {
          const jti = generateId();
          const sid = generateId();
          const subject = generateId();
          await store.revokeJti(jti, now + 60, now);
          await store.revokeSession(sid, now + 60, now);
          await store.revokeIssuedBefore(subject, now, now + 60, now);
          expect(await store.isJtiRevoked(jti, now)).toBe(true);
          expect(await store.isJtiRevoked(jti, now + 59)).toBe(true);
          expect(await store.isJtiRevoked(jti, now + 60)).toBe(false);
          expect(await store.isSessionRevoked(sid, now)).toBe(true);
          expect(await store.isSessionRevoked(sid, now + 59)).toBe(true);
          expect(await store.isSessionRevoked(sid, now + 60)).toBe(false);
          expect(await store.issuedBeforeCutoff(subject, now)).toBe(now);
          expect(await store.issuedBeforeCutoff(subject, now + 59)).toBe(now);
          expect(await store.issuedBeforeCutoff(subject, now + 60)).toBe(null);
        }
      });
    });

    describe('deleteExpired', () => {
      test('removes entries with expiresAt <= now and keeps the rest', async (store) => {
        const goneJti = generateId();
        const keptJti = generateId();
        const goneSid = generateId();
        const keptSid = generateId();
        const goneSubject = generateId();
        const keptSubject = generateId();
        await store.revokeJti(goneJti, NOW + 100, NOW);
        await store.revokeJti(keptJti, NOW + 101, NOW);
        await store.revokeSession(goneSid, NOW + 100, NOW);
        await store.revokeSession(keptSid, NOW + 101, NOW);
        await store.revokeIssuedBefore(goneSubject, NOW, NOW + 100, NOW);
        await store.revokeIssuedBefore(keptSubject, NOW, NOW + 101, NOW);
        const removed = await store.deleteExpired(NOW + 100);
        expect(Number.isInteger(removed) && removed >= 0).toBe(true);
        // Asked with an earlier `now`, a removed entry no longer answers: it is really gone.
        expect(await store.isJtiRevoked(goneJti, NOW)).toBe(false);
        expect(await store.isSessionRevoked(goneSid, NOW)).toBe(false);
        expect(await store.issuedBeforeCutoff(goneSubject, NOW)).toBe(null);
        expect(await store.isJtiRevoked(keptJti, NOW)).toBe(true);
        expect(await store.isSessionRevoked(keptSid, NOW)).toBe(true);
        expect(await store.issuedBeforeCutoff(keptSubject, NOW)).toBe(NOW);
      });
    });
  });
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = randomBytes(4).readUInt32BE(0) % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
