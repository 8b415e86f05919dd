/**
 * The memory stores sweep expired entries in slices, off the request path (see "Memory stores:
 * expired entries" in docs/token-workflow.md): no call removes more than one slice's count (in fact
 * none), each turn of the event loop runs at most one slice of a sweep, and a sweep never breaks
 * the subject index when calls run between its slices. Deletions are counted through
 * `size`, never timed; time is the callers' (a fake clock), never the system's.
 */
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../../src/testing/fake-clock.js';
import { MemoryRefreshTokenStore } from '../../src/tokens/memory-refresh-token-store.js';
import { MemoryRevocationStore } from '../../src/tokens/memory-revocation-store.js';
import { SWEEP_SLICE_ENTRIES } from '../../src/tokens/sliced-sweep.js';
import type { NewRefreshFamily, PresentedRefreshToken, RefreshSuccessor } from '../../src/tokens/store.js';
import { eventLoopTurns } from './event-loop-turns.js';

const EXPIRING = 10_000;
const LIVE = 100;
const LIFETIME = 100;
const SUBJECTS = 7;
/** Rotations of each expiring family: they change nothing to what a sweep has to remove. */
const ROTATIONS = 3;
/** A session cap no subject here reaches. */
const CAP = 1_000_000;

function family(name: string, subject: number, createdAt: number, expiresAt: number): NewRefreshFamily {
  return {
    familyId: `family-${name}`,
    subject: `user-${subject % SUBJECTS}`,
    hash: `hash-${name}.0`,
    tagKey: `tag-key-${name}`,
    createdAt,
    expiresAt,
    idleExpiresAt: null,
    claims: { name },
    jkt: null,
  };
}

function presented(name: string, generation: number): PresentedRefreshToken {
  return { familyId: `family-${name}`, generation, hash: `hash-${name}.${generation}` };
}

function successor(name: string, generation: number): RefreshSuccessor {
  return { hash: `hash-${name}.${generation}`, idleExpiresAt: null, claims: { name, generation } };
}

/** How many entries a call removed: the size it left, against the size before and what it added. */
async function removedBy(store: { readonly size: number }, added: number, call: () => Promise<unknown>): Promise<number> {
  const before = store.size;
  await call();
  return before + added - store.size;
}

/** Lets the event loop turn once at a time until `size` reaches `target`, checking each turn removes at most a slice. */
async function sweepTurnByTurn(store: { readonly size: number }, target: number, maxTurns = 100): Promise<number[]> {
  const removedPerTurn: number[] = [];
  for (let turn = 0; turn < maxTurns && store.size !== target; turn++) {
    const before = store.size;
    await eventLoopTurns(1);
    removedPerTurn.push(before - store.size);
  }
  return removedPerTurn;
}

/**
 * A refresh store holding EXPIRING families (rotated ROTATIONS times each, over SUBJECTS subjects)
 * that expire together at start + LIFETIME, and LIVE families that do not; the sweep the first
 * insert scheduled has run (and removed nothing).
 */
async function refreshStoreWithExpiringFamilies() {
  const clock = createFakeClock();
  const start = clock.seconds();
  const store = new MemoryRefreshTokenStore({ sweepInterval: '1m' });
  for (let index = 0; index < EXPIRING; index++) {
    await store.insert(family(`${index}`, index, start, start + LIFETIME), CAP);
    for (let generation = 1; generation <= ROTATIONS; generation++) {
      expect((await store.rotate(presented(`${index}`, generation - 1), successor(`${index}`, generation), start)).status).toBe('rotated');
    }
  }
  for (let index = 0; index < LIVE; index++) {
    await store.insert(family(`live-${index}`, index, start, start + 100 * LIFETIME), CAP);
  }
  await eventLoopTurns(EXPIRING / SWEEP_SLICE_ENTRIES + 2);
  expect(store.size).toBe(EXPIRING + LIVE);
  return { clock, start, store };
}

describe('MemoryRefreshTokenStore sweeps in slices, off the request path', () => {
  it('no insert or rotate removes more than one slice, though 10,000 families expired together', async () => {
    const { clock, store } = await refreshStoreWithExpiringFamilies();
    // Past expiry by more than the sweep interval: the next call finds a sweep due.
    clock.advance(LIFETIME + 61);
    const now = clock.seconds();
    const removed: number[] = [];
    removed.push(await removedBy(store, 1, () => store.insert(family('new-0', 0, now, now + LIFETIME), CAP)));
    // An expired family the sweep has not reached yet still reports `expired`.
    const late = (): Promise<unknown> => store.rotate(presented('7777', ROTATIONS), successor('7777', ROTATIONS + 1), now);
    removed.push(await removedBy(store, 0, async () => expect(await late()).toEqual(expect.objectContaining({ status: 'expired' }))));
    for (let call = 1; call <= 20; call++) {
      await eventLoopTurns(1);
      removed.push(await removedBy(store, 0, () => store.rotate(presented('live-0', call - 1), successor('live-0', call), now)));
      removed.push(await removedBy(store, 1, () => store.insert(family(`new-${call}`, call, now, now + LIFETIME), CAP)));
    }
    expect(Math.max(...removed)).toBeLessThanOrEqual(SWEEP_SLICE_ENTRIES);
    // Between those calls, the event loop turned and the sweep removed everything expired.
    const kept = LIVE + 21;
    await eventLoopTurns(2);
    expect(store.size).toBe(kept);
    expect(await late()).toEqual({ status: 'unknown' });
    expect((await store.find('family-live-0'))?.generation).toBe(20);
  });

  it('each turn of the event loop runs at most one slice, until every expired family is gone', async () => {
    const { clock, store } = await refreshStoreWithExpiringFamilies();
    clock.advance(LIFETIME + 61);
    expect(await removedBy(store, 0, () => store.find('family-0'))).toBe(0);
    const now = clock.seconds();
    expect(await removedBy(store, 1, () => store.insert(family('new', 0, now, now + LIFETIME), CAP))).toBe(0);
    const perTurn = await sweepTurnByTurn(store, LIVE + 1);
    expect(store.size).toBe(LIVE + 1);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(SWEEP_SLICE_ENTRIES);
    expect(perTurn.length).toBeGreaterThanOrEqual(EXPIRING / SWEEP_SLICE_ENTRIES);
  });

  it('deleteExpired removes everything expired in slices, and resolves with the total', async () => {
    const { clock, start, store } = await refreshStoreWithExpiringFamilies();
    const pending = store.deleteExpired(start + LIFETIME);
    // Nothing is removed inside the call.
    expect(store.size).toBe(EXPIRING + LIVE);
    const perTurn = await sweepTurnByTurn(store, LIVE);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(SWEEP_SLICE_ENTRIES);
    expect(await pending).toBe(EXPIRING);
    expect(store.size).toBe(LIVE);
    // deleteExpired removes what expired at `now`, without waiting for the sweep interval.
    clock.advance(100 * LIFETIME);
    expect(await store.deleteExpired(clock.seconds())).toBe(LIVE);
    expect(store.size).toBe(0);
  });

  it('keeps the subject index intact when calls run between slices', async () => {
    const { clock, store } = await refreshStoreWithExpiringFamilies();
    // Expired, but not for a sweep interval yet: only deleteExpired removes them, a slice a turn.
    clock.advance(LIFETIME);
    const now = clock.seconds();
    const pending = store.deleteExpired(now);
    const added: NewRefreshFamily[] = [];
    for (let turn = 1; store.size > LIVE + added.length && turn < 100; turn++) {
      await eventLoopTurns(1);
      // Between two slices, a login under a new family id, or under the id of a family the sweep
      // already removed (the first slice removes the first 1,000 families); and a presentation of
      // a family it has not reached yet (the last ones), which still reads as expired.
      const name = turn % 2 === 0 ? `${90_000 + turn}` : `${turn}`;
      const login = family(name, turn, now, now + LIFETIME);
      await store.insert(login, CAP);
      added.push(login);
      if (turn < EXPIRING / SWEEP_SLICE_ENTRIES - 1) {
        const unreached = `${EXPIRING - turn}`;
        expect((await store.rotate(presented(unreached, ROTATIONS), successor(unreached, ROTATIONS + 1), now)).status).toBe('expired');
      }
    }
    expect(added.length).toBeGreaterThanOrEqual(EXPIRING / SWEEP_SLICE_ENTRIES);
    expect(await pending).toBe(EXPIRING);
    expect(store.size).toBe(LIVE + added.length);
    // Every family added between slices survived the sweep whole: its login rotates...
    for (const login of added) {
      const name = login.familyId.slice('family-'.length);
      expect((await store.rotate(presented(name, 0), successor(name, 1), now)).status).toBe('rotated');
    }
    // ...and is still indexed under its subject: revoking the subject reaches it.
    const reached = new Set<string>();
    for (let subject = 0; subject < SUBJECTS; subject++) {
      for (const { familyId } of await store.revokeSubject(`user-${subject}`, 'logout_all', now)) reached.add(familyId);
    }
    expect(reached.size).toBe(LIVE + added.length);
    for (const login of added) expect((await store.find(login.familyId))?.revokedReason).toBe('logout_all');
    for (let index = 0; index < LIVE; index++) expect((await store.find(`family-live-${index}`))?.revoked).toBe(true);
    expect(store.size).toBe(LIVE + added.length);
  });

  it('a scheduled sweep never keeps the process alive; a deleteExpired the caller awaits does', async () => {
    const { clock, store } = await refreshStoreWithExpiringFamilies();
    const pendingImmediates = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Immediate').length;
    clock.advance(LIFETIME + 61);
    const before = pendingImmediates();
    // This call finds a sweep due: it is scheduled without a reference on the event loop...
    await store.rotate(presented('0', ROTATIONS), successor('0', ROTATIONS + 1), clock.seconds());
    expect(pendingImmediates()).toBe(before);
    // ...and runs all the same.
    await eventLoopTurns(1);
    expect(store.size).toBe(EXPIRING + LIVE - SWEEP_SLICE_ENTRIES);
    const pending = store.deleteExpired(clock.seconds());
    expect(pendingImmediates()).toBe(before + 1);
    await pending;
    expect(store.size).toBe(LIVE);
  });
});

describe('MemoryRevocationStore sweeps in slices, off the request path', () => {
  async function storeWithExpiringEntries() {
    const clock = createFakeClock();
    const start = clock.seconds();
    const store = new MemoryRevocationStore({ sweepInterval: '1m' });
    for (let index = 0; index < EXPIRING / 2; index++) {
      await store.revokeJti(`jti-${index}`, start + LIFETIME, start);
      await store.revokeIssuedBefore(`subject-${index}`, start, start + LIFETIME, start);
    }
    await store.revokeJti('jti-live', start + 100 * LIFETIME, start);
    await eventLoopTurns(EXPIRING / SWEEP_SLICE_ENTRIES + 2);
    expect(store.size).toBe(EXPIRING + 1);
    return { clock, start, store };
  }

  it('no isJtiRevoked, revokeJti, revokeIssuedBefore or issuedBeforeCutoff removes more than one slice', async () => {
    const { clock, store } = await storeWithExpiringEntries();
    clock.advance(LIFETIME + 61);
    const now = clock.seconds();
    const removed: number[] = [];
    // Expired but not yet swept: already reads as not revoked.
    removed.push(await removedBy(store, 0, async () => expect(await store.isJtiRevoked('jti-1', now)).toBe(false)));
    for (let call = 0; call < 20; call++) {
      await eventLoopTurns(1);
      removed.push(await removedBy(store, 0, async () => expect(await store.isJtiRevoked('jti-live', now)).toBe(true)));
      removed.push(await removedBy(store, 0, () => store.issuedBeforeCutoff(`subject-${call}`, now)));
      removed.push(await removedBy(store, 1, () => store.revokeJti(`jti-new-${call}`, now + LIFETIME, now)));
      removed.push(await removedBy(store, 1, () => store.revokeIssuedBefore(`subject-new-${call}`, now, now + LIFETIME, now)));
    }
    expect(Math.max(...removed)).toBeLessThanOrEqual(SWEEP_SLICE_ENTRIES);
    await eventLoopTurns(2);
    expect(store.size).toBe(1 + 40);
    expect(await store.isJtiRevoked('jti-live', now)).toBe(true);
    expect(await store.issuedBeforeCutoff('subject-new-0', now)).toBe(now);
  });

  it('deleteExpired removes in slices, resolves with the total, and keeps an entry extended between slices', async () => {
    const { start, store } = await storeWithExpiringEntries();
    const pending = store.deleteExpired(start + LIFETIME);
    expect(store.size).toBe(EXPIRING + 1);
    await eventLoopTurns(1);
    // Extended after the sweep started, before it reached the entry (the last one of the denylist).
    await store.revokeJti(`jti-${EXPIRING / 2 - 1}`, start + 10 * LIFETIME, start + LIFETIME);
    await store.revokeIssuedBefore(`subject-${EXPIRING / 2 - 1}`, start + 1, start + 10 * LIFETIME, start + LIFETIME);
    const perTurn = await sweepTurnByTurn(store, 3);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(SWEEP_SLICE_ENTRIES);
    expect(await pending).toBe(EXPIRING - 2);
    expect(store.size).toBe(3);
    expect(await store.isJtiRevoked(`jti-${EXPIRING / 2 - 1}`, start + LIFETIME)).toBe(true);
    expect(await store.issuedBeforeCutoff(`subject-${EXPIRING / 2 - 1}`, start + LIFETIME)).toBe(start + 1);
  });
});
