// Base64Url encode and decode against Buffer ('base64url'), 100 B to 1 MB of random bytes.
import { randomBytes } from 'node:crypto';

export const SIZES = [
  ['100B', 100],
  ['1KB', 1024],
  ['10KB', 10 * 1024],
  ['100KB', 100 * 1024],
  ['1MB', 1024 * 1024],
];

export function groups({ builds }) {
  const out = [];
  for (const [label, size] of SIZES) {
    const bytes = () => randomBytes(size);
    out.push({
      id: `base64url/encode/${label}`,
      title: `Base64Url encode, ${label} (the floor is Buffer#toString('base64url'))`,
      build: () => {
        const input = new Uint8Array(bytes());
        const buffer = Buffer.from(input.buffer, input.byteOffset, input.length);
        const expected = buffer.toString('base64url');
        return {
          contestants: [
            { name: 'Buffer', role: 'floor', fn: () => buffer.toString('base64url') },
            ...builds.map(({ name, role, build }) => ({ name, role, fn: () => build.base64url.encode(input) })),
          ],
          check: (result) => {
            if (result !== expected) throw new Error('encode gave a different result');
          },
        };
      },
    });
    out.push({
      id: `base64url/decode/${label}`,
      title: `Base64Url decode (strict), ${label} (the floor is Buffer.from(text, 'base64url'), which is lenient)`,
      build: () => {
        const input = bytes();
        const text = input.toString('base64url');
        return {
          contestants: [
            { name: 'Buffer', role: 'floor', fn: () => Buffer.from(text, 'base64url') },
            ...builds.map(({ name, role, build }) => ({ name, role, fn: () => build.base64url.decode(text) })),
          ],
          check: (result) => {
            if (!input.equals(result)) throw new Error('decode gave different bytes');
          },
        };
      },
    });
  }
  return out;
}
