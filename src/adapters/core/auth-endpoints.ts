import { JwtError, isJwtError } from '../../errors.js';
import type { TokenPair } from '../../tokens/types.js';
import type { AuthEndpointsPolicy, LoginIdentity } from './auth-endpoints-options.js';
import { readCookie } from './cookie-header.js';
import { readBearerCredential } from './credential-syntax.js';
import { assertSameOriginRequest } from './csrf.js';
import { authenticationErrorReply, endpointErrorReply } from './error-replies.js';
import { emptyReply, jsonReply } from './http-exchange.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import { asJsonObject } from './json-body.js';
import { clearRefreshCookie, setRefreshCookie } from './refresh-cookie.js';

/**
 * The auth endpoints written once against the neutral exchange: login, refresh, logout and
 * logout-everywhere over a token service. Each answers every outcome itself; nothing is thrown.
 *
 * @internal
 * @module
 */

/** The four endpoint handlers in neutral form. @internal */
export interface NeutralAuthEndpoints {
  login(request: HttpRequestFacts): Promise<HttpReply>;
  refresh(request: HttpRequestFacts): Promise<HttpReply>;
  logout(request: HttpRequestFacts): Promise<HttpReply>;
  logoutEverywhere(request: HttpRequestFacts): Promise<HttpReply>;
}

/** A refresh token is 43 Base64url characters; a little room is left for other token services. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * Refusals that clear the refresh cookie. `ERR_REFRESH_REUSED` is not one of them: within the
 * token service's `reuseGrace` it answers the loser of two concurrent refreshes, and its
 * clearing `Set-Cookie` could arrive after the winner's and delete the successor just stored. A
 * reused token is worthless anyway (its family is revoked outside the grace window, and the next
 * refresh with that cookie clears it with `ERR_REFRESH_REVOKED`).
 */
const REFRESH_REFUSED_CLEARING = ['ERR_REFRESH_INVALID', 'ERR_REFRESH_REVOKED', 'ERR_REFRESH_EXPIRED'] as const;

function methodNotAllowed(): HttpReply {
  return emptyReply(405, [['Allow', 'POST']]);
}

function tokenReply<Claims extends object>(policy: AuthEndpointsPolicy<Claims>, pair: TokenPair): HttpReply {
  const body: Record<string, unknown> = {
    access_token: pair.accessToken,
    token_type: pair.tokenType,
    expires_in: pair.expiresIn,
  };
  if (policy.transport === 'body') {
    body['refresh_token'] = pair.refreshToken;
    body['refresh_expires_in'] = pair.refreshExpiresIn;
    return jsonReply(200, body);
  }
  return jsonReply(200, body, [['Set-Cookie', setRefreshCookie(policy.cookie, pair.refreshToken, pair.refreshExpiresIn)]]);
}

/** The refresh token of a request: from the cookie, or from `refresh_token` in the JSON body. */
async function presentedRefreshToken<Claims extends object>(
  request: HttpRequestFacts,
  policy: AuthEndpointsPolicy<Claims>,
): Promise<string | undefined> {
  let value: unknown;
  if (policy.transport === 'cookie') {
    value = readCookie(request.cookie, policy.cookie.name);
  } else {
    const body = await request.readJson(policy.body);
    value = body === undefined ? undefined : asJsonObject(body)['refresh_token'];
    if (value !== undefined && typeof value !== 'string') throw new JwtError('ERR_REQUEST_INVALID', '"refresh_token" must be a string');
  }
  if (value === undefined || value === '') return undefined;
  return REFRESH_TOKEN.test(value as string) ? (value as string) : undefined;
}

function checkIdentity<Claims extends object>(identity: unknown): LoginIdentity<Claims> {
  const subject = typeof identity === 'object' && identity !== null ? (identity as { subject?: unknown }).subject : undefined;
  if (typeof subject !== 'string' || subject === '') {
    throw new JwtError('ERR_INVALID_OPTION', '"verifyCredentials" must return { subject, claims? } or null');
  }
  return identity as LoginIdentity<Claims>;
}

/**
 * Builds the neutral endpoint handlers.
 *
 * - `login` (POST, JSON body): `verifyCredentials(body)`, then `tokens.issue` → 200 token response;
 * - `refresh` (POST): `tokens.refresh` → 200 token response; a refused token → 401 `invalid_grant`
 *   and, with the cookie transport, the cookie is cleared (except for a reused token: a concurrent
 *   refresh may just have replaced it with its successor);
 * - `logout` (POST): `tokens.revoke` → 204, cookie cleared; an unknown token is not an error;
 * - `logoutEverywhere` (POST, `Authorization: Bearer` access token): `tokens.revokeAll(sub)` → 204.
 *
 * With the cookie transport, login, refresh and logout first pass the cross-site request check.
 *
 * @internal
 */
export function neutralAuthEndpoints<Claims extends object>(policy: AuthEndpointsPolicy<Claims>): NeutralAuthEndpoints {
  const cookieTransport = policy.transport === 'cookie';

  async function answer(request: HttpRequestFacts, work: () => Promise<HttpReply>): Promise<HttpReply> {
    if (request.method !== 'POST') return methodNotAllowed();
    try {
      if (cookieTransport) assertSameOriginRequest(request, policy.csrf);
      return await work();
    } catch (error) {
      policy.report(error);
      const reply = endpointErrorReply(error);
      if (cookieTransport && REFRESH_REFUSED_CLEARING.some((code) => isJwtError(error, code))) {
        reply.headers.push(['Set-Cookie', clearRefreshCookie(policy.cookie)]);
      }
      return reply;
    }
  }

  return {
    login: (request) =>
      answer(request, async () => {
        const credentials = asJsonObject(await request.readJson(policy.body));
        const identity = await policy.verifyCredentials(credentials);
        if (identity === null) throw new JwtError('ERR_CREDENTIALS_INVALID', 'the login credentials were refused');
        const { subject, claims } = checkIdentity<Claims>(identity);
        return tokenReply(policy, await policy.tokens.issue(subject, claims));
      }),

    refresh: (request) =>
      answer(request, async () => {
        const token = await presentedRefreshToken(request, policy);
        if (token === undefined) throw new JwtError('ERR_REFRESH_INVALID', 'the request carries no usable refresh token');
        return tokenReply(policy, await policy.tokens.refresh(token));
      }),

    logout: (request) =>
      answer(request, async () => {
        const token = await presentedRefreshToken(request, policy);
        if (token !== undefined) await policy.tokens.revoke(token);
        return emptyReply(204, cookieTransport ? [['Set-Cookie', clearRefreshCookie(policy.cookie)]] : []);
      }),

    logoutEverywhere: async (request) => {
      if (request.method !== 'POST') return methodNotAllowed();
      let subject: string;
      try {
        const token = readBearerCredential(request.authorization);
        if (token === undefined) throw new JwtError('ERR_CREDENTIALS_MISSING', 'the request carries no access token');
        subject = (await policy.tokens.verifyAccessToken(token)).payload.sub;
      } catch (error) {
        policy.report(error);
        return authenticationErrorReply(error, policy.realm);
      }
      try {
        await policy.tokens.revokeAll(subject);
      } catch (error) {
        policy.report(error);
        return endpointErrorReply(error);
      }
      return emptyReply(204, cookieTransport ? [['Set-Cookie', clearRefreshCookie(policy.cookie)]] : []);
    },
  };
}
