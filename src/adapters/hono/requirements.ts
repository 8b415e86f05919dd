import type { MiddlewareHandler } from 'hono';
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

/** @param subject - the helper, as a refusal of its options names it. */
function requirementMiddleware(requirement: Requirement, options: RequirementOptions | undefined, subject: string): MiddlewareHandler {
  const check = requirementCheck(requirement, options, subject);
  return async (c, next) => {
    const denied = check(c.get('auth'), (proxies) => fetchRequestFacts(c.req.raw, proxies));
    if (denied !== undefined) return toResponse(denied.reply, c.req.method);
    await next();
    return undefined;
  };
}

/**
 * Hono middleware that lets a request through only when `c.get('auth')` (set by `authenticate`)
 * grants every scope listed, read from the RFC 9068 `scope` claim (space-separated) or the `scp`
 * claim (array, or space-separated string). Otherwise: 403 `insufficient_scope` with
 * `scope="..."`; without the auth of `authenticate`, 401.
 *
 * @param scopes - the scopes needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/api/*', authenticate(authOptions));
 * app.delete('/api/items/:id', requireScopes(['items:write']), (c) => c.body(null, 204));
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireScopes(scopes: readonly string[], options?: RequirementOptions): MiddlewareHandler {
  return requirementMiddleware(scopesRequirement(scopes, 'scopes'), options, 'requireScopes');
}

/**
 * Hono middleware that lets a request through only when `c.get('auth')` grants at least one of
 * the scopes listed; otherwise 403 `insufficient_scope` with `scope="..."` listing every
 * alternative (RFC 6750 §3); without the auth of `authenticate`, 401.
 *
 * @param scopes - the scopes accepted, any one of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.get('/api/reports', requireAnyScope(['reports:read', 'admin']), (c) => c.json([]));
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireAnyScope(scopes: readonly string[], options?: RequirementOptions): MiddlewareHandler {
  return requirementMiddleware(anyScopeRequirement(scopes, 'scopes'), options, 'requireAnyScope');
}

/**
 * Hono middleware that lets a request through only when the `roles` array claim of
 * `c.get('auth')` holds every role listed; otherwise 403 `insufficient_scope`.
 *
 * @param roles - the roles needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/admin/*', authenticate(authOptions), requireRoles(['admin']));
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `roles` is not a non-empty array of strings; for an
 *   unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireRoles(roles: readonly string[], options?: RequirementOptions): MiddlewareHandler {
  return requirementMiddleware(rolesRequirement(roles, 'roles'), options, 'requireRoles');
}

/**
 * Hono middleware that lets a request through only when a claim of `c.get('auth')` is present and
 * strictly equal to `expected`; otherwise 403 `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param expected - a string, finite number or boolean.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/tenants/acme/*', authenticate(authOptions), claimEquals('tenant', 'acme'));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an `expected` of another type;
 *   for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimEquals(claim: string, expected: string | number | boolean, options?: RequirementOptions): MiddlewareHandler {
  return requirementMiddleware(claimEqualsRequirement(claim, expected), options, 'claimEquals');
}

/**
 * Hono middleware that lets a request through only when a claim of `c.get('auth')` (an array of
 * strings, or a space-separated string) holds every value listed; otherwise 403 `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param values - the values needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/billing/*', authenticate(authOptions), claimIncludes('groups', ['billing']));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an empty `values`; for an unknown
 *   option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimIncludes(claim: string, values: readonly string[], options?: RequirementOptions): MiddlewareHandler {
  return requirementMiddleware(claimIncludesRequirement(claim, values), options, 'claimIncludes');
}

/**
 * Hono middleware that lets a request through only when a synchronous predicate over the verified
 * payload and header of `c.get('auth')` returns `true`; anything else (or a throw) is 403
 * `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param predicate - the check.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/beta/*', authenticate(authOptions), claimCheck<{ plan: string }>((payload) => payload.plan === 'pro'));
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `predicate` is not a function; for an unknown option
 *   name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimCheck<Claims extends object = JwtClaims>(
  predicate: (payload: Claims & JwtClaims, header: JwsHeader) => boolean,
  options?: RequirementOptions,
): MiddlewareHandler {
  return requirementMiddleware(predicateRequirement(predicate), options, 'claimCheck');
}
