// The scripted client of the demo: it plays a browser app against the two servers and checks
// every answer. A browser keeps the refresh cookie by itself; here a one-cookie jar does it.
// Its DPoP keys and proofs (RFC 9449) come from the `dpop` client package, as a browser app's would.
import { generateKeyPair, generateProof } from 'dpop';
import { decode } from 'jwtkit';

const REFRESH_COOKIE = 'jwtkit-refresh';

/** Keeps the refresh cookie the auth server sets, as a browser would (HttpOnly: never shown to the app). */
function createCookieJar() {
  let value;
  let attributes = '';
  return {
    store(response) {
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...rest] = line.split('; ');
        const separator = pair.indexOf('=');
        if (pair.slice(0, separator) !== REFRESH_COOKIE) continue;
        value = pair.slice(separator + 1) || undefined;
        attributes = rest.filter((attribute) => !/^(Max-Age|Expires)=/.test(attribute)).join('; ');
      }
    },
    attributes: () => attributes,
    header: () => (value === undefined ? {} : { cookie: `${REFRESH_COOKIE}=${value}` }),
    get: () => value,
    set: (next) => {
      value = next;
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the flow: login, protected call, expiry, refresh, replay of the old refresh token (the
 * session is revoked), login again, logout; then a DPoP-bound session whose access token and
 * refresh token are stolen and replayed from a second device (another key): both are refused, and
 * the refresh revokes the session. Returns one trace entry per step.
 * @param {{ authUrl: string, resourceUrl: string, log?: (line: string) => void }} options
 */
export async function runClient({ authUrl, resourceUrl, log = () => {} }) {
  const jar = createCookieJar();
  const trace = [];
  let accessToken;

  async function step(title, expected, request, describe = () => '') {
    const response = await request();
    const body = response.status === 204 ? undefined : await response.json().catch(() => undefined);
    jar.store(response);
    const ok = response.status === expected;
    const detail = describe(response, body);
    trace.push({ title, status: response.status, expected, ok });
    log(`${ok ? '✔' : '✘'} ${title.padEnd(48)} ${String(response.status).padEnd(4)}${detail === '' ? '' : ` ${detail}`}`);
    if (!ok) throw new Error(`${title}: expected ${expected}, got ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  // Auth endpoints are called like a browser page would: JSON body, and the custom header that a
  // cross-site form cannot send (the CSRF defence of the cookie-based endpoints).
  const authPost = (path, body, headers = {}) =>
    fetch(`${authUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-requested-with': 'demo-client', ...jar.header(), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const getProfile = () => fetch(`${resourceUrl}/api/profile`, { headers: { authorization: `Bearer ${accessToken}` } });
  const tokenDetail = (response, body) => {
    const claims = decode(body.access_token).payload;
    return `access token for ${claims.sub}, valid ${body.expires_in} s; refresh cookie ${jar.get() === undefined ? 'missing' : `(${jar.attributes()})`}`;
  };
  const challenge = (response) => `WWW-Authenticate: ${response.headers.get('www-authenticate')}`;

  let body = await step(
    '1. login as alice',
    200,
    () => authPost('/auth/login', { username: 'alice', password: 'wonderland' }),
    tokenDetail,
  );
  accessToken = body.access_token;
  const firstRefreshToken = jar.get();

  await step(
    '2. GET /api/profile with the access token',
    200,
    getProfile,
    (response, profile) => `hello ${profile.subject} (${profile.scope})`,
  );

  // Wait until the short-lived access token has expired (its exp is in the token).
  const { exp } = decode(accessToken).payload;
  const wait = Math.max(0, exp * 1000 + 1100 - Date.now());
  log(`  … waiting ${(wait / 1000).toFixed(1)} s for the access token to expire`);
  await sleep(wait);

  await step('3. GET /api/profile with the expired token', 401, getProfile, challenge);

  body = await step('4. refresh (rotates the refresh cookie)', 200, () => authPost('/auth/refresh'), tokenDetail);
  accessToken = body.access_token;
  const secondRefreshToken = jar.get();
  if (secondRefreshToken === firstRefreshToken) throw new Error('the refresh token was not rotated');

  await step('5. GET /api/profile with the new token', 200, getProfile, (response, profile) => `hello ${profile.subject}`);

  // An attacker replays the refresh token that was already used: reuse is detected and the whole
  // session (token family) is revoked, including the legitimate client's current token.
  jar.set(firstRefreshToken);
  await step(
    '6. replay the old refresh token (stolen copy)',
    401,
    () => authPost('/auth/refresh'),
    (response, error) => `${error.error}: reuse detected, session revoked`,
  );
  jar.set(secondRefreshToken);
  await step(
    '7. refresh with the current token: revoked too',
    401,
    () => authPost('/auth/refresh'),
    (response, error) => error.error,
  );

  body = await step('8. login again', 200, () => authPost('/auth/login', { username: 'alice', password: 'wonderland' }), tokenDetail);
  accessToken = body.access_token;
  const lastRefreshToken = jar.get();
  await step(
    '9. logout',
    204,
    () => authPost('/auth/logout'),
    () => `refresh cookie ${jar.get() === undefined ? 'cleared' : 'still set'}`,
  );
  jar.set(lastRefreshToken);
  await step(
    '10. refresh after logout',
    401,
    () => authPost('/auth/refresh'),
    (response, error) => error.error,
  );
  await step(
    '11. wrong password',
    401,
    () => authPost('/auth/login', { username: 'alice', password: 'guess' }),
    (response, error) => error.error,
  );

  // DPoP: this device makes a key pair (in a browser: non-extractable, kept in IndexedDB) and signs
  // a proof for each request with it. The session is bound to the key at login.
  const device = await generateKeyPair('ES256');
  const secondDevice = await generateKeyPair('ES256');
  const proofFor = (key, url, method, token) => generateProof(key, url, method, undefined, token);
  const profileUrl = `${resourceUrl}/api/profile`;
  const getProfileWith = async (key, token) =>
    fetch(profileUrl, { headers: { authorization: `DPoP ${token}`, dpop: await proofFor(key, profileUrl, 'GET', token) } });

  body = await step(
    '12. login with a DPoP key (proof at login)',
    200,
    async () =>
      authPost(
        '/auth/login',
        { username: 'alice', password: 'wonderland' },
        { dpop: await proofFor(device, `${authUrl}/auth/login`, 'POST') },
      ),
    (response, tokens) =>
      `token_type ${tokens.token_type}, access token bound to the key (cnf.jkt ${decode(tokens.access_token).payload.cnf.jkt.slice(0, 8)}…)`,
  );
  if (body.token_type !== 'DPoP') throw new Error('the session was not bound to the DPoP key');
  accessToken = body.access_token;
  await step(
    '13. GET /api/profile, DPoP token and proof',
    200,
    () => getProfileWith(device, accessToken),
    (response, profile) => `hello ${profile.subject}`,
  );

  // Malware copies both tokens to a second device, which has its own key but not this one.
  const stolenAccessToken = accessToken;
  const stolenRefreshToken = jar.get();
  await step('14. stolen access token, from a second device', 401, () => getProfileWith(secondDevice, stolenAccessToken), challenge);
  await step(
    '15. stolen refresh token, from a second device',
    400,
    async () =>
      fetch(`${authUrl}/auth/refresh`, {
        method: 'POST',
        headers: {
          'x-requested-with': 'demo-client',
          cookie: `${REFRESH_COOKIE}=${stolenRefreshToken}`,
          dpop: await proofFor(secondDevice, `${authUrl}/auth/refresh`, 'POST'),
        },
      }),
    (response, error) => `${error.error}: another key, session revoked`,
  );
  await step(
    '16. refresh on the first device: revoked too',
    401,
    async () => authPost('/auth/refresh', undefined, { dpop: await proofFor(device, `${authUrl}/auth/refresh`, 'POST') }),
    (response, error) => error.error,
  );

  return trace;
}
