/**
 * The servers the client tests talk to on 127.0.0.1: the auth endpoints of jwtkit/fetch (body or
 * development-cookie transport, optional DPoP with server nonces) and a resource server
 * (`withAuth`, Bearer and DPoP) on another port, each counting the requests it answers.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createAuthEndpoints, withAuth } from '../../src/adapters/fetch/index.js';
import { createDPoPNonces } from '../../src/dpop/nonces.js';
import { MemoryDPoPReplayCache } from '../../src/dpop/memory-replay-cache.js';
import { generateKeyPair } from '../../src/keys/generate-key-pair.js';
import { MemoryRefreshTokenStore } from '../../src/tokens/memory-refresh-token-store.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import type { TokenServiceEvent } from '../../src/tokens/types.js';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

function listen(handler: (request: Request) => Promise<Response>): Promise<Listening> {
  const server = createAdaptorServer({ fetch: handler, overrideGlobalObjects: false }) as Server;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface ServerSetup {
  /** Seconds. Default 60. */
  accessTokenTtl?: number;
  transport?: 'body' | 'cookie';
  /** DPoP at the auth endpoints and the resource server. Default true. */
  dpop?: boolean;
  /** Server nonces at the auth endpoints (`'auth'`), the resource server (`'api'`), or both (their own secrets). */
  nonces?: ReadonlyArray<'auth' | 'api'>;
  /**
   * A page for the browser tests: the auth server serves `/` (a page whose `window.client` is
   * `createAuthClient` of the built `dist/client.js`, served at `/client.js`, with `dpop` when the
   * page's URL has `?dpop`) and `/client.js`.
   */
  page?: boolean;
}

/** The built client (the browser tests load it as the page's module). */
const CLIENT_FILE = new URL('../../dist/client.js', import.meta.url);

function testPage(apiUrl: string): string {
  const options = `{ loginUrl: '/auth/login', refreshUrl: '/auth/refresh', logoutUrl: '/auth/logout', origins: [${JSON.stringify(apiUrl)}], dpop: location.search.includes('dpop') }`;
  return `<!doctype html><meta charset="utf-8"><title>client test</title><script type="module">
import { createAuthClient } from '/client.js';
window.client = createAuthClient(${options});
window.call = async () => { const response = await window.client(${JSON.stringify(`${apiUrl}/api/profile`)}); return response.status; };
</script><body></body>`;
}

export interface TestServers {
  authUrl: string;
  apiUrl: string;
  /** Requests answered, by path (`/auth/refresh`, `/api/profile`, ...), with their statuses. */
  log: Array<{ path: string; status: number; dpop: string | null; authorization: string | null }>;
  /** The token service's events (reuse and key mismatch among them). */
  events: TokenServiceEvent[];
  /** The most refreshes the auth server ever answered at the same time. */
  maxConcurrentRefreshes: number;
  /** Makes the resource server refuse every access token accepted so far (401 invalid_token). */
  revokeAccessTokens(): void;
  count(path: string, status?: number): number;
  close(): Promise<void>;
}

export async function startTestServers(setup: ServerSetup = {}): Promise<TestServers> {
  const dpop = setup.dpop ?? true;
  const log: TestServers['log'] = [];
  const events: TokenServiceEvent[] = [];
  const seen = new Set<string>();
  const revoked = new Set<string>();
  let inFlight = 0;
  let handlers: { auth: (request: Request) => Promise<Response>; api: (request: Request) => Promise<Response> } | undefined;
  const logged = async (request: Request, respond: (request: Request) => Promise<Response>): Promise<Response> => {
    const response = await respond(request);
    log.push({
      path: new URL(request.url).pathname,
      status: response.status,
      dpop: request.headers.get('dpop'),
      authorization: request.headers.get('authorization'),
    });
    return response;
  };
  const auth = await listen((request) => logged(request, (r) => (handlers as NonNullable<typeof handlers>).auth(r)));
  const api = await listen((request) => logged(request, (r) => (handlers as NonNullable<typeof handlers>).api(r)));

  const signing = await generateKeyPair('ES256');
  const tokens = createTokenService({
    key: signing.privateKey,
    issuer: auth.url,
    audience: 'api',
    accessTokenTtl: setup.accessTokenTtl ?? 60,
    store: new MemoryRefreshTokenStore(),
    onEvent: (event) => events.push(event),
  });
  const nonces = (where: 'auth' | 'api') =>
    setup.nonces?.includes(where) === true ? { nonces: createDPoPNonces({ secret: randomBytes(32) }) } : {};
  const endpoints = createAuthEndpoints({
    tokens,
    verifyCredentials: ({ username, password }) => (password === 'wonderland' ? { subject: String(username) } : null),
    refreshTokenTransport: setup.transport ?? 'body',
    cookie: { secure: false },
    onAuthEvent: () => undefined,
    ...(dpop && { dpop: { origins: [auth.url], replayCache: new MemoryDPoPReplayCache(), ...nonces('auth') } }),
  });
  const authOptions = {
    key: signing.publicKey,
    verify: { algorithms: ['ES256' as const], issuer: auth.url, audience: 'api', clockTolerance: 0 },
    isRevoked: (payload: { jti?: unknown }) => {
      seen.add(String(payload.jti));
      return revoked.has(String(payload.jti));
    },
    ...(dpop && { dpop: { mode: 'allowed' as const, origins: [api.url], replayCache: new MemoryDPoPReplayCache(), ...nonces('api') } }),
  };
  const profile = withAuth(authOptions, async (request, { payload }) => {
    const body = request.method === 'POST' ? await request.text() : undefined;
    return Response.json({ subject: payload.sub, body });
  });

  handlers = {
    auth: async (request) => {
      switch (new URL(request.url).pathname) {
        case '/':
          return setup.page === true
            ? new Response(testPage(api.url), { headers: { 'content-type': 'text/html' } })
            : new Response(null, { status: 404 });
        case '/client.js':
          return new Response(await readFile(CLIENT_FILE), { headers: { 'content-type': 'text/javascript' } });
        case '/auth/login':
          return endpoints.login(request);
        case '/auth/refresh': {
          inFlight += 1;
          servers.maxConcurrentRefreshes = Math.max(servers.maxConcurrentRefreshes, inFlight);
          try {
            return await endpoints.refresh(request);
          } finally {
            inFlight -= 1;
          }
        }
        case '/auth/logout':
          return endpoints.logout(request);
        case '/auth/logout-everywhere':
          return endpoints.logoutEverywhere(request);
        default:
          return new Response(null, { status: 404 });
      }
    },
    api: async (request) => {
      const path = new URL(request.url).pathname;
      // CORS for the test page, on the auth server's origin (no credentials here).
      const cors = {
        'access-control-allow-origin': auth.url,
        'access-control-allow-headers': 'authorization, dpop',
        'access-control-expose-headers': 'www-authenticate, dpop-nonce',
      };
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
      if (path === '/api/profile') {
        const response = await profile(request);
        const headers = new Headers(response.headers);
        for (const [name, value] of Object.entries(cors)) headers.set(name, value);
        return new Response(response.body, { status: response.status, headers });
      }
      // Refuses every token, as a resource server whose keys do not match the auth server's would.
      if (path === '/api/always-refused') {
        return Response.json(
          { error: 'invalid_token' },
          { status: 401, headers: { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' } },
        );
      }
      return new Response(null, { status: 404 });
    },
  };

  const servers: TestServers = {
    authUrl: auth.url,
    apiUrl: api.url,
    log,
    events,
    maxConcurrentRefreshes: 0,
    revokeAccessTokens: () => {
      for (const jti of seen) revoked.add(jti);
    },
    count: (path, status) => log.filter((entry) => entry.path === path && (status === undefined || entry.status === status)).length,
    close: async () => {
      await Promise.all([auth.close(), api.close()]);
    },
  };
  return servers;
}
