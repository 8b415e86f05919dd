import type { DPoPNonces } from '../../dpop/nonces.js';
import { proofError } from '../../dpop/proof-error.js';
import { checkTokenBinding } from '../../dpop/token-binding.js';
import { checkDPoPProof, rememberDPoPProof, type CheckedDPoPProof } from '../../dpop/verify-proof.js';
import { JwtError, isJwtError } from '../../errors.js';
import { ownValue } from '../../internal/own-member.js';
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

/** A path segment `.` or `..`, raw or percent-encoded (`%2e`, any case), or a backslash. */
const DOT_SEGMENT_OR_BACKSLASH = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)|\\/i;

/**
 * The URL a DPoP proof's `htu` is compared with: the request's, addressed to one of `dpop.origins`
 * (the `Host` header is the client's to choose: a server that received a token and proof made for
 * it must not replay them here with its own `Host`), and with a path the router reads as the proof
 * names it: URL normalisation (RFC 3986 §6.2.2.3) collapses dot segments that Express routes as
 * written, so `/a/../b` would match a proof for `/b`. On Fetch, `request.url` is already normalised
 * (WHATWG URL), and so is what the router reads.
 *
 * @throws ERR_REQUEST_INVALID when the request has no valid `Host`, or a path with a `.` or `..`
 *   segment or a backslash; ERR_DPOP_PROOF_INVALID (`claim: 'htu'`) for an origin not listed.
 */
function proofTargetUrl(request: HttpRequestFacts, origins: ReadonlySet<string>): string {
  const url = request.requestUrl;
  const origin = url === undefined ? undefined : originOf(url);
  if (url === undefined || origin === undefined) throw new JwtError('ERR_REQUEST_INVALID', 'the request has no valid Host header');
  // `requestUrl` is `origin` + the raw request target: the path is what follows the origin.
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const path = pathStart === -1 ? '' : url.slice(pathStart).replace(/[?#].*$/s, '');
  if (DOT_SEGMENT_OR_BACKSLASH.test(path)) {
    throw new JwtError('ERR_REQUEST_INVALID', 'the path of a DPoP request has a dot segment or a backslash');
  }
  if (!origins.has(origin)) {
    throw proofError('the request is addressed to an origin not in "dpop.origins"', { claim: 'htu', reason: 'mismatch' });
  }
  return url;
}

/** The origin of an absolute URL, parsed once; `undefined` when it does not parse. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
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
  const dpop = policy.dpop;
  if (dpop === undefined) return undefined;
  const nonces = dpop.rules.nonces;
  return {
    bearer: !dpop.required,
    dpopAlgs: dpop.algs,
    used: credential?.scheme,
    nonce: nonces === undefined ? undefined : () => issueNonce(nonces),
  };
}

/**
 * A fresh nonce for a `use_dpop_nonce` answer, or `undefined` when `issue` throws or returns no
 * string: the request is refused all the same, without a `DPoP-Nonce` header.
 */
function issueNonce(nonces: DPoPNonces): string | undefined {
  try {
    const nonce: unknown = nonces.issue();
    return typeof nonce === 'string' ? nonce : undefined;
  } catch {
    return undefined;
  }
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
    const result = await verify<Claims>(started.token, policy.key, policy.verify);
    const dpop = policy.dpop;
    const checked =
      dpop === undefined || proof === undefined ? undefined : await checkDPoPRequest(request, dpop, started, result.payload, proof);
    if (checked === undefined) checkBearerBinding(request, result.payload);
    if (policy.isRevoked !== undefined) await checkRevocation(policy.isRevoked, result);
    if (checked !== undefined && dpop !== undefined) await rememberDPoPProof(checked, dpop.rules);
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
