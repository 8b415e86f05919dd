import type { FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { JwtError } from '../../errors.js';
import { ownValue } from '../../internal/own-member.js';
import type { JwtClaims } from '../../jwt/types.js';
import { authenticateExchange, authenticateExchangeSync, type AuthenticationOutcome } from '../core/authenticate-exchange.js';
import { normalizeAuthenticateOptions } from '../core/authenticate-options.js';
import type { AuthenticateOptions, RequestAuth } from '../core/authenticate-options.js';
import { isIssuedAuth, rememberRequestOutcome, requestOutcome } from '../core/issued-auth.js';
import { nodeRequestFacts } from '../core/node-exchange.js';
import { appWide } from './app-wide.js';
import { refuse } from './reply.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified token, set by jwtkit's `authenticate` hook or `jwtAuth` plugin
     * (`jwtkit/fastify`); `undefined` for an anonymous request or a route they do not guard.
     * Read it with `getAuth(request)` in the routes they guard.
     */
    auth?: RequestAuth;
  }
}

/**
 * A Fastify `onRequest` hook, in the callback form: give it in a route's options (`{ onRequest:
 * authenticate(options) }`, or in an array after other hooks) or to `addHook('onRequest', ...)`.
 * It answers a refused request itself and calls `done` only for a request it lets through.
 */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/** Builds the hook; `subject` is the public function, as a refusal of its options names it. */
function authenticationHook(options: AuthenticateOptions, subject: string): AuthHook {
  const policy = normalizeAuthenticateOptions(options, subject, 'node');
  if (policy.allowBodyToken) {
    // The hook runs at onRequest, before Fastify parses a body: a body token could never be seen.
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `${subject} (jwtkit/fastify) takes no option "allowBodyToken": it runs before the body is parsed; send the token in the Authorization header`,
    );
  }
  return (request, reply, done) => {
    const finish = (outcome: AuthenticationOutcome<JwtClaims>): void => {
      if (outcome.reply !== undefined) {
        refuse(reply, done, outcome.reply, outcome.error, policy.passErrors);
        return;
      }
      request.auth = outcome.auth;
      if (outcome.auth === undefined) rememberRequestOutcome(request, undefined);
      done();
    };
    const facts = nodeRequestFacts(request.raw, policy.trustedProxies);
    const outcome = authenticateExchangeSync<JwtClaims>(facts, policy);
    if (outcome !== undefined) {
      finish(outcome);
      return;
    }
    void authenticateExchange<JwtClaims>(facts, policy)
      .then(finish)
      .catch(() => reply.raw.destroy());
  };
}

/**
 * A Fastify `onRequest` hook that authenticates a request by its access token, for one route (or,
 * with `addHook`, every route of a scope): the same reading, verification and checks as
 * `authenticate` in `jwtkit/express`. It reads the token from `Authorization: Bearer` (with the
 * `dpop` option, `Authorization: DPoP` and its `DPoP` proof; when configured, a cookie or the
 * `access_token` query parameter), verifies it, asks `isRevoked`, checks `requiredScopes` and
 * `requiredRoles`, and sets `request.auth = { payload, header, token }` (read it with
 * {@link getAuth}). Every refusal is reported to `onAuthEvent` (by default, logged) and answered
 * through Fastify's `reply` (RFC 6750: 401, 400 `invalid_request`, 403 `insufficient_scope`, 503
 * without detail), before the body is read and without running the route; never a stack trace.
 * With `passErrors: true` the refusal goes to Fastify's error handling instead (`done(error)`,
 * the `JwtError` carrying `status` and `headers`).
 *
 * Per-route options (scopes, roles) are options of the hook: make one hook per policy, or put
 * {@link requireScopes} and friends after a shared one.
 *
 * @param options - see {@link AuthenticateOptions}; checked now.
 * @returns the hook.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createRemoteJWKS } from 'jwtkit';
 * import { authenticate, getAuth } from 'jwtkit/fastify';
 *
 * const authOptions = {
 *   key: createRemoteJWKS('https://auth.example.com/.well-known/jwks.json'),
 *   verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'api', typ: 'at+jwt' },
 * } as const;
 * const app = Fastify();
 * app.get('/orders', { onRequest: authenticate({ ...authOptions, requiredScopes: ['orders:read'] }) }, async (request) => ({
 *   user: getAuth(request).payload.sub,
 * }));
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name or options of the wrong shape
 *   (including `verify` options the core refuses, `verify` without `audience` unless
 *   `allowAnyAudience: true`, and both `onAuthEvent` and the deprecated `onError`);
 *   `ERR_KEY_INVALID` at once for a key given directly that cannot verify. The hook itself never
 *   throws.
 */
export function authenticate(options: AuthenticateOptions): AuthHook {
  return authenticationHook(options, 'authenticate');
}

/**
 * A Fastify plugin that authenticates every route of the scope it is registered in (the whole
 * application when registered on the root instance, the routes of one `register` callback
 * otherwise): it declares `request.auth` (a request decorator, so every request has the member)
 * and adds the {@link authenticate} hook with these options. Like a `fastify-plugin` plugin, and
 * without that package, it is not encapsulated: its decorator and hook apply to the registering
 * scope. Routes add their own requirements with {@link requireScopes} and friends, or skip the
 * plugin by living in another scope.
 *
 * @param options - see {@link AuthenticateOptions}; checked now.
 * @returns the plugin, for `app.register(...)`.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { getAuth, jwtAuth, requireScopes } from 'jwtkit/fastify';
 *
 * const app = Fastify();
 * app.register(async (api) => {
 *   api.register(jwtAuth(authOptions)); // every route below, not the rest of the app
 *   api.get('/me', async (request) => ({ user: getAuth(request).payload.sub }));
 *   api.delete('/items/:id', { onRequest: requireScopes(['items:write']) }, deleteItem);
 * }, { prefix: '/api' });
 * ```
 * @throws as {@link authenticate}, at once.
 */
export function jwtAuth(options: AuthenticateOptions): FastifyPluginCallback {
  const hook = authenticationHook(options, 'jwtAuth');
  return appWide((instance, _options, done) => {
    if (!instance.hasRequestDecorator('auth')) instance.decorateRequest('auth', undefined);
    instance.addHook('onRequest', hook);
    done();
  }, 'jwtkit-auth');
}

/**
 * The verified auth of a request that {@link authenticate} or {@link jwtAuth} let through:
 * `request.auth`, typed, without the `?.` of an optional member. It accepts only an auth object
 * they set (not one another hook put on `request.auth`, nor one inherited through a polluted
 * `Object.prototype`), and throws when there is none, so a route they do not guard fails loudly
 * (Fastify answers 500) instead of serving an anonymous user.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param request - the request, after the hook.
 * @returns the verified `{ payload, header, token }`.
 * @example
 * ```ts
 * app.get('/orders', { onRequest: authenticate(authOptions) }, async (request) => {
 *   const { payload } = getAuth<{ scope: string }>(request);
 *   return { user: payload.sub, scope: payload.scope };
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` when neither hook ran for this request, or `request.auth` is not
 *   the object it set (a program error); `ERR_CREDENTIALS_MISSING` for an anonymous request let
 *   through with `credentialsRequired: false` (read `request.auth`, which is then `undefined`).
 */
export function getAuth<Claims extends object = JwtClaims>(request: FastifyRequest): RequestAuth<Claims> {
  const auth = ownValue(request, 'auth', request.auth);
  if (isIssuedAuth(auth)) return auth as RequestAuth<Claims>;
  if (auth === undefined && requestOutcome(request) === null) {
    throw new JwtError(
      'ERR_CREDENTIALS_MISSING',
      'the request is anonymous: it was let through without credentials (credentialsRequired: false); read request.auth, which is undefined here',
    );
  }
  throw new JwtError(
    'ERR_INVALID_OPTION',
    auth === undefined
      ? 'getAuth: no jwtkit hook ran for this request: give the route { onRequest: authenticate(options) }, or register jwtAuth(options) in its scope'
      : 'getAuth: request.auth was not set by jwtkit (another hook replaced it)',
  );
}
