// Unknown option names of the Redis and PostgreSQL stores and of `migrate` are refused with
// ERR_INVALID_OPTION at construction, before the client is used (no server needed).
import { describe, expect, it, vi } from 'vitest';
import { isJwtError } from '../../src/errors.js';
import { migrate, PostgresKeyRingStore, PostgresRefreshTokenStore, PostgresRevocationStore } from '../../src/stores/postgres/index.js';
import { RedisKeyRingStore, RedisRefreshTokenStore, RedisRevocationStore } from '../../src/stores/redis/index.js';

/** The code and message of what `run` throws or rejects with. */
async function failureOf(run: () => unknown): Promise<{ code: string | undefined; message: string }> {
  try {
    await run();
  } catch (error) {
    return { code: isJwtError(error) ? error.code : undefined, message: error instanceof Error ? error.message : String(error) };
  }
  return { code: undefined, message: '' };
}

describe('Redis stores: unknown option names', () => {
  it('refuse a misspelt option, naming the closest one, and never send a command', async () => {
    const sendCommand = vi.fn(async () => null);
    for (const Store of [RedisRefreshTokenStore, RedisRevocationStore, RedisKeyRingStore]) {
      const failure = await failureOf(() => new Store({ client: { sendCommand }, keyprefix: 'app:' } as never));
      expect(failure.code).toBe('ERR_INVALID_OPTION');
      expect(failure.message).toContain('"keyPrefix"');
      expect((await failureOf(() => new Store({ client: { sendCommand }, timeout: 1 } as never))).code).toBe('ERR_INVALID_OPTION');
      expect(new Store({ client: { sendCommand }, keyPrefix: 'app:', commandTimeout: '1s' })).toBeInstanceOf(Store);
    }
    expect(sendCommand).not.toHaveBeenCalled();
  });
});

describe('PostgreSQL stores and migrate: unknown option names', () => {
  it('refuse a misspelt option, naming the closest one, and never query', async () => {
    const query = vi.fn(async () => ({ rows: [] }));
    for (const Store of [PostgresRefreshTokenStore, PostgresRevocationStore, PostgresKeyRingStore]) {
      const failure = await failureOf(() => new Store({ client: { query }, schemaName: 'auth' } as never));
      expect(failure.code).toBe('ERR_INVALID_OPTION');
      expect(failure.message).toContain('"schemaName"');
      expect((await failureOf(() => new Store({ client: { query }, querytimeout: 1 } as never))).code).toBe('ERR_INVALID_OPTION');
      expect(new Store({ client: { query }, schema: 'auth', queryTimeout: '1s' })).toBeInstanceOf(Store);
    }
    // A ring's row never expires: the key ring store has no deleteBudget.
    expect((await failureOf(() => new PostgresKeyRingStore({ client: { query }, deleteBudget: 1 } as never))).code).toBe(
      'ERR_INVALID_OPTION',
    );
    const failure = await failureOf(() => migrate({ query }, { shema: 'auth' } as never));
    expect(failure.code).toBe('ERR_INVALID_OPTION');
    expect(failure.message).toContain('"schema"');
    expect(query).not.toHaveBeenCalled();
  });
});
