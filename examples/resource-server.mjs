// The resource server of the demo: Hono (through @hono/node-server) with jwtkit/fetch. It shares
// no secret with the auth server: it trusts the auth server's public keys, fetched from its JWKS
// URL (cached, refetched on an unknown `kid`), and checks issuer, audience, `typ: at+jwt`, expiry
// and the `profile:read` scope of every access token. It takes Bearer tokens and DPoP-bound ones
// (`Authorization: DPoP` with a proof of the client's key, RFC 9449).
//
// CORS is the application's business, not jwtkit's: this server allows exactly one origin (the
// demo page's), for GET with an Authorization header, without credentials (no cookies here).
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { MemoryDPoPReplayCache, createRemoteJWKS } from 'jwtkit';
import { requireScopes, withAuth } from 'jwtkit/fetch';

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address().port));
  });
}

/**
 * Starts the resource server.
 * @param {{ authUrl: string, pageOrigin?: string, host?: string, port?: number }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startResourceServer(options) {
  const host = options.host ?? '127.0.0.1';
  const app = new Hono();
  const server = createAdaptorServer({ fetch: app.fetch });
  const port = await listen(server, host, options.port ?? 0);
  const url = `http://${host}:${port}`;

  // The access tokens the demo page's "Expire now" retired (by `jti`): refused from then on as an
  // expired token is, 401 invalid_token, which the page's client answers with a refresh.
  const retired = new Set();

  /** @type {import('jwtkit/fetch').RequiredAuthenticateOptions} */
  const authOptions = {
    key: createRemoteJWKS(`${options.authUrl}/.well-known/jwks.json`),
    verify: {
      algorithms: ['ES256'],
      issuer: options.authUrl,
      audience: 'demo-api',
      typ: 'at+jwt',
      // The demo waits for a 2-second token to expire: no leeway, so it expires on time.
      clockTolerance: 0,
    },
    realm: 'demo-api',
    isRevoked: (payload) => retired.has(payload.jti),
    // Bearer and DPoP-bound tokens; a bound token is accepted only with a proof of its key.
    dpop: { mode: 'allowed', origins: [url], replayCache: new MemoryDPoPReplayCache() },
  };

  const profile = withAuth(
    authOptions,
    requireScopes(['profile:read'], (request, auth) =>
      Response.json({ subject: auth.payload.sub, scope: auth.payload.scope, roles: auth.payload.roles ?? [] }),
    ),
  );

  const expire = withAuth(authOptions, (request, auth) => {
    retired.add(auth.payload.jti);
    return new Response(null, { status: 204 });
  });

  app.use(
    '/api/*',
    cors({
      origin: options.pageOrigin ?? options.authUrl,
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['Authorization', 'DPoP'],
      exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce'],
      maxAge: 600,
    }),
  );
  app.get('/api/profile', (c) => profile(c.req.raw));
  // The demo page's "Expire now": this access token is refused from now on.
  app.post('/api/expire', (c) => expire(c.req.raw));

  return {
    url,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
