import { describe, it, expect } from 'vitest';
import { MemoryRefreshTokenStore } from '../../src/tokens/memory-refresh-token-store.js';
import { MemoryRevocationStore } from '../../src/tokens/memory-revocation-store.js';
import { runRefreshTokenStoreSuite } from '../../src/testing/refresh-token-store-suite.js';
import { runRevocationStoreSuite } from '../../src/testing/revocation-store-suite.js';
import type { NewRefreshFamily, PresentedRefreshToken, RefreshSuccessor } from '../../src/tokens/store.js';
import { isJwtError } from '../../src/errors.js';
import type { Duration } from '../../src/internal/duration.js';
import { eventLoopTurns } from './event-loop-turns.js';

runRefreshTokenStoreSuite(() => new MemoryRefreshTokenStore(), { describe, it, expect });
runRevocationStoreSuite(() => new MemoryRevocationStore(), { describe, it, expect });

const NOW = 1_700_000_000;
const CAP = 1_000;

function family(index: number, overrides: Partial<NewRefreshFamily> = {}): NewRefreshFamily {
  return {
    familyId: `family-${index}`,
    subject: `user-${index % 7}`,
    hash: `hash-${index}.0`,
    tagKey: `tag-key-${index}`,
    createdAt: NOW,
    expiresAt: NOW + 100 + index,
    idleExpiresAt: null,
    claims: {},
    jkt: null,
    ...overrides,
  };
}

function presented(index: number, generation = 0): PresentedRefreshToken {
  return { familyId: `family-${index}`, generation, hash: `hash-${index}.${generation}` };
}

function successor(index: number, generation: number, overrides: Partial<RefreshSuccessor> = {}): RefreshSuccessor {
  return { hash: `hash-${index}.${generation}`, idleExpiresAt: null, claims: { generation }, ...overrides };
}

describe('MemoryRefreshTokenStore specifics', () => {
  it('deleteExpired counts exactly the families it removed', async () => {
    const store = new MemoryRefreshTokenStore();
    for (let index = 0; index < 10; index++) await store.insert(family(index), CAP);
    expect(await store.deleteExpired(NOW + 104)).toBe(5);
    expect(store.size).toBe(5);
    expect(await store.deleteExpired(NOW + 104)).toBe(0);
  });

  it('keeps one record per family however often it rotates, and still detects the first token as reuse', async () => {
    const store = new MemoryRefreshTokenStore();
    await store.insert(family(1, { expiresAt: NOW + 86_400 }), CAP);
    for (let generation = 1; generation <= 1_000; generation++) {
      expect((await store.rotate(presented(1, generation - 1), successor(1, generation), NOW + 1)).status).toBe('rotated');
    }
    expect(store.size).toBe(1);
    const replay = await store.rotate(presented(1, 0), successor(1, 1_001), NOW + 2);
    expect(replay.status === 'used' && replay.successorUsed).toBe(true);
    expect(store.size).toBe(1);
  });

  it('memory stays bounded: insert schedules sweeps of families expired for longer than the sweep interval', async () => {
    const store = new MemoryRefreshTokenStore({ sweepInterval: '10s' });
    for (let round = 0; round < 100; round++) {
      const now = NOW + round * 100;
      for (let index = 0; index < 50; index++) {
        await store.insert(family(round * 50 + index, { createdAt: now, expiresAt: now + 30 }), CAP);
      }
      // The sweep an insert scheduled runs once the event loop turns.
      await eventLoopTurns(2);
    }
    // Only the last round (and at most the one before) can still be held.
    expect(store.size <= 100).toBe(true);
  });

  it('an expired family stays readable as expired for one sweep interval before the sweep drops it', async () => {
    const store = new MemoryRefreshTokenStore({ sweepInterval: '1m' });
    await store.insert(family(1, { expiresAt: NOW + 100 }), CAP);
    expect((await store.rotate(presented(1), successor(1, 1), NOW + 130)).status).toBe('expired');
    expect((await store.rotate(presented(1), successor(1, 1), NOW + 159)).status).toBe('expired');
    // This call finds a sweep due (two intervals after expiry at the latest) and only schedules it:
    // the family still reads as expired, and as unknown once the sweep has run.
    expect((await store.rotate(presented(1), successor(1, 1), NOW + 221)).status).toBe('expired');
    await eventLoopTurns(2);
    expect((await store.rotate(presented(1), successor(1, 1), NOW + 221)).status).toBe('unknown');
    expect(await store.find('family-1')).toBe(null);
  });

  it('refuses claims that are not a JSON object, a duplicate family id and a bad cap, changing nothing', async () => {
    const store = new MemoryRefreshTokenStore();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const refused = (error: unknown): boolean => isJwtError(error, 'ERR_INVALID_OPTION');
    await expect(store.insert(family(1, { claims: cyclic }), CAP)).rejects.toSatisfy(refused);
    await expect(store.insert(family(1, { claims: { big: 1n } }), CAP)).rejects.toSatisfy(refused);
    await expect(store.insert(family(1, { claims: [] as never }), CAP)).rejects.toSatisfy(refused);
    for (const cap of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1' as never]) {
      await expect(store.insert(family(1), cap)).rejects.toSatisfy(refused);
    }
    expect(store.size).toBe(0);
    await store.insert(family(1), CAP);
    await expect(store.insert(family(1, { subject: 'other' }), CAP)).rejects.toSatisfy(refused);
    await expect(store.rotate(presented(1), successor(1, 1, { claims: cyclic }), NOW + 1)).rejects.toSatisfy(refused);
    const found = await store.find('family-1');
    expect([found?.generation, found?.subject, store.size]).toEqual([0, 'user-1', 1]);
  });

  it('a generation that is not a non-negative integer is unknown, never used or current', async () => {
    const store = new MemoryRefreshTokenStore();
    await store.insert(family(1), CAP);
    await store.rotate(presented(1, 0), successor(1, 1), NOW + 1);
    await store.rotate(presented(1, 1), successor(1, 2), NOW + 1);
    for (const generation of [
      -1,
      0.5,
      1.5,
      2.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      '1' as never,
      '2' as never,
    ]) {
      const result = await store.rotate({ familyId: 'family-1', generation, hash: 'hash-1.2' }, successor(1, 3), NOW + 2);
      expect([generation, result.status]).toEqual([generation, 'unknown']);
    }
    expect((await store.find('family-1'))?.generation).toBe(2);
  });

  it('rejects a bad sweep interval', () => {
    for (const sweepInterval of [0, '0s', -1, Number.NaN, Number.POSITIVE_INFINITY, '60', '1 m', true] as Duration[]) {
      expect(() => new MemoryRefreshTokenStore({ sweepInterval })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
      expect(() => new MemoryRevocationStore({ sweepInterval })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });

  it('still accepts the deprecated sweepIntervalSeconds (a number of seconds), and refuses it with sweepInterval', async () => {
    // With the default 60 s interval the family would still read as expired at NOW + 130.
    const store = new MemoryRefreshTokenStore({ sweepIntervalSeconds: 10 });
    await store.insert(family(1, { expiresAt: NOW + 100 }), CAP);
    expect((await store.rotate(presented(1), successor(1, 1), NOW + 105)).status).toBe('expired');
    await store.rotate(presented(1), successor(1, 1), NOW + 130);
    await eventLoopTurns(2);
    expect((await store.rotate(presented(1), successor(1, 1), NOW + 130)).status).toBe('unknown');
    for (const sweepIntervalSeconds of [0, -1, '60s' as unknown as number]) {
      expect(() => new MemoryRefreshTokenStore({ sweepIntervalSeconds })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
      expect(() => new MemoryRevocationStore({ sweepIntervalSeconds })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
    const both = { sweepInterval: '1m', sweepIntervalSeconds: 60 } as const;
    expect(() => new MemoryRefreshTokenStore(both)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => new MemoryRevocationStore(both)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });

  it('has no adoptLegacy: it never holds records of contract v1', () => {
    expect('adoptLegacy' in new MemoryRefreshTokenStore()).toBe(false);
  });
});

describe('MemoryRevocationStore specifics', () => {
  it('memory stays bounded: reads schedule sweeps of entries expired for longer than the sweep interval', async () => {
    const store = new MemoryRevocationStore({ sweepInterval: 10 });
    for (let round = 0; round < 100; round++) {
      const now = NOW + round * 100;
      for (let index = 0; index < 50; index++) {
        await store.revokeJti(`jti-${round}-${index}`, now + 30, now);
        await store.revokeSession(`sid-${round}-${index}`, now + 30, now);
        await store.revokeIssuedBefore(`sub-${round}-${index}`, now, now + 30, now);
      }
      await store.isJtiRevoked('probe', now);
      await eventLoopTurns(2);
    }
    expect(store.size <= 300).toBe(true);
  });

  it('memory stays bounded without reads: writes schedule sweeps too, with their now', async () => {
    const store = new MemoryRevocationStore({ sweepInterval: 10 });
    for (let round = 0; round < 100; round++) {
      const now = NOW + round * 100;
      for (let index = 0; index < 50; index++) {
        await store.revokeJti(`jti-${round}-${index}`, now + 30, now);
        await store.revokeIssuedBefore(`sub-${round}-${index}`, now, now + 30, now);
      }
      await eventLoopTurns(2);
    }
    expect(store.size).toBe(100);
  });

  it('deleteExpired counts exactly the entries it removed', async () => {
    const store = new MemoryRevocationStore();
    await store.revokeJti('a', NOW + 10, NOW);
    await store.revokeJti('b', NOW + 20, NOW);
    await store.revokeSession('a', NOW + 10, NOW);
    await store.revokeSession('b', NOW + 20, NOW);
    await store.revokeIssuedBefore('s', NOW, NOW + 10, NOW);
    expect(store.size).toBe(5);
    expect(await store.deleteExpired(NOW + 10)).toBe(3);
    expect(store.size).toBe(2);
  });

  it('memory stays bounded by the revoked sessions still alive: session checks schedule sweeps too', async () => {
    const store = new MemoryRevocationStore({ sweepInterval: 10 });
    for (let round = 0; round < 100; round++) {
      const now = NOW + round * 100;
      for (let index = 0; index < 50; index++) await store.revokeSession(`sid-${round}-${index}`, now + 30, now);
      await store.isSessionRevoked('probe', now);
      await eventLoopTurns(2);
    }
    expect(store.size).toBe(50);
  });
});
