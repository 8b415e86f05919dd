/**
 * H41–H47, claims, with NOW = 1_700_000_000 via `clock`: clockTolerance default 5 s, capped at
 * 300 (a string or non-finite value is ERR_INVALID_OPTION); requireExp default true; an expected
 * iss/aud/sub/typ makes the claim required; iss and sub must be strings, aud a string or an array
 * of strings; exp/nbf/iat finite numbers; an iat in the future beyond the tolerance is rejected
 * (RFC 7519 §4.1, RFC 8725 §3.8–3.9; docs/security.md "What jwtkit rejects, and why").
 * G40, explicit typing: `typ` compared case-insensitively with an optional `application/` prefix
 * (RFC 7515 §4.1.9, RFC 8725 §3.11).
 * H48 (the signature is checked before the claims) is in test/jwt/verify.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { sign, verify, type VerifyOptions } from '../../src/index.js';
import { expectCode, FAR_FUTURE, forge, NOW, NOW_CLOCK, testKeys } from '../helpers/core.js';

const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
const HEADER = '{"alg":"HS256","typ":"JWT"}';
/** The claims of the G40 tokens. */
const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
/** A correctly signed token over the exact payload text. */
const tok = (payload: string | object): string => forge('HS256', HEADER, payload, keys.hs256);
const claims = (extra: Record<string, unknown>): object => ({ sub: 'u1', exp: FAR_FUTURE, ...extra });
/** Verifies `tok(payload)` and asserts it is accepted with exactly the signed header and claims. */
async function expectAccepted(payload: object, options: VerifyOptions): Promise<void> {
  await expect(verify(tok(payload), keys.hs256, options)).resolves.toEqual({ header: JSON.parse(HEADER), payload });
}
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
      await expectAccepted(claims({ nbf: value, iat: value }), HS);
    }
  });

  it('fractional values are legal and compared numerically', async () => {
    const zero: VerifyOptions = { ...HS, clockTolerance: 0 };
    await expectAccepted({ exp: NOW + 0.5 }, zero);
    await expectCode(() => verify(tok({ exp: NOW - 0.5 }), keys.hs256, zero), 'ERR_JWT_EXPIRED');
    await expectAccepted(claims({ nbf: NOW - 0.5, iat: NOW - 0.5 }), zero);
    await expectCode(() => verify(tok(claims({ nbf: NOW + 0.5 })), keys.hs256, zero), 'ERR_JWT_NOT_YET_VALID');
    await expectCode(() => verify(tok(claims({ iat: NOW + 0.5 })), keys.hs256, zero), 'ERR_JWT_CLAIM_INVALID');
    await expectAccepted(claims({ nbf: NOW + 1.5, iat: NOW + 1.5 }), { ...HS, clockTolerance: 2 });
    await expectCode(() => verify(tok(claims({ nbf: NOW + 2.5 })), keys.hs256, { ...HS, clockTolerance: 2 }), 'ERR_JWT_NOT_YET_VALID');
  });
});

describe('H42. time boundaries, clock tolerance and option validation', () => {
  const zero: VerifyOptions = { ...HS, clockTolerance: 0 };
  const thirty: VerifyOptions = { ...HS, clockTolerance: 30 };

  it('tolerance 0: exp = NOW rejected, NOW+1 accepted; nbf = NOW accepted, NOW+1 rejected', async () => {
    await expectCode(() => verify(tok({ exp: NOW }), keys.hs256, zero), 'ERR_JWT_EXPIRED');
    await expectAccepted({ exp: NOW + 1 }, zero);
    await expectAccepted(claims({ nbf: NOW }), zero);
    await expectCode(() => verify(tok(claims({ nbf: NOW + 1 })), keys.hs256, zero), 'ERR_JWT_NOT_YET_VALID');
  });

  it('tolerance 30: exp = NOW-30 rejected, NOW-29 accepted; nbf = NOW+30 accepted, NOW+31 rejected; iat = NOW+31 rejected', async () => {
    await expectCode(() => verify(tok({ exp: NOW - 30 }), keys.hs256, thirty), 'ERR_JWT_EXPIRED');
    await expectAccepted({ exp: NOW - 29 }, thirty);
    await expectAccepted(claims({ nbf: NOW + 30 }), thirty);
    await expectCode(() => verify(tok(claims({ nbf: NOW + 31 })), keys.hs256, thirty), 'ERR_JWT_NOT_YET_VALID');
    await expectAccepted(claims({ iat: NOW + 30 }), thirty);
    const error = await expectCode(() => verify(tok(claims({ iat: NOW + 31 })), keys.hs256, thirty), 'ERR_JWT_CLAIM_INVALID');
    expect(error).toMatchObject({ claim: 'iat', reason: 'future' });
  });

  it('default tolerance is 5 s: exp = NOW-5 rejected, NOW-4 accepted; nbf/iat NOW+5 accepted, NOW+6 rejected', async () => {
    await expectCode(() => verify(tok({ exp: NOW - 5 }), keys.hs256, HS), 'ERR_JWT_EXPIRED');
    await expectAccepted({ exp: NOW - 4 }, HS);
    await expectAccepted(claims({ nbf: NOW + 5, iat: NOW + 5 }), HS);
    await expectCode(() => verify(tok(claims({ nbf: NOW + 6 })), keys.hs256, HS), 'ERR_JWT_NOT_YET_VALID');
    await expectCode(() => verify(tok(claims({ iat: NOW + 6 })), keys.hs256, HS), 'ERR_JWT_CLAIM_INVALID');
  });

  it('the clock keeps its milliseconds: tolerance 0, clock at NOW+0.9 s → exp NOW+0.5 expired, nbf NOW+0.5 valid', async () => {
    // RFC 7519 §4.1.4/4.1.5: NumericDates may be fractional; flooring the clock to whole seconds
    // would accept a token up to 1 s after exp and refuse one up to 1 s after nbf.
    const fractional: VerifyOptions = { ...HS, clockTolerance: 0, clock: () => new Date(NOW * 1000 + 900) };
    await expectCode(() => verify(tok({ exp: NOW + 0.5 }), keys.hs256, fractional), 'ERR_JWT_EXPIRED');
    await expectAccepted(claims({ nbf: NOW + 0.5 }), fractional);
    await expectAccepted({ exp: NOW + 1 }, fractional);
  });

  it('clockTolerance NaN, ±Infinity, -1, "30", 301, 3600, null → ERR_INVALID_OPTION; 300 is the cap and accepted', async () => {
    for (const clockTolerance of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, '30', 301, 3600, null, true]) {
      await expectCode(
        () => verify(tok(claims({})), keys.hs256, { ...HS, clockTolerance: clockTolerance as number }),
        'ERR_INVALID_OPTION',
      );
    }
    await expectAccepted({ exp: NOW - 299 }, { ...HS, clockTolerance: 300 });
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
    await expectAccepted(claims({ iat: NOW }), { ...zero, maxAge: 0 });
    const missing = await expectCode(() => verify(tok(claims({})), keys.hs256, { ...HS, maxAge: '1h' }), 'ERR_JWT_CLAIM_INVALID');
    expect(missing).toMatchObject({ claim: 'iat', reason: 'missing' });
  });

  it('maxAge as a duration string: "1h" accepts iat = NOW-3600, rejects iat = NOW-3601 (tolerance 0)', async () => {
    await expectAccepted(claims({ iat: NOW - 3600 }), { ...zero, maxAge: '1h' });
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
    await expectAccepted({ sub: 'u1' }, { ...HS, requireExp: false });
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
    await expectAccepted(claims({ jti: 'j1' }), { ...HS, requiredClaims: ['exp', 'jti'] });
  });

  it('a claim present with the value null or false still counts as present', async () => {
    await expectAccepted(claims({ flag: false, other: null }), { ...HS, requiredClaims: ['flag', 'other'] });
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
      await expectAccepted(claims({ aud }), audience);
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
    await expectAccepted(claims({ aud: 'api-b' }), { ...HS, audience: ['api-a', 'api-b'] });
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
    await expectAccepted(claims({ iss: 'https://issuer.example' }), issuer);
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
    await expectAccepted(claims({ iss: 'https://b' }), options);
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
    await expectAccepted({ exp: FAR_FUTURE, sub: '' }, HS);
    await expectCode(() => verify(tok({ exp: FAR_FUTURE, sub: '' }), keys.hs256, { ...HS, subject: 'u1' }), 'ERR_JWT_CLAIM_INVALID');
    await expectAccepted({ exp: FAR_FUTURE, sub: 'u1' }, { ...HS, subject: 'u1' });
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

describe('G40. typ (explicit typing)', () => {
  const AT: VerifyOptions = { ...HS, typ: 'at+jwt' };
  const withTyp = (typ: unknown): string => forge('HS256', typ === undefined ? { alg: 'HS256' } : { alg: 'HS256', typ }, P, keys.hs256);

  for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT']) {
    it(`expected "at+jwt", token typ "${typ}" → accepted`, async () => {
      await expect(verify(withTyp(typ), keys.hs256, AT)).resolves.toMatchObject({ header: { typ } });
    });
  }

  for (const typ of [
    undefined,
    'JWT',
    'jwt',
    'rt+jwt',
    'application/rt+jwt',
    'at+jwt ',
    ' at+jwt',
    'at+jwt;v=1',
    'application/at+jwt/x',
    'text/at+jwt',
    '',
  ]) {
    it(`expected "at+jwt", token typ ${JSON.stringify(typ)} → ERR_JWT_TYPE_MISMATCH`, async () => {
      const error = await expectCode(() => verify(withTyp(typ), keys.hs256, AT), 'ERR_JWT_TYPE_MISMATCH');
      expect(error.claim).toBe('typ');
    });
  }

  it('a non-string typ → ERR_JWT_MALFORMED (header parameter type) or ERR_JWT_TYPE_MISMATCH', async () => {
    for (const typ of [1, ['at+jwt'], { v: 'at+jwt' }, null]) {
      await expectCode(() => verify(withTyp(typ), keys.hs256, AT), 'ERR_JWT_MALFORMED', 'ERR_JWT_TYPE_MISMATCH');
    }
  });

  it('the expected typ may itself be written with the prefix or in upper case', async () => {
    for (const expected of ['application/at+jwt', 'AT+JWT']) {
      await expect(verify(withTyp('at+jwt'), keys.hs256, { ...HS, typ: expected })).resolves.toMatchObject({
        header: { typ: 'at+jwt' },
        payload: P,
      });
    }
  });

  it('a refresh verifier expecting "rt+jwt" refuses an "at+jwt" token and vice versa', async () => {
    await expectCode(() => verify(withTyp('at+jwt'), keys.hs256, { ...HS, typ: 'rt+jwt' }), 'ERR_JWT_TYPE_MISMATCH');
    await expectCode(() => verify(withTyp('rt+jwt'), keys.hs256, { ...HS, typ: 'at+jwt' }), 'ERR_JWT_TYPE_MISMATCH');
  });

  it('sign always emits a typ: "JWT" by default, the typ option when given', async () => {
    const plain = await sign(P, keys.hs256, { alg: 'HS256' });
    expect((await verify(plain, keys.hs256, HS)).header.typ).toBe('JWT');
    const access = await sign(P, keys.hs256, { alg: 'HS256', typ: 'at+jwt' });
    await expect(verify(access, keys.hs256, { ...HS, typ: 'application/at+jwt' })).resolves.toMatchObject({ header: { typ: 'at+jwt' } });
  });

  it('a non-string expected typ is misuse (ERR_INVALID_OPTION)', async () => {
    await expectCode(() => verify(withTyp('at+jwt'), keys.hs256, { ...HS, typ: 1 as unknown as string }), 'ERR_INVALID_OPTION');
  });
});
