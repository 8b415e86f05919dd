import { JwtError, isJwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { peekOwnDataProperty } from '../../jws/jwk.js';
import type { JwsHeader } from '../../jws/types.js';
import type { JwtClaims } from '../../jwt/types.js';

/**
 * The `validators` option of `authenticate` / `withAuth`: application checks on a verified token
 * that fail its authentication (401 `invalid_token`), where the requirement helpers
 * (`requireScopes`, `claimCheck`, ...) refuse its authorization (403).
 *
 * @internal
 * @module
 */

/**
 * A check on one claim or header parameter of a verified token: `value` is the token's own member
 * (`undefined` when it has none; an inherited member is never read). It must return (or resolve
 * to) `true` to accept the token; anything else refuses it with 401 `invalid_token`.
 */
export type TokenValidator = (value: unknown, payload: JwtClaims, header: JwsHeader) => boolean | Promise<boolean>;

/**
 * Checks that fail the authentication of a token that `verify` accepted, keyed by the claim (or
 * header parameter) they read: the peer of express-oauth2-jwt-bearer's `validators`, functions
 * only. A member that is not one of these is refused with `ERR_INVALID_OPTION`.
 */
export interface TokenValidatorsOptions {
  /** Checks on claims, by claim name: `{ tenant: (value) => tenants.has(value as string) }`. Default: none. */
  claims?: Readonly<Record<string, TokenValidator>>;
  /** Checks on protected-header parameters, by name: `{ kid: (value) => value !== 'retired' }`. Default: none. */
  header?: Readonly<Record<string, TokenValidator>>;
}

const VALIDATORS_OPTION_NAMES = optionNames<TokenValidatorsOptions>({ claims: true, header: true });

/** One validator and what it reads. @internal */
export interface TokenValidatorCheck {
  readonly in: 'claims' | 'header';
  readonly name: string;
  readonly validator: TokenValidator;
}

function readChecks(value: unknown, where: 'claims' | 'header'): TokenValidatorCheck[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `"validators.${where}" must be an object of functions keyed by ${where === 'claims' ? 'claim' : 'header parameter'} name`,
    );
  }
  const checks: TokenValidatorCheck[] = [];
  for (const name of Object.keys(value)) {
    const validator: unknown = (value as Record<string, unknown>)[name];
    if (typeof validator !== 'function') {
      throw new JwtError('ERR_INVALID_OPTION', `"validators.${where}" must hold functions (value, payload, header) => boolean`);
    }
    checks.push(Object.freeze({ in: where, name, validator: validator as TokenValidator }));
  }
  return checks;
}

/**
 * Reads the `validators` option once.
 *
 * @returns the checks, claims first, in the order given; empty without the option.
 * @throws ERR_INVALID_OPTION for an unknown member, or a member that is not an object of functions.
 * @internal
 */
export function readTokenValidators(value: unknown): readonly TokenValidatorCheck[] {
  if (value === undefined) return Object.freeze([]);
  if (typeof value !== 'object' || value === null) {
    throw new JwtError('ERR_INVALID_OPTION', '"validators" must be an object such as { claims: { tenant: (value) => ... } }');
  }
  checkOptionNames(value, VALIDATORS_OPTION_NAMES, 'validators');
  const { claims, header } = value as TokenValidatorsOptions;
  return Object.freeze([...readChecks(claims, 'claims'), ...readChecks(header, 'header')]);
}

/**
 * Runs the checks in order on a verified token; the first that does not return `true` refuses it.
 * A check that throws refuses it too (fail closed), except with `ERR_STORE_UNAVAILABLE`, which a
 * check throws when what it asks is down: that answers 503, as `isRevoked` does.
 *
 * @throws ERR_JWT_CLAIM_INVALID (`claim`: the claim or header parameter, `reason: 'rejected'`) for
 *   a refused token; ERR_STORE_UNAVAILABLE as thrown by a check.
 * @internal
 */
export async function runTokenValidators(checks: readonly TokenValidatorCheck[], payload: JwtClaims, header: JwsHeader): Promise<void> {
  for (const check of checks) {
    const value = peekOwnDataProperty(check.in === 'claims' ? payload : header, check.name);
    let accepted: unknown;
    try {
      accepted = await check.validator(value, payload, header);
    } catch (error) {
      if (isJwtError(error, 'ERR_STORE_UNAVAILABLE')) throw error;
      throw refused(check, error);
    }
    if (accepted !== true) throw refused(check);
  }
}

function refused(check: TokenValidatorCheck, cause?: unknown): JwtError {
  const what = check.in === 'claims' ? 'claim' : 'header parameter';
  return new JwtError('ERR_JWT_CLAIM_INVALID', `the "${check.name}" ${what} was refused by "validators.${check.in}"`, {
    claim: check.name,
    reason: 'rejected',
    ...(cause === undefined ? {} : { cause }),
  });
}
