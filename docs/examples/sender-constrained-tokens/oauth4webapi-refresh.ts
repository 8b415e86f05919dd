import { randomBytes } from 'node:crypto';
import { generateProof } from 'dpop';
import { MemoryDPoPReplayCache, createDPoPNonces, createTokenService, generateKeyPair } from 'jwtkit';
import { createAuthEndpoints } from 'jwtkit/fetch';
import * as oauth from 'oauth4webapi';

// The auth server: refresh tokens in the body, DPoP with server nonces.
const auth = createAuthEndpoints({
  tokens: createTokenService({ key: (await generateKeyPair('ES256')).privateKey, issuer: 'https://auth.example.com', audience: 'api' }),
  verifyCredentials: ({ username }) => ({ subject: String(username) }),
  refreshTokenTransport: 'body',
  dpop: {
    origins: ['https://auth.example.com'],
    replayCache: new MemoryDPoPReplayCache(),
    nonces: createDPoPNonces({ secret: randomBytes(32) }), // the same secret on every instance
  },
});

// The client: a standard OAuth 2.0 client (a public one: no secret) and its DPoP key pair.
const as: oauth.AuthorizationServer = { issuer: 'https://auth.example.com', token_endpoint: 'https://auth.example.com/auth/refresh' };
const client: oauth.Client = { client_id: 'mobile-app', token_endpoint_auth_method: 'none' };
const keyPair = await oauth.generateKeyPair('ES256');
const DPoP = oauth.DPoP(client, keyPair); // signs the proofs, keeps the server's nonces
// Here the endpoints are called in this process; in an app, leave customFetch out (plain fetch).
const options = { DPoP, [oauth.customFetch]: (url: string, init: RequestInit) => auth.refresh(new Request(url, init)) };

// The login is the app's own JSON call, with a proof of the same key (made here with the `dpop`
// package); the first answer is 400 use_dpop_nonce with the nonce to sign.
const loginUrl = 'https://auth.example.com/auth/login';
const login = async (nonce?: string) =>
  auth.login(
    new Request(loginUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', dpop: await generateProof(keyPair, loginUrl, 'POST', nonce) },
      body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
    }),
  );
let answer = await login();
if (answer.status === 400) answer = await login(answer.headers.get('dpop-nonce') ?? undefined);
const { refresh_token: refreshToken } = (await answer.json()) as { refresh_token: string };

// A refresh, the OAuth way (RFC 6749 §6: grant_type=refresh_token as a form, with a DPoP proof).
// The handle has no nonce for this server yet: the first answer asks for one, the retry has it.
async function refresh(token: string): Promise<oauth.TokenEndpointResponse> {
  const send = async () => oauth.refreshTokenGrantRequest(as, client, oauth.None(), token, options);
  try {
    return await oauth.processRefreshTokenResponse(as, client, await send());
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return oauth.processRefreshTokenResponse(as, client, await send());
  }
}
const tokens = await refresh(refreshToken);
console.log(tokens.token_type, typeof tokens.access_token, tokens.refresh_token !== refreshToken); // dpop string true
// Call APIs with oauth.protectedResourceRequest(tokens.access_token, method, url, headers, body, { DPoP }).
