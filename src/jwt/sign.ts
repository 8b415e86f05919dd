import { encodeBase64url } from '../encoding/base64url.js';
import { JwtError } from '../errors.js';
import { readCallTime } from '../internal/clock.js';
import { durationToSeconds } from '../internal/duration.js';
import { checkOptionNamesMemoised } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { assertSigningAlgorithm, prepareKey } from '../jws/key.js';
import {
  encodeProtectedHeader,
  refuseRemoteSigner,
  signCompact,
  signCompactAsync,
  signCompactRemote,
  stringifyOption,
} from '../jws/sign.js';
import type { KeyInput } from '../jws/types.js';
import { MIN_MILLISECONDS_DATE, MIN_TIMESTAMP_DURATION } from './numeric-date.js';
import { SIGN_OPTION_NAMES, type JwtClaims, type SignOptions } from './types.js';

type ClaimOption = 'issuer' | 'subject' | 'audience' | 'jwtId' | 'expiresIn' | 'notBefore';

/**
 * A shallow copy of the payload's own enumerable members, read once. A spread defines the members
 * (it runs no setter and cannot trip on a read-only member of a frozen `Object.prototype`), and
 * every check and the JSON text then see the same values, whatever getters or proxies do.
 */
function copyPayload(payload: unknown): Record<string, unknown> {
  let claims: Record<string, unknown> | undefined;
  try {
    if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) claims = { ...payload };
  } catch (error) {
    throw new JwtError('ERR_INVALID_OPTION', 'the JWT payload could not be read', { cause: error });
  }
  if (claims === undefined) throw new JwtError('ERR_INVALID_OPTION', 'the JWT payload must be a plain object');
  // An own `toJSON` would make JSON.stringify write something other than the members checked here.
  if (typeof claims['toJSON'] === 'function') {
    throw new JwtError('ERR_INVALID_OPTION', 'the JWT payload must be a plain object, without a toJSON method');
  }
  return claims;
}

// The checks below name each claim and option in a call of its own rather than looping over a
// list of names: the reads then stay monomorphic, which halves the cost of building the claims
// (bench: sign/HS256/sync).

function checkNumber(value: unknown, claim: 'exp' | 'nbf' | 'iat'): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JwtError('ERR_INVALID_OPTION', `the "${claim}" claim must be a finite number`);
  }
  if (value >= MIN_MILLISECONDS_DATE) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `the "${claim}" claim is 10^11 or more (the year 5138): a NumericDate counts seconds, not milliseconds (divide by 1000)`,
    );
  }
}

/** A duration option of sign, in seconds; a number that is rather a timestamp is refused. */
function durationOption(value: unknown, option: 'expiresIn' | 'notBefore', claim: 'exp' | 'nbf'): number {
  if (typeof value === 'number' && value >= MIN_TIMESTAMP_DURATION) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `"${option}" is a duration from "iat", and 10^9 seconds or more (31 years) is a timestamp: ` +
        `give seconds from now (3600 or '1h'), or set the payload's "${claim}" to the time in seconds`,
    );
  }
  return durationToSeconds(value, option);
}

function checkAudience(value: unknown): void {
  if (typeof value === 'string') return;
  // A loop over every index, not `every`, which skips the holes of a sparse array (JSON writes them as null).
  let strings = Array.isArray(value);
  for (let i = 0; strings && i < (value as unknown[]).length; i++) strings = typeof (value as unknown[])[i] === 'string';
  if (!strings) throw new JwtError('ERR_INVALID_OPTION', 'the "aud" claim must be a string or an array of strings');
}

function checkNumericClaim(claims: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat'): void {
  if (Object.hasOwn(claims, name)) checkNumber(claims[name], name);
}

function checkStringClaim(claims: Record<string, unknown>, name: 'iss' | 'sub' | 'jti'): void {
  if (Object.hasOwn(claims, name) && typeof claims[name] !== 'string') {
    throw new JwtError('ERR_INVALID_OPTION', `the "${name}" claim must be a string`);
  }
}

function checkOwnClaims(claims: Record<string, unknown>): void {
  checkNumericClaim(claims, 'exp');
  checkNumericClaim(claims, 'nbf');
  checkNumericClaim(claims, 'iat');
  checkStringClaim(claims, 'iss');
  checkStringClaim(claims, 'sub');
  checkStringClaim(claims, 'jti');
  if (Object.hasOwn(claims, 'aud')) checkAudience(claims['aud']);
}

/** Refuses a claim set both in the payload and by its option: say it once. */
function refuseSetTwice(claims: Record<string, unknown>, value: unknown, option: ClaimOption, claim: keyof JwtClaims): void {
  if (value !== undefined && Object.hasOwn(claims, claim)) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" and the payload's "${claim}" are both set`);
  }
}

/** `,"name":value` for a string option. */
function stringMember(claim: 'iss' | 'sub' | 'jti', value: unknown): string {
  if (typeof value !== 'string') throw new JwtError('ERR_INVALID_OPTION', `the "${claim}" claim must be a string`);
  return `,"${claim}":${JSON.stringify(value)}`;
}

/** `,"name":value` for a NumericDate. (A finite number's JSON is its `String` form, -0 included.) */
function numberMember(claim: 'exp' | 'nbf' | 'iat', value: number): string {
  checkNumber(value, claim);
  return `,"${claim}":${value}`;
}

/**
 * The JSON text of the claims a token will carry: the payload's own enumerable members, then
 * `iat` and the members set by options (each read once, as an own member: an inherited one is not
 * an option).
 *
 * The added members are written after the JSON text of the payload's copy, not added to the
 * copy: on Node 20 (V8 11) a spread copy that then gains members is slow, about half of an HS256
 * sign (bench: sign/HS256/sync; figures in docs/benchmarks.md, "Why the code is written as it is").
 * `encryptJwt` (src/jwe/jwt.ts) builds its claims with it too.
 * @internal
 */
export function encodeClaims(input: unknown, options: SignOptions): string {
  const payload = copyPayload(input);
  const issuer = ownValue(options, 'issuer', options.issuer);
  const subject = ownValue(options, 'subject', options.subject);
  const audience = ownValue(options, 'audience', options.audience);
  const jwtId = ownValue(options, 'jwtId', options.jwtId);
  const expiresIn = ownValue(options, 'expiresIn', options.expiresIn);
  const notBefore = ownValue(options, 'notBefore', options.notBefore);
  refuseSetTwice(payload, issuer, 'issuer', 'iss');
  refuseSetTwice(payload, subject, 'subject', 'sub');
  refuseSetTwice(payload, audience, 'audience', 'aud');
  refuseSetTwice(payload, jwtId, 'jwtId', 'jti');
  refuseSetTwice(payload, expiresIn, 'expiresIn', 'exp');
  refuseSetTwice(payload, notBefore, 'notBefore', 'nbf');
  checkOwnClaims(payload);
  const clock = ownValue(options, 'clock', options.clock);
  const currentDate = ownValue(options, 'currentDate', options.currentDate);
  const now = Math.floor(readCallTime(clock, currentDate) / 1000); // whole seconds, as epochSeconds gives them
  const iat = ownValue(options, 'iat', options.iat);
  let base = now;
  let added = '';
  if (iat === false) {
    if (Object.hasOwn(payload, 'iat')) throw new JwtError('ERR_INVALID_OPTION', '"iat: false" and the payload\'s "iat" are both set');
  } else if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat))
      throw new JwtError('ERR_INVALID_OPTION', '"iat" must be a finite number or false');
    if (Object.hasOwn(payload, 'iat')) throw new JwtError('ERR_INVALID_OPTION', '"iat" and the payload\'s "iat" are both set');
    base = iat;
    added += numberMember('iat', iat);
  } else if (Object.hasOwn(payload, 'iat')) {
    base = payload['iat'] as number;
  } else {
    added += numberMember('iat', now);
  }
  if (expiresIn !== undefined) added += numberMember('exp', base + durationOption(expiresIn, 'expiresIn', 'exp'));
  if (notBefore !== undefined) added += numberMember('nbf', base + durationOption(notBefore, 'notBefore', 'nbf'));
  if (issuer !== undefined) added += stringMember('iss', issuer);
  if (subject !== undefined) added += stringMember('sub', subject);
  if (audience !== undefined) {
    checkAudience(audience);
    added += `,"aud":${JSON.stringify(audience)}`;
  }
  if (jwtId !== undefined) added += stringMember('jti', jwtId);
  const text = stringifyOption(payload, 'payload');
  if (added === '') return text;
  // A plain object (the copy) without toJSON is written as "{...}": the members go before its closing brace.
  return text === '{}' ? `{${added.slice(1)}}` : `${text.slice(0, -1)}${added}}`;
}

/**
 * The synchronous form of {@link sign}. A remote signer (`createRemoteSigner`) is refused: it
 * signs asynchronously.
 *
 * @example
 * ```ts
 * import { signSync } from 'jwtkit';
 * const token = signSync({ sub: 'u1' }, secret, { alg: 'HS256', expiresIn: '15m' });
 * ```
 * @throws the same codes as {@link sign}; `ERR_INVALID_OPTION` for a remote signer.
 */
export function signSync(payload: JwtClaims, key: KeyInput, options: SignOptions): string {
  return signWith(payload, key, options, true) as string;
}

function signWith(payload: JwtClaims, key: KeyInput, options: SignOptions, sync: boolean): string | Promise<string> {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'sign needs options with "alg"');
  checkOptionNamesMemoised(options, SIGN_OPTION_NAMES, 'sign');
  const requestedAlg = ownValue(options, 'alg', options.alg);
  const prepared = prepareKey(key, 'sign', requestedAlg);
  const alg = assertSigningAlgorithm(prepared, requestedAlg);
  if (sync) refuseRemoteSigner(prepared, 'signSync', 'sign');
  const claims = encodeClaims(payload, options);
  const headerSegment = encodeProtectedHeader(
    alg,
    ownValue(options, 'typ', options.typ) ?? 'JWT',
    ownValue(options, 'kid', options.kid) ?? prepared.kid,
    ownValue(options, 'header', options.header),
  );
  const payloadSegment = encodeBase64url(claims);
  if (prepared.remote !== undefined) return signCompactRemote(alg, prepared.remote, headerSegment, payloadSegment);
  return sync ? signCompact(alg, prepared, headerSegment, payloadSegment) : signCompactAsync(alg, prepared, headerSegment, payloadSegment);
}

/**
 * Signs a JWT. `alg` is required (there is no default algorithm) and must fit the key; `iat` is
 * set to now unless told otherwise; durations are seconds or strings with a unit (`'15m'`).
 *
 * @param payload - the claims: an object (not an array) whose own enumerable members are read
 *   once, as a spread copy reads them, and written as `JSON.stringify` writes them, followed by
 *   `iat` and the claims set by options. An own `toJSON` method is refused; registered claims it
 *   sets must have their registered types.
 * @param key - a private key, a remote signer (`createRemoteSigner`) or an HMAC secret (see {@link KeyInput}).
 * @param options - see {@link SignOptions}.
 * @returns the compact JWT.
 * @example
 * ```ts
 * import { sign } from 'jwtkit';
 * const token = await sign({ scope: 'read' }, privateKey, {
 *   alg: 'ES256',
 *   subject: 'user-1',
 *   issuer: 'https://auth.example.com',
 *   audience: 'api',
 *   expiresIn: '15m',
 * });
 * ```
 * @throws `JwtError`: `ERR_INVALID_OPTION` (no `alg`, an unknown option name, a payload that is not a
 * plain object, a unitless duration string, a numeric `expiresIn` or `notBefore` of 10^9 seconds or
 * more (a timestamp, not a duration), an `exp`, `nbf` or `iat` of 10^11 or more (milliseconds, not
 * seconds), a claim set twice, a `clock` that is not a function or returns no valid `Date`,
 * both `clock` and `currentDate`,
 * a registered claim of the wrong type, a reserved header parameter), `ERR_KEY_INVALID` (the key
 * cannot sign with `alg`: wrong type, too short, wrong curve, or bound to another algorithm; a
 * remote signer failed, did not answer within its timeout, or returned a signature that does not
 * verify with its public key; the signer's error is the `cause`).
 */
export async function sign(payload: JwtClaims, key: KeyInput, options: SignOptions): Promise<string> {
  return signWith(payload, key, options, false);
}
