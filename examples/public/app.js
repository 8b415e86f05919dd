// The demo page's script, on jwtkit/client (served by the auth server at /jwtkit-client.js from
// the built package). The client keeps the access token in its memory, binds it to a DPoP key it
// keeps in IndexedDB, refreshes through the HttpOnly cookie (sending the `x-requested-with`
// header the auth endpoints require), and retries once after a refresh. The page watches every
// request through the client's `fetch` option and draws the timeline and the decoded token.
//
// `?tab=2` is the same page as a second tab (in a frame, for the "two tabs at once" scenario): it
// shares the first tab's Web Locks, BroadcastChannel, IndexedDB key and cookie, not its memory.
import { createAuthClient } from '/jwtkit-client.js';

const tab = new URLSearchParams(location.search).get('tab') ?? '1';
const $ = (id) => document.getElementById(id);
let resourceUrl;
let client;
/** API requests made since the last button press: a second one is the client's retry. */
let apiAttempts = 0;
/** The access token on display, and when it expires in `performance.now()` time. */
let shown;

function record(step, status, text, from = tab) {
  const item = document.createElement('li');
  item.dataset.step = step;
  item.dataset.status = String(status);
  item.dataset.ok = String(status < 400);
  item.dataset.tab = from;
  item.textContent = `tab ${from} · ${step}: ${status} ${text}`;
  $('log').append(item);
  $('cookies').textContent = JSON.stringify(document.cookie);
  $('storage').textContent = `${localStorage.length + sessionStorage.length} items`;
  if (tab !== '1') parent.postMessage({ record: { step, status, text, from } }, location.origin);
}

function decodePart(part) {
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/** Shows a token: header, claims, `cnf`. Its lifetime comes from `expires_in` (or exp − iat), timed with performance.now(). */
function show(token, expiresIn) {
  if (shown?.token === token && expiresIn === undefined) return;
  const [header, claims] = token.split('.').slice(0, 2).map(decodePart);
  const lifetime = expiresIn ?? claims.exp - claims.iat;
  shown = { token, claims, expiresAt: performance.now() + lifetime * 1000 };
  $('token-header').textContent = JSON.stringify(header, null, 2);
  $('token-claims').textContent = JSON.stringify(claims, null, 2);
  $('binding').textContent = claims.cnf?.jkt
    ? `Bound to this browser's DPoP key: cnf.jkt = ${claims.cnf.jkt}`
    : 'A bearer token: not bound to a key';
}

function tick() {
  $('countdown').textContent =
    shown === undefined ? '' : `expires in ${Math.max(0, (shown.expiresAt - performance.now()) / 1000).toFixed(1)} s`;
}

function stepOf(url) {
  if (url.pathname.startsWith('/auth/')) return url.pathname.slice('/auth/'.length);
  if (url.pathname === '/api/expire') return 'expire';
  apiAttempts += 1;
  return apiAttempts === 1 ? 'call' : 'retry';
}

/** The error of a `WWW-Authenticate` challenge: `error="invalid_token": The access token is not valid`. */
function challenge(response) {
  const header = response.headers.get('www-authenticate');
  if (header === null) return undefined;
  const error = /error="([^"]*)"/.exec(header)?.[1];
  const description = /error_description="([^"]*)"/.exec(header)?.[1];
  return error === undefined ? header : `error="${error}"${description === undefined ? '' : `: ${description}`}`;
}

/** Every request of the client goes through here: it is recorded with its answer. */
async function watchedFetch(request) {
  const step = stepOf(new URL(request.url));
  const credential = request.headers.get('authorization');
  if (credential !== null) show(credential.split(' ')[1]);
  const response = await fetch(request);
  const body = await response
    .clone()
    .json()
    .catch(() => ({}));
  if (response.ok && body.access_token !== undefined) show(body.access_token, body.expires_in);
  let text = '';
  if (response.ok) {
    text =
      body.subject !== undefined
        ? `hello ${body.subject}`
        : body.token_type !== undefined
          ? `${body.token_type} token for ${body.expires_in} s`
          : '';
  } else {
    text = challenge(response) ?? body.error ?? '';
  }
  record(step, response.status, text);
  return response;
}

async function login(event) {
  event.preventDefault();
  apiAttempts = 0;
  const result = await client.login({ username: $('username').value, password: $('password').value });
  if (result.ok) $('who').textContent = $('username').value;
}

async function call() {
  apiAttempts = 0;
  await client(`${resourceUrl}/api/profile`);
}

async function expire() {
  apiAttempts = 0;
  await client(`${resourceUrl}/api/expire`, { method: 'POST' });
  apiAttempts = 0;
  await client(`${resourceUrl}/api/profile`);
}

/** Opens tab 2 (once), then both tabs find the token refused together: one refresh, both retry. */
async function twoTabs() {
  let frame = document.querySelector('#tabs iframe');
  if (frame === null) {
    frame = document.createElement('iframe');
    frame.src = '/?tab=2';
    frame.title = 'tab 2';
    const ready = new Promise((resolve) => addEventListener('message', (event) => event.data.ready && resolve(), { once: false }));
    $('tabs').append(frame);
    await ready;
  }
  apiAttempts = 0;
  await client(`${resourceUrl}/api/expire`, { method: 'POST' });
  frame.contentWindow.postMessage({ run: 'call' }, location.origin);
  await call();
}

/** An attacker copied the access token; their proof is signed with their own key. */
async function stolen() {
  if (shown === undefined) return record('stolen', 0, 'log in first');
  const key = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', key.publicKey);
  const b64 = (bytes) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const json = (value) => b64(new TextEncoder().encode(JSON.stringify(value)));
  const url = `${resourceUrl}/api/profile`;
  const ath = b64(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(shown.token)));
  const claims = { jti: crypto.randomUUID(), htm: 'GET', htu: url, iat: Math.floor(Date.now() / 1000), ath };
  const input = `${json({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })}.${json(claims)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(input));
  const response = await fetch(url, { headers: { authorization: `DPoP ${shown.token}`, dpop: `${input}.${b64(signature)}` } });
  record('stolen', response.status, `${challenge(response) ?? ''} (a proof of another key)`);
}

async function logout() {
  apiAttempts = 0;
  await client.logout();
  shown = undefined;
  $('who').textContent = 'nobody';
}

async function start() {
  resourceUrl = (await (await fetch('/demo-config.json')).json()).resourceUrl;
  client = createAuthClient({
    loginUrl: '/auth/login',
    refreshUrl: '/auth/refresh',
    logoutUrl: '/auth/logout',
    origins: [resourceUrl],
    dpop: true,
    fetch: watchedFetch,
  });
  setInterval(tick, 200);
  if (tab === '1') {
    $('login-form').addEventListener('submit', login);
    $('call').addEventListener('click', call);
    $('expire').addEventListener('click', expire);
    $('two-tabs').addEventListener('click', twoTabs);
    $('stolen').addEventListener('click', stolen);
    $('logout').addEventListener('click', logout);
    addEventListener('message', ({ origin, data }) => {
      if (origin === location.origin && data.record !== undefined) {
        const { step, status, text, from } = data.record;
        record(step, status, text, from);
      }
    });
  } else {
    document.body.classList.add('second-tab');
    $('tab-name').textContent = `· tab ${tab}`;
    addEventListener('message', ({ origin, data }) => {
      if (origin === location.origin && data.run === 'call') call();
    });
    // A new tab has no access token: its first call refreshes, under the lock, with the shared key.
    await call();
    parent.postMessage({ ready: true }, location.origin);
  }
  $('cookies').textContent = JSON.stringify(document.cookie);
  $('storage').textContent = `${localStorage.length + sessionStorage.length} items`;
  document.body.dataset.ready = 'true';
}

start();
