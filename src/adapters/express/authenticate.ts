import type { IncomingMessage, ServerResponse } from 'node:http';
import { JwtError } from '../../errors.js';
import { ownValue } from '../../internal/own-member.js';
import type { JwtClaims } from '../../jwt/types.js';
import { authenticateExchange, authenticateExchangeSync, type AuthenticationOutcome } from '../core/authenticate-exchange.js';
import { normalizeAuthenticateOptions } from '../core/authenticate-options.js';
import type { AuthenticateOptions, RequestAuth } from '../core/authenticate-options.js';
import { nodeRequestFacts } from '../core/node-exchange.js';
import { isIssuedAuth, rememberRequestOutcome, requestOutcome } from '../core/issued-auth.js';
import { handOn } from './hand-on.js';
import { refuse } from './refuse.js';

/** The `next` callback of a connect-style middleware (Express 4 and 5). */
export type NextFunction = (error?: unknown) => void;

/**
 * A connect-style middleware over Node's own request and response types. Express 4 and 5 accept
 * it in `app.use`, `app.get`, `router.post`, ...; a plain `node:http` server can call it with its
 * own `next`. jwtkit never imports Express.
 */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

/**
 * A request after {@link authenticate}: `auth` holds the verified token. It is optional in the type
 * because routes with `credentialsRequired: false` may let anonymous requests through, and
 * because a handler cannot know which middleware ran before it.
 *
 * @typeParam Claims - the shape of your claims.
 * @typeParam Base - the request type to extend; pass `express.Request` to keep Express's members.
 */
export type AuthRequest<Claims extends object = JwtClaims, Base extends IncomingMessage = IncomingMessage> = Base & {
  /** The verified token, set by {@link authenticate}; `undefined` for an anonymous request. */
  auth?: RequestAuth<Claims>;
};

/**
 * Express (and `node:http`) middleware that authenticates a request by its access token.
 *
 * It reads the token from `Authorization: Bearer` (with the `dpop` option, `Authorization: DPoP`
 * and its `DPoP` proof, checked against `req.originalUrl`; and, when configured, a cookie or the
 * `access_token` query parameter), verifies it with the core `verify`, asks `isRevoked`, checks
 * `requiredScopes` and `requiredRoles`, and sets `req.auth = { payload, header, token }` (read it
 * with {@link getAuth}). Every failure is reported to `onAuthEvent` (by default, logged) and
 * answered by the middleware itself (RFC 6750), never passed to `next(err)` unless `passErrors:
 * true`, so no framework error page or stack trace can show:
 *
 * | failure | answer |
 * | --- | --- |
 * | no credentials | 401, `WWW-Authenticate: Bearer realm="..."`, no error code |
 * | malformed header, duplicate headers, token in two places | 400 `invalid_request` |
 * | bad, expired or revoked token; a resolver that threw | 401 `invalid_token` |
 * | missing scope or role | 403 `insufficient_scope` (`scope="..."` for scopes) |
 * | token store, key set or DPoP replay cache unreachable | 503, no detail |
 * | with `dpop`: a DPoP proof that fails a check; no current server nonce | 401 `invalid_dpop_proof`; 401 `use_dpop_nonce` with `DPoP-Nonce` |
 * | a bound token (`cnf`) not used with its DPoP key or TLS client certificate | 401 `invalid_token` |
 *
 * With a key given directly and no `isRevoked`, nothing is asynchronous: the middleware answers or
 * calls `next` before it returns. With a key resolver (a JWKS) or `isRevoked`, it does so once
 * they have answered.
 *
 * @typeParam Claims - the shape of your claims on `req.auth.payload` (not checked at run time).
 * @param options - see {@link AuthenticateOptions}; checked now.
 * @returns the middleware.
 * @example
 * ```ts
 * import express from 'express';
 * import { createRemoteJWKS } from 'jwtkit';
 * import { authenticate, getAuth } from 'jwtkit/express';
 *
 * const app = express();
 * app.use('/api', authenticate({
 *   key: createRemoteJWKS('https://auth.example.com/.well-known/jwks.json'),
 *   verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'api', typ: 'at+jwt' },
 *   requiredScopes: ['read'],
 *   onAuthEvent: (event) => logger.warn(event), // default: a console.warn line per refusal
 * }));
 * app.get('/api/me', (req, res) => {
 *   res.json({ user: getAuth<{ scope: string }>(req).payload.sub });
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name or options of the wrong shape
 *   (including `verify` options the core refuses, `verify` without `audience` unless
 *   `allowAnyAudience: true`, and both `onAuthEvent` and the deprecated `onError`);
 *   `ERR_KEY_INVALID` at once for a key given directly that cannot verify. The middleware itself
 *   never throws.
 */
export function authenticate<Claims extends object = JwtClaims>(options: AuthenticateOptions): Middleware {
  const policy = normalizeAuthenticateOptions(options, 'authenticate', 'node');
  return (req, res, next) => {
    const finish = (outcome: AuthenticationOutcome<Claims>): void => {
      if (outcome.reply !== undefined) {
        refuse(res, next, outcome.reply, outcome.error, policy.passErrors);
        return;
      }
      if (outcome.auth !== undefined) (req as AuthRequest<Claims>).auth = outcome.auth;
      else rememberRequestOutcome(req, undefined);
      handOn(next);
    };
    const facts = nodeRequestFacts(req, policy.trustedProxies);
    const outcome = authenticateExchangeSync<Claims>(facts, policy);
    if (outcome !== undefined) {
      try {
        finish(outcome);
      } catch {
        res.destroy(); // as the asynchronous form does when writing the reply fails
      }
      return;
    }
    void authenticateExchange<Claims>(facts, policy)
      .then(finish)
      .catch(() => res.destroy());
  };
}

/**
 * The verified auth of a request that {@link authenticate} let through: `req.auth`, typed, without
 * the `?.` of an optional member. Use it in the route handlers behind `authenticate`. It accepts
 * only an auth object `authenticate` itself set (not one another middleware put on `req.auth`, nor
 * one inherited through a polluted `Object.prototype`), and throws when there is none, so a route
 * where `authenticate` did not run (mounted after the route, or on another path) fails loudly
 * instead of serving an anonymous user.
 *
 * @typeParam Claims - the shape of your claims (not checked at run time).
 * @param req - the request, after `authenticate`.
 * @returns the verified `{ payload, header, token }`.
 * @example
 * ```ts
 * import { authenticate, getAuth } from 'jwtkit/express';
 * app.use('/api', authenticate(authOptions));
 * app.get('/api/orders', (req, res) => {
 *   const { payload } = getAuth<{ scope: string }>(req);
 *   res.json({ user: payload.sub, scope: payload.scope });
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` when `authenticate` did not run for this request, or `req.auth` is
 *   not the object it set (a program error: Express answers 500); `ERR_CREDENTIALS_MISSING` for an
 *   anonymous request that `authenticate` let through with `credentialsRequired: false` (read
 *   `req.auth` there, which is then `undefined`).
 */
export function getAuth<Claims extends object = JwtClaims>(req: IncomingMessage): RequestAuth<Claims> {
  const auth = ownValue(req as AuthRequest, 'auth', (req as AuthRequest).auth);
  if (isIssuedAuth(auth)) return auth as RequestAuth<Claims>;
  if (auth === undefined && requestOutcome(req) === null) {
    throw new JwtError(
      'ERR_CREDENTIALS_MISSING',
      'the request is anonymous: authenticate let it through without credentials (credentialsRequired: false); read req.auth, which is undefined here',
    );
  }
  throw new JwtError(
    'ERR_INVALID_OPTION',
    auth === undefined
      ? "getAuth: authenticate did not run for this request: mount authenticate(...) before this route (app.use('/api', authenticate(options)) comes before app.get('/api/...'))"
      : 'getAuth: req.auth was not set by authenticate (another middleware replaced it)',
  );
}
