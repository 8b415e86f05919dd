import type { Middleware } from 'koa';
import { ownValue } from '../../internal/own-member.js';
import type { JwsHeader } from '../../jws/types.js';
import type { JwtClaims } from '../../jwt/types.js';
import type { RequestAuth } from '../core/authenticate-options.js';
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
import { koaRequestFacts, type KoaContext } from './koa-exchange.js';
import { refuse } from './refuse.js';

/** @param subject - the helper, as a refusal of its options names it. */
function requirementMiddleware(requirement: Requirement, options: RequirementOptions | undefined, subject: string): Middleware {
  const check = requirementCheck(requirement, options, subject);
  return async (ctx, next) => {
    // Own property only (docs/security.md, "Authorization checks").
    const state = ctx.state as { auth?: RequestAuth } | undefined;
    const auth = typeof state === 'object' && state !== null ? ownValue(state, 'auth', state.auth) : undefined;
    const denied = check(auth, (proxies) => koaRequestFacts(ctx as KoaContext, proxies));
    if (denied === undefined) await next();
    else refuse(ctx as KoaContext, denied.reply, denied.error, denied.passErrors);
  };
}

/**
 * Koa middleware that lets a request through only when `ctx.state.auth` (set by `authenticate`)
 * grants every scope listed, read from the RFC 9068 `scope` claim (space-separated) or the `scp`
 * claim (array, or space-separated string). Otherwise: 403 `insufficient_scope` with
 * `scope="..."`; without the auth of `authenticate`, 401.
 *
 * @param scopes - the scopes needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * router.delete('/api/items/:id', authenticate(authOptions), requireScopes(['items:write']), deleteItem); // @koa/router
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireScopes(scopes: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(scopesRequirement(scopes, 'scopes'), options, 'requireScopes');
}

/**
 * Koa middleware that lets a request through only when `ctx.state.auth` grants at least one of
 * the scopes listed; otherwise 403 `insufficient_scope` with `scope="..."` listing every
 * alternative (RFC 6750 §3); without the auth of `authenticate`, 401.
 *
 * @param scopes - the scopes accepted, any one of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * router.get('/api/reports', authenticate(authOptions), requireAnyScope(['reports:read', 'admin']), listReports);
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `scopes` is not a non-empty array of scope tokens; for
 *   an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireAnyScope(scopes: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(anyScopeRequirement(scopes, 'scopes'), options, 'requireAnyScope');
}

/**
 * Koa middleware that lets a request through only when the `roles` array claim of
 * `ctx.state.auth` holds every role listed; otherwise 403 `insufficient_scope`.
 *
 * @param roles - the roles needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * router.use('/admin', authenticate(authOptions), requireRoles(['admin']));
 * ```
 * @throws `ERR_INVALID_OPTION` at once when `roles` is not a non-empty array of strings; for an
 *   unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function requireRoles(roles: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(rolesRequirement(roles, 'roles'), options, 'requireRoles');
}

/**
 * Koa middleware that lets a request through only when a claim of `ctx.state.auth` is present and
 * strictly equal to `expected`; otherwise 403 `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param expected - a string, finite number or boolean.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * router.use('/tenants/acme', authenticate(authOptions), claimEquals('tenant', 'acme'));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an `expected` of another type;
 *   for an unknown option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimEquals(claim: string, expected: string | number | boolean, options?: RequirementOptions): Middleware {
  return requirementMiddleware(claimEqualsRequirement(claim, expected), options, 'claimEquals');
}

/**
 * Koa middleware that lets a request through only when a claim of `ctx.state.auth` (an array of
 * strings, or a space-separated string) holds every value listed; otherwise 403 `insufficient_scope`.
 *
 * @param claim - the claim name.
 * @param values - the values needed, all of them.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * router.use('/billing', authenticate(authOptions), claimIncludes('groups', ['billing']));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an empty claim name or an empty `values`; for an unknown
 *   option name, a bad `realm` or an `onAuthEvent` that is not a function in `options`.
 */
export function claimIncludes(claim: string, values: readonly string[], options?: RequirementOptions): Middleware {
  return requirementMiddleware(claimIncludesRequirement(claim, values), options, 'claimIncludes');
}

/**
 * Koa middleware that lets a request through only when a synchronous predicate over the verified
 * payload and header of `ctx.state.auth` returns `true`; anything else (or a throw) is 403
 * `insufficient_scope`.
 *
 * @typeParam Claims - the shape of your claims.
 * @param predicate - the check.
 * @param options - see {@link RequirementOptions}.
 * @returns the middleware.
 * @example
 * ```ts
 * router.use('/beta', authenticate(authOptions), claimCheck<{ plan: string }>((payload) => payload.plan === 'pro'));
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
