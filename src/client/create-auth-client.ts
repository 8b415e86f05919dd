import { JwtError } from '../errors.js';
import { loadDPoPKey, type DPoPKey } from './dpop-key.js';
import { dpopProof } from './dpop-proof.js';
import { readAuthClientOptions, type AuthClientOptions } from './options.js';
import { web } from './platform.js';
import { asksForNonce, isInvalidToken } from './responses.js';
import { serialised } from './serialise.js';
import { openTabChannel, type TabMessage } from './tab-channel.js';

/**
 * `createAuthClient`: the browser and Node side of the auth endpoints.
 *
 * @module
 */

/** What `login`, `logout` and `logoutEverywhere` report: the status and the OAuth `error` of a refusal. */
export interface AuthResult {
  /** Whether the endpoint answered 2xx. */
  ok: boolean;
  /** The HTTP status. */
  status: number;
  /** The `error` of a refusal's JSON body (`invalid_credentials`, `too_many_attempts`, ...), when there is one. */
  error?: string;
}

/**
 * A `fetch` that authenticates requests to `origins` with the session's access token, plus the
 * session's endpoints.
 */
export interface AuthClient {
  /**
   * Sends a request as `fetch` does. To the client's `origins`, it carries the access token
   * (`Authorization: Bearer`, or `DPoP` with a fresh proof); a token known to have expired is
   * refreshed first, and a 401 `invalid_token` refreshes it and retries once. Other origins get the
   * request untouched. Resolves to the last answer; rejects as `fetch` does (a network failure).
   */
  (input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** Logs in with the JSON body `credentials` (what the server's `verifyCredentials` reads). */
  login(credentials: Record<string, unknown>): Promise<AuthResult>;
  /** Ends this session at the logout endpoint (revoking its refresh token) and forgets the access token. */
  logout(): Promise<AuthResult>;
  /** Ends every session of the user (`logoutEverywhereUrl`, with the access token) and forgets the access token. */
  logoutEverywhere(): Promise<AuthResult>;
}

/**
 * Creates a client for jwtkit's auth endpoints (`createAuthEndpoints` of `jwtkit/express`,
 * `jwtkit/fetch`, ...) that runs in browsers and in Node 20, on WebCrypto and `fetch` alone.
 *
 * - The access token lives in this client's memory only, never in `localStorage` or
 *   `sessionStorage`; the refresh token is the endpoints' HttpOnly cookie (`transport: 'cookie'`)
 *   or, in Node, in memory (`'body'`).
 * - A token is known to have expired from `expires_in`, timed with `performance.now()` (never by
 *   comparing `exp` with the local clock); it is then refreshed before the request is sent. A 401
 *   `invalid_token` refreshes too, and the request is sent again once, with a copy of its body
 *   made before the first attempt. Concurrent refreshes are one (single flight), and refreshes are
 *   serialised across the tabs of the origin (Web Locks; in Node, within the process), so two tabs
 *   never present the same refresh token.
 * - With `dpop: true`, the session is bound to the client's key (docs/sender-constrained-tokens.md),
 *   every request carries a fresh proof, and a server's `use_dpop_nonce` (400 from a token
 *   endpoint, 401 from a resource server) is answered by retrying once with its `DPoP-Nonce`. In a
 *   browser, the tab that refreshed hands the new access token to the others over a
 *   `BroadcastChannel` (a copy of a bound token is useless without the key); in Bearer mode
 *   nothing is broadcast, and each tab refreshes in turn under the lock (docs/client.md).
 *
 * @example
 * ```ts
 * import { createAuthClient } from 'jwtkit/client';
 *
 * const api = createAuthClient({ loginUrl: '/auth/login', refreshUrl: '/auth/refresh', logoutUrl: '/auth/logout', dpop: true });
 * const { ok } = await api.login({ username: 'alice', password });
 * const profile = await (await api('/api/profile')).json();
 * ```
 * @throws ERR_INVALID_OPTION for an unknown option or a value of the wrong shape; from
 *   `logoutEverywhere` without `logoutEverywhereUrl`.
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const policy = readAuthClientOptions(options);
  const { transport, dpop, name } = policy;
  const now = () => web.performance.now();
  /** The session's access token, its scheme and when it expires (`performance.now()` time). */
  let token: string | undefined;
  let scheme = 'Bearer';
  let expiresAt = 0;
  /** The refresh token, with the body transport. */
  let refreshToken: string | undefined;
  /** Whether a refresh may succeed: a cookie may be there, or we hold a refresh token. */
  let maySession = transport === 'cookie';
  let flight: Promise<void> | undefined;
  let keyLoading: Promise<DPoPKey> | undefined;
  /** In DPoP mode in a browser, where the key is the origin's: the tabs' channel. */
  const channel = dpop ? openTabChannel(name, remember) : undefined;
  /** The last `DPoP-Nonce` of each origin (RFC 9449 §8.2). */
  const nonces = new Map<string, string>();

  function remember(message: TabMessage): void {
    token = message.token;
    maySession = message.token !== undefined;
    if (message.token === undefined) refreshToken = undefined;
    else {
      scheme = message.type;
      expiresAt = now() + message.ms;
    }
  }

  /** Sends one attempt: the access token and, in DPoP mode, a proof (`withProof`: also without a token, at the token endpoints). */
  async function send(request: Request, accessToken: string | undefined, withProof: boolean): Promise<Response> {
    const attempt = request.clone();
    const { origin } = new URL(attempt.url);
    if (accessToken !== undefined) attempt.headers.set('authorization', `${scheme} ${accessToken}`);
    if (dpop && (withProof || accessToken !== undefined)) {
      attempt.headers.set(
        'dpop',
        await dpopProof(await (keyLoading ??= loadDPoPKey(name)), attempt.method, attempt.url, accessToken, nonces.get(origin)),
      );
    }
    const response = await policy.fetch(attempt);
    const nonce = response.headers.get('dpop-nonce');
    if (nonce !== null) nonces.set(origin, nonce);
    return response;
  }

  /** Sends a request, and once more with the server's nonce when it asks for one. */
  async function exchange(request: Request, accessToken: string | undefined, withProof = false): Promise<Response> {
    const response = await send(request, accessToken, withProof);
    return dpop && (await asksForNonce(response)) ? send(request, accessToken, withProof) : response;
  }

  /** A POST to an auth endpoint: the CSRF header, the cookie or the refresh token in the body. */
  function post(url: string, body?: object): Request {
    const headers: Record<string, string> = {};
    if (policy.csrfHeader !== undefined) headers[policy.csrfHeader] = 'jwtkit';
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Request(url, {
      method: 'POST',
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: transport === 'cookie' ? 'include' : 'same-origin',
    });
  }

  /** Reads a token endpoint's answer: the new session, or the refusal. */
  async function accept(response: Response): Promise<AuthResult> {
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof body['access_token'] !== 'string') {
      return { ok: false, status: response.status, ...(typeof body['error'] === 'string' && { error: body['error'] }) };
    }
    const message = {
      token: body['access_token'],
      type: body['token_type'] === 'DPoP' ? 'DPoP' : 'Bearer',
      ms: Number(body['expires_in'] ?? 0) * 1000,
    };
    remember(message);
    if (typeof body['refresh_token'] === 'string') refreshToken = body['refresh_token'];
    await channel?.post(message);
    return { ok: true, status: response.status };
  }

  async function refreshNow(): Promise<void> {
    if (transport === 'body' && refreshToken === undefined) return;
    const response = await exchange(
      post(policy.refreshUrl, transport === 'body' ? { refresh_token: refreshToken } : undefined),
      undefined,
      true,
    );
    const result = await accept(response);
    // A refused refresh token ends the session; a server error leaves it for the next attempt.
    if (!result.ok && (response.status === 401 || result.error === 'invalid_grant')) remember({});
  }

  /** Refreshes the session unless the access token has changed since `failed` was sent: once for every caller at a time. */
  function refresh(failed: string | undefined): Promise<void> {
    if (token !== failed) return Promise.resolve();
    return (flight ??= serialised(`${name}:refresh`, async () => {
      // Another tab may have refreshed while this one waited for the lock: its token came, or is coming.
      if (token === failed) await channel?.catchUp();
      if (token === failed) await refreshNow();
    }).finally(() => {
      flight = undefined;
    }));
  }

  async function authenticated(request: Request): Promise<Response> {
    if (maySession && (token === undefined || now() >= expiresAt)) await refresh(token);
    const used = token;
    const response = await exchange(request, used);
    if (used === undefined || !isInvalidToken(response)) return response;
    await refresh(used);
    return token === undefined || token === used ? response : exchange(request, token);
  }

  const client = (async (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    return policy.origins.has(new URL(request.url).origin) ? authenticated(request) : policy.fetch(request);
  }) as AuthClient;

  client.login = async (credentials) => accept(await exchange(post(policy.loginUrl, credentials), undefined, true));

  client.logout = async () => {
    const response = await policy.fetch(post(policy.logoutUrl, transport === 'body' ? { refresh_token: refreshToken } : undefined));
    remember({});
    await channel?.post({});
    return result(response);
  };

  client.logoutEverywhere = async () => {
    if (policy.logoutEverywhereUrl === undefined) throw new JwtError('ERR_INVALID_OPTION', 'logoutEverywhere needs "logoutEverywhereUrl"');
    const response = await authenticated(post(policy.logoutEverywhereUrl));
    remember({});
    await channel?.post({});
    return result(response);
  };

  return client;
}

async function result(response: Response): Promise<AuthResult> {
  const body = (await response.json().catch(() => ({}))) as { error?: unknown };
  return { ok: response.ok, status: response.status, ...(typeof body.error === 'string' && { error: body.error }) };
}
