/**
 * Unknown option names of the core functions (sign, verify, decode, signJws, verifyJws,
 * createVerifiedTokenCache): refused with ERR_INVALID_OPTION naming the member and the closest
 * option, or the jwtkit equivalent of a jsonwebtoken option, as plain JavaScript would pass them.
 * `sign` and `verify` remember a reused options object that passed, by identity: its names are
 * checked once, its values at every call.
 */
import { describe, expect, it } from 'vitest';
import {
  createVerifiedTokenCache,
  decode,
  sign,
  signJws,
  signJwsSync,
  signSync,
  verify,
  verifyJws,
  verifyJwsSync,
  verifySync,
  type SignOptions,
  type VerifyOptions,
} from '../../src/index.js';
import { expectCode, expectCodeSync, NOW, NOW_CLOCK, NOW_DATE, testKeys } from '../helpers/core.js';

const keys = testKeys();
const secret = keys.hs256;
const token = signSync({ sub: 'u1', aud: 'api' }, secret, { alg: 'HS256', expiresIn: 600, clock: NOW_CLOCK });
const jws = signJwsSync('hello', secret, { alg: 'HS256' });

/** Options as plain JavaScript passes them: no type checks. */
function loose<T>(options: Record<string, unknown>): T {
  return options as T;
}

describe('sign: unknown option names', () => {
  it('refuses a misspelt option, naming it and the closest option (sync and async)', async () => {
    const options = loose<SignOptions>({ alg: 'HS256', audiance: 'api' });
    const error = expectCodeSync(() => signSync({}, secret, options), 'ERR_INVALID_OPTION');
    expect(error.message).toContain('"audiance"');
    expect(error.message).toContain('"audience"');
    await expectCode(() => sign({}, secret, loose<SignOptions>({ alg: 'HS256', expiresin: 60 })), 'ERR_INVALID_OPTION');
  });

  it.each([
    ['algorithm', 'HS256', '"alg"'],
    ['keyid', 'k1', '"kid"'],
    ['jwtid', 'j1', '"jwtId"'],
    ['noTimestamp', true, '"iat: false"'],
    ['clockTimestamp', NOW, '"clock'],
    ['exp', NOW + 60, '"expiresIn"'],
  ])("points jsonwebtoken's (or a claim's) \"%s\" to jwtkit's equivalent", (name, value, pointer) => {
    const error = expectCodeSync(() => signSync({}, secret, loose<SignOptions>({ alg: 'HS256', [name]: value })), 'ERR_INVALID_OPTION');
    expect(error.message).toContain(`"${name}"`);
    expect(error.message).toContain(pointer);
  });

  it('refuses an unknown name before the key or the payload is read', () => {
    expectCodeSync(
      () => signSync(null as never, 'not a usable key' as never, loose<SignOptions>({ alg: 'HS256', foo: 1 })),
      'ERR_INVALID_OPTION',
    );
  });

  it('does not check the names inside "header" (a map of header parameters)', () => {
    const signed = signSync({}, secret, { alg: 'HS256', header: { cty: 'example', 'x-trace': 'abc' } });
    expect(decode(signed).header).toMatchObject({ cty: 'example', 'x-trace': 'abc' });
  });

  it('accepts the deprecated currentDate', () => {
    const signed = signSync({}, secret, { alg: 'HS256', currentDate: NOW_DATE });
    expect(decode(signed).payload).toEqual({ iat: NOW });
  });

  it('ignores symbol and non-enumerable members', () => {
    const options = { alg: 'HS256', [Symbol('tag')]: 1 } as SignOptions;
    Object.defineProperty(options, 'hidden', { value: 1, enumerable: false });
    expect(() => signSync({}, secret, options)).not.toThrow();
  });

  it('a reused options object: names checked in its first uses, values at every call', () => {
    const options: Record<string, unknown> = { alg: 'HS256', expiresIn: 60 };
    signSync({}, secret, options as unknown as SignOptions);
    signSync({}, secret, options as unknown as SignOptions); // now known to be reused: remembered
    // A value made bad after the first call is still refused.
    options['expiresIn'] = '60';
    expectCodeSync(() => signSync({}, secret, options as unknown as SignOptions), 'ERR_INVALID_OPTION');
    options['expiresIn'] = 60;
    // A member added to a remembered object is not seen (documented: the names are checked in its first uses).
    options['audiance'] = 'api';
    expect(() => signSync({}, secret, options as unknown as SignOptions)).not.toThrow();
  });
});

describe('verify: unknown option names', () => {
  it('refuses a misspelt audience instead of silently not checking it (sync and async)', async () => {
    const options = loose<VerifyOptions>({ algorithms: ['HS256'], audiance: 'other', clock: NOW_CLOCK });
    const error = expectCodeSync(() => verifySync(token, secret, options), 'ERR_INVALID_OPTION');
    expect(error.message).toContain('"audiance"');
    expect(error.message).toContain('"audience"');
    await expectCode(() => verify(token, secret, options), 'ERR_INVALID_OPTION');
  });

  it.each([
    ['algorithm', 'HS256', '"algorithms"'],
    ['ignoreExpiration', true, '"requireExp: false"'],
    ['ignoreNotBefore', true, 'no equivalent'],
    ['clockTimestamp', NOW, '"clock'],
    ['complete', true, '{ header, payload }'],
    ['jwtid', 'j1', '"requiredClaims'],
    ['nonce', 'n', 'payload.nonce'],
    ['aud', 'api', '"audience"'],
  ])("points jsonwebtoken's (or a claim's) \"%s\" to jwtkit's equivalent", async (name, value, pointer) => {
    const options = loose<VerifyOptions>({ algorithms: ['HS256'], clock: NOW_CLOCK, [name]: value });
    const error = await expectCode(() => verify(token, secret, options), 'ERR_INVALID_OPTION');
    expect(error.message).toContain(`"${name}"`);
    expect(error.message).toContain(pointer);
  });

  it('names the unknown option even when "algorithms" is missing too (a jsonwebtoken config)', () => {
    const error = expectCodeSync(() => verifySync(token, secret, loose<VerifyOptions>({ algorithm: 'HS256' })), 'ERR_INVALID_OPTION');
    expect(error.message).toContain('"algorithm"');
  });

  it('accepts the deprecated currentDate and every documented option', () => {
    const cache = createVerifiedTokenCache();
    const options: Required<VerifyOptions> = {
      algorithms: ['HS256'],
      issuer: undefined as never,
      subject: 'u1',
      audience: 'api',
      typ: 'JWT',
      maxAge: '1h',
      requiredClaims: ['sub'],
      clockTolerance: 5,
      clock: undefined as never,
      currentDate: NOW_DATE,
      requireExp: true,
      maxTokenLength: 8192,
      cache,
    };
    expect(verifySync(token, secret, options).payload.sub).toBe('u1');
  });

  it('a reused options object: names checked in its first uses, values and claims at every call', () => {
    const options: Record<string, unknown> = { algorithms: ['HS256'], audience: 'api', clock: NOW_CLOCK };
    verifySync(token, secret, options as unknown as VerifyOptions);
    options['clockTolerance'] = 1000; // a value check still runs
    expectCodeSync(() => verifySync(token, secret, options as unknown as VerifyOptions), 'ERR_INVALID_OPTION');
    options['audience'] = 'other'; // and so does every claim check
    options['clockTolerance'] = 0;
    expect(expectCodeSync(() => verifySync(token, secret, options as unknown as VerifyOptions), 'ERR_JWT_CLAIM_INVALID').claim).toBe('aud');
  });

  it('a new options literal per call is checked at every call', () => {
    for (let i = 0; i < 3; i++) {
      expect(verifySync(token, secret, { algorithms: ['HS256'], audience: 'api', clock: NOW_CLOCK }).payload.sub).toBe('u1');
      expectCodeSync(
        () => verifySync(token, secret, loose<VerifyOptions>({ algorithms: ['HS256'], audiance: 'api' })),
        'ERR_INVALID_OPTION',
      );
    }
  });
});

describe('decode, signJws, verifyJws, createVerifiedTokenCache: unknown option names', () => {
  it('decode refuses an unknown option ("complete" gets its pointer)', () => {
    const error = expectCodeSync(() => decode(token, loose({ complete: true })), 'ERR_INVALID_OPTION');
    expect(error.message).toContain('{ header, payload }');
    expectCodeSync(() => decode(token, loose({ maxTokenLenght: 10 })), 'ERR_INVALID_OPTION');
    expect(decode(token, { maxTokenLength: 8192 }).payload['sub']).toBe('u1');
  });

  it('signJws refuses an unknown option, but not the names inside "header"', async () => {
    expectCodeSync(() => signJwsSync('x', secret, loose({ alg: 'HS256', algorithm: 'HS256' })), 'ERR_INVALID_OPTION');
    await expectCode(() => signJws('x', secret, loose({ alg: 'HS256', kyd: 'k' })), 'ERR_INVALID_OPTION');
    expect(() => signJwsSync('x', secret, { alg: 'HS256', header: { 'x-anything': 1 } })).not.toThrow();
  });

  it('verifyJws refuses an unknown option', async () => {
    expectCodeSync(() => verifyJwsSync(jws, secret, loose({ algorithms: ['HS256'], maxTokenLenght: 10 })), 'ERR_INVALID_OPTION');
    await expectCode(() => verifyJws(jws, secret, loose({ algorithm: 'HS256' })), 'ERR_INVALID_OPTION');
    expect(verifyJwsSync(jws, secret, { algorithms: ['HS256'] }).header.alg).toBe('HS256');
  });

  it('createVerifiedTokenCache refuses an unknown option', () => {
    const error = expectCodeSync(() => createVerifiedTokenCache(loose({ maxSize: 10 })), 'ERR_INVALID_OPTION');
    expect(error.message).toContain('"maxSize"');
    expect(createVerifiedTokenCache({ max: 10, ttl: '1m' }).max).toBe(10);
  });
});
