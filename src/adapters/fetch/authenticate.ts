import { JwtError } from '../../errors.js';
import type { JwtClaims } from '../../jwt/types.js';
import { authenticateExchange } from '../core/authenticate-exchange.js';
import { normalizeAuthenticateOptions } from '../core/authenticate-options.js';
import type { AuthenticateOptions, OptionalAuthenticateOptions, AuthenticatePolicy, RequestAuth } from '../core/authenticate-options.js';
import { fetchRequestFacts, toResponse } from '../core/fetch-exchange.js';
import { isIssuedAuth, rememberRequestOutcome, requestOutcome } from '../core/issued-auth.js';

/** A handler that runs after authentication, with the verified token. */
export type AuthenticatedHandler<Claims extends object = JwtClaims> = (
  request: Request,
  auth: RequestAuth<Claims>,
) => Response | Promise<Response>;

/** A handler for `credentialsRequired: false`: `auth` is `undefined` for an anonymous request. */
export type OptionalAuthHandler<Claims extends object = JwtClaims> = (
  request: Request,
  auth: RequestAuth<Claims> | undefined,
) => Response | Promise<Response>;

/**
 * {@link AuthenticateOptions} with credentials required (the default). Annotate a shared options
 * object with this type so that `withAuth` handlers receive `auth` as always defined; an object
 * typed as plain `AuthenticateOptions` might hold `credentialsRequired: false`, so its handlers get
 * `auth | undefined`.
 */
export type RequiredAuthenticateOptions = AuthenticateOptions & {
  /** `true` or left out (the default): a request without credentials gets 401. */
  credentialsRequired?: true;
};

/**
 * What the application already parsed of a request, for {@link authenticateRequest}: jwtkit never
 * reads a `Request`'s body stream to authenticate it.
 */
export interface ParsedRequest {
  /**
   * The form body, as parsed (`await request.formData()`, Hono's `await c.req.parseBody()`, a
   * `URLSearchParams`), where the `allowBodyToken` option reads the `access_token` parameter
   * (RFC 6750 §2.2) of a `POST`, `PUT` or `PATCH` request with `Content-Type:
   * application/x-www-form-urlencoded`. Default: none; no token is read from the body.
   */
  body?: URLSearchParams | FormData | Readonly<Record<string, unknown>> | undefined;
}

const policies = new WeakMap<AuthenticateOptions, AuthenticatePolicy>();

/**
 * Checks an options object once and remembers the result for that object (its names included: an
 * options object made per call is checked in full at every call, as its first use).
 */
function policyFor(options: AuthenticateOptions, subject: string): AuthenticatePolicy {
  let policy = policies.get(options);
  if (policy === undefined) {
    policy = normalizeAuthenticateOptions(options, subject, 'fetch');
    policies.set(options, policy);
  }
  return policy;
}

/**
 * Authenticates a Fetch `Request` by its access token: the same reading, verification and
 * checks as `authenticate` in `jwtkit/express`. It returns the verified `{ payload, header, token }`
 * (which {@link getAuth} also gives for this `Request` afterwards), or a ready `Response` to send
 * back as is (401, 400, 403 or 503, RFC 6750; each refusal is reported to `onAuthEvent`, by
 * default logged), or `undefined` for an anonymous request with `credentialsRequired: false`.
 *
 * The options object is checked on its first use and remembered: reuse one object (changes made
 * to it later are not seen).
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param request - the incoming request.
 * @param options - see {@link AuthenticateOptions}.
 * @param parsed - what the application already parsed of the request: the form `body`, for
 *   `allowBodyToken` (see {@link ParsedRequest}). Default: nothing.
 * @returns the auth, a `Response`, or `undefined` (anonymous, only with `credentialsRequired: false`).
 * @example
 * ```ts
 * import { authenticateRequest } from 'jwtkit/fetch';
 * const authOptions = { key: jwks, verify: { algorithms: ['ES256'], issuer, audience: 'api' } } as const;
 * export async function GET(request: Request): Promise<Response> {
 *   const auth = await authenticateRequest(request, authOptions);
 *   if (auth instanceof Response) return auth;
 *   return Response.json({ user: auth.payload.sub });
 * }
 * ```
 * @throws `ERR_INVALID_OPTION` for an unknown option name or options of the wrong shape (`verify`
 *   without `audience` included, unless `allowAnyAudience: true`; `passErrors`, which is for
 *   `jwtkit/express`; both `onAuthEvent` and the deprecated `onError`), `ERR_KEY_INVALID` for a key
 *   given directly that cannot verify: the returned promise rejects with them, on every call with that object, and
 *   no `Response` is made. Failures of the request are answered with a `Response`, never thrown.
 */
export function authenticateRequest<Claims extends object = JwtClaims>(
  request: Request,
  options: OptionalAuthenticateOptions,
  parsed?: ParsedRequest,
): Promise<RequestAuth<Claims> | Response | undefined>;
export function authenticateRequest<Claims extends object = JwtClaims>(
  request: Request,
  options: RequiredAuthenticateOptions,
  parsed?: ParsedRequest,
): Promise<RequestAuth<Claims> | Response>;
export function authenticateRequest<Claims extends object = JwtClaims>(
  request: Request,
  options: AuthenticateOptions,
  parsed?: ParsedRequest,
): Promise<RequestAuth<Claims> | Response | undefined>;
export async function authenticateRequest<Claims extends object = JwtClaims>(
  request: Request,
  options: AuthenticateOptions,
  parsed?: ParsedRequest,
): Promise<RequestAuth<Claims> | Response | undefined> {
  const policy = policyFor(options, 'authenticateRequest');
  const body = typeof parsed === 'object' && parsed !== null ? parsed.body : undefined;
  const outcome = await authenticateExchange<Claims>(fetchRequestFacts(request, policy.trustedProxies, body), policy);
  if (outcome.reply !== undefined) return toResponse(outcome.reply, request.method);
  rememberRequestOutcome(request, outcome.auth);
  return outcome.auth;
}

/**
 * Wraps a Fetch handler so that it runs only for an authenticated request, with the verified token
 * as its second argument; any other request gets the ready error `Response` (the handler is not
 * called), and the refusal is reported to `onAuthEvent` (by default, logged). What the handler itself throws is left to the application, as it would be without
 * `withAuth` (so a framework's own exceptions, such as Hono's `HTTPException`, keep working).
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param options - see {@link AuthenticateOptions}; checked now.
 * @param handler - runs after successful authentication.
 * @returns a `(request) => Promise<Response>` handler.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { withAuth } from 'jwtkit/fetch';
 * const me = withAuth<{ scope: string }>(authOptions, (request, auth) => Response.json({ user: auth.payload.sub }));
 * const app = new Hono();
 * app.get('/me', (c) => me(c.req.raw));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an unknown option name, options of the wrong shape
 *   (`verify` without `audience` included, unless `allowAnyAudience: true`; `passErrors`, which is
 *   for `jwtkit/express`; both `onAuthEvent` and the deprecated `onError`; `allowBodyToken`, which
 *   needs the parsed body `authenticateRequest` takes) or a `handler` that is not a function;
 *   `ERR_KEY_INVALID` at once for a key given directly that cannot verify.
 */
export function withAuth<Claims extends object = JwtClaims>(
  options: OptionalAuthenticateOptions,
  handler: OptionalAuthHandler<Claims>,
): (request: Request) => Promise<Response>;
export function withAuth<Claims extends object = JwtClaims>(
  options: RequiredAuthenticateOptions,
  handler: AuthenticatedHandler<Claims>,
): (request: Request) => Promise<Response>;
export function withAuth<Claims extends object = JwtClaims>(
  options: AuthenticateOptions,
  handler: OptionalAuthHandler<Claims>,
): (request: Request) => Promise<Response>;
export function withAuth<Claims extends object = JwtClaims>(
  options: AuthenticateOptions,
  handler: AuthenticatedHandler<Claims> | OptionalAuthHandler<Claims>,
): (request: Request) => Promise<Response> {
  if (typeof handler !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"handler" must be a function');
  const policy = policyFor(options, 'withAuth');
  if (policy.allowBodyToken) {
    // withAuth never reads the body stream (the handler may), so it has no parsed body to look in.
    throw new JwtError(
      'ERR_INVALID_OPTION',
      'withAuth takes no option "allowBodyToken": parse the form yourself and call authenticateRequest(request, options, { body })',
    );
  }
  return async (request) => {
    const outcome = await authenticateExchange<Claims>(fetchRequestFacts(request, policy.trustedProxies), policy);
    if (outcome.reply !== undefined) return toResponse(outcome.reply, request.method);
    rememberRequestOutcome(request, outcome.auth);
    // The overloads pair an `auth` that may be undefined only with credentialsRequired: false.
    return (handler as OptionalAuthHandler<Claims>)(request, outcome.auth);
  };
}

/**
 * The verified auth of a `Request` that {@link authenticateRequest} or {@link withAuth} let
 * through, for code that runs later with the same `Request` object: a handler behind a Hono
 * middleware that called `authenticateRequest(c.req.raw, options)`, for instance. It returns only
 * an auth object jwtkit made for this very object, and throws when there is none, so a route where
 * the authentication did not run fails loudly instead of serving an anonymous user. A copy of the
 * request (`request.clone()`, a `new Request(request)` a framework made) is another object: pass
 * the one that was authenticated.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param request - the request that was authenticated.
 * @returns the verified `{ payload, header, token }`.
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { authenticateRequest, getAuth } from 'jwtkit/fetch';
 * const app = new Hono();
 * app.use('/api/*', async (c, next) => {
 *   const auth = await authenticateRequest(c.req.raw, authOptions);
 *   if (auth instanceof Response) return auth;
 *   await next();
 * });
 * app.get('/api/orders', (c) => c.json({ user: getAuth(c.req.raw).payload.sub }));
 * ```
 * @throws `ERR_INVALID_OPTION` when neither `authenticateRequest` nor `withAuth` let this `Request`
 *   object through (a program error); `ERR_CREDENTIALS_MISSING` for an anonymous request let
 *   through with `credentialsRequired: false`.
 */
export function getAuth<Claims extends object = JwtClaims>(request: Request): RequestAuth<Claims> {
  const outcome = typeof request === 'object' && request !== null ? requestOutcome(request) : undefined;
  if (isIssuedAuth(outcome)) return outcome as RequestAuth<Claims>;
  if (outcome === null) {
    throw new JwtError(
      'ERR_CREDENTIALS_MISSING',
      'the request is anonymous: it was let through without credentials (credentialsRequired: false)',
    );
  }
  throw new JwtError(
    'ERR_INVALID_OPTION',
    'getAuth: neither authenticateRequest nor withAuth let this Request object through: authenticate it first, ' +
      'and pass that same object (a clone or a new Request made from it is another object)',
  );
}
