import { randomBytes } from 'node:crypto';
import { generateKeyPair as generateClientKey, generateProof } from 'dpop';
import { MemoryDPoPReplayCache, createDPoPNonces, isJwtError, verifyDPoPProof } from 'jwtkit';

// Every instance gets the same secret (32 random bytes, from your secret store): a nonce one
// instance issued is accepted by all of them, and nothing is stored.
const nonces = createDPoPNonces({ secret: randomBytes(32), lifetime: '5m' });
const replayCache = new MemoryDPoPReplayCache();
const request = { method: 'POST', url: 'https://api.example.com/orders', replayCache, nonces };

const client = await generateClientKey('ES256');
const first = await generateProof(client, request.url, 'POST');
try {
  await verifyDPoPProof(first, request);
} catch (error) {
  if (!isJwtError(error, 'ERR_DPOP_NONCE_REQUIRED')) throw error;
  // Answer 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` and this header:
  const dpopNonce = nonces.issue();
  // The client retries with the nonce in its proof (RFC 9449 §9).
  const retry = await generateProof(client, request.url, 'POST', dpopNonce);
  const { payload } = await verifyDPoPProof(retry, request);
  console.log(payload.nonce === nonces.issue()); // true
}
