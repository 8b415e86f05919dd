import { randomBytes } from 'node:crypto';
import { MemoryDPoPReplayCache, createDPoPNonces, createTokenService, generateKeyPair } from 'jwtkit';
import { createAuthClient } from 'jwtkit/client';
import { createAuthEndpoints, withAuth } from 'jwtkit/fetch';

// The auth server of the services: refresh tokens in the JSON body (a service has no cookie jar),
// DPoP-bound sessions, server nonces.
const signing = await generateKeyPair('ES256');
const auth = createAuthEndpoints({
  tokens: createTokenService({ key: signing.privateKey, issuer: 'https://auth.example.com', audience: 'reports' }),
  verifyCredentials: ({ service, secret }) => (secret === 'from-your-secret-store' ? { subject: String(service) } : null),
  refreshTokenTransport: 'body',
  dpop: {
    origins: ['https://auth.example.com'],
    replayCache: new MemoryDPoPReplayCache(),
    nonces: createDPoPNonces({ secret: randomBytes(32) }),
  },
});
// The API the service calls: DPoP-bound tokens only.
const reports = withAuth(
  {
    key: signing.publicKey,
    verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'reports' },
    dpop: { mode: 'required', origins: ['https://reports.example.com'], replayCache: new MemoryDPoPReplayCache() },
  },
  (_request, { payload }) => Response.json({ for: payload.sub }),
);

// Both run in this process here, reached through the client's `fetch` option; in a service, leave
// `fetch` out and the client uses the global fetch.
const routes: Record<string, (request: Request) => Promise<Response>> = {
  '/auth/login': auth.login,
  '/auth/refresh': auth.refresh,
  '/auth/logout': auth.logout,
  '/monthly': reports,
};
const sent: string[] = [];
async function inProcess(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const response = await (routes[pathname] as (request: Request) => Promise<Response>)(request);
  sent.push(`${pathname} ${response.status}`);
  return response;
}

const api = createAuthClient({
  loginUrl: 'https://auth.example.com/auth/login',
  refreshUrl: 'https://auth.example.com/auth/refresh',
  logoutUrl: 'https://auth.example.com/auth/logout',
  origins: ['https://reports.example.com'], // the access token goes to these origins only
  dpop: true, // a key in memory, for the life of the client
  fetch: inProcess,
});

console.log(await api.login({ service: 'billing', secret: 'from-your-secret-store' })); // { ok: true, status: 200 }
const response = await api('https://reports.example.com/monthly');
console.log(response.status, await response.json()); // 200 { for: 'billing' }
// The first login was answered 400 use_dpop_nonce (RFC 9449 §8): the client retried with the nonce.
console.log(sent.join(', ')); // /auth/login 400, /auth/login 200, /monthly 200
console.log(await api.logout()); // { ok: true, status: 204 }
