// The same app on jwtkit (ESM). Tokens that the jsonwebtoken app issued keep working until they expire.
import type { AddressInfo } from 'node:net';
import express from 'express';
import jwt from 'jsonwebtoken'; // only to make a token as the old app did, for the demonstration below
import { createLocalJWKS, exportJWK, generateSecret, importKey, sign, type JWK } from 'jwtkit';
import { authenticate, getAuth } from 'jwtkit/express';

// Step 1: a new secret, 32 random bytes, with a `kid`. `npx jwtkit secret --alg HS256 --kid 2026-01`
// prints one as a JWK: keep it in JWT_SIGNING_JWK. (Here, a fresh one when the variable is unset.)
const signingJwk: JWK =
  process.env.JWT_SIGNING_JWK === undefined
    ? exportJWK(generateSecret('HS256', { kid: '2026-01' }), { private: true })
    : JSON.parse(process.env.JWT_SIGNING_JWK);
const signingKey = importKey(signingJwk, { alg: 'HS256' });
const AUDIENCE = 'https://api.example.com';

// The old secret verifies the old tokens, and nothing else, until the last of them expired.
const LEGACY_SECRET = process.env.JWT_SECRET ?? 'change-me-now!';
const DEPLOYED_AT = new Date(); // in production, write the date of this deploy
const OLD_TOKEN_LIFETIME_MS = 60 * 60 * 1000; // the old `expiresIn: '1h'`

const users = [{ id: 1, username: 'ada', password: 'lovelace' }];
let legacyTokensSeen = 0;

const app = express();

// Step 2: the login route signs with the new key (its `kid` goes into the header).
app.post('/login', express.json(), async (req, res) => {
  const user = users.find((u) => u.username === req.body?.username && u.password === req.body?.password);
  if (user === undefined) {
    res.status(401).json({ error: 'invalid credentials' });
    return;
  }
  const token = await sign({ username: user.username }, signingKey, {
    alg: 'HS256',
    subject: String(user.id), // `sub` is a string (RFC 7519 §4.1.2)
    audience: AUDIENCE,
    expiresIn: '1h', // or 3600 (seconds); never '3600', which jsonwebtoken read as milliseconds
  });
  res.json({ token });
});

// Step 3: `authenticateToken` becomes `authenticate`.
const requireUser = authenticate({
  // Step 4: the new keys, as an HMAC key set: the token's `kid` picks the key.
  key: createLocalJWKS({ keys: [signingJwk] }, { allowSymmetric: true }),
  verify: { algorithms: ['HS256'], audience: AUDIENCE },
  // Step 5: the transition. Old tokens (no `kid`) verify with the old secret until `until`.
  legacySecret: { secret: LEGACY_SECRET, algorithm: 'HS256', until: new Date(DEPLOYED_AT.getTime() + OLD_TOKEN_LIFETIME_MS) },
  onAuthEvent: (event) => {
    if (event.type === 'legacy_secret_used') legacyTokensSeen += 1; // watch it fall to zero
  },
});

// `req.user` becomes `getAuth(req).payload`. Old tokens have `userId` and no `sub`.
app.get('/profile', requireUser, (req, res) => {
  const { payload } = getAuth<{ username: string; userId?: number }>(req);
  res.json({ id: payload.sub ?? String(payload.userId), username: payload.username });
});

// Try it: a new token, an old one made by jsonwebtoken, and a bad one.
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const profile = (token: string): Promise<Response> => fetch(`${base}/profile`, { headers: { authorization: `Bearer ${token}` } });

const login = await fetch(`${base}/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
});
const { token } = (await login.json()) as { token: string };
console.log(await (await profile(token)).json()); // { id: '1', username: 'ada' }

const oldToken = jwt.sign({ userId: 1, username: 'ada' }, LEGACY_SECRET, { expiresIn: '1h' });
console.log(await (await profile(oldToken)).json()); // { id: '1', username: 'ada' }
console.log(legacyTokensSeen); // 1

const refused = await profile('not-a-token');
console.log(refused.status, refused.headers.get('www-authenticate')); // 401 Bearer realm="api", error="invalid_token", error_description="The access token is not valid"
server.close();
