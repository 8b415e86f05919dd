import { describe, it, expect } from 'vitest';
import { MemoryRefreshTokenStore } from '../../src/tokens/memory-refresh-token-store.js';
import { MemoryRevocationStore } from '../../src/tokens/memory-revocation-store.js';
import { runRefreshTokenStoreSuite } from '../../src/testing/refresh-token-store-suite.js';
import { runRevocationStoreSuite } from '../../src/testing/revocation-store-suite.js';
import type { NewRefreshTokenRecord } from '../../src/tokens/store.js';
import { isJwtError } from '../../src/errors.js';
import type { Duration } from '../../src/internal/duration.js';
import { eventLoopTurns } from './event-loop-turns.js';

runRefreshTokenStoreSuite(() => new MemoryRefreshTokenStore(), { describe, it, expect });
runRevocationStoreSuite(() => new MemoryRevocationStore(), { describe, it, expect });

const NOW = 1_700_000_000;

function record(index: number, overrides: Partial<NewRefreshTokenRecord> = {}): NewRefreshTokenRecord {
  return {
    hash: `hash-${index}`,
    subject: `user-${index % 7}`,
    familyId: `family-${index}`,
    parentHash: null,
    createdAt: NOW,
    expiresAt: NOW + 100 + index,
    idleExpiresAt: null,
    claims: {},
    ...overrides,
  };
}

describe('MemoryRefreshTokenStore specifics', () => {
  it('deleteExpired counts exactly the records it removed', async () => {
    const store = new MemoryRefreshTokenStore();
    for (let index = 0; index < 10; index++) await store.insert(record(index));
    expect(await store.deleteExpired(NOW + 104)).toBe(5);
    expect(store.size).toBe(5);
    expect(await store.deleteExpired(NOW + 104)).toBe(0);
  });

  it('memory stays bounded: insert schedules sweeps of records expired for longer than the sweep interval', async () => {
    const store = new MemoryRefreshTokenStore({ sweepInterval: '10s' });
    for (let round = 0; round < 100; round++) {
      const now = NOW + round * 100;
      for (let index = 0; index < 50; index++) {
        await store.insert(record(round * 50 + index, { createdAt: now, expiresAt: now + 30 }));
      }
      // The sweep an insert scheduled runs once the event loop turns.
      await eventLoopTurns(2);
    }
    // Only the last round (and at most the one before) can still be held.
    expect(store.size <= 100).toBe(true);
  });

  it('an expired record stays readable as expired for one sweep interval before the sweep drops it', async () => {
    const store = new MemoryRefreshTokenStore({ sweepInterval: '1m' });
    await store.insert(record(1, { expiresAt: NOW + 100 }));
    const successor = record(2, { parentHash: 'hash-1', familyId: 'family-1' });
    expect((await store.rotate('hash-1', successor, NOW + 130)).status).toBe('expired');
    expect((await store.rotate('hash-1', successor, NOW + 159)).status).toBe('expired');
    // This call finds a sweep due (two intervals after expiry at the latest) and only schedules it:
    // the record still reads as expired, and as unknown once the sweep has run.
    expect((await store.rotate('hash-1', successor, NOW + 221)).status).toBe('expired');
    await eventLoopTurns(2);
    expect((await store.rotate('hash-1', successor, NOW + 221)).status).toBe('unknown');
  });

  it('refuses claims that are not a JSON object, and a duplicate hash, changing nothing', async () => {
    const store = new MemoryRefreshTokenStore();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(store.insert(record(1, { claims: cyclic }))).rejects.toSatisfy((error) => isJwtError(error, 'ERR_INVALID_OPTION'));
    await expect(store.insert(record(1, { claims: { big: 1n } }))).rejects.toSatisfy((error) => isJwtError(error, 'ERR_INVALID_OPTION'));
    await store.insert(record(1));
    await expect(store.insert(record(1))).rejects.toSatisfy((error) => isJwtError(error, 'ERR_INVALID_OPTION'));
    await store.insert(record(2));
    const duplicate = record(2, { familyId: 'family-1', parentHash: 'hash-1' });
    await expect(store.rotate('hash-1', duplicate, NOW + 1)).rejects.toSatisfy((error) => isJwtError(error, 'ERR_INVALID_OPTION'));
    expect((await store.find('hash-1'))?.usedAt).toBe(null);
    expect(store.size).toBe(2);
  });

  it('rejects a bad sweep interval', () => {
    for (const sweepInterval of [0, '0s', -1, Number.NaN, Number.POSITIVE_INFINITY, '60', '1 m', true] as Duration[]) {
      expect(() => new MemoryRefreshTokenStore({ sweepInterval })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
      expect(() => new MemoryRevocationStore({ sweepInterval })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });

  it('still accepts the deprecated sweepIntervalSeconds (a number of seconds), and refuses it with sweepInterval', async () => {
    // With the default 60 s interval the record would still read as expired at NOW + 130.
    const store = new MemoryRefreshTokenStore({ sweepIntervalSeconds: 10 });
    await store.insert(record(1, { expiresAt: NOW + 100 }));
    const successor = record(2, { parentHash: 'hash-1', familyId: 'family-1' });
    expect((await store.rotate('hash-1', successor, NOW + 105)).status).toBe('expired');
    await store.rotate('hash-1', successor, NOW + 130);
    await eventLoopTurns(2);
    expect((await store.rotate('hash-1', successor, NOW + 130)).status).toBe('unknown');
    for (const sweepIntervalSeconds of [0, -1, '60s' as unknown as number]) {
      expect(() => new MemoryRefreshTokenStore({ sweepIntervalSeconds })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
      expect(() => new MemoryRevocationStore({ sweepIntervalSeconds })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
    const both = { sweepInterval: '1m', sweepIntervalSeconds: 60 } as const;
    expect(() => new MemoryRefreshTokenStore(both)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    expect(() => new MemoryRevocationStore(both)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
  });
});

describe('MemoryRevocationStore specifics', () => {
  it('memory stays bounded: reads schedule sweeps of entries expired for longer than the sweep interval', async () => {
    const store = new MemoryRevocationStore({ sweepInterval: 10 });
    for (let round = 0; round < 100; round++) {
      const now = NOW + round * 100;
      for (let index = 0; index < 50; index++) {
        await store.revokeJti(`jti-${round}-${index}`, now + 30, now);
        await store.revokeIssuedBefore(`sub-${round}-${index}`, now, now + 30, now);
      }
      await store.isJtiRevoked('probe', now);
      await eventLoopTurns(2);
    }
    expect(store.size <= 200).toBe(true);
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
    await store.revokeIssuedBefore('s', NOW, NOW + 10, NOW);
    expect(await store.deleteExpired(NOW + 10)).toBe(2);
    expect(store.size).toBe(1);
  });
});
