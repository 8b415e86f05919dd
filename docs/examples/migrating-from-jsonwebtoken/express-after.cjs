// The same app on jwtkit, in CommonJS: `require`, and no top-level await.
const express = require('express');
const jwt = require('jsonwebtoken'); // only to make a token as the old app did, for the demonstration below
const { createLocalJWKS, exportJWK, generateSecret, importKey, sign } = require('jwtkit');
const { authenticate, getAuth } = require('jwtkit/express');

// Step 1: a new secret, 32 random bytes, with a `kid` (npx jwtkit secret --alg HS256 --kid 2026-01).
const signingJwk =
  process.env.JWT_SIGNING_JWK === undefined
    ? exportJWK(generateSecret('HS256', { kid: '2026-01' }), { private: true })
    : JSON.parse(process.env.JWT_SIGNING_JWK);
const signingKey = importKey(signingJwk, { alg: 'HS256' });
const AUDIENCE = 'https://api.example.com';

const LEGACY_SECRET = process.env.JWT_SECRET ?? 'change-me-now!';
const DEPLOYED_AT = new Date(); // in production, write the date of this deploy
const OLD_TOKEN_LIFETIME_MS = 60 * 60 * 1000; // the old `expiresIn: '1h'`

const users = [{ id: 1, username: 'ada', password: 'lovelace' }];
let legacyTokensSeen = 0;

const app = express();

// Step 2: the login route.
app.post('/login', express.json(), async (req, res) => {
  const user = users.find((u) => u.username === req.body?.username && u.password === req.body?.password);
  if (user === undefined) {
    res.status(401).json({ error: 'invalid credentials' });
    return;
  }
  const token = await sign({ username: user.username }, signingKey, {
    alg: 'HS256',
    subject: String(user.id),
    audience: AUDIENCE,
    expiresIn: '1h',
  });
  res.json({ token });
});

// Steps 3 to 5: the middleware, the new keys as an HMAC key set, the transition.
const requireUser = authenticate({
  key: createLocalJWKS({ keys: [signingJwk] }, { allowSymmetric: true }),
  verify: { algorithms: ['HS256'], audience: AUDIENCE },
  legacySecret: { secret: LEGACY_SECRET, algorithm: 'HS256', until: new Date(DEPLOYED_AT.getTime() + OLD_TOKEN_LIFETIME_MS) },
  onAuthEvent: (event) => {
    if (event.type === 'legacy_secret_used') legacyTokensSeen += 1;
  },
});

app.get('/profile', requireUser, (req, res) => {
  const { payload } = getAuth(req);
  res.json({ id: payload.sub ?? String(payload.userId), username: payload.username });
});

// Try it: a new token, an old one made by jsonwebtoken, and a bad one.
async function main() {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const profile = (token) => fetch(`${base}/profile`, { headers: { authorization: `Bearer ${token}` } });

  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
  });
  const { token } = await login.json();
  console.log(await (await profile(token)).json()); // { id: '1', username: 'ada' }

  const oldToken = jwt.sign({ userId: 1, username: 'ada' }, LEGACY_SECRET, { expiresIn: '1h' });
  console.log(await (await profile(oldToken)).json()); // { id: '1', username: 'ada' }
  console.log(legacyTokensSeen); // 1

  const refused = await profile('not-a-token');
  console.log(refused.status, refused.headers.get('www-authenticate')); // 401 Bearer realm="api", error="invalid_token", error_description="The access token is not valid"
  server.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
