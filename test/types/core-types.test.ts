// Type tests: checked by tsc (see typecheck.test.ts), and harmless when vitest runs them.
import { describe, expectTypeOf, it } from 'vitest';
import {
  decode,
  verify,
  verifySync,
  type Clock,
  type DecodedJwt,
  type Duration,
  type JwsAlgorithm,
  type JwtClaims,
  type JwtErrorCode,
  type SignOptions,
  type VerifyOptions,
  type VerifyResult,
} from '../../src/index.js';

interface AppClaims {
  scope: string;
  roles: readonly string[];
}

describe('types: claims generics', () => {
  it('flow through verify and verifySync into the payload', () => {
    expectTypeOf(verify<AppClaims>).returns.resolves.toEqualTypeOf<VerifyResult<AppClaims>>();
    expectTypeOf(verifySync<AppClaims>).returns.toEqualTypeOf<VerifyResult<AppClaims>>();
    expectTypeOf<VerifyResult<AppClaims>['payload']>().toEqualTypeOf<AppClaims & JwtClaims>();
    expectTypeOf<VerifyResult<AppClaims>['payload']['scope']>().toEqualTypeOf<string>();
    expectTypeOf<VerifyResult<AppClaims>['payload']['exp']>().toEqualTypeOf<number | undefined>();
  });

  it('default to an open record, never any', () => {
    const verifyWithoutClaimsType = () => verify('token', 'secret', { algorithms: ['HS256'] });
    expectTypeOf(verifyWithoutClaimsType).returns.resolves.toEqualTypeOf<VerifyResult<Record<string, unknown>>>();
    expectTypeOf<VerifyResult['payload']['anything']>().toEqualTypeOf<unknown>();
    expectTypeOf<VerifyResult['payload']>().not.toBeAny();
  });

  it('keep decode unverified and untyped by the caller', () => {
    expectTypeOf(decode).returns.toEqualTypeOf<DecodedJwt>();
    expectTypeOf(decode).parameters.toEqualTypeOf<[token: string, options?: { maxTokenLength?: number }]>();
  });
});

describe('types: option units', () => {
  it('accepts seconds or a string with a unit', () => {
    expectTypeOf<900>().toExtend<Duration>();
    expectTypeOf<'15m'>().toExtend<Duration>();
    expectTypeOf<'30d'>().toExtend<Duration>();
    const options: SignOptions = { alg: 'ES256', expiresIn: '15m', notBefore: 0 };
    expectTypeOf(options.expiresIn).toEqualTypeOf<Duration | undefined>();
  });

  it('rejects durations without a unit or with an unknown unit', () => {
    expectTypeOf<'60'>().not.toExtend<Duration>();
    expectTypeOf<'100ms'>().not.toExtend<Duration>();
    expectTypeOf<'15 minutes'>().not.toExtend<Duration>();
    // @ts-expect-error a unitless string is ambiguous (jsonwebtoken reads it as milliseconds)
    const unitless: SignOptions = { alg: 'HS256', expiresIn: '60' };
    // @ts-expect-error milliseconds are not a unit of jwtkit
    const millis: SignOptions = { alg: 'HS256', notBefore: '500ms' };
    // @ts-expect-error maxAge takes a unit too
    const maxAge: VerifyOptions = { algorithms: ['HS256'], maxAge: '3600' };
    // @ts-expect-error clockTolerance is a number of seconds, not a string
    const tolerance: VerifyOptions = { algorithms: ['HS256'], clockTolerance: '5' };
    expectTypeOf([unitless, millis, maxAge, tolerance]).not.toBeAny();
  });

  it('time is a clock: a function returning a Date; the deprecated currentDate still types', () => {
    expectTypeOf<SignOptions['clock']>().toEqualTypeOf<Clock | undefined>();
    expectTypeOf<VerifyOptions['clock']>().toEqualTypeOf<Clock | undefined>();
    expectTypeOf<Clock>().toEqualTypeOf<() => Date>();
    const deprecated: VerifyOptions = { algorithms: ['HS256'], currentDate: new Date() };
    // @ts-expect-error a clock is a function, not a Date
    const fixed: VerifyOptions = { algorithms: ['HS256'], clock: new Date() };
    expectTypeOf([deprecated, fixed]).not.toBeAny();
  });

  it('requires an algorithm, and none is not one', () => {
    expectTypeOf<'none'>().not.toExtend<JwsAlgorithm>();
    // @ts-expect-error sign has no default algorithm
    const noAlg: SignOptions = { expiresIn: '15m' };
    // @ts-expect-error verify needs an allow-list
    const noAlgorithms: VerifyOptions = { audience: 'api' };
    // @ts-expect-error `none` is never accepted
    const none: VerifyOptions = { algorithms: ['none'] };
    expectTypeOf([noAlg, noAlgorithms, none]).not.toBeAny();
  });

  it('error codes are a closed union', () => {
    expectTypeOf<'ERR_JWT_EXPIRED'>().toExtend<JwtErrorCode>();
    expectTypeOf<'ERR_SOMETHING_ELSE'>().not.toExtend<JwtErrorCode>();
  });
});
