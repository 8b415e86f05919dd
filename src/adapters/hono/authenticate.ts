import type { Context, MiddlewareHandler } from 'hono';
import { JwtError } from '../../errors.js';
import type { JwtClaims } from '../../jwt/types.js';
import { authenticateExchange } from '../core/authenticate-exchange.js';
import { normalizeAuthenticateOptions } from '../core/authenticate-options.js';
import type { AuthenticateOptions, OptionalAuthenticateOptions, RequestAuth } from '../core/authenticate-options.js';
import { fetchRequestFacts, toResponse } from '../core/fetch-exchange.js';
import { isIssuedAuth, rememberRequestOutcome, requestOutcome } from '../core/issued-auth.js';

/**
 * The Hono environment of an app (or a route) behind {@link authenticate}: `c.get('auth')` and
 * `c.var.auth` are the verified token. Give it to `new Hono<JwtAuthEnv<MyClaims>>()` so that every
 * handler of the app reads them typed; read them with {@link getAuth} in a handler that may run
 * without `authenticate` (it throws there instead of returning `undefined`).
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 */
export interface JwtAuthEnv<Claims extends object = JwtClaims> {
  /** `auth`: set by {@link authenticate}. */
  Variables: JwtAuthVariables<Claims>;
}

/** The variables {@link authenticate} sets on the Hono context. */
export interface JwtAuthVariables<Claims extends object = JwtClaims> {
  /** The verified `{ payload, header, token }`. */
  auth: RequestAuth<Claims>;
}

/**
 * The Hono environment behind an {@link authenticate} with `credentialsRequired: false`:
 * `c.get('auth')` is `undefined` for an anonymous request.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 */
export interface OptionalJwtAuthEnv<Claims extends object = JwtClaims> {
  /** What {@link authenticate} sets on the context. */
  Variables: {
    /** The verified token, or `undefined` for an anonymous request. */
    auth: RequestAuth<Claims> | undefined;
  };
}

/**
 * Hono middleware that authenticates a request by its access token: the same reading,
 * verification and checks as `authenticate` in `jwtkit/express` (and `withAuth` in
 * `jwtkit/fetch`, on `c.req.raw`). A request it lets through reaches the next handler with
 * `c.get('auth')` set to the verified `{ payload, header, token }`; any other request gets the
 * error `Response` (401, 400, 403 or 503, RFC 6750; with the `dpop` option also RFC 9449 §7.1), and
 * the refusal is reported to `onAuthEvent` (by default, logged). With `credentialsRequired: false`
 * an anonymous request goes on without `auth`. What later handlers throw is left to Hono
 * (`app.onError`, `HTTPException`).
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param options - see {@link AuthenticateOptions}; checked now.
 * @returns the middleware.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { authenticate, type JwtAuthEnv } from 'jwtkit/hono';
 * const app = new Hono<JwtAuthEnv<{ scope: string }>>();
 * app.use('/api/*', authenticate({
 *   key: createRemoteJWKS('https://auth.example.com/.well-known/jwks.json'),
 *   verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'api', typ: 'at+jwt' },
 * }));
 * app.get('/api/me', (c) => c.json({ user: c.get('auth').payload.sub, scope: c.get('auth').payload.scope }));
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name or options of the wrong shape
 *   (`verify` without `audience` unless `allowAnyAudience: true`; `passErrors`, which is for
 *   `jwtkit/express` and `jwtkit/koa`; `allowBodyToken`, as the middleware has no parsed body;
 *   both `onAuthEvent` and the deprecated `onError`);
 *   `ERR_KEY_INVALID` at once for a key given directly that cannot verify. The middleware itself
 *   never throws.
 */
export function authenticate<Claims extends object = JwtClaims>(
  options: OptionalAuthenticateOptions,
): MiddlewareHandler<OptionalJwtAuthEnv<Claims>>;
export function authenticate<Claims extends object = JwtClaims>(options: AuthenticateOptions): MiddlewareHandler<JwtAuthEnv<Claims>>;
export function authenticate<Claims extends object = JwtClaims>(options: AuthenticateOptions): MiddlewareHandler {
  const policy = normalizeAuthenticateOptions(options, 'authenticate', 'fetch');
  if (policy.allowBodyToken) {
    // The middleware never reads the body stream (the handler may), so it has no parsed body to look in.
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'authenticate (jwtkit/hono) takes no option "allowBodyToken": parse the form in the handler and call authenticateRequest(c.req.raw, options, { body }) from jwtkit/fetch',
    );
  }
  return async (c, next) => {
    const request = c.req.raw;
    const outcome = await authenticateExchange<Claims>(fetchRequestFacts(request, policy.trustedProxies), policy);
    if (outcome.reply !== undefined) return toResponse(outcome.reply, request.method);
    if (outcome.auth !== undefined) c.set('auth', outcome.auth);
    else rememberRequestOutcome(c, undefined);
    await next();
    return undefined;
  };
}

/**
 * The verified auth of a request that {@link authenticate} let through: `c.get('auth')`, typed,
 * for a handler whose app does not declare {@link JwtAuthEnv}, or that may run without
 * `authenticate`. It accepts only an auth object `authenticate` made (not one another middleware
 * set), and throws when there is none, so a route where `authenticate` did not run fails loudly
 * (Hono answers 500) instead of serving an anonymous user.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param c - the Hono context, after `authenticate`.
 * @returns the verified `{ payload, header, token }`.
 * @example
 * ```ts
 * import { authenticate, getAuth } from 'jwtkit/hono';
 * app.use('/api/*', authenticate(authOptions));
 * app.get('/api/orders', (c) => c.json({ user: getAuth<{ scope: string }>(c).payload.sub }));
 * ```
 * @throws `ERR_INVALID_OPTION` when `authenticate` did not run for this request, or `auth` is not
 *   the object it set (a program error); `ERR_CREDENTIALS_MISSING` for an anonymous request that
 *   `authenticate` let through with `credentialsRequired: false`.
 */
export function getAuth<Claims extends object = JwtClaims>(c: Context): RequestAuth<Claims> {
  const auth: unknown = typeof c === 'object' && c !== null && typeof c.get === 'function' ? c.get('auth') : undefined;
  if (isIssuedAuth(auth)) return auth as RequestAuth<Claims>;
  if (auth === undefined && typeof c === 'object' && c !== null && requestOutcome(c) === null) {
    throw new JwtError(
      'ERR_CREDENTIALS_MISSING',
      "the request is anonymous: authenticate let it through without credentials (credentialsRequired: false); c.get('auth') is undefined here",
    );
  }
  throw new JwtError(
    'ERR_INVALID_OPTION',
    auth === undefined
      ? "getAuth: authenticate did not run for this request: register it before this route (app.use('/api/*', authenticate(options)) comes before app.get('/api/...'))"
      : "getAuth: c.get('auth') was not set by authenticate (another middleware replaced it)",
  );
}
