import { ownValue } from '../../internal/own-member.js';
import type { JwsHeader } from '../../jws/types.js';
import type { JwtClaims } from '../../jwt/types.js';
import { requirementCheck } from '../core/requirement-refusal.js';
import { nodeRequestFacts } from '../core/node-exchange.js';
import {
  anyScopeRequirement,
  claimEqualsRequirement,
  claimIncludesRequirement,
  predicateRequirement,
  rolesRequirement,
  scopesRequirement,
} from '../core/requirements.js';
import type { Requirement, RequirementOptions } from '../core/requirements.js';
import type { AuthRequest, Middleware } from './authenticate.js';
import { handOn } from './hand-on.js';
import { refuse } from './refuse.js';

/** @param subject - the helper, as a refusal of its options names it. */
function requirementMiddleware(requirement: Requirement, options: RequirementOptions | undefined, subject: string): Middleware {
  const check = requirementCheck(requirement, options, subject);
  return (req, res, next) => {
    // Own property only (docs/security.md, "Authorization checks").
    const denied = check(ownValue(req as AuthRequest, 'auth', (req as AuthRequest).auth), (proxies) => nodeRequestFacts(req, proxies));
    if (denied === undefined) handOn(next);
    else refuse(res, next, denied.reply, denied.error, denied.passErrors);
  };
}

/**
 * Middleware that lets a request through only when `req.auth` (set by `authenticate`) grants every
 * scope listed, read from the RFC 9068 `scope` claim (space-separated) or the `scp` claim (array,
 * or space-separated string). Otherwise: 403 `insufficient_scope` with `scope="..."`; without
 * `req.auth`, 401.
 *
 * @param scopes - the scopes needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.delete('/api/items/:id', authenticate(authOptions), requireScopes(['items:write']), deleteItem);
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireScopes(scopes: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(scopesRequirement(scopes, 'scopes'), options, 'requireScopes');
}

/**
 * Middleware that lets a request through only when `req.auth` (set by `authenticate`) grants at
 * least one of the scopes listed (express-oauth2-jwt-bearer's `scopeIncludesAny`). Otherwise: 403
 * `insufficient_scope` with `scope="..."` listing every alternative (RFC 6750 §3); without
 * `req.auth`, 401.
 *
 * @param scopes - the scopes accepted, any one of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.get('/api/reports', authenticate(authOptions), requireAnyScope(['reports:read', 'admin']), listReports);
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireAnyScope(scopes: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(anyScopeRequirement(scopes, 'scopes'), options, 'requireAnyScope');
}

/**
 * Middleware that lets a request through only when the `roles` array claim of `req.auth` holds
 * every role listed; otherwise 403 `insufficient_scope`.
 *
 * @param roles - the roles needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/admin', authenticate(authOptions), requireRoles(['admin']));
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `roles` is not a non-empty array of strings; for an
 *   unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireRoles(roles: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(rolesRequirement(roles, 'roles'), options, 'requireRoles');
}

/**
 * Middleware that lets a request through only when a claim of `req.auth` is present and strictly
 * equal to `expected`; otherwise 403 `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param expected - a string, finite number or boolean.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/tenants/acme', authenticate(authOptions), claimEquals('tenant', 'acme'));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an `expected` of another type;
 *   for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimEquals(claim: string, expected: string | number | boolean, options?: RequirementOptions): Middleware {
  return requirementMiddleware(claimEqualsRequirement(claim, expected), options, 'claimEquals');
}

/**
 * Middleware that lets a request through only when a claim of `req.auth` (an array of strings, or
 * a space-separated string) holds every value listed; otherwise 403 `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param values - the values needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/billing', authenticate(authOptions), claimIncludes('groups', ['billing']));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an empty `values`; for an unknown
 *   option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimIncludes(claim: string, values: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(claimIncludesRequirement(claim, values), options, 'claimIncludes');
}

/**
 * Middleware that lets a request through only when a synchronous predicate over the verified
 * payload and header of `req.auth` returns `true`; anything else (or a throw) is 403
 * `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param predicate - the check.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * app.use('/beta', authenticate(authOptions), claimCheck<{ plan: string }>((payload) => payload.plan === 'pro'));
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `predicate` is not a function; for an unknown option
 *   name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimCheck<Claims extends object = JwtClaims>(
  predicate: (payload: Claims & JwtClaims, header: JwsHeader) => boolean,
  options?: RequirementOptions,
): Middleware {
  return requirementMiddleware(predicateRequirement(predicate), options, 'claimCheck');
}
