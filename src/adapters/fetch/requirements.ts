import { JwtError } from '../../errors.js';
import type { JwsHeader } from '../../jws/types.js';
import type { JwtClaims } from '../../jwt/types.js';
import { fetchRequestFacts, toResponse } from '../core/fetch-exchange.js';
import { requirementCheck } from '../core/requirement-refusal.js';
import {
  anyScopeRequirement,
  claimEqualsRequirement,
  claimIncludesRequirement,
  predicateRequirement,
  rolesRequirement,
  scopesRequirement,
} from '../core/requirements.js';
import type { Requirement, RequirementOptions } from '../core/requirements.js';
import type { AuthenticatedHandler } from './authenticate.js';

function guarded<Claims extends object>(
  requirement: Requirement,
  handler: AuthenticatedHandler<Claims>,
  options: RequirementOptions | undefined,
  subject: string,
): AuthenticatedHandler<Claims> {
  if (typeof handler !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"handler" must be a function');
  const check = requirementCheck(requirement, options, subject);
  return (request, auth) => {
    const denied = check(auth, (proxies) => fetchRequestFacts(request, proxies));
    return denied === undefined ? handler(request, auth) : toResponse(denied.reply, request.method);
  };
}

/**
 * Wraps an authenticated Fetch handler so that it runs only when the token grants every scope
 * listed (RFC 9068 `scope` string, or `scp`); otherwise the answer is 403 `insufficient_scope`
 * with `scope="..."`. Compose it inside `withAuth`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param scopes - the scopes needed, all of them.
 * @param handler - runs when they are granted.
 * @param options - see {@link RequirementOptions}.
 * @returns the guarded handler.
 * @example
 * ```ts
 * const write = withAuth(authOptions, requireScopes(['items:write'], (request, auth) => saveItem(request, auth)));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for a bad `scopes` list or a `handler` that is not a
 *   function; for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in
 *   `options`.
 */
export function requireScopes<Claims extends object = JwtClaims>(
  scopes: readonly string[],
  handler: AuthenticatedHandler<Claims>,
  options?: RequirementOptions,
): AuthenticatedHandler<Claims> {
  return guarded(scopesRequirement(scopes, 'scopes'), handler, options, 'requireScopes');
}

/**
 * Wraps an authenticated Fetch handler so that it runs only when the token grants at least one of
 * the scopes listed (express-oauth2-jwt-bearer's `scopeIncludesAny`); otherwise the answer is 403
 * `insufficient_scope` with `scope="..."` listing every alternative (RFC 6750 §3). Compose it
 * inside `withAuth`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param scopes - the scopes accepted, any one of them.
 * @param handler - runs when one of them is granted.
 * @param options - see {@link RequirementOptions}.
 * @returns the guarded handler.
 * @example
 * ```ts
 * const reports = withAuth(authOptions, requireAnyScope(['reports:read', 'admin'], (request, auth) => listReports(auth)));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for a bad `scopes` list or a `handler` that is not a
 *   function; for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in
 *   `options`.
 */
export function requireAnyScope<Claims extends object = JwtClaims>(
  scopes: readonly string[],
  handler: AuthenticatedHandler<Claims>,
  options?: RequirementOptions,
): AuthenticatedHandler<Claims> {
  return guarded(anyScopeRequirement(scopes, 'scopes'), handler, options, 'requireAnyScope');
}

/**
 * Wraps an authenticated Fetch handler so that it runs only when the `roles` array claim holds
 * every role listed; otherwise 403 `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param roles - the roles needed, all of them.
 * @param handler - runs when they are held.
 * @param options - see {@link RequirementOptions}.
 * @returns the guarded handler.
 * @example
 * ```ts
 * const admin = withAuth(authOptions, requireRoles(['admin'], () => Response.json({ ok: true })));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for a bad `roles` list or a `handler` that is not a
 *   function; for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in
 *   `options`.
 */
export function requireRoles<Claims extends object = JwtClaims>(
  roles: readonly string[],
  handler: AuthenticatedHandler<Claims>,
  options?: RequirementOptions,
): AuthenticatedHandler<Claims> {
  return guarded(rolesRequirement(roles, 'roles'), handler, options, 'requireRoles');
}

/**
 * Wraps an authenticated Fetch handler so that it runs only when a claim is present and strictly
 * equal to `expected`; otherwise 403 `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param claim - the claim name.
 * @param expected - a string, finite number or boolean.
 * @param handler - runs when the claim matches.
 * @param options - see {@link RequirementOptions}.
 * @returns the guarded handler.
 * @example
 * ```ts
 * const acme = withAuth(authOptions, claimEquals('tenant', 'acme', () => Response.json({ ok: true })));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name, an `expected` of another type, or a
 *   `handler` that is not a function; for an unknown option name, a bad `realm` or an `onAuthEvent`
 *   that is not a function in `options`.
 */
export function claimEquals<Claims extends object = JwtClaims>(
  claim: string,
  expected: string | number | boolean,
  handler: AuthenticatedHandler<Claims>,
  options?: RequirementOptions,
): AuthenticatedHandler<Claims> {
  return guarded(claimEqualsRequirement(claim, expected), handler, options, 'claimEquals');
}

/**
 * Wraps an authenticated Fetch handler so that it runs only when a claim (an array of strings, or
 * a space-separated string) holds every value listed; otherwise 403 `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param claim - the claim name.
 * @param values - the values needed, all of them.
 * @param handler - runs when they are present.
 * @param options - see {@link RequirementOptions}.
 * @returns the guarded handler.
 * @example
 * ```ts
 * const billing = withAuth(authOptions, claimIncludes('groups', ['billing'], () => Response.json({ ok: true })));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name, an empty `values`, or a `handler`
 *   that is not a function; for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a
 *   function in `options`.
 */
export function claimIncludes<Claims extends object = JwtClaims>(
  claim: string,
  values: readonly string[],
  handler: AuthenticatedHandler<Claims>,
  options?: RequirementOptions,
): AuthenticatedHandler<Claims> {
  return guarded(claimIncludesRequirement(claim, values), handler, options, 'claimIncludes');
}

/**
 * Wraps an authenticated Fetch handler so that it runs only when a synchronous predicate over the
 * verified payload and header returns `true`; anything else (or a throw) is 403 `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param predicate - the check.
 * @param handler - runs when it passes.
 * @param options - see {@link RequirementOptions}.
 * @returns the guarded handler.
 * @example
 * ```ts
 * const beta = withAuth<{ plan: string }>(
 *   authOptions,
 *   claimCheck((payload) => payload.plan === 'pro', () => Response.json({ ok: true })),
 * );
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `predicate` or `handler` is not a function; for an
 *   unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimCheck<Claims extends object = JwtClaims>(
  predicate: (payload: Claims & JwtClaims, header: JwsHeader) => boolean,
  handler: AuthenticatedHandler<Claims>,
  options?: RequirementOptions,
): AuthenticatedHandler<Claims> {
  return guarded(predicateRequirement(predicate), handler, options, 'claimCheck');
}
