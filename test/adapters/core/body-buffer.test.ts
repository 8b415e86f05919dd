/**
 * The request-body buffer (src/adapters/core/body-buffer.ts): one buffer, never more than the
 * limit, sized from a declared length or grown by doubling.
 */
import { describe, expect, it } from 'vitest';
import { BodyBuffer } from '../../../src/adapters/core/body-buffer.js';

describe('BodyBuffer', () => {
  it('1-byte chunks end in one buffer of at most maxBytes, reached by doubling from 1 KiB', () => {
    const body = new BodyBuffer(10_000, undefined);
    const capacities = new Set<number>();
    for (let index = 0; index < 10_000; index++) {
      expect(body.append(Uint8Array.of(index % 256))).toBe(true);
      capacities.add(body.bytes().buffer.byteLength);
    }
    expect([...capacities]).toEqual([1024, 2048, 4096, 8192, 10_000]);
    expect(body.bytes().byteLength).toBe(10_000);
    expect(body.bytes()[9_999]).toBe(9_999 % 256);
  });

  it('a chunk that would pass maxBytes is refused and nothing of it is kept', () => {
    const body = new BodyBuffer(8, undefined);
    expect(body.append(new Uint8Array(5).fill(1))).toBe(true);
    expect(body.append(new Uint8Array(4).fill(2))).toBe(false);
    expect([...body.bytes()]).toEqual([1, 1, 1, 1, 1]);
  });

  it('a declared length sizes the buffer once; a body longer than declared still grows within the limit', () => {
    const declared = new BodyBuffer(16_384, 3000);
    declared.append(new Uint8Array(1));
    expect(declared.bytes().buffer.byteLength).toBe(3000);
    for (let index = 1; index < 3000; index++) declared.append(new Uint8Array(1));
    expect(declared.bytes().buffer.byteLength).toBe(3000);
    declared.append(new Uint8Array(1));
    expect(declared.bytes().buffer.byteLength).toBe(6000);
    expect(new BodyBuffer(100, undefined).bytes().byteLength).toBe(0);
  });
});
