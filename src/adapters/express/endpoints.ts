import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeAuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import type { AuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import { neutralAuthEndpoints } from '../core/auth-endpoints.js';
import { endpointErrorReply } from '../core/error-replies.js';
import type { HttpReply, HttpRequestFacts } from '../core/http-exchange.js';
import { jwksReply, normalizeJWKSEndpointOptions } from '../core/jwks-endpoint.js';
import type { JWKSEndpointOptions } from '../core/jwks-endpoint.js';
import { nodeRequestFacts, writeNodeReply } from '../core/node-exchange.js';
import type { TrustedProxies } from '../core/trusted-proxies.js';

/**
 * A request handler over Node's request and response: Express 4 and 5 accept it as a route
 * handler, a `node:http` server can call it directly. It answers every request itself.
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The auth endpoint handlers made by {@link createAuthEndpoints}; mount each on a POST route under the cookie path. */
export interface AuthEndpoints {
  /** `POST` with a JSON body of credentials: 200 `{ access_token, token_type, expires_in }` (+ refresh token). */
  login: RequestHandler;
  /**
   * `POST`: trades the refresh token (cookie, or JSON body; with the body transport also the
   * RFC 6749 §6 form `grant_type=refresh_token&refresh_token=...`) for a new pair.
   */
  refresh: RequestHandler;
  /** `POST`: revokes the session of the refresh token and clears the cookie; 204. */
  logout: RequestHandler;
  /**
   * `POST` with `Authorization: Bearer <access token>` (or, with the `dpop` option,
   * `Authorization: DPoP <access token>` and its `DPoP` proof): revokes every session of its subject; 204.
   */
  logoutEverywhere: RequestHandler;
}

function nodeHandler(answer: (request: HttpRequestFacts) => Promise<HttpReply>, proxies?: TrustedProxies): RequestHandler {
  return (req, res) => {
    void answer(nodeRequestFacts(req, proxies))
      .catch((error: unknown) => endpointErrorReply(error))
      .then((reply) => writeNodeReply(res, reply))
      .catch(() => res.destroy());
  };
}

/**
 * The issuer side of the token flow for Express and `node:http`: login, refresh, logout and
 * logout-everywhere handlers over a token service.
 *
 * The refresh token travels in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to the auth
 * path (default) or, for non-browser clients, in the JSON bodies; the access token always comes
 * back in the JSON body. With the cookie, login, refresh and logout refuse cross-site requests
 * (403). The handlers read JSON bodies themselves, within `maxBodyBytes` and `bodyTimeout`, unless
 * `express.json()` already did. Every outcome is answered by the handler: 400/413/415 for malformed
 * requests, 408 for a body that did not arrive in time (the connection is then closed), 401
 * `invalid_credentials` or `invalid_grant`, 405 for methods other than POST, 503 when the store is
 * down, 500 without detail for anything else. Each login, failed login and refusal is reported to
 * `onAuthEvent` (by default, refusals are logged), and so is an endpoint mounted outside
 * `cookie.path` (at `req.originalUrl`, after `publicPathPrefix`), where browsers would never send
 * the refresh cookie: mount the endpoints under it.
 *
 * With the `dpop` option, login and refresh take a DPoP proof (RFC 9449 §5): a login with one
 * binds the session to the client's key (`token_type: "DPoP"`, access tokens with `cnf.jkt`), and
 * a bound session is refreshed only with a proof of that key (400 `invalid_grant` otherwise; another
 * key also ends the session). A bad proof is 400 `invalid_dpop_proof`; a proof without a current
 * server nonce 400 `use_dpop_nonce` with a `DPoP-Nonce` header. With the body transport, `refresh`
 * also takes the RFC 6749 §6 form of standard OAuth clients (`grant_type=refresh_token`), whose
 * refusals are all 400 (`invalid_grant`, `invalid_request`, `unsupported_grant_type`).
 *
 * @typeParam Claims - the claims `verifyCredentials` returns for access tokens.
 * @param options - see {@link AuthEndpointsOptions}; checked now.
 * @returns the four handlers.
 * @example
 * ```ts
 * import express from 'express';
 * import { createTokenService } from 'jwtkit';
 * import { createAuthEndpoints } from 'jwtkit/express';
 *
 * const tokens = createTokenService({ key: ring, issuer: 'https://auth.example.com', audience: 'api' });
 * const auth = createAuthEndpoints({
 *   tokens,
 *   verifyCredentials: async ({ username, password }) =>
 *     (await users.check(username, password)) ? { subject: String(username), claims: { scope: 'read' } } : null,
 *   cookie: { path: '/auth' },
 * });
 * const app = express();
 * app.post('/auth/login', auth.login);
 * app.post('/auth/refresh', auth.refresh);
 * app.post('/auth/logout', auth.logout);
 * app.post('/auth/logout-everywhere', auth.logoutEverywhere);
 * ```
 * @example DPoP-bound sessions, refreshed by standard OAuth clients (docs/sender-constrained-tokens.md):
 * ```ts
 * const auth = createAuthEndpoints({
 *   tokens,
 *   verifyCredentials,
 *   refreshTokenTransport: 'body',
 *   dpop: { origins: ['https://auth.example.com'], replayCache: new MemoryDPoPReplayCache() },
 * });
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name (in `cookie`, `csrf` and `dpop` too),
 *   both `onAuthEvent` and the deprecated `onError`, or options of the wrong shape. The handlers never throw.
 */
export function createAuthEndpoints<Claims extends object = Record<string, unknown>>(options: AuthEndpointsOptions<Claims>): AuthEndpoints {
  const policy = normalizeAuthEndpointsOptions(options, 'node');
  const endpoints = neutralAuthEndpoints(policy);
  return Object.freeze({
    login: nodeHandler(endpoints.login, policy.trustedProxies),
    refresh: nodeHandler(endpoints.refresh, policy.trustedProxies),
    logout: nodeHandler(endpoints.logout, policy.trustedProxies),
    logoutEverywhere: nodeHandler(endpoints.logoutEverywhere, policy.trustedProxies),
  });
}

/**
 * A handler serving a JSON Web Key Set (e.g. at `/.well-known/jwks.json`) with
 * `Content-Type: application/jwk-set+json` and `Cache-Control: public, max-age=...`, for resource
 * servers that verify through `createRemoteJWKS`. It refuses to serve private or symmetric keys.
 *
 * @param options - see {@link JWKSEndpointOptions}; checked now.
 * @returns the handler (GET and HEAD; 405 otherwise).
 * @example
 * ```ts
 * import { createJWKSEndpoint } from 'jwtkit/express';
 * app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks(), cacheMaxAge: '10m' }));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an unknown option name or options of the wrong shape;
 *   `ERR_KEY_INVALID` at once for a key set given as a document that holds private or symmetric keys.
 */
export function createJWKSEndpoint(options: JWKSEndpointOptions): RequestHandler {
  const policy = normalizeJWKSEndpointOptions(options);
  return nodeHandler((request) => jwksReply(request, policy));
}

/**
 * The former name of {@link createJWKSEndpoint}, which it is.
 *
 * @example
 * ```ts
 * import { createJWKSEndpoint } from 'jwtkit/express'; // was: createJwksEndpoint
 * app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks() }));
 * ```
 * @throws as {@link createJWKSEndpoint}.
 * @deprecated Use {@link createJWKSEndpoint}. Removed in 0.3.
 */
export const createJwksEndpoint = createJWKSEndpoint;
