import { calculateThumbprint, generateKeyPair as generateClientKey, generateProof, type KeyPair } from 'dpop';
import { MemoryDPoPReplayCache, createTokenService, decode, generateKeyPair } from 'jwtkit';
import { createAuthEndpoints } from 'jwtkit/fetch';

const alerts: string[] = [];
const tokens = createTokenService({
  key: (await generateKeyPair('ES256')).privateKey,
  issuer: 'https://auth.example.com',
  audience: 'api',
  // The theft signal: a bound session's refresh token came with a proof of another key.
  onEvent: (event) => {
    if (event.type === 'dpop_key_mismatch') alerts.push(`${event.type} for ${event.subject}`);
  },
});
const auth = createAuthEndpoints({
  tokens,
  verifyCredentials: ({ username, password }) => (password === 'wonderland' ? { subject: String(username) } : null),
  refreshTokenTransport: 'body',
  dpop: {
    origins: ['https://auth.example.com'], // where clients address these endpoints: a proof's htu names one
    replayCache: new MemoryDPoPReplayCache(), // once per process (RedisDPoPReplayCache for several)
  },
});

interface TokenAnswer {
  access_token: string;
  token_type: string;
  refresh_token: string;
  error?: string;
}

// A token request with a proof of `key`: POST, the endpoint's URL, no access token (RFC 9449 §5).
async function post(handler: (request: Request) => Promise<Response>, path: string, body: object, key: KeyPair) {
  const url = `https://auth.example.com${path}`;
  const headers = { 'content-type': 'application/json', dpop: await generateProof(key, url, 'POST') };
  const response = await handler(new Request(url, { method: 'POST', headers, body: JSON.stringify(body) }));
  return { status: response.status, body: (await response.json()) as TokenAnswer };
}

// The client makes a key pair (in a browser: non-extractable, kept in IndexedDB) and logs in with a proof.
const phone = await generateClientKey('ES256');
const login = await post(auth.login, '/auth/login', { username: 'alice', password: 'wonderland' }, phone);
const jkt = decode(login.body.access_token).payload['cnf'] as { jkt: string };
console.log(login.body.token_type, jkt.jkt === (await calculateThumbprint(phone.publicKey))); // DPoP true

// A refresh proves the same key: a new bound pair.
const refreshed = await post(auth.refresh, '/auth/refresh', { refresh_token: login.body.refresh_token }, phone);
console.log(refreshed.status, refreshed.body.token_type); // 200 DPoP

// The refresh token copied to a device without the key: refused, and the session is revoked...
const thief = await generateClientKey('ES256');
const stolen = await post(auth.refresh, '/auth/refresh', { refresh_token: refreshed.body.refresh_token }, thief);
console.log(stolen.status, stolen.body.error, alerts.join()); // 400 invalid_grant dpop_key_mismatch for alice
// ...so the owner's next refresh fails too: the user logs in again.
const owner = await post(auth.refresh, '/auth/refresh', { refresh_token: refreshed.body.refresh_token }, phone);
console.log(owner.status, owner.body.error); // 401 invalid_grant
