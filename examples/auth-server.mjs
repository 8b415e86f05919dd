// The authorization server of the demo: Express 5 with jwtkit/express.
//
// - POST /auth/login              JSON { username, password } -> access token in the body,
//                                 refresh token in an HttpOnly; SameSite=Strict cookie (Path=/auth);
//                                 with a `DPoP` proof header, the session is bound to the client's
//                                 key (token_type "DPoP", RFC 9449)
// - POST /auth/refresh            rotates the refresh token (cookie) -> new access token; a bound
//                                 session needs a proof of its key
// - POST /auth/logout             revokes the session, clears the cookie
// - POST /auth/logout-everywhere  Bearer access token -> every session of the user revoked
// - GET  /.well-known/jwks.json   the public keys, for resource servers
// - GET  /                        a small page that runs the whole flow in a browser
//
// Copy it as a starting point: swap the user table for your own and the memory stores (refresh
// tokens, key ring) for jwtkit/redis or jwtkit/postgres. Served as is it is production-safe: the refresh cookie is
// `Secure` unless the caller passes `insecureDevCookie: true`, which only the demo does.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import express from 'express';
import { MemoryDPoPReplayCache, MemoryKeyRingStore, MemoryRefreshTokenStore, createSharedKeyRing, createTokenService } from 'jwtkit';
import { createAuthEndpoints, createJWKSEndpoint } from 'jwtkit/express';

/**
 * scrypt on libuv's thread pool: the synchronous form would block the event loop for every login
 * attempt (tens of milliseconds each), so a few dozen bad logins per second would stall the server.
 */
const scryptAsync = promisify(scrypt);

/** The demo's only user. Passwords are kept as scrypt hashes, compared in constant time. */
async function createUserTable() {
  const users = new Map();
  const add = async (username, password, claims) => {
    const salt = randomBytes(16);
    users.set(username, { salt, hash: await scryptAsync(password, salt, 32), claims });
  };
  await add('alice', 'wonderland', { scope: 'profile:read', roles: ['reader'] });
  return {
    /** `verifyCredentials` for the login endpoint: `{ subject, claims }` or `null`. */
    async verify({ username, password }) {
      if (typeof username !== 'string' || typeof password !== 'string' || password.length > 1024) return null;
      const user = users.get(username);
      // An unknown user costs the same scrypt as a known one, so timing does not tell them apart.
      const salt = user?.salt ?? randomBytes(16);
      const hash = await scryptAsync(password, salt, 32);
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

/** Host names that only this machine can reach. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The token-service events an application sends to its alerting: a used refresh token came back
 * (outside the grace window), or a refresh token of a DPoP-bound session came with a proof of
 * another key (it was copied to a device without the key). Either way the session is revoked.
 */
function isTheftSignal(event) {
  return (event.type === 'reuse_detected' && !event.withinGrace) || event.type === 'dpop_key_mismatch';
}

/**
 * Starts the auth server.
 *
 * `insecureDevCookie: true` is for development over plain `http://` only: the refresh cookie then
 * goes without `Secure` (`cookie.secure: false`). The default is a `Secure` cookie, which a browser
 * keeps only from an https origin (or from `http://localhost` in some browsers). The demo passes
 * it; it is refused unless the server listens on a loopback address.
 * @param {{ host?: string, port?: number, accessTokenTtl?: number | string, resourceUrl?: string,
 *   insecureDevCookie?: boolean, onSecurityEvent?: (event: object) => void,
 *   keyRingStore?: import('jwtkit').KeyRingStore, kek?: import('jwtkit').KeyEncryptionKey }} [options]
 *   `keyRingStore` and `kek`: where the signing keys live, and the key that encrypts them there.
 *   Every instance of the server passes the same ones. Default: a memory store and a KEK made for
 *   this process, which is all one process needs (the demo).
 * @returns {Promise<{ url: string, setResourceUrl(url: string): void, close(): Promise<void> }>}
 */
export async function startAuthServer(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const insecureDevCookie = options.insecureDevCookie === true;
  if (insecureDevCookie && !LOOPBACK_HOSTS.has(host)) {
    throw new Error('insecureDevCookie is for development on a loopback address only: serve https and leave it out');
  }
  const server = createServer();
  const port = await listen(server, host, options.port ?? 0);
  const url = `http://${host}:${port}`;

  // Keys: a shared key ring, so that every instance of this server signs with the same key and
  // publishes the same set, and a rotation (here every 30 days) is made once, for all of them
  // (docs/auth-server-and-jwks.md, "Several instances"). The keys are created in the ring's store
  // and encrypted there with `kek`: with several instances, pass a RedisKeyRingStore or
  // PostgresKeyRingStore and a KEK from your secret manager.
  const ring = await createSharedKeyRing({
    store: options.keyRingStore ?? new MemoryKeyRingStore(),
    ringId: 'demo-auth',
    kek: options.kek ?? { id: 'demo', key: randomBytes(32) },
    alg: 'ES256',
    maxTokenLifetime: '15m',
    jwksCacheMaxAge: '5m',
    rotateEvery: '30d',
  });
  const tokens = createTokenService({
    key: ring,
    issuer: url,
    audience: 'demo-api',
    accessTokenTtl: options.accessTokenTtl ?? '5m',
    refreshTokenTtl: '1d',
    store: new MemoryRefreshTokenStore(),
    onEvent: (event) => {
      if (isTheftSignal(event)) options.onSecurityEvent?.(event);
    },
  });
  const users = await createUserTable();

  const auth = createAuthEndpoints({
    tokens,
    verifyCredentials: (credentials) => users.verify(credentials),
    // `Secure` (and the `__Secure-` name) unless the caller explicitly asked for a development
    // cookie: configuration decides, never the request's Host header.
    cookie: { path: '/auth', secure: !insecureDevCookie },
    // DPoP (RFC 9449): a client that sends a proof at login gets a session bound to its key. The
    // origins are where clients address this server (the proofs' `htu`); the replay cache is made
    // once per process (RedisDPoPReplayCache from jwtkit/redis for several instances).
    dpop: { origins: [url], replayCache: new MemoryDPoPReplayCache() },
  });

  const app = express();
  app.disable('x-powered-by');
  app.post('/auth/login', auth.login);
  app.post('/auth/refresh', auth.refresh);
  app.post('/auth/logout', auth.logout);
  app.post('/auth/logout-everywhere', auth.logoutEverywhere);
  app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks(), cacheMaxAge: ring.jwksCacheMaxAge }));

  // The demo page, on jwtkit/client: the access token in memory only, bound to a DPoP key; the
  // refresh token in the HttpOnly cookie, out of reach of any script on the page.
  let resourceUrl = options.resourceUrl;
  app.use((req, res, next) => {
    const resourceOrigin = resourceUrl === undefined ? '' : new URL(resourceUrl).origin;
    res.setHeader(
      'Content-Security-Policy',
      // Frames of its own origin only: the page's "two tabs at once" opens its second tab in one.
      `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ${resourceOrigin}; frame-src 'self'; form-action 'none'; frame-ancestors 'self'; base-uri 'none'`,
    );
    next();
  });
  app.get('/demo-config.json', (req, res) => res.json({ resourceUrl: resourceUrl ?? null }));
  // jwtkit/client for the page, from the built package (a bundler would do this in an application).
  app.get('/jwtkit-client.js', (req, res) => res.sendFile(fileURLToPath(import.meta.resolve('jwtkit/client'))));
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
        ring.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
