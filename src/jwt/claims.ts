import { JwtError, type JwtClaimFailureReason } from '../errors.js';
import { durationToSeconds } from '../internal/duration.js';
import { ownValue } from '../internal/own-member.js';
import type { JwsHeader } from '../jws/types.js';
import { MIN_MILLISECONDS_DATE } from './numeric-date.js';
import type { JwtClaims, VerifyOptions } from './types.js';

/** The default leeway for time claims, in seconds. */
export const DEFAULT_CLOCK_TOLERANCE = 5;
/** The largest leeway accepted, in seconds (RFC 7519 §4.1.4: "no more than a few minutes"). */
export const MAX_CLOCK_TOLERANCE = 300;

/** Verify options after validation, ready for {@link validateClaims}. @internal */
export interface ClaimRules {
  readonly issuer: readonly string[] | undefined;
  readonly subject: string | undefined;
  readonly audience: readonly string[] | undefined;
  readonly typ: string | undefined;
  readonly maxAge: number | undefined;
  readonly requiredClaims: readonly string[];
  readonly clockTolerance: number;
  readonly requireExp: boolean;
}

function stringList(value: unknown, option: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string')) return value;
  throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a string or a non-empty array of strings`);
}

/**
 * Checks an optional `clockTolerance` option (a finite number of seconds from 0 to
 * {@link MAX_CLOCK_TOLERANCE}); `undefined` when it is not set. Throws `ERR_INVALID_OPTION`.
 * @internal
 */
export function readClockTolerance(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_CLOCK_TOLERANCE) {
    throw new JwtError('ERR_INVALID_OPTION', `"clockTolerance" must be a number of seconds from 0 to ${MAX_CLOCK_TOLERANCE}`);
  }
  return value;
}

/**
 * Checks the claim options of {@link VerifyOptions} (a RegExp, a unitless string or a
 * non-finite tolerance is misuse) and normalises them. Only own members are options.
 * Throws `ERR_INVALID_OPTION`.
 * @internal
 */
export function readClaimRules(options: VerifyOptions): ClaimRules {
  const subject = ownValue(options, 'subject', options.subject);
  const typ = ownValue(options, 'typ', options.typ);
  const maxAge = ownValue(options, 'maxAge', options.maxAge);
  const requiredClaims = ownValue(options, 'requiredClaims', options.requiredClaims);
  const clockTolerance = ownValue(options, 'clockTolerance', options.clockTolerance);
  const requireExp = ownValue(options, 'requireExp', options.requireExp);
  if (subject !== undefined && typeof subject !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"subject" must be a string');
  if (typ !== undefined && typeof typ !== 'string') throw new JwtError('ERR_INVALID_OPTION', '"typ" must be a string');
  if (requireExp !== undefined && typeof requireExp !== 'boolean') {
    throw new JwtError('ERR_INVALID_OPTION', '"requireExp" must be a boolean');
  }
  const tolerance = readClockTolerance(clockTolerance) ?? DEFAULT_CLOCK_TOLERANCE;
  if (requiredClaims !== undefined && !(Array.isArray(requiredClaims) && requiredClaims.every((c) => typeof c === 'string'))) {
    throw new JwtError('ERR_INVALID_OPTION', '"requiredClaims" must be an array of strings');
  }
  return {
    issuer: stringList(ownValue(options, 'issuer', options.issuer), 'issuer'),
    subject,
    audience: stringList(ownValue(options, 'audience', options.audience), 'audience'),
    typ: typ === undefined ? undefined : normalizeMediaType(typ),
    maxAge: maxAge === undefined ? undefined : durationToSeconds(maxAge, 'maxAge'),
    requiredClaims: requiredClaims ?? [],
    clockTolerance: tolerance,
    requireExp: requireExp ?? true,
  };
}

/** RFC 7515 §4.1.9 / RFC 8725 §3.11: compare lower-cased, with `application/` implied. */
function normalizeMediaType(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

function invalid(claim: string, reason: JwtClaimFailureReason, message: string): JwtError {
  return new JwtError('ERR_JWT_CLAIM_INVALID', message, { claim, reason });
}

function readNumericDate(payload: JwtClaims, claim: 'exp' | 'nbf' | 'iat'): number | undefined {
  if (!Object.hasOwn(payload, claim)) return undefined;
  const value = payload[claim];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(claim, 'type', `"${claim}" must be a finite number`);
  }
  if (value >= MIN_MILLISECONDS_DATE) {
    throw invalid(claim, 'milliseconds', `"${claim}" is 10^11 or more: a NumericDate counts seconds, not milliseconds`);
  }
  return value;
}

function readString(payload: JwtClaims, claim: 'iss' | 'sub' | 'jti', required: boolean): string | undefined {
  if (!Object.hasOwn(payload, claim)) {
    if (required) throw invalid(claim, 'missing', `"${claim}" is required`);
    return undefined;
  }
  const value = payload[claim];
  if (typeof value !== 'string') throw invalid(claim, 'type', `"${claim}" must be a string`);
  return value;
}

function readAudience(payload: JwtClaims, required: boolean): string | readonly string[] | undefined {
  if (!Object.hasOwn(payload, 'aud')) {
    if (required) throw invalid('aud', 'missing', '"aud" is required');
    return undefined;
  }
  const value = payload.aud;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return value;
  throw invalid('aud', 'type', '"aud" must be a string or an array of strings');
}

/**
 * Whether `aud` (one string or several) names one of the expected audiences. `aud` stays a string
 * when it is one: no array and no closure per token (bench: verify/HS256/sync).
 */
function namesExpected(aud: string | readonly string[], expected: readonly string[]): boolean {
  if (typeof aud === 'string') return expected.includes(aud);
  for (const value of aud) if (expected.includes(value)) return true;
  return false;
}

/**
 * Validates the claims of a token whose signature was already verified. Pure: the time is passed
 * in (seconds since the epoch). Presence is tested with `Object.hasOwn`, never `in` or truthiness,
 * and the header's `typ` is read as an own member: nothing inherited counts.
 * Throws `ERR_JWT_TYPE_MISMATCH`, `ERR_JWT_EXPIRED`, `ERR_JWT_NOT_YET_VALID` or `ERR_JWT_CLAIM_INVALID`
 * (reason `milliseconds` for an `exp`, `nbf` or `iat` of 10^11 or more, {@link MIN_MILLISECONDS_DATE}).
 * @internal
 */
export function validateClaims(payload: JwtClaims, header: Readonly<JwsHeader>, rules: ClaimRules, now: number): void {
  if (rules.typ !== undefined) {
    const typ = ownValue(header, 'typ', header.typ);
    if (typeof typ !== 'string' || normalizeMediaType(typ) !== rules.typ) {
      throw new JwtError('ERR_JWT_TYPE_MISMATCH', 'the token is not of the expected type', { claim: 'typ' });
    }
  }
  const tolerance = rules.clockTolerance;
  const exp = readNumericDate(payload, 'exp');
  const nbf = readNumericDate(payload, 'nbf');
  const iat = readNumericDate(payload, 'iat');
  if (exp === undefined) {
    if (rules.requireExp) throw invalid('exp', 'missing', '"exp" is required');
  } else if (now - tolerance >= exp) {
    throw new JwtError('ERR_JWT_EXPIRED', 'the token has expired', { claim: 'exp', expiredAt: new Date(exp * 1000) });
  }
  if (nbf !== undefined && nbf > now + tolerance) {
    throw new JwtError('ERR_JWT_NOT_YET_VALID', 'the token is not valid yet', { claim: 'nbf' });
  }
  if (iat !== undefined && iat > now + tolerance) throw invalid('iat', 'future', '"iat" is in the future');
  if (rules.maxAge !== undefined) {
    if (iat === undefined) throw invalid('iat', 'missing', '"iat" is required when "maxAge" is set');
    if (now - tolerance - iat > rules.maxAge) {
      throw new JwtError('ERR_JWT_EXPIRED', 'the token is older than "maxAge"', {
        claim: 'iat',
        expiredAt: new Date((iat + rules.maxAge) * 1000),
      });
    }
  }
  const iss = readString(payload, 'iss', rules.issuer !== undefined);
  if (rules.issuer !== undefined && !rules.issuer.includes(iss as string)) {
    throw invalid('iss', 'mismatch', '"iss" is not an expected issuer');
  }
  const sub = readString(payload, 'sub', rules.subject !== undefined);
  if (rules.subject !== undefined && sub !== rules.subject) throw invalid('sub', 'mismatch', '"sub" is not the expected subject');
  readString(payload, 'jti', false);
  const aud = readAudience(payload, rules.audience !== undefined);
  if (rules.audience !== undefined && !namesExpected(aud as string | readonly string[], rules.audience)) {
    throw invalid('aud', 'mismatch', '"aud" does not name an expected audience');
  }
  for (const claim of rules.requiredClaims) {
    if (!Object.hasOwn(payload, claim)) throw invalid(claim, 'missing', `"${claim}" is required`);
  }
}
