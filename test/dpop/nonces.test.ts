/**
 * createDPoPNonces: stateless server nonces (RFC 9449 §8, §9), an HMAC of a time window under a
 * server secret.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDPoPNonces } from '../../src/index.js';
import { NOW, caught, expectError } from './helpers.js';

const SECRET = Buffer.alloc(32, 9);

function clockAt(start: number): { clock: () => Date; advance(seconds: number): void } {
  let time = start * 1000;
  return { clock: () => new Date(time), advance: (seconds) => void (time += seconds * 1000) };
}

describe('createDPoPNonces', () => {
  it('a nonce is the Base64Url HMAC-SHA-256 of the window number under the secret', () => {
    const { clock } = clockAt(NOW);
    const nonce = createDPoPNonces({ secret: SECRET, lifetime: 300, clock }).issue();
    const window = Math.floor(NOW / 300);
    const expected = createHmac('sha256', SECRET).update(`jwtkit DPoP nonce window ${window}`).digest('base64url');
    expect(nonce).toBe(expected);
  });

  it('two instances with the same secret issue and accept the same nonces', () => {
    const { clock } = clockAt(NOW);
    const a = createDPoPNonces({ secret: SECRET, clock });
    const b = createDPoPNonces({ secret: Buffer.from(SECRET), clock });
    expect(a.issue()).toBe(b.issue());
    expect(b.check(a.issue())).toBe(true);
  });

  it('accepts the current and the previous window, not the one before, nor a future one', () => {
    const time = clockAt(NOW - (NOW % 60));
    const nonces = createDPoPNonces({ secret: SECRET, lifetime: '1m', clock: time.clock });
    const first = nonces.issue();
    time.advance(59);
    expect(nonces.issue()).toBe(first);
    expect(nonces.check(first)).toBe(true);
    time.advance(1);
    expect(nonces.issue()).not.toBe(first);
    expect(nonces.check(first)).toBe(true);
    time.advance(60);
    expect(nonces.check(first)).toBe(false);
    const later = createDPoPNonces({ secret: SECRET, lifetime: '1m', clock: clockAt(NOW + 600).clock }).issue();
    expect(nonces.check(later)).toBe(false);
  });

  it("refuses another secret's nonce and anything that is not a nonce", () => {
    const { clock } = clockAt(NOW);
    const nonces = createDPoPNonces({ secret: SECRET, clock });
    const other = createDPoPNonces({ secret: Buffer.alloc(32, 8), clock });
    for (const candidate of [other.issue(), '', 'x'.repeat(43), `${nonces.issue()}=`, nonces.issue().slice(1), 42, undefined, null]) {
      expect(nonces.check(candidate)).toBe(false);
    }
  });

  it('keeps no reference to the secret bytes it was given', () => {
    const { clock } = clockAt(NOW);
    const secret = Buffer.from(SECRET);
    const nonces = createDPoPNonces({ secret, clock });
    const before = nonces.issue();
    secret.fill(0);
    expect(createDPoPNonces({ secret: SECRET, clock }).issue()).toBe(before);
    expect(nonces.issue()).toBe(before);
  });

  it.each([
    ['no secret', {}],
    ['a 31-byte secret', { secret: Buffer.alloc(31) }],
    ['a string secret', { secret: 'x'.repeat(40) }],
    ['a lifetime of 0', { secret: SECRET, lifetime: 0 }],
    ['a lifetime over a day', { secret: SECRET, lifetime: '2d' }],
    ['a unitless lifetime string', { secret: SECRET, lifetime: '60' }],
    ['a clock that is not a function', { secret: SECRET, clock: new Date() }],
    ['an unknown option', { secret: SECRET, ttl: '5m' }],
  ])('%s → ERR_INVALID_OPTION', async (_case, options) => {
    expectError(await caught(() => createDPoPNonces(options as never)), 'ERR_INVALID_OPTION');
  });
});
