// getAuth(c): the checked read of the auth, for an app without JwtAuthEnv or a handler that may run
// without authenticate (it throws instead of returning undefined); credentialsRequired: false for
// routes that also serve anonymous users.
import assert from 'node:assert/strict';
import { Hono } from 'hono';
import { generateKeyPair, sign } from 'jwtkit';
import { authenticate, getAuth, type AuthenticateOptions } from 'jwtkit/hono';

const { privateKey, publicKey } = await generateKeyPair('EdDSA');
const authOptions: AuthenticateOptions = {
  key: publicKey,
  verify: { algorithms: ['EdDSA'], audience: 'api' },
  onAuthEvent: () => {}, // no log lines in this example
};

const app = new Hono();
app.get('/orders', authenticate<{ tenant: string }>(authOptions), (c) => c.json({ tenant: getAuth<{ tenant: string }>(c).payload.tenant }));
// Registered before any authenticate: getAuth throws ERR_INVALID_OPTION and the app answers 500.
app.get('/forgotten', (c) => c.json({ user: getAuth(c).payload.sub }));
app.get('/catalog', authenticate<{ tenant: string }>({ ...authOptions, credentialsRequired: false }), (c) => {
  const auth = c.get('auth'); // RequestAuth | undefined here
  return c.json({ personalised: auth !== undefined });
});
app.onError((_error, c) => c.json({ error: 'server_error' }, 500)); // and log the error, in your app

const token = await sign({ sub: 'user-1', tenant: 'acme' }, privateKey, { alg: 'EdDSA', audience: 'api', expiresIn: '5m' });
const bearer = { headers: { authorization: `Bearer ${token}` } };
assert.deepEqual(await (await app.request('/orders', bearer)).json(), { tenant: 'acme' });
console.log((await app.request('/forgotten', bearer)).status); // 500
console.log(await (await app.request('/catalog')).text()); // {"personalised":false}
console.log(await (await app.request('/catalog', bearer)).text()); // {"personalised":true}
