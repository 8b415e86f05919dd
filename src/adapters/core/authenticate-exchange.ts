import { checkTokenBinding } from '../../dpop/token-binding.js';
import { verifyDPoPProof } from '../../dpop/verify-proof.js';
import { JwtError, isJwtError } from '../../errors.js';
import type { JwtClaims } from '../../jwt/types.js';
import type { VerifyResult } from '../../jwt/types.js';
import { verify, verifySync } from '../../jwt/verify.js';
import { report } from './authenticate-options.js';
import type { AuthenticatePolicy, RequestAuth } from './authenticate-options.js';
import { readCookie } from './cookie-header.js';
import { assertB64Token, readAuthorizationCredential } from './credential-syntax.js';
import { assertSameOriginRequest } from './csrf.js';
import { authenticationErrorReply, insufficientScopeReply, type ChallengeSchemes } from './error-replies.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';
import { rememberIssuedAuth } from './issued-auth.js';

/** The outcome of authenticating one request: the auth (absent for an allowed anonymous request) or a reply. @internal */
export type AuthenticationOutcome<Claims extends object> =
  { readonly auth: RequestAuth<Claims> | undefined; readonly reply?: undefined } | { readonly auth?: undefined; readonly reply: HttpReply };

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Credential {
  readonly token: string;
  readonly source: 'header' | 'cookie' | 'query';
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
 * The one `DPoP` header of a request (RFC 9449 §4.3 check 1: "not more than one"). Several
 * headers reach us joined with `", "`, and a compact JWS has no comma, so a comma means several.
 *
 * @throws ERR_DPOP_PROOF_INVALID when there is none, or more than one.
 */
function readProofHeader(request: HttpRequestFacts): string {
  const value = request.header('dpop');
  if (value === undefined || value.trim() === '') {
    throw new JwtError('ERR_DPOP_PROOF_INVALID', 'a DPoP request needs a DPoP proof header', { reason: 'missing' });
  }
  if (value.includes(',')) throw new JwtError('ERR_DPOP_PROOF_INVALID', 'the request carries more than one DPoP header');
  return value.trim();
}

/**
 * Checks that the verified token is used as its `cnf` says (RFC 9449 §7.1, RFC 8705 §3): with the
 * `DPoP` scheme, the proof is verified against the request first. Runs for every request, so that
 * a bound token never passes as a bearer token.
 *
 * @throws ERR_DPOP_PROOF_INVALID, ERR_DPOP_NONCE_REQUIRED, ERR_STORE_UNAVAILABLE (replay cache),
 *   ERR_TOKEN_BINDING_MISMATCH.
 */
async function checkSenderConstraint(
  request: HttpRequestFacts,
  policy: AuthenticatePolicy,
  credential: Credential,
  payload: object,
  proof: string | undefined,
): Promise<void> {
  const dpop = policy.dpop;
  if (credential.scheme !== 'dpop' || dpop === undefined || proof === undefined) {
    checkBearerBinding(request, payload);
    return;
  }
  const url = request.requestUrl;
  if (url === undefined) throw new JwtError('ERR_REQUEST_INVALID', 'the request has no valid Host header');
  const { rules } = dpop;
  const verified = await verifyDPoPProof(proof, {
    method: request.method,
    url,
    accessToken: credential.token,
    replayCache: rules.replayCache,
    algorithms: rules.algorithms,
    maxAge: rules.maxAge,
    clockTolerance: rules.clockTolerance,
    ...(rules.nonces === undefined ? {} : { nonces: rules.nonces }),
    ...(rules.clock === undefined ? {} : { clock: rules.clock }),
  });
  const certificate = hasCertificateBinding(payload) ? request.clientCertificate() : undefined;
  checkTokenBinding(
    payload,
    certificate === undefined
      ? { dpopThumbprint: verified.thumbprint }
      : { dpopThumbprint: verified.thumbprint, clientCertificate: certificate },
  );
}

/** A `Bearer` (header, cookie or query) token: bound tokens need their TLS client certificate. */
function checkBearerBinding(request: HttpRequestFacts, payload: object): void {
  if (!Object.hasOwn(payload, 'cnf')) return;
  const certificate = hasCertificateBinding(payload) ? request.clientCertificate() : undefined;
  checkTokenBinding(payload, certificate === undefined ? {} : { clientCertificate: certificate });
}

function hasCertificateBinding(payload: object): boolean {
  const cnf: unknown = (payload as { cnf?: unknown }).cnf;
  return typeof cnf === 'object' && cnf !== null && Object.hasOwn(cnf, 'x5t#S256');
}

/** The challenges of a refusal: the schemes the policy reads, and the one the request used. */
function schemesOf(policy: AuthenticatePolicy, credential: Credential | undefined): ChallengeSchemes | undefined {
  const dpop = policy.dpop;
  if (dpop === undefined) return undefined;
  const nonces = dpop.rules.nonces;
  return {
    bearer: !dpop.required,
    dpopAlgs: dpop.algs,
    used: credential?.scheme,
    nonce: nonces === undefined ? undefined : () => nonces.issue(),
  };
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
      return { reply: insufficientScopeReply(policy.realm, refusal.scope, schemesOf(policy, credential)) };
    }
  }
  const auth: RequestAuth<Claims> = { payload: result.payload, header: result.header, token: credential.token };
  rememberIssuedAuth(auth, policy.realm);
  return { auth };
}

function failedExchange(policy: AuthenticatePolicy, error: unknown, credential?: Credential): { readonly reply: HttpReply } {
  report(policy.onError, error);
  return { reply: authenticationErrorReply(error, policy.realm, schemesOf(policy, credential)) };
}

/**
 * Authenticates one request: finds the credential, verifies it with the core `verify`, then (for
 * the `DPoP` scheme) the proof, and the token's binding (`cnf`) whatever the scheme, asks
 * `isRevoked`, then checks the required scopes and roles. The token is verified before the proof,
 * so that only the holder of a valid token can add entries to the replay cache. Every failure
 * becomes a reply (RFC 6750, RFC 9449 §7.1); nothing is thrown.
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
    const result = await verify<Claims>(started.token, policy.key, policy.verify);
    await checkSenderConstraint(request, policy, started, result.payload, proof);
    if (policy.isRevoked !== undefined) await checkRevocation(policy.isRevoked, result);
    return finishExchange(policy, started, result);
  } catch (error) {
    return failedExchange(policy, error, credential);
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
  if (typeof key === 'function' || policy.isRevoked !== undefined || policy.dpop !== undefined) return undefined;
  try {
    const started = startExchange<Claims>(request, policy);
    if (!('token' in started)) return started;
    const result = verifySync<Claims>(started.token, key, policy.verify);
    checkBearerBinding(request, result.payload);
    return finishExchange(policy, started, result);
  } catch (error) {
    return failedExchange(policy, error);
  }
}
