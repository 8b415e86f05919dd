// The demo page's script. The access token lives only in this module's memory; the refresh token
// is an HttpOnly cookie scoped to /auth that the browser sends by itself to /auth/refresh and
// /auth/logout. Every call to the auth endpoints carries the `x-requested-with` header, which a
// cross-site form cannot send: the auth server refuses cookie-based requests without it.
let accessToken;
let resourceUrl;

const $ = (id) => document.getElementById(id);

function record(step, status, text) {
  const item = document.createElement('li');
  item.dataset.step = step;
  item.dataset.status = String(status);
  item.dataset.ok = String(status < 400);
  item.textContent = `${step}: ${status} ${text}`;
  $('log').append(item);
  $('cookies').textContent = JSON.stringify(document.cookie);
}

async function authPost(path, body) {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'demo-page' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function readJson(response) {
  return response.status === 204 ? {} : response.json().catch(() => ({}));
}

async function login(event) {
  event.preventDefault();
  const response = await authPost('/auth/login', { username: $('username').value, password: $('password').value });
  const body = await readJson(response);
  if (response.ok) {
    accessToken = body.access_token;
    $('who').textContent = $('username').value;
  }
  record('login', response.status, response.ok ? `access token valid ${body.expires_in} s` : body.error);
}

async function callResource() {
  const response = await fetch(`${resourceUrl}/api/profile`, {
    headers: accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` },
  });
  const body = await readJson(response);
  record('call', response.status, response.ok ? `hello ${body.subject}` : (response.headers.get('www-authenticate') ?? ''));
}

async function refresh() {
  const response = await authPost('/auth/refresh');
  const body = await readJson(response);
  if (response.ok) accessToken = body.access_token;
  record('refresh', response.status, response.ok ? 'new access token' : body.error);
}

async function logout() {
  const response = await authPost('/auth/logout');
  accessToken = undefined;
  $('who').textContent = 'nobody';
  record('logout', response.status, 'session ended');
}

async function start() {
  resourceUrl = (await (await fetch('/demo-config.json')).json()).resourceUrl;
  $('login-form').addEventListener('submit', login);
  $('call').addEventListener('click', callResource);
  $('refresh').addEventListener('click', refresh);
  $('logout').addEventListener('click', logout);
  $('cookies').textContent = JSON.stringify(document.cookie);
  document.body.dataset.ready = 'true';
}

start();
