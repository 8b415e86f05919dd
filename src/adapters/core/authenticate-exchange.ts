import { checkTokenBinding } from '../../dpop/token-binding.js';
import { checkDPoPProof, rememberDPoPProof, type CheckedDPoPProof } from '../../dpop/verify-proof.js';
import { JwtError, isJwtError } from '../../errors.js';
import { ownValue } from '../../internal/own-member.js';
import type { JwtClaims } from '../../jwt/types.js';
import type { VerifyResult } from '../../jwt/types.js';
import { verify, verifySync } from '../../jwt/verify.js';
import { verifiesOnCallingThread } from '../../jws/verify.js';
import { refusalReason, type RefusalContext } from './refusal-reasons.js';
import type { AuthenticatePolicy, RequestAuth } from './authenticate-options.js';
import { readCookie } from './cookie-header.js';
import { assertB64Token, readAuthorizationCredential } from './credential-syntax.js';
import { assertSameOriginRequest } from './csrf.js';
import { dpopChallengeSchemes, proofTargetUrl, readProofHeader } from './dpop-request.js';
import { authenticationErrorReply, insufficientScopeError, insufficientScopeReply, type ChallengeSchemes } from './error-replies.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import { rememberIssuedAuth } from './issued-auth.js';
import { isLegacyToken, verifyLegacyToken } from './legacy-secret.js';
import { eventRequestFacts, refusalEvent } from './refusal-event.js';
import { checkProfileClaims } from './access-token-profile.js';
import { readBodyToken } from './body-token.js';
import { verifyForIssuer } from './issuer-selection.js';
import { runTokenValidators } from './token-validators.js';

/**
 * The outcome of authenticating one request: the auth (absent for an allowed anonymous request),
 * or a reply with the error it answers (reported already).
 * @internal
 */
export type AuthenticationOutcome<Claims extends object> =
  | { readonly auth: RequestAuth<Claims> | undefined; readonly reply?: undefined; readonly error?: undefined }
  | { readonly auth?: undefined; readonly reply: HttpReply; readonly error: unknown };

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Credential {
  readonly token: string;
  readonly source: 'header' | 'cookie' | 'query' | 'body';
  /** `'dpop'` for `Authorization: DPoP`: the token is checked with the request's DPoP proof. */
  readonly scheme: 'bearer' | 'dpop';
}

/**
 * Finds the one credential of a request.
 *
 * @throws ERR_REQUEST_INVALID when the header, cookie or query parameter is malformed, or when
 *   more than one of them carries a token.
 */
function findCredential(request: HttpRequestFacts, policy: AuthenticatePolicy): Credential | undefined {
  const found: Credential[] = [];
  const header = readAuthorizationCredential(request.authorization, policy.dpop !== undefined);
  // With `dpop.mode: 'required'`, `Bearer ...` is another scheme: no credentials.
  if (header !== undefined && !(header.scheme === 'bearer' && policy.dpop?.required === true)) {
    found.push({ token: header.token, source: 'header', scheme: header.scheme });
  }
  if (policy.cookie !== undefined) {
    const value = readCookie(request.cookie, policy.cookie);
    if (value !== undefined) found.push({ token: assertB64Token(value, 'access token cookie'), source: 'cookie', scheme: 'bearer' });
  }
  if (policy.allowQueryToken) {
    const values = request.query.getAll('access_token');
    if (values.length > 1) throw new JwtError('ERR_REQUEST_INVALID', 'the access_token parameter is repeated');
    const value = values[0];
    if (value !== undefined) found.push({ token: assertB64Token(value, 'access_token parameter'), source: 'query', scheme: 'bearer' });
  }
  if (policy.allowBodyToken) {
    const token = readBodyToken(request);
    if (token !== undefined) found.push({ token, source: 'body', scheme: 'bearer' });
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

/**
 * Checks a `DPoP` request's token binding and proof (RFC 9449 §7.1, RFC 8705 §3): a token without
 * `cnf.jkt` is refused before the proof is read; then the proof is checked against the request
 * (everything but the replay cache) and the token's `cnf` against the proof's key. The proof is
 * remembered in the replay cache later, by {@link rememberDPoPProof}, once `isRevoked` passed.
 *
 * @throws ERR_REQUEST_INVALID, ERR_DPOP_PROOF_INVALID, ERR_DPOP_NONCE_REQUIRED,
 *   ERR_TOKEN_BINDING_MISMATCH.
 */
async function checkDPoPRequest(
  request: HttpRequestFacts,
  dpop: NonNullable<AuthenticatePolicy['dpop']>,
  credential: Credential,
  payload: object,
  proof: string,
): Promise<CheckedDPoPProof> {
  if (!hasConfirmation(payload, 'jkt')) {
    throw new JwtError('ERR_TOKEN_BINDING_MISMATCH', 'a DPoP request needs a DPoP-bound access token', {
      claim: 'cnf.jkt',
      reason: 'missing',
    });
  }
  const url = proofTargetUrl(request, dpop.origins);
  const checked = await checkDPoPProof(proof, { method: request.method, url, accessToken: credential.token }, dpop.rules);
  const certificate = hasConfirmation(payload, 'x5t#S256') ? request.clientCertificate() : undefined;
  checkTokenBinding(
    payload,
    certificate === undefined
      ? { dpopThumbprint: checked.thumbprint }
      : { dpopThumbprint: checked.thumbprint, clientCertificate: certificate },
  );
  return checked;
}

/** A `Bearer` (header, cookie or query) token: bound tokens need their TLS client certificate. */
function checkBearerBinding(request: HttpRequestFacts, payload: object): void {
  if (!Object.hasOwn(payload, 'cnf')) return;
  const certificate = hasConfirmation(payload, 'x5t#S256') ? request.clientCertificate() : undefined;
  checkTokenBinding(payload, certificate === undefined ? {} : { clientCertificate: certificate });
}

/** Whether the token's own `cnf` object has the confirmation member `member`. */
function hasConfirmation(payload: object, member: 'jkt' | 'x5t#S256'): boolean {
  const claims = payload as { cnf?: unknown };
  const cnf = ownValue(claims, 'cnf', claims.cnf);
  return typeof cnf === 'object' && cnf !== null && Object.hasOwn(cnf, member);
}

/** The challenges of a refusal: the schemes the policy reads, and the one the request used. */
function schemesOf(policy: AuthenticatePolicy, credential: Credential | undefined): ChallengeSchemes | undefined {
  return dpopChallengeSchemes(policy.dpop, policy.dpop?.required !== true, credential?.scheme);
}

/** The outcome for a verified token: the required scopes and roles, then `auth`. */
function finishExchange<Claims extends object>(
  request: HttpRequestFacts,
  policy: AuthenticatePolicy,
  credential: Credential,
  result: VerifyResult<Claims>,
): AuthenticationOutcome<Claims> {
  for (const requirement of policy.requirements) {
    const refusal = requirement(result.payload, result.header);
    if (refusal !== undefined) {
      const error = insufficientScopeError(refusal.scope, refusal.anyOf);
      const reply = insufficientScopeReply(policy.realm, refusal.scope, schemesOf(policy, credential));
      policy.events(refusalEvent('authenticate', request, error, reply.status, refusalReason(error)));
      return { reply, error };
    }
  }
  const auth: RequestAuth<Claims> = { payload: result.payload, header: result.header, token: credential.token };
  rememberIssuedAuth(auth, policy);
  return { auth };
}

function failedExchange(
  request: HttpRequestFacts,
  policy: AuthenticatePolicy,
  error: unknown,
  credential?: Credential,
): { readonly reply: HttpReply; readonly error: unknown } {
  const reply = authenticationErrorReply(error, policy.realm, schemesOf(policy, credential));
  policy.events(refusalEvent('authenticate', request, error, reply.status, refusalReason(error, refusalContext(policy))));
  return { reply, error };
}

/** What the reasons of `authenticate`'s refusals say about its configuration. */
function refusalContext(policy: AuthenticatePolicy): RefusalContext {
  return { accessCookie: policy.cookie, dpopRequired: policy.dpop?.required === true };
}

/** A `legacy_secret_used` event: the subject when the token has a string `sub`, never the token. */
function reportLegacyUse(request: HttpRequestFacts, policy: AuthenticatePolicy, payload: JwtClaims): void {
  const sub = ownValue(payload, 'sub', payload.sub);
  policy.events({
    type: 'legacy_secret_used',
    source: 'authenticate',
    subject: typeof sub === 'string' ? sub : undefined,
    until: new Date(policy.legacySecret?.until ?? 0),
    ...eventRequestFacts(request),
  });
}

/**
 * Authenticates one request: finds the credential, verifies it with the core `verify`, then (for
 * the `DPoP` scheme) the proof, and the token's binding (`cnf`) whatever the scheme, asks
 * `isRevoked`, remembers the proof in the replay cache, then checks the required scopes and roles.
 * The replay cache comes last, so that only the holder of the key a valid, unrevoked token is
 * bound to can add entries to it. Every failure becomes a reply (RFC 6750, RFC 9449 §7.1);
 * nothing is thrown.
 *
 * @internal
 */
export async function authenticateExchange<Claims extends object>(
  request: HttpRequestFacts,
  policy: AuthenticatePolicy,
): Promise<AuthenticationOutcome<Claims>> {
  let credential: Credential | undefined;
  try {
    const started = startExchange<Claims>(request, policy);
    if (!('token' in started)) return started;
    credential = started;
    const proof = started.scheme === 'dpop' ? readProofHeader(request) : undefined;
    const legacy = policy.legacySecret;
    const legacyToken = legacy !== undefined && isLegacyToken(started.token, legacy, policy.verify);
    let result: VerifyResult<Claims>;
    if (legacyToken) result = verifyLegacyToken<Claims>(started.token, legacy, policy.verify);
    else if (policy.issuers !== undefined) result = await verifyForIssuer<Claims>(request, started.token, policy.issuers, policy.verify);
    else result = await verify<Claims>(started.token, policy.key, policy.verify);
    const dpop = policy.dpop;
    const checked =
      dpop === undefined || proof === undefined ? undefined : await checkDPoPRequest(request, dpop, started, result.payload, proof);
    if (checked === undefined) checkBearerBinding(request, result.payload);
    if (policy.profile !== undefined) checkProfileClaims(result.payload);
    if (policy.validators.length > 0) await runTokenValidators(policy.validators, result.payload, result.header);
    if (policy.isRevoked !== undefined) await checkRevocation(policy.isRevoked, result);
    if (checked !== undefined && dpop !== undefined) await rememberDPoPProof(checked, dpop.rules);
    const outcome = finishExchange(request, policy, started, result);
    if (legacyToken && outcome.auth !== undefined) reportLegacyUse(request, policy, result.payload);
    return outcome;
  } catch (error) {
    return failedExchange(request, policy, error, credential);
  }
}

/**
 * {@link authenticateExchange} without a promise, when nothing in the policy is asynchronous (an
 * HMAC key given directly, or any key given directly while the thread pool is off; no
 * `isRevoked`): the Express middleware then calls `next` in the same tick,
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
  if (
    typeof key === 'function' ||
    !verifiesOnCallingThread(key) ||
    policy.isRevoked !== undefined ||
    policy.dpop !== undefined ||
    policy.legacySecret !== undefined ||
    policy.validators.length > 0
  ) {
    return undefined;
  }
  try {
    const started = startExchange<Claims>(request, policy);
    if (!('token' in started)) return started;
    const result = verifySync<Claims>(started.token, key, policy.verify);
    checkBearerBinding(request, result.payload);
    if (policy.profile !== undefined) checkProfileClaims(result.payload);
    return finishExchange(request, policy, started, result);
  } catch (error) {
    return failedExchange(request, policy, error);
  }
}
