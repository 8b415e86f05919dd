/**
 * F33–F37, JSON parsing (RFC 8725 §2.6, §3.7, §3.10): duplicate member names at the top level of
 * the header and of the payload are rejected with ERR_JWT_MALFORMED (by verify and by decode,
 * which share the parser).
 */
import { describe, expect, it } from 'vitest';
import { decode, verify, verifyJws, type VerifyOptions } from '../../src/index.js';
import { expectCode, expectCodeSync, FAR_FUTURE, forge, NOW_CLOCK, testKeys } from '../helpers/core.js';

const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
const HEADER = '{"alg":"HS256","typ":"JWT"}';
const hs = (header: string, payload: string | Uint8Array): string => forge('HS256', header, payload, keys.hs256);

describe('F33. header or payload is valid JSON but not an object', () => {
  for (const payload of ['[]', '"admin"', '1', '0', '-1', 'null', 'true', 'false', '{', '', ' ', '[{"sub":"admin"}]']) {
    it(`payload ${JSON.stringify(payload)} → ERR_JWT_MALFORMED (verify and decode)`, async () => {
      const token = hs(HEADER, payload);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      expectCodeSync(() => decode(token), 'ERR_JWT_MALFORMED');
    });
  }
  for (const header of ['[]', '"HS256"', 'null', '1', '["HS256"]', '{"alg":"HS256"', '']) {
    it(`header ${JSON.stringify(header)} → ERR_JWT_MALFORMED (verify, verifyJws, decode)`, async () => {
      const token = hs(header, '{"sub":"admin"}');
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
      expectCodeSync(() => decode(token), 'ERR_JWT_MALFORMED');
    });
  }
});

describe('F34. duplicate member names at the top level', () => {
  const headers = [
    '{"alg":"none","alg":"HS256"}',
    '{"alg":"HS256","alg":"HS256"}',
    '{"alg":"HS256","crit":[],"crit":["x"]}',
    '{"alg":"HS256","kid":"a","kid":"b"}',
    '{"alg":"HS256","k\\u0069d":"a","kid":"b"}',
    '{"__proto__":1,"alg":"HS256","__proto__":2}',
  ];
  for (const header of headers) {
    it(`header ${header} → ERR_JWT_MALFORMED`, async () => {
      const token = hs(header, `{"sub":"admin","exp":${FAR_FUTURE}}`);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
      expectCodeSync(() => decode(token), 'ERR_JWT_MALFORMED');
    });
  }

  const payloads = [
    `{"sub":"alice","sub":"admin","exp":${FAR_FUTURE}}`,
    `{"exp":1,"exp":${FAR_FUTURE}}`,
    `{"aud":"x","aud":"y","exp":${FAR_FUTURE}}`,
    `{"sub":"a","s\\u0075b":"b","exp":${FAR_FUTURE}}`,
    `{"role":"user","role":"admin","exp":${FAR_FUTURE}}`,
    `{"__proto__":{},"__proto__":{"admin":true},"exp":${FAR_FUTURE}}`,
  ];
  for (const payload of payloads) {
    it(`payload ${payload} → ERR_JWT_MALFORMED (verify and decode agree)`, async () => {
      const token = hs(HEADER, payload);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      expectCodeSync(() => decode(token), 'ERR_JWT_MALFORMED');
    });
  }

  it('the same names in nested objects, or with different escapes meaning different names, are fine', async () => {
    const payload = `{"sub":"a","nested":{"sub":"b"},"list":[{"x":1},{"x":2}],"s\\u0075b2":"c","exp":${FAR_FUTURE},"str":"a:b,\\"c\\":{"}`;
    const { payload: claims } = await verify(hs(HEADER, payload), keys.hs256, HS);
    expect(claims).toEqual(JSON.parse(payload));
  });

  it('control: RFC 7515 A.1-style whitespace between members is valid JSON', async () => {
    const token = hs('{"typ":"JWT",\r\n "alg":"HS256"}', `{"iss":"joe",\r\n "exp":${FAR_FUTURE}}`);
    await expect(verify(token, keys.hs256, HS)).resolves.toMatchObject({ payload: { iss: 'joe' } });
  });
});

describe('F35. __proto__, constructor and inherited properties', () => {
  it('payload with "__proto__": verifies, but nothing is polluted and no inherited admin appears', async () => {
    const token = hs(HEADER, `{"sub":"u1","__proto__":{"admin":true},"exp":${FAR_FUTURE}}`);
    expect(token.split('.')[1]).toBe('eyJzdWIiOiJ1MSIsIl9fcHJvdG9fXyI6eyJhZG1pbiI6dHJ1ZX0sImV4cCI6NDEwMjQ0NDgwMH0');
    const { payload } = await verify(token, keys.hs256, HS);
    expect((payload as Record<string, unknown>)['admin']).toBeUndefined();
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    expect([Object.prototype, null]).toContain(Object.getPrototypeOf(payload));
    const decoded = decode(token).payload;
    expect((decoded as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('payload {"constructor":{"prototype":{"admin":true}}}: no pollution', async () => {
    const token = hs(HEADER, `{"constructor":{"prototype":{"admin":true}},"exp":${FAR_FUTURE}}`);
    await verify(token, keys.hs256, HS);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it('header {"alg":"HS256","crit":["constructor"]} → ERR_JWT_UNSUPPORTED_HEADER', async () => {
    const token = hs('{"alg":"HS256","crit":["constructor"]}', `{"exp":${FAR_FUTURE}}`);
    await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_UNSUPPORTED_HEADER');
  });

  it('requiredClaims of inherited names (toString, constructor, __proto__, hasOwnProperty) → ERR_JWT_CLAIM_INVALID (missing)', async () => {
    const token = hs(HEADER, `{"sub":"u1","exp":${FAR_FUTURE}}`);
    for (const claim of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const error = await expectCode(() => verify(token, keys.hs256, { ...HS, requiredClaims: [claim] }), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim, reason: 'missing' });
    }
  });

  it('an own "__proto__" member satisfies requiredClaims ["__proto__"]', async () => {
    const token = hs(HEADER, `{"__proto__":1,"exp":${FAR_FUTURE}}`);
    const { payload } = await verify(token, keys.hs256, { ...HS, requiredClaims: ['__proto__'] });
    expect(Object.getOwnPropertyDescriptor(payload, '__proto__')?.value).toBe(1);
    expect(payload.exp).toBe(FAR_FUTURE);
  });
});

describe('F36. invalid UTF-8, BOM, UTF-16', () => {
  const bytes = (...chunks: Array<string | number[]>): Uint8Array =>
    new Uint8Array(Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk)))));

  const badPayloads: Array<[string, Uint8Array]> = [
    ['overlong "/" (C0 AF)', bytes('{"sub":"a', [0xc0, 0xaf], `b","exp":${FAR_FUTURE}}`)],
    ['a lone continuation byte', bytes('{"sub":"a', [0x80], `b","exp":${FAR_FUTURE}}`)],
    ['an encoded surrogate (ED A0 80)', bytes('{"sub":"a', [0xed, 0xa0, 0x80], `b","exp":${FAR_FUTURE}}`)],
    ['a truncated sequence', bytes('{"sub":"a', [0xe2, 0x82], `","exp":${FAR_FUTURE}}`)],
    ['Latin-1 "é" (E9)', bytes('{"sub":"', [0xe9], `","exp":${FAR_FUTURE}}`)],
    ['a UTF-8 BOM', bytes([0xef, 0xbb, 0xbf], `{"sub":"a","exp":${FAR_FUTURE}}`)],
    ['UTF-16LE', new Uint8Array(Buffer.from(`{"sub":"a","exp":${FAR_FUTURE}}`, 'utf16le'))],
    ['UTF-16LE with BOM', bytes([0xff, 0xfe], [...Buffer.from(`{"exp":${FAR_FUTURE}}`, 'utf16le')])],
  ];
  for (const [name, payload] of badPayloads) {
    it(`payload with ${name} → ERR_JWT_MALFORMED`, async () => {
      const token = forge('HS256', HEADER, payload, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      expectCodeSync(() => decode(token), 'ERR_JWT_MALFORMED');
    });
  }

  it('header with a BOM, invalid UTF-8 or UTF-16 → ERR_JWT_MALFORMED', async () => {
    const headers = [
      bytes([0xef, 0xbb, 0xbf], HEADER),
      bytes('{"alg":"HS256","kid":"', [0xc0, 0xaf], '"}'),
      new Uint8Array(Buffer.from(HEADER, 'utf16le')),
    ];
    for (const header of headers) {
      const token = `${Buffer.from(header).toString('base64url')}.${Buffer.from(`{"exp":${FAR_FUTURE}}`).toString('base64url')}`;
      const signed = forge('HS256', '{}', '', keys.hs256); // only for a well-formed signature segment
      const full = `${token}.${signed.split('.')[2]}`;
      await expectCode(() => verify(full, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      await expectCode(() => verifyJws(full, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
    }
  });

  it('control: valid non-ASCII UTF-8 (é, 𝄞, U+2019) round-trips exactly', async () => {
    const payload = `{"name":"José 𝄞 it’s","exp":${FAR_FUTURE}}`;
    const { payload: claims } = await verify(hs(HEADER, payload), keys.hs256, HS);
    expect(claims['name']).toBe('José 𝄞 it’s');
  });
});

describe('F37. deep nesting and huge values never crash', () => {
  const outcome = async (token: string, options: VerifyOptions): Promise<string> =>
    verify(token, keys.hs256, options).then(
      () => 'verified',
      (error: unknown) => {
        if (typeof error === 'object' && error !== null && (error as { name?: string }).name === 'JwtError')
          return (error as { code: string }).code;
        throw error;
      },
    );

  it('200 000 nested arrays / objects (size cap raised) → a JwtError (depth limit), never a RangeError', async () => {
    const big: VerifyOptions = { ...HS, maxTokenLength: 3_000_000 };
    for (const payload of [
      `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)},"exp":${FAR_FUTURE}}`,
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
    ]) {
      expect(await outcome(hs(HEADER, payload), big)).toBe('ERR_JWT_MALFORMED');
    }
  });

  it('nesting within the default size cap (1 000 levels) → ERR_JWT_MALFORMED or verified, never a crash', async () => {
    const payload = `{"a":${'['.repeat(1000)}${']'.repeat(1000)},"exp":${FAR_FUTURE}}`;
    expect(['verified', 'ERR_JWT_MALFORMED']).toContain(await outcome(hs(HEADER, payload), HS));
    expect(['verified', 'ERR_JWT_MALFORMED']).toContain(
      await outcome(hs(`{"alg":"HS256","x":${'['.repeat(1000)}${']'.repeat(1000)}}`, `{"exp":${FAR_FUTURE}}`), HS),
    );
  });

  it('moderate nesting (10 levels) in a claim verifies', async () => {
    const payload = `{"a":${'['.repeat(10)}1${']'.repeat(10)},"exp":${FAR_FUTURE}}`;
    expect(await outcome(hs(HEADER, payload), HS)).toBe('verified');
  });

  it('a 4 KB string claim and a 1 500-digit number verify (the number is just a huge value)', async () => {
    const payload = `{"s":"${'x'.repeat(4000)}","n":${'9'.repeat(1500)},"exp":${FAR_FUTURE}}`;
    const { payload: claims } = await verify(hs(HEADER, payload), keys.hs256, HS);
    expect(claims['s']).toHaveLength(4000);
    expect(claims['n']).toBe(Number.POSITIVE_INFINITY);
  });
});
