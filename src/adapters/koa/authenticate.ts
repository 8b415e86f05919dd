import type { Middleware } from 'koa';
import { JwtError } from '../../errors.js';
import { ownValue } from '../../internal/own-member.js';
import type { JwtClaims } from '../../jwt/types.js';
import { authenticateExchange } from '../core/authenticate-exchange.js';
import { normalizeAuthenticateOptions } from '../core/authenticate-options.js';
import type { AuthenticateOptions, OptionalAuthenticateOptions, RequestAuth } from '../core/authenticate-options.js';
import { isIssuedAuth, rememberRequestOutcome, requestOutcome } from '../core/issued-auth.js';
import { koaRequestFacts, type KoaContext } from './koa-exchange.js';
import { refuse } from './refuse.js';

/**
 * The Koa state behind {@link authenticate}: `ctx.state.auth` is the verified token. Give it to
 * `new Koa<JwtAuthState<MyClaims>>()` (or to a router's state type) so that every middleware of
 * the app reads it typed; read it with {@link getAuth} in a middleware that may run without
 * `authenticate` (it throws there instead of returning `undefined`).
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 */
export interface JwtAuthState<Claims extends object = JwtClaims> {
  /** The verified `{ payload, header, token }`, set by {@link authenticate}. */
  auth: RequestAuth<Claims>;
}

/**
 * The Koa state behind an {@link authenticate} with `credentialsRequired: false`:
 * `ctx.state.auth` is `undefined` for an anonymous request.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 */
export interface OptionalJwtAuthState<Claims extends object = JwtClaims> {
  /** The verified `{ payload, header, token }`, or `undefined` for an anonymous request. */
  auth: RequestAuth<Claims> | undefined;
}

/**
 * Koa middleware that authenticates a request by its access token: the same reading,
 * verification and checks as `authenticate` in `jwtkit/express` (with the `dpop` option, the
 * proof's `htu` is compared with `ctx.originalUrl`). A request it lets through reaches the next
 * middleware with `ctx.state.auth` set to the verified `{ payload, header, token }`; any other
 * request is answered here (401, 400, 403 or 503, RFC 6750, through `ctx.status`, `ctx.body` and
 * the headers) and the refusal is reported to `onAuthEvent` (by default, logged). With
 * `passErrors: true` the refusal is thrown instead, as a `JwtError` with `status` and `headers`
 * (what Koa's `ctx.onerror` and the `http-errors` convention read), for the app's error handling
 * middleware to answer. With `credentialsRequired: false` an anonymous request goes on without
 * `auth`.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param options - see {@link AuthenticateOptions}; checked now.
 * @returns the middleware.
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { authenticate, type JwtAuthState } from 'jwtkit/koa';
 * const app = new Koa<JwtAuthState<{ scope: string }>>();
 * app.use(authenticate({
 *   key: createRemoteJWKS('https://auth.example.com/.well-known/jwks.json'),
 *   verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'api', typ: 'at+jwt' },
 * }));
 * app.use((ctx) => {
 *   ctx.body = { user: ctx.state.auth.payload.sub, scope: ctx.state.auth.payload.scope };
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name or options of the wrong shape
 *   (including `verify` options the core refuses, `verify` without `audience` unless
 *   `allowAnyAudience: true`, and both `onAuthEvent` and the deprecated `onError`);
 *   `ERR_KEY_INVALID` at once for a key given directly that cannot verify. The middleware itself
 *   throws only with `passErrors: true`.
 */
export function authenticate<Claims extends object = JwtClaims>(
  options: OptionalAuthenticateOptions,
): Middleware<OptionalJwtAuthState<Claims>>;
export function authenticate<Claims extends object = JwtClaims>(options: AuthenticateOptions): Middleware<JwtAuthState<Claims>>;
export function authenticate<Claims extends object = JwtClaims>(options: AuthenticateOptions): Middleware<OptionalJwtAuthState<Claims>> {
  const policy = normalizeAuthenticateOptions(options, 'authenticate', 'node');
  return async (ctx, next) => {
    const outcome = await authenticateExchange<Claims>(koaRequestFacts(ctx as KoaContext, policy.trustedProxies), policy);
    if (outcome.reply !== undefined) {
      refuse(ctx as KoaContext, outcome.reply, outcome.error, policy.passErrors);
      return;
    }
    if (outcome.auth !== undefined) ctx.state.auth = outcome.auth;
    else rememberRequestOutcome(ctx, undefined);
    await next();
  };
}

/**
 * The verified auth of a request that {@link authenticate} let through: `ctx.state.auth`, typed,
 * for a middleware whose app does not declare {@link JwtAuthState}, or that may run without
 * `authenticate`. It accepts only an auth object `authenticate` itself set (not one another
 * middleware put there, nor one inherited through a polluted `Object.prototype`), and throws when
 * there is none, so a route where `authenticate` did not run fails loudly (Koa answers 500)
 * instead of serving an anonymous user.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param ctx - the Koa context, after `authenticate`.
 * @returns the verified `{ payload, header, token }`.
 * @example
 * ```ts
 * import { authenticate, getAuth } from 'jwtkit/koa';
 * app.use(authenticate(authOptions));
 * app.use((ctx) => {
 *   ctx.body = { user: getAuth<{ scope: string }>(ctx).payload.sub };
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` when `authenticate` did not run for this request, or
 *   `ctx.state.auth` is not the object it set (a program error); `ERR_CREDENTIALS_MISSING` for an
 *   anonymous request that `authenticate` let through with `credentialsRequired: false`.
 */
export function getAuth<Claims extends object = JwtClaims>(ctx: { state: unknown }): RequestAuth<Claims> {
  const state = (typeof ctx === 'object' && ctx !== null ? ctx.state : undefined) as { auth?: unknown } | null | undefined;
  const auth = typeof state === 'object' && state !== null ? ownValue(state, 'auth', state.auth) : undefined;
  if (isIssuedAuth(auth)) return auth as RequestAuth<Claims>;
  if (auth === undefined && typeof ctx === 'object' && ctx !== null && requestOutcome(ctx) === null) {
    throw new JwtError(
      'ERR_CREDENTIALS_MISSING',
      'the request is anonymous: authenticate let it through without credentials (credentialsRequired: false); ctx.state.auth is undefined here',
    );
  }
  throw new JwtError(
    'ERR_INVALID_OPTION',
    auth === undefined
      ? 'getAuth: authenticate did not run for this request: app.use(authenticate(options)) must come before this middleware'
      : 'getAuth: ctx.state.auth was not set by authenticate (another middleware replaced it)',
  );
}
