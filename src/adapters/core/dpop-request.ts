import type { DPoPNonces } from '../../dpop/nonces.js';
import { proofError } from '../../dpop/proof-error.js';
import { checkDPoPProof, type CheckedDPoPProof } from '../../dpop/verify-proof.js';
import { JwtError } from '../../errors.js';
import type { DPoPPolicy } from './dpop-options.js';
import type { ChallengeSchemes } from './error-replies.js';
import type { HttpRequestFacts } from './http-exchange.js';

/**
 * The request side of DPoP in the adapters, shared by `authenticate` (resource servers, RFC 9449
 * §7) and the auth endpoints (the token endpoints, RFC 9449 §5): the one `DPoP` header, the URL
 * its `htu` is compared with, and the server nonce of a `use_dpop_nonce` answer.
 *
 * @internal
 * @module
 */

/**
 * Whether the request carries a `DPoP` header (a blank one counts as none).
 *
 * @internal
 */
export function hasProofHeader(request: HttpRequestFacts): boolean {
  const value = request.header('dpop');
  return value !== undefined && value.trim() !== '';
}

/**
 * The one `DPoP` header of a request (RFC 9449 §4.3 check 1: "not more than one"). Several
 * headers reach us joined with `", "`, and a compact JWS has no comma, so a comma means several.
 *
 * @throws ERR_DPOP_PROOF_INVALID when there is none, or more than one.
 * @internal
 */
export function readProofHeader(request: HttpRequestFacts): string {
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
 * @param pathPrefix - the path a reverse proxy strips before the request reaches this server (the
 *   auth endpoints' `publicPathPrefix`), put back in front of the path: the client addressed it.
 * @throws ERR_REQUEST_INVALID when the request has no valid `Host`, or a path with a `.` or `..`
 *   segment or a backslash; ERR_DPOP_PROOF_INVALID (`claim: 'htu'`) for an origin not listed.
 * @internal
 */
export function proofTargetUrl(request: HttpRequestFacts, origins: ReadonlySet<string>, pathPrefix = ''): string {
  const url = request.requestUrl;
  const origin = url === undefined ? undefined : originOf(url);
  if (url === undefined || origin === undefined) throw new JwtError('ERR_REQUEST_INVALID', 'the request has no valid Host header');
  // `requestUrl` is `origin` + the raw request target: the path is what follows the origin.
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const target = pathStart === -1 ? '' : url.slice(pathStart);
  if (DOT_SEGMENT_OR_BACKSLASH.test(target.replace(/[?#].*$/s, ''))) {
    throw new JwtError('ERR_REQUEST_INVALID', 'the path of a DPoP request has a dot segment or a backslash');
  }
  if (!origins.has(origin)) {
    throw proofError('the request is addressed to an origin not in "dpop.origins"', { claim: 'htu', reason: 'mismatch' });
  }
  return pathPrefix === '' ? url : `${origin}${pathPrefix}${target}`;
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
 * Checks the request's one `DPoP` proof against the request (RFC 9449 §4.3: `htm` is its method,
 * `htu` its public URL, and `ath` the hash of `accessToken` when one is given), without touching
 * the replay cache: the caller remembers the proof with `rememberDPoPProof` when it decides to.
 *
 * @throws ERR_DPOP_PROOF_INVALID (none, several, or a check failed), ERR_DPOP_NONCE_REQUIRED,
 *   ERR_REQUEST_INVALID (see {@link proofTargetUrl}).
 * @internal
 */
export function checkRequestProof(
  request: HttpRequestFacts,
  dpop: DPoPPolicy,
  pathPrefix: string,
  accessToken?: string,
): Promise<CheckedDPoPProof> {
  const proof = readProofHeader(request);
  const url = proofTargetUrl(request, dpop.origins, pathPrefix);
  const target = accessToken === undefined ? { method: request.method, url } : { method: request.method, url, accessToken };
  return checkDPoPProof(proof, target, dpop.rules);
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

/**
 * The challenges of a refusal by an adapter that reads the `DPoP` scheme (RFC 9449 §7.1): a
 * `DPoP` challenge, beside a `Bearer` one when `bearer`, with the error in the scheme `used`, and
 * a fresh `DPoP-Nonce` for a `use_dpop_nonce` answer when `dpop.nonces` is set. `undefined`
 * (a `Bearer` challenge alone) without `dpop`.
 *
 * @internal
 */
export function dpopChallengeSchemes(
  dpop: DPoPPolicy | undefined,
  bearer: boolean,
  used: 'bearer' | 'dpop' | undefined,
): ChallengeSchemes | undefined {
  if (dpop === undefined) return undefined;
  return { bearer, dpopAlgs: dpop.algs, used, nonce: nonceIssuer(dpop) };
}

/**
 * What issues a fresh nonce for a `use_dpop_nonce` answer or a token response (RFC 9449 §8.2),
 * or `undefined` without `dpop.nonces`.
 *
 * @internal
 */
export function nonceIssuer(dpop: DPoPPolicy | undefined): (() => string | undefined) | undefined {
  const nonces = dpop?.rules.nonces;
  return nonces === undefined ? undefined : () => issueNonce(nonces);
}
