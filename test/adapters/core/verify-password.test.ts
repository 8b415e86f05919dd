// verifyPassword: an unknown account costs the same hash work as a wrong password (counted calls,
// not wall-clock time), and is always false.
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src/adapters/express/index.js';
import { verifyPassword as fetchVerifyPassword } from '../../../src/adapters/fetch/index.js';

function countingVerifier() {
  const calls: Array<[string, string]> = [];
  const verify = async (password: string, hash: string): Promise<boolean> => {
    calls.push([password, hash]);
    return hash === `hash(${password})`;
  };
  return { calls, verify, options: { verify, dummyHash: 'hash(dummy)' } };
}

describe('verifyPassword', () => {
  it('runs the hash check once for a known account with a wrong password, once for an unknown account', async () => {
    const wrong = countingVerifier();
    expect(await verifyPassword('guess', 'hash(secret)', wrong.options)).toBe(false);
    const unknown = countingVerifier();
    expect(await verifyPassword('guess', undefined, unknown.options)).toBe(false);
    expect(await verifyPassword('guess', null, unknown.options)).toBe(false);
    expect(wrong.calls).toHaveLength(1);
    expect(unknown.calls).toHaveLength(2);
    expect(unknown.calls.map(([, hash]) => hash)).toEqual(['hash(dummy)', 'hash(dummy)']);
    expect(fetchVerifyPassword).toBe(verifyPassword);
  });

  it('is true only for a known account with the right password, even when the password hashes to the dummy', async () => {
    const { options, calls } = countingVerifier();
    expect(await verifyPassword('secret', 'hash(secret)', options)).toBe(true);
    expect(await verifyPassword('dummy', undefined, options)).toBe(false);
    expect(await verifyPassword(42, 'hash(secret)', options)).toBe(false);
    expect(calls).toHaveLength(3);
  });

  it('refuses bad options with ERR_INVALID_OPTION', async () => {
    const { verify } = countingVerifier();
    for (const options of [{ verify, dummyHash: '' }, { verify: 'no', dummyHash: 'x' }, { verify, dummyHash: 'x', dummy: 1 }, null]) {
      await expect(verifyPassword('p', 'h', options as never)).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    }
  });
});
