/**
 * D26, the unit part (the rest of D26 is in test/jws/signature.test.ts): HMAC tags are compared
 * with `crypto.timingSafeEqual`, and only after the length check (timingSafeEqual throws on
 * unequal lengths). No timing is measured.
 */
import { describe, expect, it, vi } from 'vitest';

const spy = vi.hoisted(() => ({ calls: [] as Array<[number, number]> }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([a.byteLength, b.byteLength]);
      return actual.timingSafeEqual(a, b);
    },
  };
});

const { verify } = await import('../../src/index.js');
const { expectCode, forge, fromB64u, parts, withSignature, NOW_CLOCK, FAR_FUTURE } = await import('../helpers/core.js');

describe('D26. constant-time HMAC comparison', () => {
  const secret = new Uint8Array(32).fill(7);
  const token = forge('HS256', { alg: 'HS256' }, { sub: 'a', exp: FAR_FUTURE }, secret);
  const options = { algorithms: ['HS256' as const], clock: NOW_CLOCK };

  it('a correct tag and a wrong tag of the right length are both compared with timingSafeEqual (32 vs 32 bytes)', async () => {
    spy.calls.length = 0;
    await expect(verify(token, secret, options)).resolves.toMatchObject({ payload: { sub: 'a', exp: FAR_FUTURE } });
    const tag = fromB64u(parts(token)[2]);
    tag[0] = (tag[0] as number) ^ 0x80;
    await expectCode(() => verify(withSignature(token, tag.toString('base64url')), secret, options), 'ERR_JWT_SIGNATURE_INVALID');
    expect(spy.calls).toEqual([
      [32, 32],
      [32, 32],
    ]);
  });

  it('a tag of the wrong length never reaches timingSafeEqual (which would throw)', async () => {
    spy.calls.length = 0;
    for (const length of [0, 1, 31, 33, 64]) {
      await expectCode(
        () => verify(withSignature(token, Buffer.alloc(length, 1).toString('base64url')), secret, options),
        'ERR_JWT_SIGNATURE_INVALID',
      );
    }
    expect(spy.calls).toEqual([]);
  });
});
