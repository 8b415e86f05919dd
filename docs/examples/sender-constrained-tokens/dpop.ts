import { calculateThumbprint, generateKeyPair as generateClientKey, generateProof } from 'dpop';
import { MemoryDPoPReplayCache, checkTokenBinding, generateKeyPair, isJwtError, sign, verify, verifyDPoPProof } from 'jwtkit';

// The authorization server binds the token to the client's DPoP key: cnf.jkt is the key's
// RFC 7638 thumbprint (RFC 9449 §6.1). The client made the key (here with the `dpop` package).
const issuer = await generateKeyPair('ES256');
const client = await generateClientKey('ES256');
const accessToken = await sign({ sub: 'user-1', cnf: { jkt: await calculateThumbprint(client.publicKey) } }, issuer.privateKey, {
  alg: 'ES256',
  audience: 'api',
  expiresIn: '5m',
});

// The resource server. Once per process:
const replayCache = new MemoryDPoPReplayCache();
// Per request, with `Authorization: DPoP <accessToken>` and `DPoP: <proof>`: the token, the
// proof (for this method and URL, and this token), then the binding between them.
async function authenticate(method: string, url: string, token: string, proof: string) {
  const { payload } = await verify(token, issuer.publicKey, { algorithms: ['ES256'], audience: 'api' });
  const { thumbprint } = await verifyDPoPProof(proof, { method, url, accessToken: token, replayCache });
  checkTokenBinding(payload, { dpopThumbprint: thumbprint });
  return payload;
}

async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'accepted';
  } catch (error) {
    if (!isJwtError(error)) throw error;
    return [error.code, error.claim, error.reason].join(' ');
  }
}

// The client signs a new proof for each request: method, URL without the query, access token.
const url = 'https://api.example.com/orders?page=2';
const proof = await generateProof(client, 'https://api.example.com/orders', 'GET', undefined, accessToken);
console.log((await authenticate('GET', url, accessToken, proof)).sub); // user-1

// A copied request is refused: the proof was already used...
console.log(await refusal(authenticate('GET', url, accessToken, proof))); // ERR_DPOP_PROOF_INVALID jti replayed
// ...a stolen token is useless without the client's key...
const thief = await generateClientKey('ES256');
const forged = await generateProof(thief, 'https://api.example.com/orders', 'GET', undefined, accessToken);
console.log(await refusal(authenticate('GET', url, accessToken, forged))); // ERR_TOKEN_BINDING_MISMATCH cnf.jkt mismatch
// ...a proof made for one request does not fit another...
const forDelete = await generateProof(client, 'https://api.example.com/orders', 'DELETE', undefined, accessToken);
console.log(await refusal(authenticate('GET', url, accessToken, forDelete))); // ERR_DPOP_PROOF_INVALID htm mismatch
// ...and the bound token is not a bearer token.
const { payload } = await verify(accessToken, issuer.publicKey, { algorithms: ['ES256'], audience: 'api' });
console.log(await refusal(Promise.resolve().then(() => checkTokenBinding(payload)))); // ERR_TOKEN_BINDING_MISMATCH cnf.jkt missing
