import { JwtError, isJwtError } from '../../errors.js';
import type { JwtClaims } from '../../jwt/types.js';
import type { VerifyResult } from '../../jwt/types.js';
import { verify, verifySync } from '../../jwt/verify.js';
import { report } from './authenticate-options.js';
import type { AuthenticatePolicy, RequestAuth } from './authenticate-options.js';
import { readCookie } from './cookie-header.js';
import { assertB64Token, readBearerCredential } from './credential-syntax.js';
import { assertSameOriginRequest } from './csrf.js';
import { authenticationErrorReply, insufficientScopeReply } from './error-replies.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import { rememberIssuedAuth } from './issued-auth.js';

/** The outcome of authenticating one request: the auth (absent for an allowed anonymous request) or a reply. @internal */
export type AuthenticationOutcome<Claims extends object> =
  { readonly auth: RequestAuth<Claims> | undefined; readonly reply?: undefined } | { readonly auth?: undefined; readonly reply: HttpReply };

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Credential {
  readonly token: string;
  readonly source: 'header' | 'cookie' | 'query';
}

/**
 * Finds the one credential of a request.
 *
 * @throws ERR_REQUEST_INVALID when the header, cookie or query parameter is malformed, or when
 *   more than one of them carries a token.
 */
function findCredential(request: HttpRequestFacts, policy: AuthenticatePolicy): Credential | undefined {
  const found: Credential[] = [];
  const bearer = readBearerCredential(request.authorization);
  if (bearer !== undefined) found.push({ token: bearer, source: 'header' });
  if (policy.cookie !== undefined) {
    const value = readCookie(request.cookie, policy.cookie);
    if (value !== undefined) found.push({ token: assertB64Token(value, 'access token cookie'), source: 'cookie' });
  }
  if (policy.allowQueryToken) {
    const values = request.query.getAll('access_token');
    if (values.length > 1) throw new JwtError('ERR_REQUEST_INVALID', 'the access_token parameter is repeated');
    const value = values[0];
    if (value !== undefined) found.push({ token: assertB64Token(value, 'access_token parameter'), source: 'query' });
  }
  if (found.length > 1) throw new JwtError('ERR_REQUEST_INVALID', 'the request carries more than one access token');
  return found[0];
}

async function checkRevocation(
  isRevoked: NonNullable<AuthenticatePolicy['isRevoked']>,
  result: { payload: JwtClaims; header: RequestAuth['header'] },
): Promise<void> {
  let revoked: boolean;
  try {
    revoked = (await isRevoked(result.payload, result.header)) === true;
  } catch (error) {
    if (isJwtError(error, 'ERR_STORE_UNAVAILABLE')) throw error;
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the revocation check failed', { cause: error });
  }
  if (revoked) throw new JwtError('ERR_JWT_REVOKED', 'the access token has been revoked');
}

/** The credential of a request, or the outcome when it has none. Throws `JwtError`. */
function startExchange<Claims extends object>(
  request: HttpRequestFacts,
  policy: AuthenticatePolicy,
): Credential | AuthenticationOutcome<Claims> {
  const credential = findCredential(request, policy);
  if (credential === undefined) {
    if (!policy.credentialsRequired) return { auth: undefined };
    throw new JwtError('ERR_CREDENTIALS_MISSING', 'the request carries no access token');
  }
  if (credential.source === 'cookie' && !SAFE_METHODS.has(request.method)) assertSameOriginRequest(request, policy.csrf);
  return credential;
}

/** The outcome for a verified token: the required scopes and roles, then `auth`. */
function finishExchange<Claims extends object>(
  policy: AuthenticatePolicy,
  credential: Credential,
  result: VerifyResult<Claims>,
): AuthenticationOutcome<Claims> {
  for (const requirement of policy.requirements) {
    const refusal = requirement(result.payload, result.header);
    if (refusal !== undefined) {
      report(policy.onError, new JwtError('ERR_INSUFFICIENT_SCOPE', 'the access token lacks a required scope or role'));
      return { reply: insufficientScopeReply(policy.realm, refusal.scope) };
    }
  }
  const auth: RequestAuth<Claims> = { payload: result.payload, header: result.header, token: credential.token };
  rememberIssuedAuth(auth, policy.realm);
  return { auth };
}

function failedExchange(policy: AuthenticatePolicy, error: unknown): { readonly reply: HttpReply } {
  report(policy.onError, error);
  return { reply: authenticationErrorReply(error, policy.realm) };
}

/**
 * Authenticates one request: finds the credential, verifies it with the core `verify`, asks
 * `isRevoked`, then checks the required scopes and roles. Every failure becomes a reply (RFC 6750);
 * nothing is thrown.
 *
 * @internal
 */
export async function authenticateExchange<Claims extends object>(
  request: HttpRequestFacts,
  policy: AuthenticatePolicy,
): Promise<AuthenticationOutcome<Claims>> {
  try {
    const started = startExchange<Claims>(request, policy);
    if (!('token' in started)) return started;
    const result = await verify<Claims>(started.token, policy.key, policy.verify);
    if (policy.isRevoked !== undefined) await checkRevocation(policy.isRevoked, result);
    return finishExchange(policy, started, result);
  } catch (error) {
    return failedExchange(policy, error);
  }
}

/**
 * {@link authenticateExchange} without a promise, when nothing in the policy is asynchronous (a
 * key given directly, no `isRevoked`): the Express middleware then calls `next` in the same tick,
 * which serves more requests per second (bench: express/HS256). `undefined` when the policy needs
 * the asynchronous form.
 *
 * @internal
 */
export function authenticateExchangeSync<Claims extends object>(
  request: HttpRequestFacts,
  policy: AuthenticatePolicy,
): AuthenticationOutcome<Claims> | undefined {
  const key = policy.key;
  if (typeof key === 'function' || policy.isRevoked !== undefined) return undefined;
  try {
    const started = startExchange<Claims>(request, policy);
    if (!('token' in started)) return started;
    return finishExchange(policy, started, verifySync<Claims>(started.token, key, policy.verify));
  } catch (error) {
    return failedExchange(policy, error);
  }
}
