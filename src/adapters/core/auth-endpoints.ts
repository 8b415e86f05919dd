import { rememberDPoPProof, type CheckedDPoPProof } from '../../dpop/verify-proof.js';
import { JwtError, isJwtError } from '../../errors.js';
import type { TokenPair } from '../../tokens/types.js';
import type { AuthEndpointsPolicy, LoginIdentity } from './auth-endpoints-options.js';
import { readCookie } from './cookie-header.js';
import { readAuthorizationCredential } from './credential-syntax.js';
import { assertSameOriginRequest } from './csrf.js';
import { dpopChallengeSchemes, nonceIssuer } from './dpop-request.js';
import { accessTokenSubject, tokenRequestProof } from './endpoint-dpop.js';
import { authenticationErrorReply, endpointErrorReply, tokenRequestError, type EndpointReplyContext } from './error-replies.js';
import { isFormMediaType } from './form-body.js';
import { emptyReply, jsonReply } from './http-exchange.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import { asJsonObject } from './json-body.js';
import type { AuthEventSource } from './auth-events.js';
import { cookiePathMismatchReason, pathMatches } from './cookie-path.js';
import { eventRequestFacts, refusalEvent } from './refusal-event.js';
import { refusalReason } from './refusal-reasons.js';
import { clearRefreshCookie, setRefreshCookie } from './refresh-cookie.js';
import { readRefreshGrantForm } from './refresh-grant-form.js';
import { isLoginThrottle, type LoginAttempt, type LoginThrottle } from './login-limits.js';

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

/**
 * A refresh token is Base64url text and dots (`<session>.<generation>.<secret>`, at most 83
 * characters; 43 for the first format); a little room is left for other token services.
 */
const REFRESH_TOKEN = /^[A-Za-z0-9_.-]{16,256}$/;

/**
 * Refusals that clear the refresh cookie. `ERR_REFRESH_REUSED` is not one of them: within the
 * token service's `reuseGrace` it answers the loser of two concurrent refreshes, and its
 * clearing `Set-Cookie` could arrive after the winner's and delete the successor just stored. A
 * reused token is worthless anyway (its family is revoked outside the grace window, and the next
 * refresh with that cookie clears it with `ERR_REFRESH_REVOKED`).
 */
const REFRESH_REFUSED_CLEARING = ['ERR_REFRESH_INVALID', 'ERR_REFRESH_REVOKED', 'ERR_REFRESH_EXPIRED'] as const;

/** The most characters of an endpoint's path a reason repeats. */
const MAX_PATH = 200;

function methodNotAllowed(): HttpReply {
  return emptyReply(405, [['Allow', 'POST']]);
}

/**
 * The token response (RFC 6749 §5.1): `token_type` is `DPoP` for a session bound to a DPoP key.
 * After a request with a proof, a fresh `DPoP-Nonce` when the server uses nonces (RFC 9449 §8.2).
 */
function tokenReply<Claims extends object>(
  policy: AuthEndpointsPolicy<Claims>,
  pair: TokenPair,
  proof: CheckedDPoPProof | undefined,
): HttpReply {
  const body: Record<string, unknown> = {
    access_token: pair.accessToken,
    token_type: pair.tokenType,
    expires_in: pair.expiresIn,
  };
  const headers: Array<[string, string]> = [];
  const nonce = proof === undefined ? undefined : nonceIssuer(policy.dpop)?.();
  if (nonce !== undefined) headers.push(['DPoP-Nonce', nonce]);
  if (policy.transport === 'body') {
    body['refresh_token'] = pair.refreshToken;
    body['refresh_expires_in'] = pair.refreshExpiresIn;
  } else {
    headers.push(['Set-Cookie', setRefreshCookie(policy.cookie, pair.refreshToken, pair.refreshExpiresIn)]);
  }
  return jsonReply(200, body, headers);
}

/**
 * The refresh token of a request: from the cookie, or from `refresh_token` in the JSON body, or
 * (`formGrant`, the refresh endpoint with the body transport) from an RFC 6749 §6 form;
 * `undefined` when there is none, `null` when the one there is not a refresh token.
 */
async function presentedRefreshToken<Claims extends object>(
  request: HttpRequestFacts,
  policy: AuthEndpointsPolicy<Claims>,
  formGrant = false,
): Promise<string | null | undefined> {
  let value: unknown;
  if (policy.transport === 'cookie') {
    value = readCookie(request.cookie, policy.cookie.name);
  } else if (formGrant) {
    value = readRefreshGrantForm(await request.readForm(policy.body));
  } else {
    const body = await request.readJson(policy.body);
    value = body === undefined ? undefined : asJsonObject(body)['refresh_token'];
    if (value !== undefined && typeof value !== 'string') throw new JwtError('ERR_REQUEST_INVALID', '"refresh_token" must be a string');
  }
  if (value === undefined || value === '') return undefined;
  return REFRESH_TOKEN.test(value as string) ? (value as string) : null;
}

/** The refusal of an RFC 6749 §6 form at the cookie transport's refresh endpoint: the token is the cookie's. */
function cookieFormGrant(): JwtError {
  return tokenRequestError(
    "the form grant (RFC 6749 §6, application/x-www-form-urlencoded) is for refreshTokenTransport: 'body'; " +
      'this refresh endpoint reads the refresh token from its cookie (send no body, or JSON)',
    'unsupported_grant_type',
  );
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
 *   with the `dpop` option and a `DPoP` proof, the session is bound to the proof's key;
 * - `refresh` (POST): `tokens.refresh` (with the thumbprint of the request's `DPoP` proof) → 200
 *   token response; a refused token → 401 `invalid_grant` and, with the cookie transport, the
 *   cookie is cleared (except for a reused token: a concurrent refresh may just have replaced it
 *   with its successor); a bound session without a proof of its key → 400 `invalid_grant`. With
 *   the body transport, it also takes the RFC 6749 §6 form (`grant_type=refresh_token`), whose
 *   every refusal is 400 (RFC 6749 §5.2); the cookie transport refuses the form;
 * - `logout` (POST): `tokens.revoke` → 204, cookie cleared; an unknown token is not an error;
 * - `logoutEverywhere` (POST, `Authorization: Bearer` access token, or with the `dpop` option
 *   `Authorization: DPoP` and its proof): `tokens.revokeAll(sub)` → 204.
 *
 * A DPoP proof at login or refresh is checked (RFC 9449 §4.3, §5: `htm` POST, `htu` the endpoint's
 * public URL) once the body is read, before `verifyCredentials` or the token service is called,
 * and remembered in the replay cache just before the token service issues or rotates: a replayed
 * proof consumes nothing.
 *
 * With the cookie transport, login, refresh and logout first pass the cross-site request check.
 * Every refusal or failure is reported to `policy.events` (`login_failed` for wrong credentials,
 * `request_refused` otherwise), a login as `login_succeeded`; with the cookie transport, an
 * endpoint whose public path is outside `cookie.path` as `cookie_path_mismatch`, at the first
 * login and at each refresh or logout without the cookie (the login is not refused for it).
 *
 * @internal
 */
export function neutralAuthEndpoints<Claims extends object>(policy: AuthEndpointsPolicy<Claims>): NeutralAuthEndpoints {
  const cookieTransport = policy.transport === 'cookie';
  let loginPathChecked = false;

  /** Reports a refusal or failure: a `login_failed` for wrong credentials, else a `request_refused`. */
  function reportRefusal(source: AuthEventSource, request: HttpRequestFacts, error: unknown, status: number): void {
    const reason = refusalReason(error);
    if (source === 'login' && isJwtError(error, 'ERR_CREDENTIALS_INVALID')) {
      policy.events({
        type: 'login_failed',
        source,
        code: 'ERR_CREDENTIALS_INVALID',
        reason,
        status,
        ...eventRequestFacts(request),
        error,
      });
    } else {
      policy.events(refusalEvent(source, request, error, status, reason));
    }
  }

  /**
   * With the cookie transport: whether browsers send the refresh cookie to the endpoint that
   * answers `request`; when they do not, reports it and returns the endpoint's public path.
   */
  function cookiePathMismatch(source: 'login' | 'refresh' | 'logout', request: HttpRequestFacts): string | undefined {
    const endpointPath = `${policy.publicPathPrefix}${request.path}`;
    if (!cookieTransport || pathMatches(endpointPath, policy.cookie.path)) return undefined;
    const shown = endpointPath.length > MAX_PATH ? `${endpointPath.slice(0, MAX_PATH)}…` : endpointPath;
    const reason = cookiePathMismatchReason(source, shown, policy.cookie.path);
    policy.events({
      type: 'cookie_path_mismatch',
      source,
      cookiePath: policy.cookie.path,
      endpointPath,
      reason,
      ...eventRequestFacts(request),
    });
    return shown;
  }

  /** The refusal of a refresh without a refresh token, saying why it may be missing. */
  function missingRefreshToken(request: HttpRequestFacts): JwtError {
    if (!cookieTransport) return new JwtError('ERR_REFRESH_INVALID', 'the request carries no "refresh_token" in its JSON body');
    const { name, path, secure } = policy.cookie;
    const outside = cookiePathMismatch('refresh', request);
    const why =
      outside === undefined
        ? `the client has not logged in, its session ended, or its browser did not send the cookie (browsers send it only to paths under cookie.path "${path}"` +
          `${secure ? ', over https, ' : ', '}and with credentials: 'include' or 'same-origin')`
        : `this endpoint's public path "${outside}" is outside cookie.path "${path}", so browsers never send it the cookie ` +
          '(not an expired session: see the cookie_path_mismatch event)';
    return new JwtError('ERR_REFRESH_INVALID', `the request carries no refresh token cookie "${name}": ${why}`);
  }

  /** The 429 of an attempt the login limiter refused, reported as `login_throttled`. */
  function throttled(request: HttpRequestFacts, throttle: LoginThrottle): HttpReply {
    const status = 429;
    policy.events({
      type: 'login_throttled',
      source: 'login',
      reason: throttle.reason,
      retryAfter: throttle.retryAfter,
      accountHash: throttle.accountHash,
      status,
      ...eventRequestFacts(request),
    });
    return jsonReply(
      status,
      { error: 'too_many_attempts', error_description: `too many login attempts; retry after ${throttle.retryAfter} seconds` },
      [['Retry-After', String(throttle.retryAfter)]],
    );
  }

  /** A fresh `DPoP-Nonce` for a `use_dpop_nonce` answer (with `dpop.nonces`). */
  const nonce = nonceIssuer(policy.dpop);

  async function answer(
    source: AuthEventSource,
    request: HttpRequestFacts,
    work: () => Promise<HttpReply>,
    grantStatus: EndpointReplyContext['grantStatus'] = 401,
  ): Promise<HttpReply> {
    if (request.method !== 'POST') return methodNotAllowed();
    try {
      if (cookieTransport) assertSameOriginRequest(request, policy.csrf);
      return await work();
    } catch (error) {
      const reply = endpointErrorReply(error, { grantStatus, nonce });
      if (cookieTransport && REFRESH_REFUSED_CLEARING.some((code) => isJwtError(error, code))) {
        reply.headers.push(['Set-Cookie', clearRefreshCookie(policy.cookie)]);
      }
      reportRefusal(source, request, error, reply.status);
      return reply;
    }
  }

  /** Remembers a token request's proof in the replay cache (refusing a replay), just before the token service acts. */
  async function rememberProof(proof: CheckedDPoPProof | undefined): Promise<void> {
    if (proof !== undefined && policy.dpop !== undefined) await rememberDPoPProof(proof, policy.dpop.rules);
  }

  return {
    login: (request) =>
      answer('login', request, async () => {
        const credentials = asJsonObject(await request.readJson(policy.body));
        const admitted = await policy.loginLimiter?.admit(credentials, request.clientAddress);
        if (admitted !== undefined && isLoginThrottle(admitted)) return throttled(request, admitted);
        const attempt: LoginAttempt | undefined = admitted;
        let proof: CheckedDPoPProof | undefined;
        let identity: LoginIdentity<Claims> | null;
        try {
          proof = await tokenRequestProof(request, policy.dpop, policy.publicPathPrefix);
          const returned = await policy.verifyCredentials(credentials);
          identity = returned === null ? null : checkIdentity<Claims>(returned);
        } catch (error) {
          await attempt?.abandoned();
          throw error;
        }
        if (identity === null) {
          await attempt?.failed();
          throw new JwtError('ERR_CREDENTIALS_INVALID', 'the login credentials were refused (verifyCredentials returned null)');
        }
        await attempt?.succeeded();
        const { subject, claims } = identity;
        await rememberProof(proof);
        const pair = await policy.tokens.issue(subject, claims, proof === undefined ? undefined : { dpopThumbprint: proof.thumbprint });
        const reply = tokenReply(policy, pair, proof);
        policy.events({ type: 'login_succeeded', source: 'login', subject, ...eventRequestFacts(request) });
        if (!loginPathChecked) {
          loginPathChecked = true;
          cookiePathMismatch('login', request);
        }
        return reply;
      }),

    refresh: (request) => {
      // The RFC 6749 §6 form: the body transport's; every refusal is then 400 (RFC 6749 §5.2).
      const form = isFormMediaType(request.header('content-type'));
      return answer(
        'refresh',
        request,
        async () => {
          if (form && cookieTransport) throw cookieFormGrant();
          const token = await presentedRefreshToken(request, policy, form);
          if (token === undefined) throw missingRefreshToken(request);
          if (token === null) throw new JwtError('ERR_REFRESH_INVALID', 'the refresh token presented is malformed');
          const proof = await tokenRequestProof(request, policy.dpop, policy.publicPathPrefix);
          // The proof is remembered once the token service found the token and its session valid
          // (a made-up token adds no replay-cache entry), and before the rotation commits (a
          // replayed proof consumes nothing).
          const pair = await policy.tokens.refresh(
            token,
            proof === undefined ? undefined : { dpopThumbprint: proof.thumbprint, beforeRotate: () => rememberProof(proof) },
          );
          return tokenReply(policy, pair, proof);
        },
        form ? 400 : 401,
      );
    },

    logout: (request) =>
      answer('logout', request, async () => {
        const token = await presentedRefreshToken(request, policy);
        if (typeof token === 'string') await policy.tokens.revoke(token);
        else if (token === undefined) cookiePathMismatch('logout', request);
        return emptyReply(204, cookieTransport ? [['Set-Cookie', clearRefreshCookie(policy.cookie)]] : []);
      }),

    logoutEverywhere: async (request) => {
      if (request.method !== 'POST') return methodNotAllowed();
      let subject: string;
      let scheme: 'bearer' | 'dpop' | undefined;
      try {
        const credential = readAuthorizationCredential(request.authorization, policy.dpop !== undefined);
        if (credential === undefined) throw new JwtError('ERR_CREDENTIALS_MISSING', 'the request carries no access token');
        scheme = credential.scheme;
        subject = await accessTokenSubject(request, credential, policy.tokens, policy.dpop, policy.publicPathPrefix);
      } catch (error) {
        const reply = authenticationErrorReply(error, policy.realm, dpopChallengeSchemes(policy.dpop, true, scheme));
        reportRefusal('logout_everywhere', request, error, reply.status);
        return reply;
      }
      try {
        await policy.tokens.revokeAll(subject);
      } catch (error) {
        const reply = endpointErrorReply(error);
        reportRefusal('logout_everywhere', request, error, reply.status);
        return reply;
      }
      return emptyReply(204, cookieTransport ? [['Set-Cookie', clearRefreshCookie(policy.cookie)]] : []);
    },
  };
}
