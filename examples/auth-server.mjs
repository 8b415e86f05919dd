// The authorization server of the demo: Express 5 with jwtkit/express.
//
// - POST /auth/login              JSON { username, password } -> access token in the body,
//                                 refresh token in an HttpOnly; SameSite=Strict cookie (Path=/auth)
// - POST /auth/refresh            rotates the refresh token (cookie) -> new access token
// - POST /auth/logout             revokes the session, clears the cookie
// - POST /auth/logout-everywhere  Bearer access token -> every session of the user revoked
// - GET  /.well-known/jwks.json   the public keys, for resource servers
// - GET  /                        a small page that runs the whole flow in a browser
//
// Copy it as a starting point: swap the user table for your own, the memory store for
// jwtkit/redis or jwtkit/postgres, and drop `insecureLoopback` once you serve over https.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { MemoryRefreshTokenStore, createKeyRing, createTokenService, generateKeyPair } from 'jwtkit';
import { createAuthEndpoints, createJwksEndpoint } from 'jwtkit/express';

/** The demo's only user. Passwords are kept as scrypt hashes, compared in constant time. */
function createUserTable() {
  const users = new Map();
  const add = (username, password, claims) => {
    const salt = randomBytes(16);
    users.set(username, { salt, hash: scryptSync(password, salt, 32), claims });
  };
  add('alice', 'wonderland', { scope: 'profile:read', roles: ['reader'] });
  return {
    /** `verifyCredentials` for the login endpoint: `{ subject, claims }` or `null`. */
    async verify({ username, password }) {
      if (typeof username !== 'string' || typeof password !== 'string' || password.length > 1024) return null;
      const user = users.get(username);
      const salt = user?.salt ?? randomBytes(16);
      const hash = scryptSync(password, salt, 32);
      if (user === undefined || !timingSafeEqual(hash, user.hash)) return null;
      return { subject: username, claims: user.claims };
    },
  };
}

function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address().port));
  });
}

/**
 * Starts the auth server.
 * @param {{ host?: string, port?: number, accessTokenTtl?: number | string, resourceUrl?: string,
 *   onSecurityEvent?: (event: object) => void }} [options]
 * @returns {Promise<{ url: string, setResourceUrl(url: string): void, close(): Promise<void> }>}
 */
export async function startAuthServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  const port = await listen(server, host, options.port ?? 0);
  const url = `http://${host}:${port}`;

  // Keys: an ES256 signing key in a ring (add `next` and call ring.rotate() to roll keys).
  const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '15m' });
  const tokens = createTokenService({
    key: ring,
    issuer: url,
    audience: 'demo-api',
    accessTokenTtl: options.accessTokenTtl ?? '5m',
    refreshTokenTtl: '1d',
    store: new MemoryRefreshTokenStore(),
    onEvent: (event) => {
      if (event.type === 'reuse_detected' && !event.withinGrace) options.onSecurityEvent?.(event);
    },
  });
  const users = createUserTable();

  const auth = createAuthEndpoints({
    tokens,
    verifyCredentials: (credentials) => users.verify(credentials),
    // Plain http on 127.0.0.1 for the demo: `insecureLoopback` drops `Secure` for loopback hosts
    // only (and the cookie cannot use the __Secure- prefix then). Remove it in production.
    cookie: { path: '/auth', insecureLoopback: true },
  });

  const app = express();
  app.disable('x-powered-by');
  app.post('/auth/login', auth.login);
  app.post('/auth/refresh', auth.refresh);
  app.post('/auth/logout', auth.logout);
  app.post('/auth/logout-everywhere', auth.logoutEverywhere);
  app.get('/.well-known/jwks.json', createJwksEndpoint({ jwks: () => ring.jwks(), cacheMaxAge: '5m' }));

  // The demo page. Its script keeps the access token in memory only; the refresh token lives in
  // the HttpOnly cookie, out of reach of any script on the page.
  let resourceUrl = options.resourceUrl;
  app.use((req, res, next) => {
    const resourceOrigin = resourceUrl === undefined ? '' : new URL(resourceUrl).origin;
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ${resourceOrigin}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`,
    );
    next();
  });
  app.get('/demo-config.json', (req, res) => res.json({ resourceUrl: resourceUrl ?? null }));
  app.use(express.static(fileURLToPath(new URL('./public/', import.meta.url)), { index: 'index.html' }));

  server.on('request', app);
  return {
    url,
    /** Tells the page where the resource server is (it starts after this server). */
    setResourceUrl: (value) => {
      resourceUrl = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
