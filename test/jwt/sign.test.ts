/**
 * How sign writes the claims: the payload's own enumerable members (read once, as a spread copy
 * reads them) as JSON.stringify writes them, then iat and the members set by options. The oracle
 * is the object a spread copy with the added members would give, serialised: the text must match
 * byte for byte, for random payloads and for odd ones (boxed primitives, getters, proxies,
 * non-enumerable members). A payload with its own toJSON is refused, and nothing on
 * Object.prototype (a setter, a read-only member) is run or trips the signing.
 *
 * M64, producer-side hygiene: sign() refuses what a producer must not emit (RFC 8725 §3.2: never
 * `none`) and emits canonical Base64url.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64url,
  decode,
  isJwtError,
  sign,
  signJws,
  signSync,
  verify,
  verifyJws,
  type JwsAlgorithm,
  type JwtClaims,
  type SignOptions,
  type VerifyOptions,
} from '../../src/index.js';
import { bindKey } from '../../src/jws/key.js';
import { ALL_ALGS, expectCode, expectCodeSync, FAR_FUTURE, keyPairFor, NOW, NOW_CLOCK, testKeys } from '../helpers/core.js';

const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
/** The claims of the M64 tokens. */
const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const REGISTERED = ['exp', 'nbf', 'iat', 'iss', 'sub', 'aud', 'jti'];
const claimsArb = fc.dictionary(
  fc.string({ maxLength: 12 }).filter((key) => !REGISTERED.includes(key)),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown),
  { maxKeys: 8 },
);
const optionsArb = fc.record(
  {
    issuer: fc.string({ maxLength: 10 }),
    subject: fc.string({ maxLength: 10 }),
    audience: fc.oneof(fc.string({ maxLength: 10 }), fc.array(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 3 })),
    jwtId: fc.string({ maxLength: 10 }),
    expiresIn: fc.nat({ max: 100_000 }),
    notBefore: fc.nat({ max: 100 }),
    iat: fc.oneof(fc.constant(false as const), fc.integer({ min: 0, max: 2_000_000_000 })),
  },
  { requiredKeys: [] },
);

/** The payload segment of a token, as text. */
const payloadText = (token: string): string => Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8');

function reference(claims: Record<string, unknown>, options: Partial<SignOptions>): string {
  const expected: Record<string, unknown> = { ...claims };
  const base = typeof options.iat === 'number' ? options.iat : NOW;
  if (options.iat !== false) expected['iat'] = base;
  if (options.expiresIn !== undefined) expected['exp'] = base + (options.expiresIn as number);
  if (options.notBefore !== undefined) expected['nbf'] = base + (options.notBefore as number);
  if (options.issuer !== undefined) expected['iss'] = options.issuer;
  if (options.subject !== undefined) expected['sub'] = options.subject;
  if (options.audience !== undefined) expected['aud'] = options.audience;
  if (options.jwtId !== undefined) expected['jti'] = options.jwtId;
  return JSON.stringify(expected);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isJwtError(error) ? error.code : `raw ${String(error)}`;
  }
  return undefined;
}
describe('sign writes the claims', () => {
  it('byte for byte as JSON.stringify of the payload with the added members after its own', () => {
    fc.assert(
      fc.property(claimsArb, optionsArb, (claims, options) => {
        const token = signSync(claims, keys.hs256, { alg: 'HS256', clock: NOW_CLOCK, ...options });
        expect(payloadText(token)).toBe(reference(claims, options));
      }),
      { seed: 20_261_125, numRuns: 400 },
    );
  });

  it('keeps the payload\'s own iat (and dates exp from it), and an own "__proto__" member as a member', () => {
    const token = signSync(JSON.parse('{"__proto__":{"admin":true},"iat":1000}') as JwtClaims, keys.hs256, { alg: 'HS256', expiresIn: 60 });
    expect(payloadText(token)).toBe('{"__proto__":{"admin":true},"iat":1000,"exp":1060}');
    expect(decode(token).payload).toEqual(JSON.parse('{"__proto__":{"admin":true},"iat":1000,"exp":1060}'));
  });

  it('reads odd payloads once, as a spread copy does: boxed primitives, getters, proxies, non-enumerable members', () => {
    const changing = (): object => {
      let reads = 0;
      return {
        get exp(): unknown {
          reads++;
          return reads === 1 ? NOW + 600 : 'not a number';
        },
      };
    };
    const sneaky = (): object => ({
      get a(): number {
        (this as Record<string, unknown>)['sub'] = 5;
        return 1;
      },
    });
    const flickering = (): object => {
      let hidden = true;
      return new Proxy({ exp: NOW + 600, x: 1 } as Record<string, unknown>, {
        ownKeys: (target) => {
          const keys = Reflect.ownKeys(target).filter((key) => !(hidden && key === 'exp'));
          hidden = !hidden;
          return keys;
        },
      });
    };
    const factories = [
      () => new String('ab'),
      () => new Number(5),
      changing,
      sneaky,
      flickering,
      () => Object.defineProperty({ a: 1 }, 'iat', { value: 0, enumerable: false }),
    ];
    for (const make of factories) {
      const copy: Record<string, unknown> = { ...make() }; // what one read of a fresh payload gives
      const expiresIn = Object.hasOwn(copy, 'exp') ? undefined : 60;
      const token = signSync(make() as JwtClaims, keys.hs256, { alg: 'HS256', clock: NOW_CLOCK, expiresIn });
      const expected: Record<string, unknown> = { ...copy, iat: NOW };
      if (expiresIn !== undefined) expected['exp'] = NOW + expiresIn;
      expect(payloadText(token)).toBe(JSON.stringify(expected));
    }
  });

  it('signs the own members of a class instance (its inherited toJSON is not copied), refuses an own toJSON', () => {
    class Claims {
      sub = 'a';
      toJSON(): object {
        return { sub: 'someone else' };
      }
    }
    expect(payloadText(signSync(new Claims() as unknown as JwtClaims, keys.hs256, { alg: 'HS256', iat: false }))).toBe('{"sub":"a"}');
    expect(codeOf(() => signSync({ sub: 'a', toJSON: () => ({}) }, keys.hs256, { alg: 'HS256' }))).toBe('ERR_INVALID_OPTION');
  });

  it('refuses what cannot be a claims set, always with ERR_INVALID_OPTION', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const throwing = {
      get sub(): string {
        throw new TypeError('getter failed');
      },
    };
    expect(codeOf(() => signSync(proxy as JwtClaims, keys.hs256, { alg: 'HS256' }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => signSync(throwing, keys.hs256, { alg: 'HS256' }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => signSync({ iat: Number.MAX_VALUE }, keys.hs256, { alg: 'HS256', expiresIn: Number.MAX_VALUE }))).toBe(
      'ERR_INVALID_OPTION',
    );
    expect(codeOf(() => signSync({}, keys.hs256, { alg: 'HS256', issuer: 7 as unknown as string }))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => signSync({}, keys.hs256, { alg: 'HS256', audience: [1] as unknown as string[] }))).toBe('ERR_INVALID_OPTION');
    // eslint-disable-next-line no-sparse-arrays
    expect(codeOf(() => signSync({}, keys.hs256, { alg: 'HS256', audience: [, 'a'] as unknown as string[] }))).toBe('ERR_INVALID_OPTION');
    // eslint-disable-next-line no-sparse-arrays
    expect(codeOf(() => signSync({ aud: [, 'a'] as unknown as string[] }, keys.hs256, { alg: 'HS256' }))).toBe('ERR_INVALID_OPTION');
  });

  it('runs no setter and trips on no read-only member of Object.prototype', () => {
    let setterRuns = 0;
    try {
      Object.defineProperty(Object.prototype, 'jwtkitReadOnly', { value: 'inherited', writable: false, configurable: true });
      Object.defineProperty(Object.prototype, 'jwtkitSetter', {
        set() {
          setterRuns++;
        },
        configurable: true,
      });
      const token = signSync({ jwtkitReadOnly: 'own', jwtkitSetter: 'own' }, keys.hs256, { alg: 'HS256', iat: false });
      expect(payloadText(token)).toBe('{"jwtkitReadOnly":"own","jwtkitSetter":"own"}');
      expect(setterRuns).toBe(0);
    } finally {
      delete (Object.prototype as Record<string, unknown>)['jwtkitReadOnly'];
      delete (Object.prototype as Record<string, unknown>)['jwtkitSetter'];
    }
  });
});

describe('M64. producer-side hygiene', () => {
  it('sign refuses alg none / missing alg (ERR_INVALID_OPTION)', async () => {
    await expectCode(() => sign(P, keys.hs256, { alg: 'none' as JwsAlgorithm }), 'ERR_INVALID_OPTION');
    await expectCode(() => sign(P, keys.hs256, {} as never), 'ERR_INVALID_OPTION');
    await expectCode(() => signJws('x', keys.hs256, { alg: 'none' as JwsAlgorithm }), 'ERR_INVALID_OPTION');
  });

  it('sign refuses non-finite / non-number exp, nbf, iat, and wrongly typed iss, sub, aud, jti in the payload', async () => {
    const bad: object[] = [
      { exp: Number.POSITIVE_INFINITY },
      { exp: Number.NaN },
      { exp: '1' },
      { nbf: null },
      { iat: Number.NEGATIVE_INFINITY },
      { iat: '0' },
      { iss: 1 },
      { sub: ['a'] },
      { aud: [1] },
      { aud: {} },
      { jti: 1 },
    ];
    for (const payload of bad) {
      await expectCode(() => sign(payload as never, keys.hs256, { alg: 'HS256' }), 'ERR_INVALID_OPTION');
    }
    await expectCode(() => sign({}, keys.hs256, { alg: 'HS256', iat: Number.NaN }), 'ERR_INVALID_OPTION');
  });

  it('sign refuses keys below minimums and keys bound to another algorithm', async () => {
    await expectCode(() => sign(P, new Uint8Array(31), { alg: 'HS256' }), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, new Uint8Array(63), { alg: 'HS512' }), 'ERR_KEY_INVALID');
    await expectCode(() => sign(P, bindKey(keys.p256.privateKey, 'ES256'), { alg: 'ES384' }), 'ERR_KEY_INVALID', 'ERR_INVALID_OPTION');
    await expectCode(
      () => sign(P, { ...(keys.rsa.privateKey.export({ format: 'jwk' }) as object), alg: 'PS256' } as never, { alg: 'RS256' }),
      'ERR_KEY_INVALID',
    );
  });

  it('sign refuses security-relevant header parameters (crit, b64, jwk, jku, x5u, x5c, x5t, alg, kid, typ, zip, enc)', async () => {
    for (const name of ['crit', 'b64', 'jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'alg', 'kid', 'typ', 'zip', 'enc']) {
      await expectCode(() => sign(P, keys.hs256, { alg: 'HS256', header: { [name]: 'x' } }), 'ERR_INVALID_OPTION');
      await expectCode(() => signJws('x', keys.hs256, { alg: 'HS256', header: { [name]: 'x' } }), 'ERR_INVALID_OPTION');
    }
    const token = await sign(P, keys.hs256, { alg: 'HS256', header: { cty: 'x', 'x-trace': 't1' } });
    expect((await verify(token, keys.hs256, HS)).header).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'x', 'x-trace': 't1' });
  });

  it('sign refuses non-object payloads', async () => {
    for (const payload of [null, [], 'sub', 1, true, undefined]) {
      await expectCode(() => sign(payload as never, keys.hs256, { alg: 'HS256' }), 'ERR_INVALID_OPTION');
      expectCodeSync(() => signSync(payload as never, keys.hs256, { alg: 'HS256' }), 'ERR_INVALID_OPTION');
    }
  });

  it('sign emits canonical Base64url only (each segment round-trips through the strict decoder) for every algorithm', async () => {
    for (const alg of ALL_ALGS) {
      const { signKey, verifyKey } = keyPairFor(alg);
      const token = await sign({ sub: 'ü✓', n: 1 }, signKey, { alg, expiresIn: '5m', clock: NOW_CLOCK });
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      for (const segment of token.split('.')) expect(base64url.encode(base64url.decode(segment))).toBe(segment);
      await expect(verify(token, verifyKey, { algorithms: [alg], clock: NOW_CLOCK })).resolves.toMatchObject({
        payload: { sub: 'ü✓', n: 1, iat: NOW, exp: NOW + 300 },
        header: { alg, typ: 'JWT' },
      });
    }
  });

  it('a claim set both in the payload and by an option is refused (say it once)', async () => {
    await expectCode(() => sign({ sub: 'a' }, keys.hs256, { alg: 'HS256', subject: 'b' }), 'ERR_INVALID_OPTION');
    await expectCode(() => sign({ exp: FAR_FUTURE }, keys.hs256, { alg: 'HS256', expiresIn: '1h' }), 'ERR_INVALID_OPTION');
  });

  it('iat: false leaves iat out; iat defaults to the clock', async () => {
    const without = await sign({ sub: 'a' }, keys.hs256, { alg: 'HS256', iat: false, expiresIn: 60, clock: NOW_CLOCK });
    const { payload } = await verify(without, keys.hs256, HS);
    expect(payload).toEqual({ sub: 'a', exp: NOW + 60 });
    const withIat = await sign({ sub: 'a' }, keys.hs256, { alg: 'HS256', clock: NOW_CLOCK });
    expect(decode(withIat).payload).toEqual({ sub: 'a', iat: NOW });
  });

  it('verifyJws is a separate API from verify: a JWS with a non-JSON payload never passes verify', async () => {
    const jws = await signJws('not json', keys.hs256, { alg: 'HS256' });
    await expect(verifyJws(jws, keys.hs256, { algorithms: ['HS256'] })).resolves.toMatchObject({
      header: { alg: 'HS256' },
      payload: new TextEncoder().encode('not json'),
    });
    await expectCode(() => verify(jws, keys.hs256, HS), 'ERR_JWT_MALFORMED');
  });
});
