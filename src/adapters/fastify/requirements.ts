import { ownValue } from '../../internal/own-member.js';
import type { JwsHeader } from '../../jws/types.js';
import type { JwtClaims } from '../../jwt/types.js';
import { nodeRequestFacts } from '../core/node-exchange.js';
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
import type { AuthHook } from './authenticate.js';
import { refuse } from './reply.js';

/** @param subject - the helper, as a refusal of its options names it. */
function requirementHook(requirement: Requirement, options: RequirementOptions | undefined, subject: string): AuthHook {
  const check = requirementCheck(requirement, options, subject);
  return (request, reply, done) => {
    // Own property only (docs/security.md, "Authorization checks").
    const denied = check(ownValue(request, 'auth', request.auth), (proxies) => nodeRequestFacts(request.raw, proxies));
    if (denied === undefined) done();
    else refuse(reply, done, denied.reply, denied.error, denied.passErrors);
  };
}

/**
 * A Fastify `onRequest` hook that lets a request through only when `request.auth` (set by
 * `authenticate` or `jwtAuth`, which must run first: earlier in the route's `onRequest` array, or
 * in its scope) grants every scope listed, read from the RFC 9068 `scope` claim (space-separated)
 * or the `scp` claim. Otherwise: 403 `insufficient_scope` with `scope="..."`; without
 * `request.auth`, 401.
 *
 * @param scopes - the scopes needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the hook.
 * @example
 * ```ts
 * app.delete('/items/:id', { onRequest: [authenticate(authOptions), requireScopes(['items:write'])] }, deleteItem);
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireScopes(scopes: readonly string[], options?: RequirementOptions): AuthHook {
  return requirementHook(scopesRequirement(scopes, 'scopes'), options, 'requireScopes');
}

/**
 * A Fastify `onRequest` hook that lets a request through only when `request.auth` grants at least
 * one of the scopes listed; otherwise 403 `insufficient_scope` with `scope="..."` listing every
 * alternative (RFC 6750 §3); without `request.auth`, 401.
 *
 * @param scopes - the scopes accepted, any one of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the hook.
 * @example
 * ```ts
 * app.get('/reports', { onRequest: [authenticate(authOptions), requireAnyScope(['reports:read', 'admin'])] }, listReports);
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireAnyScope(scopes: readonly string[], options?: RequirementOptions): AuthHook {
  return requirementHook(anyScopeRequirement(scopes, 'scopes'), options, 'requireAnyScope');
}

/**
 * A Fastify `onRequest` hook that lets a request through only when the `roles` array claim of
 * `request.auth` holds every role listed; otherwise 403 `insufficient_scope`.
 *
 * @param roles - the roles needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the hook.
 * @example
 * ```ts
 * app.get('/admin/users', { onRequest: [authenticate(authOptions), requireRoles(['admin'])] }, listUsers);
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `roles` is not a non-empty array of strings; for an
 *   unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireRoles(roles: readonly string[], options?: RequirementOptions): AuthHook {
  return requirementHook(rolesRequirement(roles, 'roles'), options, 'requireRoles');
}

/**
 * A Fastify `onRequest` hook that lets a request through only when a claim of `request.auth` is
 * present and strictly equal to `expected`; otherwise 403 `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param expected - a string, finite number or boolean.
 * @param options - see {@link RequirementOptions}.
 * @returns the hook.
 * @example
 * ```ts
 * app.get('/tenants/acme', { onRequest: [authenticate(authOptions), claimEquals('tenant', 'acme')] }, showTenant);
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an `expected` of another type;
 *   for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimEquals(claim: string, expected: string | number | boolean, options?: RequirementOptions): AuthHook {
  return requirementHook(claimEqualsRequirement(claim, expected), options, 'claimEquals');
}

/**
 * A Fastify `onRequest` hook that lets a request through only when a claim of `request.auth` (an
 * array of strings, or a space-separated string) holds every value listed; otherwise 403
 * `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param values - the values needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the hook.
 * @example
 * ```ts
 * app.get('/billing', { onRequest: [authenticate(authOptions), claimIncludes('groups', ['billing'])] }, showBilling);
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an empty `values`; for an unknown
 *   option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimIncludes(claim: string, values: readonly string[], options?: RequirementOptions): AuthHook {
  return requirementHook(claimIncludesRequirement(claim, values), options, 'claimIncludes');
}

/**
 * A Fastify `onRequest` hook that lets a request through only when a synchronous predicate over
 * the verified payload and header of `request.auth` returns `true`; anything else (or a throw) is
 * 403 `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param predicate - the check.
 * @param options - see {@link RequirementOptions}.
 * @returns the hook.
 * @example
 * ```ts
 * app.get('/beta', { onRequest: [authenticate(authOptions), claimCheck<{ plan: string }>((payload) => payload.plan === 'pro')] }, beta);
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `predicate` is not a function; for an unknown option
 *   name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimCheck<Claims extends object = JwtClaims>(
  predicate: (payload: Claims & JwtClaims, header: JwsHeader) => boolean,
  options?: RequirementOptions,
): AuthHook {
  return requirementHook(predicateRequirement(predicate), options, 'claimCheck');
}
