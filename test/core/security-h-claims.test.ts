/**
 * security.md Part 1, section H (claims), entries 41-48, with NOW = 1_700_000_000 via
 * `clock`. Issue 2: clockTolerance default 5 s, capped at 300 (a string or non-finite value
 * is ERR_INVALID_OPTION); requireExp default true; an expected iss/aud/sub/typ makes the claim
 * required; iss and sub must be strings, aud a string or an array of strings; exp/nbf/iat finite
 * numbers; an iat in the future beyond the tolerance is rejected.
 */
import { describe, expect, it } from 'vitest';
import { sign, verify, type VerifyOptions } from '../../src/index.js';
import { expectCode, FAR_FUTURE, forge, NOW, NOW_CLOCK, testKeys } from './helpers.js';

const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
const HEADER = '{"alg":"HS256","typ":"JWT"}';
/** A correctly signed token over the exact payload text. */
const tok = (payload: string | object): string => forge('HS256', HEADER, payload, keys.hs256);
const claims = (extra: Record<string, unknown>): object => ({ sub: 'u1', exp: FAR_FUTURE, ...extra });

describe('H41. NumericDate type confusion', () => {
  const wrongTypes: Array<[string, string]> = [
    ['"9999999999"', '"9999999999"'],
    ['"tomorrow"', '"tomorrow"'],
    ['true', 'true'],
    ['[4102444800]', '[4102444800]'],
    ['{}', '{}'],
    ['null', 'null'],
    ['1e400 (Infinity)', '1e400'],
    ['-1e400 (-Infinity)', '-1e400'],
  ];
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    for (const [name, raw] of wrongTypes) {
      it(`${claim} = ${name} → ERR_JWT_CLAIM_INVALID (type)`, async () => {
        const others = claim === 'exp' ? '' : `,"exp":${FAR_FUTURE}`;
        const error = await expectCode(
          () => verify(tok(`{"sub":"u1","${claim}":${raw}${others}}`), keys.hs256, HS),
          'ERR_JWT_CLAIM_INVALID',
        );
        expect(error).toMatchObject({ claim, reason: 'type' });
      });
    }
  }

  it('exp = 0 and exp = -1 → ERR_JWT_EXPIRED with expiredAt', async () => {
    for (const exp of [0, -1]) {
      const error = await expectCode(() => verify(tok({ exp }), keys.hs256, HS), 'ERR_JWT_EXPIRED');
      expect(error.expiredAt?.getTime()).toBe(exp * 1000);
    }
  });

  it('nbf / iat of 0 or -1 are in the past: accepted', async () => {
    for (const value of [0, -1]) {
      await expect(verify(tok(claims({ nbf: value, iat: value })), keys.hs256, HS)).resolves.toBeDefined();
    }
  });

  it('fractional values are legal and compared numerically', async () => {
    const zero: VerifyOptions = { ...HS, clockTolerance: 0 };
    await expect(verify(tok({ exp: NOW + 0.5 }), keys.hs256, zero)).resolves.toBeDefined();
    await expectCode(() => verify(tok({ exp: NOW - 0.5 }), keys.hs256, zero), 'ERR_JWT_EXPIRED');
    await expect(verify(tok(claims({ nbf: NOW - 0.5, iat: NOW - 0.5 })), keys.hs256, zero)).resolves.toBeDefined();
    await expectCode(() => verify(tok(claims({ nbf: NOW + 0.5 })), keys.hs256, zero), 'ERR_JWT_NOT_YET_VALID');
    await expectCode(() => verify(tok(claims({ iat: NOW + 0.5 })), keys.hs256, zero), 'ERR_JWT_CLAIM_INVALID');
    await expect(verify(tok(claims({ nbf: NOW + 1.5, iat: NOW + 1.5 })), keys.hs256, { ...HS, clockTolerance: 2 })).resolves.toBeDefined();
    await expectCode(() => verify(tok(claims({ nbf: NOW + 2.5 })), keys.hs256, { ...HS, clockTolerance: 2 }), 'ERR_JWT_NOT_YET_VALID');
  });
});

describe('H42. time boundaries, clock tolerance and option validation', () => {
  const zero: VerifyOptions = { ...HS, clockTolerance: 0 };
  const thirty: VerifyOptions = { ...HS, clockTolerance: 30 };

  it('tolerance 0: exp = NOW rejected, NOW+1 accepted; nbf = NOW accepted, NOW+1 rejected', async () => {
    await expectCode(() => verify(tok({ exp: NOW }), keys.hs256, zero), 'ERR_JWT_EXPIRED');
    await expect(verify(tok({ exp: NOW + 1 }), keys.hs256, zero)).resolves.toBeDefined();
    await expect(verify(tok(claims({ nbf: NOW })), keys.hs256, zero)).resolves.toBeDefined();
    await expectCode(() => verify(tok(claims({ nbf: NOW + 1 })), keys.hs256, zero), 'ERR_JWT_NOT_YET_VALID');
  });

  it('tolerance 30: exp = NOW-30 rejected, NOW-29 accepted; nbf = NOW+30 accepted, NOW+31 rejected; iat = NOW+31 rejected', async () => {
    await expectCode(() => verify(tok({ exp: NOW - 30 }), keys.hs256, thirty), 'ERR_JWT_EXPIRED');
    await expect(verify(tok({ exp: NOW - 29 }), keys.hs256, thirty)).resolves.toBeDefined();
    await expect(verify(tok(claims({ nbf: NOW + 30 })), keys.hs256, thirty)).resolves.toBeDefined();
    await expectCode(() => verify(tok(claims({ nbf: NOW + 31 })), keys.hs256, thirty), 'ERR_JWT_NOT_YET_VALID');
    await expect(verify(tok(claims({ iat: NOW + 30 })), keys.hs256, thirty)).resolves.toBeDefined();
    const error = await expectCode(() => verify(tok(claims({ iat: NOW + 31 })), keys.hs256, thirty), 'ERR_JWT_CLAIM_INVALID');
    expect(error).toMatchObject({ claim: 'iat', reason: 'future' });
  });

  it('default tolerance is 5 s: exp = NOW-5 rejected, NOW-4 accepted; nbf/iat NOW+5 accepted, NOW+6 rejected', async () => {
    await expectCode(() => verify(tok({ exp: NOW - 5 }), keys.hs256, HS), 'ERR_JWT_EXPIRED');
    await expect(verify(tok({ exp: NOW - 4 }), keys.hs256, HS)).resolves.toBeDefined();
    await expect(verify(tok(claims({ nbf: NOW + 5, iat: NOW + 5 })), keys.hs256, HS)).resolves.toBeDefined();
    await expectCode(() => verify(tok(claims({ nbf: NOW + 6 })), keys.hs256, HS), 'ERR_JWT_NOT_YET_VALID');
    await expectCode(() => verify(tok(claims({ iat: NOW + 6 })), keys.hs256, HS), 'ERR_JWT_CLAIM_INVALID');
  });

  it('the clock keeps its milliseconds: tolerance 0, clock at NOW+0.9 s → exp NOW+0.5 expired, nbf NOW+0.5 valid', async () => {
    // RFC 7519 §4.1.4/4.1.5: NumericDates may be fractional; flooring the clock to whole seconds
    // would accept a token up to 1 s after exp and refuse one up to 1 s after nbf.
    const fractional: VerifyOptions = { ...HS, clockTolerance: 0, clock: () => new Date(NOW * 1000 + 900) };
    await expectCode(() => verify(tok({ exp: NOW + 0.5 }), keys.hs256, fractional), 'ERR_JWT_EXPIRED');
    await expect(verify(tok(claims({ nbf: NOW + 0.5 })), keys.hs256, fractional)).resolves.toBeDefined();
    await expect(verify(tok({ exp: NOW + 1 }), keys.hs256, fractional)).resolves.toBeDefined();
  });

  it('clockTolerance NaN, ±Infinity, -1, "30", 301, 3600, null → ERR_INVALID_OPTION; 300 is the cap and accepted', async () => {
    for (const clockTolerance of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, '30', 301, 3600, null, true]) {
      await expectCode(
        () => verify(tok(claims({})), keys.hs256, { ...HS, clockTolerance: clockTolerance as number }),
        'ERR_INVALID_OPTION',
      );
    }
    await expect(verify(tok({ exp: NOW - 299 }), keys.hs256, { ...HS, clockTolerance: 300 })).resolves.toBeDefined();
    await expectCode(() => verify(tok({ exp: NOW - 300 }), keys.hs256, { ...HS, clockTolerance: 300 }), 'ERR_JWT_EXPIRED');
  });

  it('option errors come first: an invalid tolerance with an invalid token is still ERR_INVALID_OPTION', async () => {
    await expectCode(() => verify('x.y.z', keys.hs256, { ...HS, clockTolerance: Number.NaN }), 'ERR_INVALID_OPTION');
  });

  it('maxAge 0 with iat = NOW-1 (tolerance 0) → rejected; iat = NOW accepted; maxAge requires iat', async () => {
    const old = await expectCode(
      () => verify(tok(claims({ iat: NOW - 1 })), keys.hs256, { ...zero, maxAge: 0 }),
      'ERR_JWT_EXPIRED',
      'ERR_JWT_CLAIM_INVALID',
    );
    expect(old.claim).toBe('iat');
    await expect(verify(tok(claims({ iat: NOW })), keys.hs256, { ...zero, maxAge: 0 })).resolves.toBeDefined();
    const missing = await expectCode(() => verify(tok(claims({})), keys.hs256, { ...HS, maxAge: '1h' }), 'ERR_JWT_CLAIM_INVALID');
    expect(missing).toMatchObject({ claim: 'iat', reason: 'missing' });
  });

  it('maxAge as a duration string: "1h" accepts iat = NOW-3600, rejects iat = NOW-3601 (tolerance 0)', async () => {
    await expect(verify(tok(claims({ iat: NOW - 3600 })), keys.hs256, { ...zero, maxAge: '1h' })).resolves.toBeDefined();
    await expectCode(
      () => verify(tok(claims({ iat: NOW - 3601 })), keys.hs256, { ...zero, maxAge: '1h' }),
      'ERR_JWT_EXPIRED',
      'ERR_JWT_CLAIM_INVALID',
    );
  });

  it('maxAge "60" (no unit), -1, NaN → ERR_INVALID_OPTION', async () => {
    for (const maxAge of ['60', -1, Number.NaN, '1y', '']) {
      await expectCode(() => verify(tok(claims({ iat: NOW })), keys.hs256, { ...HS, maxAge: maxAge as never }), 'ERR_INVALID_OPTION');
    }
  });

  it('clock must be a function returning a valid Date (ERR_INVALID_OPTION); it drives the checks', async () => {
    for (const clock of [new Date(NOW * 1000), NOW * 1000, '2023-11-14', null]) {
      await expectCode(() => verify(tok(claims({})), keys.hs256, { ...HS, clock: clock as never }), 'ERR_INVALID_OPTION');
    }
    for (const returned of [new Date(Number.NaN), NOW * 1000, '2023-11-14', null, undefined]) {
      await expectCode(() => verify(tok(claims({})), keys.hs256, { ...HS, clock: () => returned as never }), 'ERR_INVALID_OPTION');
    }
    await expectCode(
      () => verify(tok({ exp: NOW + 100 }), keys.hs256, { ...HS, clock: () => new Date((NOW + 200) * 1000) }),
      'ERR_JWT_EXPIRED',
    );
  });

  it('the expiry error carries expiredAt, the exact exp', async () => {
    const error = await expectCode(() => verify(tok({ exp: NOW - 100 }), keys.hs256, HS), 'ERR_JWT_EXPIRED');
    expect(error.expiredAt).toEqual(new Date((NOW - 100) * 1000));
  });
});

describe('H43. required claims and falsy options', () => {
  it('a token without exp → ERR_JWT_CLAIM_INVALID (exp, missing) by default; requireExp: false accepts it', async () => {
    const error = await expectCode(() => verify(tok({ sub: 'u1' }), keys.hs256, HS), 'ERR_JWT_CLAIM_INVALID');
    expect(error).toMatchObject({ claim: 'exp', reason: 'missing' });
    await expect(verify(tok({ sub: 'u1' }), keys.hs256, { ...HS, requireExp: false })).resolves.toBeDefined();
  });

  it('requireExp must be a boolean', async () => {
    await expectCode(() => verify(tok(claims({})), keys.hs256, { ...HS, requireExp: 0 as never }), 'ERR_INVALID_OPTION');
  });

  it('empty-string expectations are compared, not ignored: issuer "", audience "", subject "" → mismatch', async () => {
    const token = tok(claims({ iss: 'x', aud: 'y' }));
    for (const [option, claim] of [
      ['issuer', 'iss'],
      ['audience', 'aud'],
      ['subject', 'sub'],
    ] as const) {
      const error = await expectCode(() => verify(token, keys.hs256, { ...HS, [option]: '' }), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim, reason: 'mismatch' });
    }
  });

  it('requiredClaims ["exp","jti"] on a token without jti → ERR_JWT_CLAIM_INVALID (jti, missing)', async () => {
    const error = await expectCode(
      () => verify(tok(claims({})), keys.hs256, { ...HS, requiredClaims: ['exp', 'jti'] }),
      'ERR_JWT_CLAIM_INVALID',
    );
    expect(error).toMatchObject({ claim: 'jti', reason: 'missing' });
    await expect(verify(tok(claims({ jti: 'j1' })), keys.hs256, { ...HS, requiredClaims: ['exp', 'jti'] })).resolves.toBeDefined();
  });

  it('a claim present with the value null or false still counts as present', async () => {
    await expect(
      verify(tok(claims({ flag: false, other: null })), keys.hs256, { ...HS, requiredClaims: ['flag', 'other'] }),
    ).resolves.toBeDefined();
  });

  it('configured iss / sub / aud / typ make the claim required (missing)', async () => {
    const token = tok({ exp: FAR_FUTURE });
    for (const [option, claim] of [
      ['issuer', 'iss'],
      ['subject', 'sub'],
      ['audience', 'aud'],
    ] as const) {
      const error = await expectCode(() => verify(token, keys.hs256, { ...HS, [option]: 'x' }), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim, reason: 'missing' });
    }
    await expectCode(() => verify(token, keys.hs256, { ...HS, typ: 'at+jwt' }), 'ERR_JWT_TYPE_MISMATCH');
  });

  it('requiredClaims must be an array of strings', async () => {
    for (const requiredClaims of ['jti', [1], null]) {
      await expectCode(() => verify(tok(claims({})), keys.hs256, { ...HS, requiredClaims: requiredClaims as never }), 'ERR_INVALID_OPTION');
    }
  });
});

describe('H44. audience', () => {
  const audience: VerifyOptions = { ...HS, audience: 'api-a' };
  const accepted: unknown[] = ['api-a', ['api-b', 'api-a'], ['api-a', 'api-a'], ['api-a']];
  const mismatched: unknown[] = ['api-b', [], 'API-A', 'api-a ', ['api-b'], ''];
  const wrongType: unknown[] = [[1, 'api-a'], { 0: 'api-a' }, 1, null, true, [['api-a']]];

  for (const aud of accepted) {
    it(`aud ${JSON.stringify(aud)} → accepted`, async () => {
      await expect(verify(tok(claims({ aud })), keys.hs256, audience)).resolves.toBeDefined();
    });
  }
  for (const aud of mismatched) {
    it(`aud ${JSON.stringify(aud)} → ERR_JWT_CLAIM_INVALID (mismatch)`, async () => {
      const error = await expectCode(() => verify(tok(claims({ aud })), keys.hs256, audience), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim: 'aud', reason: 'mismatch' });
    });
  }
  for (const aud of wrongType) {
    it(`aud ${JSON.stringify(aud)} → ERR_JWT_CLAIM_INVALID (type)`, async () => {
      const error = await expectCode(() => verify(tok(claims({ aud })), keys.hs256, audience), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim: 'aud', reason: 'type' });
    });
  }

  it('aud absent → ERR_JWT_CLAIM_INVALID (missing)', async () => {
    const error = await expectCode(() => verify(tok(claims({})), keys.hs256, audience), 'ERR_JWT_CLAIM_INVALID');
    expect(error).toMatchObject({ claim: 'aud', reason: 'missing' });
  });

  it('a list of expected audiences: any match', async () => {
    await expect(verify(tok(claims({ aud: 'api-b' })), keys.hs256, { ...HS, audience: ['api-a', 'api-b'] })).resolves.toBeDefined();
    await expectCode(
      () => verify(tok(claims({ aud: 'api-c' })), keys.hs256, { ...HS, audience: ['api-a', 'api-b'] }),
      'ERR_JWT_CLAIM_INVALID',
    );
  });

  it('audience options that are not strings (RegExp, number, empty list, list with a non-string) → ERR_INVALID_OPTION', async () => {
    for (const option of [/api-a/, 1, [], ['api-a', 1], null]) {
      await expectCode(() => verify(tok(claims({ aud: 'api-a' })), keys.hs256, { ...HS, audience: option as never }), 'ERR_INVALID_OPTION');
    }
  });
});

describe('H45. issuer', () => {
  const issuer: VerifyOptions = { ...HS, issuer: 'https://issuer.example' };

  it('exact match passes; look-alikes mismatch; arrays and numbers are type errors; absent is missing', async () => {
    await expect(verify(tok(claims({ iss: 'https://issuer.example' })), keys.hs256, issuer)).resolves.toBeDefined();
    for (const iss of ['https://issuer.example/', 'https://issuer.example.evil', 'HTTPS://ISSUER.EXAMPLE', '']) {
      const error = await expectCode(() => verify(tok(claims({ iss })), keys.hs256, issuer), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim: 'iss', reason: 'mismatch' });
    }
    for (const iss of [['https://evil', 'https://issuer.example'], ['https://issuer.example'], 123, null, {}]) {
      const error = await expectCode(() => verify(tok(claims({ iss })), keys.hs256, issuer), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim: 'iss', reason: 'type' });
    }
    const missing = await expectCode(() => verify(tok(claims({})), keys.hs256, issuer), 'ERR_JWT_CLAIM_INVALID');
    expect(missing).toMatchObject({ claim: 'iss', reason: 'missing' });
  });

  it('a list of issuers: any exact match', async () => {
    const options = { ...HS, issuer: ['https://a', 'https://b'] };
    await expect(verify(tok(claims({ iss: 'https://b' })), keys.hs256, options)).resolves.toBeDefined();
    await expectCode(() => verify(tok(claims({ iss: 'https://c' })), keys.hs256, options), 'ERR_JWT_CLAIM_INVALID');
  });

  it('iss of the wrong type is refused even when no issuer is expected', async () => {
    const error = await expectCode(() => verify(tok(claims({ iss: ['a'] })), keys.hs256, HS), 'ERR_JWT_CLAIM_INVALID');
    expect(error).toMatchObject({ claim: 'iss', reason: 'type' });
  });

  it("issuer-scoped keys (RFC 8725 §3.8): a resolver keyed by the verified issuer refuses the other issuer's key", async () => {
    // Two issuers, two keys; the application checks iss after verification with the key of that issuer.
    const keyA = new Uint8Array(32).fill(1);
    const keyB = new Uint8Array(32).fill(2);
    const fromB = forge('HS256', HEADER, claims({ iss: 'https://a' }), keyB); // B claims to be A
    await expectCode(() => verify(fromB, keyA, { ...HS, issuer: 'https://a' }), 'ERR_JWT_SIGNATURE_INVALID');
    await expectCode(() => verify(fromB, keyB, { ...HS, issuer: 'https://b' }), 'ERR_JWT_CLAIM_INVALID');
  });
});

describe('H46. sub and jti types', () => {
  for (const [claim, value] of [
    ['sub', ['a', 'b']],
    ['sub', 1],
    ['sub', null],
    ['jti', {}],
    ['jti', 1],
    ['jti', ['j']],
  ] as const) {
    it(`${claim} = ${JSON.stringify(value)} → ERR_JWT_CLAIM_INVALID (type), even with no expectation configured`, async () => {
      const error = await expectCode(() => verify(tok({ exp: FAR_FUTURE, [claim]: value }), keys.hs256, HS), 'ERR_JWT_CLAIM_INVALID');
      expect(error).toMatchObject({ claim, reason: 'type' });
    });
  }

  it('sub "" is a string: accepted unless a subject is expected, then compared exactly', async () => {
    await expect(verify(tok({ exp: FAR_FUTURE, sub: '' }), keys.hs256, HS)).resolves.toBeDefined();
    await expectCode(() => verify(tok({ exp: FAR_FUTURE, sub: '' }), keys.hs256, { ...HS, subject: 'u1' }), 'ERR_JWT_CLAIM_INVALID');
    await expect(verify(tok({ exp: FAR_FUTURE, sub: 'u1' }), keys.hs256, { ...HS, subject: 'u1' })).resolves.toBeDefined();
    await expectCode(() => verify(tok({ exp: FAR_FUTURE, sub: 'U1' }), keys.hs256, { ...HS, subject: 'u1' }), 'ERR_JWT_CLAIM_INVALID');
  });
});

describe('H47. RegExp options and duration parsing', () => {
  it('RegExp for issuer / audience / subject (incl. a ReDoS pattern and a stateful /g) → ERR_INVALID_OPTION', async () => {
    const token = tok(claims({ aud: `${'a'.repeat(40)}!`, iss: 'trusted' }));
    await expectCode(() => verify(token, keys.hs256, { ...HS, audience: /^(a+)+$/ as never }), 'ERR_INVALID_OPTION');
    await expectCode(() => verify(token, keys.hs256, { ...HS, issuer: /trusted/g as never }), 'ERR_INVALID_OPTION');
    await expectCode(() => verify(token, keys.hs256, { ...HS, issuer: [/trusted/g] as never }), 'ERR_INVALID_OPTION');
    await expectCode(() => verify(token, keys.hs256, { ...HS, subject: /u1/ as never }), 'ERR_INVALID_OPTION');
  });

  it('duration strings: 10 KB of digits, "1".repeat(1e4) + "x", "60" and "15 m" are refused (ERR_INVALID_OPTION)', async () => {
    for (const value of ['9'.repeat(10_000), `${'1'.repeat(10_000)}x`, `${'1'.repeat(10_000)}s`, '60', '15 m', '15M', '-1m', '1.5h', 'm']) {
      await expectCode(
        () => sign({ sub: 'u' }, keys.hs256, { alg: 'HS256', expiresIn: value as never, clock: NOW_CLOCK }),
        'ERR_INVALID_OPTION',
      );
      await expectCode(() => verify(tok(claims({ iat: NOW })), keys.hs256, { ...HS, maxAge: value as never }), 'ERR_INVALID_OPTION');
    }
  });

  it('valid durations: "15m", "1h", "30d", "2w", "30s" and numbers set exp = iat + seconds', async () => {
    const cases: Array<[string | number, number]> = [
      ['15m', 900],
      ['1h', 3600],
      ['30d', 2_592_000],
      ['2w', 1_209_600],
      ['30s', 30],
      [120, 120],
      [0, 0],
    ];
    for (const [expiresIn, seconds] of cases) {
      const token = await sign({ sub: 'u' }, keys.hs256, { alg: 'HS256', expiresIn: expiresIn as never, clock: NOW_CLOCK });
      const { payload } = await verify(token, keys.hs256, { ...HS, requireExp: seconds > 0 });
      expect(payload).toMatchObject({ iat: NOW, exp: NOW + seconds });
    }
  });
});

describe('H48. the signature is checked before the claims', () => {
  it('exp: 0 (expired) with a wrong signature → ERR_JWT_SIGNATURE_INVALID, not ERR_JWT_EXPIRED', async () => {
    const wrongKey = new Uint8Array(32).fill(9);
    const token = forge('HS256', HEADER, { sub: 'admin', exp: 0 }, wrongKey);
    await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_SIGNATURE_INVALID');
  });

  it('every claim failure (type, nbf, iat future, iss, aud, typ, missing exp) hides behind a bad signature', async () => {
    const wrongKey = new Uint8Array(32).fill(9);
    const payloads = [
      { exp: 'x' },
      { exp: FAR_FUTURE, nbf: FAR_FUTURE },
      { exp: FAR_FUTURE, iat: FAR_FUTURE },
      { exp: FAR_FUTURE, iss: 1 },
      {},
    ];
    for (const payload of payloads) {
      const token = forge('HS256', HEADER, payload, wrongKey);
      await expectCode(() => verify(token, keys.hs256, { ...HS, issuer: 'x', audience: 'y', typ: 'at+jwt' }), 'ERR_JWT_SIGNATURE_INVALID');
    }
  });

  it('a non-object payload with a bad signature is also ERR_JWT_SIGNATURE_INVALID (no parse oracle)', async () => {
    const token = forge('HS256', HEADER, '[1,2,3]', new Uint8Array(32).fill(9));
    await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_SIGNATURE_INVALID');
  });
});
