import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JwtClaims } from '../../jwt/types.js';
import { authenticateExchange, authenticateExchangeSync, type AuthenticationOutcome } from '../core/authenticate-exchange.js';
import { normalizeAuthenticateOptions } from '../core/authenticate-options.js';
import type { AuthenticateOptions, RequestAuth } from '../core/authenticate-options.js';
import { nodeRequestFacts, writeNodeReply } from '../core/node-exchange.js';
import { handOn } from './hand-on.js';

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
 * `requiredScopes` and `requiredRoles`, and sets `req.auth = { payload, header, token }`. Every
 * failure is answered by the middleware itself (RFC 6750), never passed to `next(err)`, so no
 * framework error page or stack trace can show:
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
 * import { authenticate, type AuthRequest } from 'jwtkit/express';
 *
 * const app = express();
 * app.use('/api', authenticate({
 *   key: createRemoteJWKS('https://auth.example.com/.well-known/jwks.json'),
 *   verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'api', typ: 'at+jwt' },
 *   requiredScopes: ['read'],
 * }));
 * app.get('/api/me', (req: AuthRequest<{ scope: string }, express.Request>, res) => {
 *   res.json({ user: req.auth?.payload.sub });
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name or options of the wrong shape
 *   (including `verify` options the core refuses, and `verify` without `audience` unless
 *   `allowAnyAudience: true`);
 *   `ERR_KEY_INVALID` at once for a key given directly that cannot verify. The middleware itself
 *   never throws.
 */
export function authenticate<Claims extends object = JwtClaims>(options: AuthenticateOptions): Middleware {
  const policy = normalizeAuthenticateOptions(options, 'authenticate', 'node');
  return (req, res, next) => {
    const finish = (outcome: AuthenticationOutcome<Claims>): void => {
      if (outcome.reply !== undefined) {
        writeNodeReply(res, outcome.reply);
        return;
      }
      if (outcome.auth !== undefined) (req as AuthRequest<Claims>).auth = outcome.auth;
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
