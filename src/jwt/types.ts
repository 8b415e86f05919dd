import type { Clock } from '../internal/clock.js';
import type { Duration } from '../internal/duration.js';
import { optionNames } from '../internal/option-names.js';
import type { JwsAlgorithm, JwsHeader } from '../jws/types.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';

/** The registered claims of RFC 7519 §4.1, as jwtkit checks them. Any other claim is allowed. */
export interface JwtClaims {
  /** Issuer. */
  iss?: string;
  /** Subject. */
  sub?: string;
  /** Audience: one string or several. */
  aud?: string | string[];
  /** Expiry, in seconds since the epoch (10^11 or more is refused as milliseconds, as for `nbf` and `iat`). */
  exp?: number;
  /** Not before, in seconds since the epoch. */
  nbf?: number;
  /** Issued at, in seconds since the epoch. */
  iat?: number;
  /** Token id. */
  jti?: string;
  /** Any other claim. */
  [claim: string]: unknown;
}

/**
 * Options of {@link sign} and {@link signSync}. A member that is not one of these is refused with
 * `ERR_INVALID_OPTION` (naming the closest option, or the jwtkit equivalent of a jsonwebtoken
 * option), so a misspelt option cannot be silently ignored. The names of an options object are
 * checked in its first uses: once it is seen to be reused, it is remembered by identity and its
 * names are not read again (a member added to it afterwards is not seen). Its values are checked
 * at every call.
 */
export interface SignOptions {
  /** The algorithm. Required: there is no default algorithm. A {@link BoundKey} must be bound to the same one. */
  alg: JwsAlgorithm;
  /**
   * Sets `exp` to `iat` (or now) plus this duration: seconds, or a string with a unit (`'15m'`). A
   * number of 10^9 or more is refused: it is a timestamp, not a duration (set the payload's `exp`
   * instead). Default: no `exp`.
   */
  expiresIn?: Duration;
  /**
   * Sets `nbf` to `iat` (or now) plus this duration (`0` for "valid from now"). A number of 10^9 or
   * more is refused, as for `expiresIn`. Default: no `nbf`.
   */
  notBefore?: Duration;
  /** Sets `iss`. Default: the payload's `iss`, if any. */
  issuer?: string;
  /** Sets `sub`. Default: the payload's `sub`, if any. */
  subject?: string;
  /** Sets `aud`. Default: the payload's `aud`, if any. */
  audience?: string | string[];
  /** Sets `jti`. Default: the payload's `jti`, if any. */
  jwtId?: string;
  /** Sets the `kid` header. Default: the `kid` of a {@link BoundKey} or JWK key, if it has one. */
  kid?: string;
  /** Sets the `typ` header, e.g. `'at+jwt'`. Default: `'JWT'`. */
  typ?: string;
  /**
   * `iat` in seconds since the epoch (10^11 or more is refused as milliseconds), or `false` to leave
   * `iat` out. Default: the current time (from `clock`), unless the payload has its own `iat`.
   */
  iat?: number | false;
  /**
   * The clock used for `iat`, `exp` and `nbf`, called once per call; it must return a valid
   * `Date` (otherwise `ERR_INVALID_OPTION`). Default: the system time at the call.
   */
  clock?: Clock;
  /**
   * The time used for `iat`, `exp` and `nbf`. Giving both `currentDate` and `clock` is
   * `ERR_INVALID_OPTION`. Default: none (the `clock` option decides).
   * @deprecated Use clock: () => date. Removed in 0.3.
   */
  currentDate?: Date;
  /**
   * Extra protected-header parameters (e.g. `cty`, `x-trace`). Parameters with a security meaning
   * (`alg`, `kid`, `typ`, `crit`, `b64`, `zip`, `enc`, `jwk`, `jku`, `x5u`, `x5c`, `x5t`, `x5t#S256`)
   * are refused with `ERR_INVALID_OPTION`: use the dedicated options. Default: none.
   */
  header?: Record<string, unknown>;
}

/** Where to point a caller who passes a jsonwebtoken `sign` option, or a claim name, to {@link sign}. */
const SIGN_HINTS = {
  algorithm: 'use "alg" (jsonwebtoken\'s "algorithm"; required, there is no default)',
  keyid: 'use "kid" (jsonwebtoken\'s "keyid")',
  jwtid: 'use "jwtId" (jsonwebtoken\'s "jwtid")',
  noTimestamp: 'use "iat: false" (jsonwebtoken\'s "noTimestamp: true")',
  clockTimestamp: 'use "clock: () => new Date(seconds * 1000)"',
  iss: 'use "issuer", or put "iss" in the payload',
  sub: 'use "subject", or put "sub" in the payload',
  aud: 'use "audience", or put "aud" in the payload',
  exp: 'use "expiresIn" (a duration), or put "exp" in the payload',
  nbf: 'use "notBefore" (a duration), or put "nbf" in the payload',
  jti: 'use "jwtId", or put "jti" in the payload',
};

/** The names of {@link SignOptions}; the header is a map of parameters, whose names are not options. @internal */
export const SIGN_OPTION_NAMES = optionNames<SignOptions>(
  {
    alg: true,
    expiresIn: true,
    notBefore: true,
    issuer: true,
    subject: true,
    audience: true,
    jwtId: true,
    kid: true,
    typ: true,
    iat: true,
    clock: true,
    currentDate: true,
    header: true,
  },
  SIGN_HINTS,
);

/**
 * Options of {@link verify} and {@link verifySync}. A member that is not one of these is refused
 * with `ERR_INVALID_OPTION` (naming the closest option, or the jwtkit equivalent of a jsonwebtoken
 * option), so a misspelt option (`audiance`) cannot silently turn a check off. The names of an
 * options object are checked in its first uses: once it is seen to be reused, it is remembered by
 * identity and its names are not read again (a member added to it afterwards is not seen). Its
 * values, and the token's claims, are checked at every call.
 */
export interface VerifyOptions {
  /** The algorithms accepted, e.g. `['ES256']`. Required and non-empty; `none` is never accepted. */
  algorithms: readonly JwsAlgorithm[];
  /** Expected `iss`: the claim is then required and must equal this string (or one of these). Default: not checked. */
  issuer?: string | readonly string[];
  /** Expected `sub`: the claim is then required and must equal it. Default: not checked. */
  subject?: string;
  /**
   * Expected audience: `aud` is then required and one of its values must equal this string (or
   * one of these). Default: not checked.
   */
  audience?: string | readonly string[];
  /**
   * Expected `typ` header, compared case-insensitively with an optional `application/` prefix
   * (`at+jwt` matches `application/at+jwt`). The header is then required. Default: not checked.
   */
  typ?: string;
  /** The longest accepted age since `iat` (seconds or `'1h'`): `iat` is then required. Default: not checked. */
  maxAge?: Duration;
  /** Claims that must be present (as own members of the payload). Default: none beyond the others listed here. */
  requiredClaims?: readonly string[];
  /** Leeway for `exp`, `nbf`, `iat` and `maxAge`, in seconds (a finite number from 0 to 300). Default: `5`. */
  clockTolerance?: number;
  /**
   * The clock the time claims are checked against, called once per call; it must return a valid
   * `Date` (otherwise `ERR_INVALID_OPTION`). Unlike a fixed date, it keeps reading the time when
   * the options are made once and used for many calls (e.g. an adapter's `verify` options).
   * Default: the system time at the call.
   */
  clock?: Clock;
  /**
   * The time to check against. Giving both `currentDate` and `clock` is `ERR_INVALID_OPTION`.
   * Default: none (the `clock` option decides).
   * @deprecated Use clock: () => date. Removed in 0.3.
   */
  currentDate?: Date;
  /** Whether `exp` is required. Default: `true`; set `false` only for tokens that are meant not to expire. */
  requireExp?: boolean;
  /** Longest accepted token, in characters, checked before anything else. Default: `8192`. */
  maxTokenLength?: number;
  /**
   * An opt-in cache of verified tokens from `createVerifiedTokenCache`: a token verified before
   * with the same key skips parsing and the signature check; every other check is done again.
   * The payload of a result is then deeply frozen. Default: none (every call verifies in full).
   */
  cache?: VerifiedTokenCache;
}

/** Where to point a caller who passes a jsonwebtoken `verify` option, or a claim name, to {@link verify}. */
const VERIFY_HINTS = {
  algorithm: 'use "algorithms", a non-empty list such as ["ES256"]',
  ignoreExpiration:
    'jwtkit has no option to accept expired tokens (jsonwebtoken\'s "ignoreExpiration"); "requireExp: false" only accepts tokens without "exp"',
  ignoreNotBefore: 'jwtkit has no equivalent of jsonwebtoken\'s "ignoreNotBefore": "nbf" is always checked (with "clockTolerance")',
  clockTimestamp: 'use "clock: () => new Date(seconds * 1000)" (jsonwebtoken\'s "clockTimestamp" counts seconds)',
  complete: 'leave it out: verify always returns { header, payload }',
  jwtid: 'use "requiredClaims: [\'jti\']" and compare payload.jti yourself (jsonwebtoken\'s "jwtid")',
  nonce: 'compare payload.nonce yourself (jsonwebtoken\'s "nonce")',
  iss: 'use "issuer"',
  sub: 'use "subject"',
  aud: 'use "audience"',
};

/** The names of {@link VerifyOptions}, for `verify` and for the options that nest them. @internal */
export const VERIFY_OPTION_NAMES = optionNames<VerifyOptions>(
  {
    algorithms: true,
    issuer: true,
    subject: true,
    audience: true,
    typ: true,
    maxAge: true,
    requiredClaims: true,
    clockTolerance: true,
    clock: true,
    currentDate: true,
    requireExp: true,
    maxTokenLength: true,
    cache: true,
  },
  VERIFY_HINTS,
);

/** What {@link verify} returns: the verified claims and protected header. */
export interface VerifyResult<Claims extends object = Record<string, unknown>> {
  /** The verified claims. */
  payload: Claims & JwtClaims;
  /** The verified protected header. */
  header: JwsHeader;
}

/** What {@link decode} returns: header and claims, NOT verified. */
export interface DecodedJwt {
  /** The protected header, unverified. */
  header: JwsHeader;
  /** The claims, unverified. */
  payload: JwtClaims;
}
