import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { normalizeAuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import type { AuthEndpointsOptions } from '../core/auth-endpoints-options.js';
import { neutralAuthEndpoints } from '../core/auth-endpoints.js';
import { endpointErrorReply } from '../core/error-replies.js';
import type { HttpReply, HttpRequestFacts } from '../core/http-exchange.js';
import { jwksReply, normalizeJWKSEndpointOptions } from '../core/jwks-endpoint.js';
import type { JWKSEndpointOptions } from '../core/jwks-endpoint.js';
import { nodeRequestFacts } from '../core/node-exchange.js';
import type { TrustedProxies } from '../core/trusted-proxies.js';
import { sendReply } from './reply.js';

/** A Fastify route handler that answers every request itself, through `reply`. */
export type RouteHandler = (request: FastifyRequest, reply: FastifyReply) => void;

function fastifyHandler(answer: (request: HttpRequestFacts) => Promise<HttpReply>, proxies?: TrustedProxies): RouteHandler {
  return (request, reply) => {
    void answer(nodeRequestFacts(request.raw, proxies))
      .catch((error: unknown) => endpointErrorReply(error))
      .then((result) => sendReply(reply, result))
      .catch(() => reply.raw.destroy());
  };
}

/**
 * The issuer side of the token flow for Fastify: a plugin with the login, refresh, logout and
 * logout-everywhere routes (`/login`, `/refresh`, `/logout`, `/logout-everywhere`, under the
 * `prefix` it is registered with, which should be `cookie.path`: `/auth` by default), over a
 * token service. Same behaviour and options as `createAuthEndpoints` in `jwtkit/express`: the
 * refresh token in an `HttpOnly; Secure; SameSite=Strict` cookie scoped to the auth path (or in
 * JSON bodies), cross-site requests refused (403), every outcome answered through Fastify's
 * `reply` (400/408/413/415, 401 `invalid_credentials` / `invalid_grant`, 405 for methods other
 * than POST, 503, 500 without detail) and reported to `onAuthEvent`. The `dpop` option and the
 * RFC 6749 §6 form grant of the body transport work as there.
 *
 * The plugin is encapsulated, and reads its bodies itself: JSON, and the form of the token
 * request, within `maxBodyBytes` and `bodyTimeout` (a body over the limit is 413 and closes the
 * connection). It replaces the content-type parsers in its own scope only, so the application's
 * parsers, `bodyLimit` and error handler are left as they are for every other route.
 *
 * @typeParam Claims - the claims `verifyCredentials` returns for access tokens.
 * @param options - see {@link AuthEndpointsOptions}; checked now.
 * @returns the plugin, for `app.register(plugin, { prefix })`.
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createAuthEndpoints, createJWKSEndpoint } from 'jwtkit/fastify';
 *
 * const app = Fastify();
 * app.register(createAuthEndpoints({ tokens, verifyCredentials, cookie: { path: '/auth' } }), { prefix: '/auth' });
 * app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks() }));
 * ```
 * @throws `ERR_INVALID_OPTION` at once, for an unknown option name (in `cookie`, `csrf` and `dpop` too),
 *   both `onAuthEvent` and the deprecated `onError`, or options of the wrong shape. The routes never throw.
 */
export function createAuthEndpoints<Claims extends object = Record<string, unknown>>(
  options: AuthEndpointsOptions<Claims>,
): FastifyPluginCallback {
  const policy = normalizeAuthEndpointsOptions(options, 'node');
  const endpoints = neutralAuthEndpoints(policy);
  const routes: ReadonlyArray<[string, RouteHandler]> = [
    ['/login', fastifyHandler(endpoints.login, policy.trustedProxies)],
    ['/refresh', fastifyHandler(endpoints.refresh, policy.trustedProxies)],
    ['/logout', fastifyHandler(endpoints.logout, policy.trustedProxies)],
    ['/logout-everywhere', fastifyHandler(endpoints.logoutEverywhere, policy.trustedProxies)],
  ];
  const plugin: FastifyPluginCallback = (instance, _options, done) => {
    // This scope only: the routes read their bodies themselves, so no parser may consume them first.
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null, undefined));
    // Every method, so that the endpoints answer 405 with `Allow: POST` themselves.
    for (const [path, handler] of routes) instance.all(path, handler);
    done();
  };
  return Object.assign(plugin, { [Symbol.for('fastify.display-name')]: 'jwtkit-auth-endpoints' });
}

/**
 * A Fastify route handler serving a JSON Web Key Set (e.g. at `/.well-known/jwks.json`) with
 * `Content-Type: application/jwk-set+json` and `Cache-Control: public, max-age=...`, for resource
 * servers that verify through `createRemoteJWKS`. It refuses to serve private or symmetric keys.
 *
 * @param options - see {@link JWKSEndpointOptions}; checked now.
 * @returns the handler (GET and HEAD; 405 for other methods, when routed to it).
 * @example
 * ```ts
 * import { createJWKSEndpoint } from 'jwtkit/fastify';
 * app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks(), cacheMaxAge: '10m' }));
 * ```
 * @throws `ERR_INVALID_OPTION` at once for an unknown option name or options of the wrong shape;
 *   `ERR_KEY_INVALID` at once for a key set given as a document that holds private or symmetric keys.
 */
export function createJWKSEndpoint(options: JWKSEndpointOptions): RouteHandler {
  const policy = normalizeJWKSEndpointOptions(options);
  return fastifyHandler((request) => jwksReply(request, policy));
}
