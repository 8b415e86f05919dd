/**
 * security.md Part 1, section G (header semantics), entries 38-40. Issue 2: any `crit` and any
 * `b64` header → ERR_JWT_UNSUPPORTED_HEADER; `typ` compared case-insensitively with an optional
 * `application/` prefix (RFC 7515 §4.1.9, RFC 8725 §3.11).
 */
import { describe, expect, it } from 'vitest';
import { sign, signJws, verify, verifyJws, type VerifyOptions } from '../../src/index.js';
import { expectCode, FAR_FUTURE, forge, NOW, NOW_CLOCK, testKeys } from './helpers.js';

const keys = testKeys();
const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };

describe('G38. "crit" (any value) → ERR_JWT_UNSUPPORTED_HEADER', () => {
  it('the security.md header segment decodes as stated', () => {
    expect(Buffer.from('eyJhbGciOiJIUzI1NiIsImNyaXQiOlsieC1tZmEiXSwieC1tZmEiOiJyZXF1aXJlZCJ9', 'base64url').toString()).toBe(
      '{"alg":"HS256","crit":["x-mfa"],"x-mfa":"required"}',
    );
  });

  const headers: object[] = [
    { alg: 'HS256', crit: ['x-mfa'], 'x-mfa': 'required' },
    { alg: 'HS256', crit: [] },
    { alg: 'HS256', crit: 'x-mfa', 'x-mfa': 1 },
    { alg: 'HS256', crit: [1] },
    { alg: 'HS256', crit: ['alg'] },
    { alg: 'HS256', crit: ['x-mfa'] },
    { alg: 'HS256', crit: ['x-mfa', 'x-mfa'], 'x-mfa': 1 },
    { alg: 'HS256', crit: ['__proto__'] },
    { alg: 'HS256', crit: null },
    { alg: 'HS256', crit: ['exp'], exp: 1 },
  ];
  for (const header of headers) {
    it(`${JSON.stringify(header)}`, async () => {
      const token = forge('HS256', header, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_UNSUPPORTED_HEADER');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_UNSUPPORTED_HEADER');
    });
  }

  it('sign / signJws refuse to emit crit (ERR_INVALID_OPTION)', async () => {
    await expectCode(() => sign(P, keys.hs256, { alg: 'HS256', header: { crit: ['x'] } }), 'ERR_INVALID_OPTION');
    await expectCode(() => signJws('x', keys.hs256, { alg: 'HS256', header: { crit: [] } }), 'ERR_INVALID_OPTION');
  });
});

describe('G39. "b64" (any value, with or without crit) → ERR_JWT_UNSUPPORTED_HEADER', () => {
  it('the jose RFC 7797 vector (b64:false + crit, key = 32 zero bytes)', async () => {
    const token = 'eyJhbGciOiJIUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il19.foo.VklKdp4tVYD61VNPDBTqxqdEQcUL3JK-D4dGXu9NvWs';
    const zeroKey = new Uint8Array(32);
    await expectCode(() => verifyJws(token, zeroKey, { algorithms: ['HS256'] }), 'ERR_JWT_UNSUPPORTED_HEADER', 'ERR_JWT_MALFORMED');
    await expectCode(() => verify(token, zeroKey, HS), 'ERR_JWT_UNSUPPORTED_HEADER', 'ERR_JWT_MALFORMED');
  });

  for (const header of [
    { alg: 'HS256', b64: false },
    { alg: 'HS256', b64: true, crit: ['b64'] },
    { alg: 'HS256', b64: true },
    { alg: 'HS256', b64: false, crit: ['b64'] },
  ]) {
    it(`${JSON.stringify(header)} correctly signed`, async () => {
      const token = forge('HS256', header, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_UNSUPPORTED_HEADER');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_UNSUPPORTED_HEADER');
    });
  }

  it('sign refuses a b64 header (ERR_INVALID_OPTION)', async () => {
    await expectCode(() => sign(P, keys.hs256, { alg: 'HS256', header: { b64: false } }), 'ERR_INVALID_OPTION');
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
      await expect(verify(withTyp('at+jwt'), keys.hs256, { ...HS, typ: expected })).resolves.toBeDefined();
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
