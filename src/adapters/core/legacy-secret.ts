import { createSecretKey, type KeyObject } from 'node:crypto';
import { bytesToText } from '../../encoding/json.js';
import { JwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { ownValue } from '../../internal/own-member.js';
import type { JwsHeader } from '../../jws/types.js';
import { parseCompact } from '../../jws/parse.js';
import { verifySignature } from '../../jws/signature.js';
import { validateClaims } from '../../jwt/claims.js';
import { parseClaimsSet } from '../../jwt/parse-claims.js';
import type { JwtClaims, VerifyOptions, VerifyResult } from '../../jwt/types.js';
import { readVerifyOptions } from '../../jwt/verify.js';

/**
 * The `legacySecret` option of `authenticate`: accepting, for a transition period, the tokens an
 * application signed with a short HMAC secret before it moved to jwtkit (docs/migrating-from-jsonwebtoken.md,
 * "Step 5: keep old tokens valid while they expire"). Verification only: nothing in jwtkit signs
 * with it.
 *
 * @module
 */

/** The algorithms a legacy secret may have signed with: jsonwebtoken's HMAC algorithms. */
export type LegacySecretAlgorithm = 'HS256' | 'HS384' | 'HS512';

/**
 * The `legacySecret` option of `authenticate` (`jwtkit/express`) and `authenticateRequest` /
 * `withAuth` (`jwtkit/fetch`): an HMAC secret that jwtkit refuses as a key (shorter than the hash),
 * accepted for tokens without `kid` until a date. Such a token is checked like any other (`exp`
 * required, `iss`, `sub`, `typ`, `maxAge`, `nbf`, `iat`, `requiredClaims` as `verify` says), except
 * that its `aud` is not checked (tokens of jsonwebtoken apps rarely carry one). A token with a `kid`
 * never uses it. Each request it authenticates is reported as a `legacy_secret_used` event.
 * Unknown member names are `ERR_INVALID_OPTION`.
 */
export interface LegacySecretOptions {
  /**
   * The old secret, exactly as jsonwebtoken used it (`process.env.JWT_SECRET`): a string (its UTF-8
   * bytes) or bytes. Any length but zero. Required.
   */
  secret: string | Uint8Array;
  /** The algorithm the old tokens were signed with: jsonwebtoken's default is `'HS256'`. Required. */
  algorithm: LegacySecretAlgorithm;
  /**
   * The end of the transition: from this instant (read from `verify.clock`) on, a token without
   * `kid` signed with `alg: algorithm` is refused (401 `invalid_token`, code `ERR_KEY_INVALID`, the
   * event's reason naming the fix). Set it to the issue time of your last legacy token plus its
   * lifetime (`expiresIn`). Required.
   */
  until: Date;
}

const LEGACY_SECRET_OPTION_NAMES = optionNames<LegacySecretOptions>(
  { secret: true, algorithm: true, until: true },
  { key: 'use "secret"', alg: 'use "algorithm"', algorithms: 'use "algorithm"', expires: 'use "until"', expiresAt: 'use "until"' },
);

const ALGORITHMS: ReadonlySet<unknown> = new Set<LegacySecretAlgorithm>(['HS256', 'HS384', 'HS512']);

/** {@link LegacySecretOptions} checked once. @internal */
export interface LegacySecretPolicy {
  /** The secret as a key object of its own (any length: it only verifies, never signs). */
  readonly key: KeyObject;
  readonly algorithm: LegacySecretAlgorithm;
  /** `until`, in epoch milliseconds. */
  readonly until: number;
}

/**
 * Checks the `legacySecret` option; `undefined` when it is not given.
 *
 * @throws ERR_INVALID_OPTION for an unknown member name, a missing or empty secret, an algorithm
 *   other than HS256, HS384 or HS512, or an `until` that is not a valid `Date`.
 * @internal
 */
export function readLegacySecret(value: unknown): LegacySecretPolicy | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"legacySecret" must be an object such as { secret, algorithm: \'HS256\', until: new Date(...) }',
    );
  }
  checkOptionNames(value, LEGACY_SECRET_OPTION_NAMES, 'legacySecret');
  const { secret, algorithm, until } = value as Partial<LegacySecretOptions>;
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new JwtError('ERR_INVALID_OPTION', '"legacySecret.secret" must be the old secret, a string or bytes');
  }
  if (secret.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', '"legacySecret.secret" is empty: is the environment variable set?');
  }
  if (!ALGORITHMS.has(algorithm)) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      "\"legacySecret.algorithm\" must be 'HS256', 'HS384' or 'HS512' (jsonwebtoken's default is HS256)",
    );
  }
  if (!(until instanceof Date) || Number.isNaN(until.getTime())) {
    throw new JwtError('ERR_INVALID_OPTION', '"legacySecret.until" must be a valid Date: the end of the transition');
  }
  return Object.freeze({
    key: createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret)),
    algorithm: algorithm as LegacySecretAlgorithm,
    until: until.getTime(),
  });
}

/**
 * Whether a token is a legacy one: a compact JWS whose header has no `kid` and whose `alg` is the
 * legacy secret's. A token with a `kid` never is. Throws what `parseCompact` throws.
 * @internal
 */
export function isLegacyToken(token: string, legacy: LegacySecretPolicy, verifyOptions: VerifyOptions): boolean {
  const header = parseCompact(token, readVerifyOptions(verifyOptions).maxLength).header;
  return !Object.hasOwn(header, 'kid') && ownValue(header, 'alg', header.alg) === legacy.algorithm;
}

/**
 * Verifies a legacy token with the legacy secret: the date, the MAC, then the claims as `verify`
 * checks them, but for `aud` (neither `audience` nor an `aud` in `requiredClaims`).
 *
 * @throws ERR_KEY_INVALID after `until`; ERR_JWT_SIGNATURE_INVALID for a wrong MAC; the claim codes of `verify`.
 * @internal
 */
export function verifyLegacyToken<Claims extends object>(
  token: string,
  legacy: LegacySecretPolicy,
  verifyOptions: VerifyOptions,
): VerifyResult<Claims> {
  const context = readVerifyOptions(verifyOptions);
  if (context.now * 1000 >= legacy.until) {
    throw new JwtError(
      'ERR_KEY_INVALID',
      `the legacy secret was accepted until ${new Date(legacy.until).toISOString()} (legacySecret.until): ` +
        'remove "legacySecret" from the options; clients holding a token without "kid" must log in again',
    );
  }
  const parts = parseCompact(token, context.maxLength);
  // The shared signature check: the tag's length, then a constant-time comparison (src/jws/hmac.ts).
  if (!verifySignature(legacy.algorithm, legacy.key, parts.signingInput, parts.signature)) {
    throw new JwtError('ERR_JWT_SIGNATURE_INVALID', 'the signature is not valid');
  }
  const payload = parseClaimsSet(bytesToText(parts.payload));
  const rules = { ...context.rules, audience: undefined, requiredClaims: context.rules.requiredClaims.filter((claim) => claim !== 'aud') };
  validateClaims(payload, parts.header, rules, context.now);
  return { payload: payload as Claims & JwtClaims, header: parts.header as JwsHeader };
}
