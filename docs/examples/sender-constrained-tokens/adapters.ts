import { randomBytes } from 'node:crypto';
import { generateKeyPair as generateClientKey, calculateThumbprint, generateProof } from 'dpop';
import { MemoryDPoPReplayCache, createDPoPNonces, generateKeyPair, sign } from 'jwtkit';
import { authenticate } from 'jwtkit/express';
import { authenticateRequest, type AuthenticateOptions } from 'jwtkit/fetch';

const issuer = await generateKeyPair('ES256');

// Once per process: the replay cache and (optionally) server nonces, shared by every request.
const options: AuthenticateOptions = {
  key: issuer.publicKey,
  verify: { algorithms: ['ES256'], audience: 'api' },
  dpop: {
    mode: 'allowed', // 'off' (the default), 'allowed' (Bearer and DPoP) or 'required' (DPoP only)
    origins: ['https://api.example.com'], // where clients reach this API: htu must name one of them
    replayCache: new MemoryDPoPReplayCache(),
    nonces: createDPoPNonces({ secret: randomBytes(32) }), // the same secret on every instance
  },
};
// Express: app.use('/api', authenticate(options)); htu is checked against req.originalUrl.
export const middleware = authenticate(options);

// A client with a DPoP key, and a token bound to it.
const client = await generateClientKey('ES256');
const accessToken = await sign({ sub: 'user-1', cnf: { jkt: await calculateThumbprint(client.publicKey) } }, issuer.privateKey, {
  alg: 'ES256',
  audience: 'api',
  expiresIn: '5m',
});
const url = 'https://api.example.com/orders';
const call = async (nonce?: string) =>
  authenticateRequest(
    new Request(url, {
      headers: { authorization: `DPoP ${accessToken}`, dpop: await generateProof(client, url, 'GET', nonce, accessToken) },
    }),
    options,
  );

// The first proof has no nonce: 401, use_dpop_nonce, and the nonce to use.
const first = (await call()) as Response;
console.log(first.status, first.headers.get('www-authenticate')?.includes('error="use_dpop_nonce"')); // 401 true
const auth = await call(first.headers.get('dpop-nonce') ?? undefined);
console.log(auth instanceof Response ? auth.status : auth?.payload.sub); // user-1

// The same token as a plain bearer token is refused whatever `mode` says: it is bound.
const asBearer = (await authenticateRequest(
  new Request(url, { headers: { authorization: `Bearer ${accessToken}` } }),
  options,
)) as Response;
console.log(asBearer.status, asBearer.headers.get('www-authenticate')); // 401 Bearer realm="api", error="invalid_token", error_description="The access token is not valid", DPoP realm="api", algs="ES256 ES384 ES512 EdDSA Ed25519 PS256 RS256"
