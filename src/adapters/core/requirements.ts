import { JwtError } from '../../errors.js';
import { optionNames } from '../../internal/option-names.js';
import { peekOwnDataProperty } from '../../jws/jwk.js';
import type { JwsHeader } from '../../jws/types.js';
import type { JwtClaims } from '../../jwt/types.js';
import type { AuthEventHandler } from './auth-events.js';

/**
 * Authorization checks on a verified payload: scopes, roles and claim comparisons. They decide
 * only; the adapters turn a refusal into `403 insufficient_scope`.
 *
 * @internal
 * @module
 */

/**
 * Options of the authorization helpers `requireScopes`, `requireRoles`, `claimEquals`,
 * `claimIncludes` and `claimCheck`. A member that is not one of these is refused with
 * `ERR_INVALID_OPTION`.
 */
export interface RequirementOptions {
  /**
   * The `realm` of the `WWW-Authenticate` challenge when the helper refuses. Default: the realm of
   * the authentication that produced the request's auth, else `'api'`.
   */
  realm?: string;
  /**
   * Receives a `request_refused` event (see `AuthEvent`, `source: 'requirement'`) each time the
   * helper refuses: 403 with `ERR_INSUFFICIENT_SCOPE`, or 401 with `ERR_CREDENTIALS_MISSING` when
   * the request was not authenticated (its reason says to mount `authenticate` first). What it
   * throws is ignored. Default: the `onAuthEvent` of the authentication that produced the
   * request's auth (or its default log), else the default log (docs/express.md, "Events and logs").
   */
  onAuthEvent?: AuthEventHandler;
}

/** The names of {@link RequirementOptions}, checked by each framework's helpers. @internal */
export const REQUIREMENT_OPTION_NAMES = optionNames<RequirementOptions>({ realm: true, onAuthEvent: true });

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Why a check refused: `scope` is set when the missing thing is a scope. @internal */
export interface Refusal {
  /** The scopes the resource needs (space-separated), for the `scope` challenge attribute. */
  scope?: string;
  /** `true` when any one of the scopes in `scope` would do (`requireAnyScope`), not all of them. */
  anyOf?: boolean;
}

/** A check on a verified token: `undefined` to allow, a {@link Refusal} to refuse. @internal */
export type Requirement = (payload: JwtClaims, header: JwsHeader) => Refusal | undefined;

/**
 * The scopes a token grants: the RFC 9068 / RFC 8693 `scope` claim (space-separated string), else
 * `scp` (an array of strings, or a space-separated string as some issuers write it). Members of the
 * wrong type grant nothing. Only own data properties of the payload are read: a member inherited
 * from a polluted `Object.prototype` grants nothing (docs/security.md, "Authorization checks").
 *
 * @internal
 */
export function scopesOf(payload: JwtClaims): Set<string> {
  const scope = peekOwnDataProperty(payload, 'scope');
  if (typeof scope === 'string') return new Set(scope.split(' ').filter((item) => item !== ''));
  const scp = peekOwnDataProperty(payload, 'scp');
  if (typeof scp === 'string') return new Set(scp.split(' ').filter((item) => item !== ''));
  if (Array.isArray(scp)) return new Set(scp.filter((item): item is string => typeof item === 'string'));
  return new Set();
}

/**
 * The roles a token grants: the `roles` claim, an array of strings, read as an own data property
 * only (as {@link scopesOf}). Anything else grants none.
 *
 * @internal
 */
export function rolesOf(payload: JwtClaims): Set<string> {
  const roles = peekOwnDataProperty(payload, 'roles');
  if (!Array.isArray(roles)) return new Set();
  return new Set(roles.filter((item): item is string => typeof item === 'string'));
}

function nonEmptyStringList(value: unknown, option: string, pattern?: RegExp): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a non-empty array of strings`);
  }
  for (const item of value) {
    if (typeof item !== 'string' || item === '' || (pattern !== undefined && !pattern.test(item))) {
      throw new JwtError('ERR_INVALID_OPTION', `"${option}" must hold non-empty strings without spaces or quotes`);
    }
  }
  return Object.freeze([...(value as string[])]);
}

/**
 * Every scope in `scopes` must be granted.
 *
 * @throws ERR_INVALID_OPTION when `scopes` is not a non-empty array of RFC 6749 scope tokens.
 * @internal
 */
export function scopesRequirement(scopes: unknown, option = 'requiredScopes'): Requirement {
  const needed = nonEmptyStringList(scopes, option, SCOPE_TOKEN);
  const scope = needed.join(' ');
  return (payload) => {
    const granted = scopesOf(payload);
    return needed.every((item) => granted.has(item)) ? undefined : { scope };
  };
}

/**
 * At least one scope in `scopes` must be granted (express-oauth2-jwt-bearer's `scopeIncludesAny`).
 * The refusal's `scope` lists every alternative: RFC 6750 §3 lets `scope` name the scopes that
 * would give access, and any of these would.
 *
 * @throws ERR_INVALID_OPTION when `scopes` is not a non-empty array of RFC 6749 scope tokens.
 * @internal
 */
export function anyScopeRequirement(scopes: unknown, option = 'scopes'): Requirement {
  const alternatives = nonEmptyStringList(scopes, option, SCOPE_TOKEN);
  const scope = alternatives.join(' ');
  return (payload) => {
    const granted = scopesOf(payload);
    return alternatives.some((item) => granted.has(item)) ? undefined : { scope, anyOf: true };
  };
}

/**
 * Every role in `roles` must be in the `roles` claim.
 *
 * @throws ERR_INVALID_OPTION when `roles` is not a non-empty array of non-empty strings.
 * @internal
 */
export function rolesRequirement(roles: unknown, option = 'requiredRoles'): Requirement {
  const needed = nonEmptyStringList(roles, option);
  return (payload) => {
    const granted = rolesOf(payload);
    return needed.every((item) => granted.has(item)) ? undefined : {};
  };
}

function assertClaimName(claim: unknown): string {
  if (typeof claim !== 'string' || claim === '') {
    throw new JwtError('ERR_INVALID_OPTION', '"claim" must be a non-empty string');
  }
  return claim;
}

/**
 * The claim must be present and strictly equal (`===`) to `expected`.
 *
 * @throws ERR_INVALID_OPTION when `claim` is not a non-empty string or `expected` is not a string,
 *   finite number or boolean.
 * @internal
 */
export function claimEqualsRequirement(claim: unknown, expected: unknown): Requirement {
  const name = assertClaimName(claim);
  const valid =
    typeof expected === 'string' || typeof expected === 'boolean' || (typeof expected === 'number' && Number.isFinite(expected));
  if (!valid) throw new JwtError('ERR_INVALID_OPTION', '"expected" must be a string, a finite number or a boolean');
  return (payload) => (peekOwnDataProperty(payload, name) === expected ? undefined : {});
}

/**
 * The claim must be an array of strings (or a space-separated string) holding every value.
 *
 * @throws ERR_INVALID_OPTION when `claim` is not a non-empty string or `values` is not a non-empty
 *   array of non-empty strings.
 * @internal
 */
export function claimIncludesRequirement(claim: unknown, values: unknown): Requirement {
  const name = assertClaimName(claim);
  const needed = nonEmptyStringList(values, 'values');
  return (payload) => {
    const value = peekOwnDataProperty(payload, name);
    let present: ReadonlySet<unknown>;
    if (Array.isArray(value)) present = new Set(value);
    else if (typeof value === 'string') present = new Set(value.split(' '));
    else return {};
    return needed.every((item) => present.has(item)) ? undefined : {};
  };
}

/**
 * An application predicate over the verified payload and header. It must return `true` to allow;
 * anything else, or throwing, refuses (fail closed).
 *
 * @throws ERR_INVALID_OPTION when `predicate` is not a function.
 * @internal
 */
export function predicateRequirement<Claims extends object>(
  predicate: (payload: Claims & JwtClaims, header: JwsHeader) => boolean,
): Requirement {
  if (typeof predicate !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"predicate" must be a function');
  return (payload, header) => {
    try {
      return predicate(payload as Claims & JwtClaims, header) === true ? undefined : {};
    } catch {
      return {};
    }
  };
}
