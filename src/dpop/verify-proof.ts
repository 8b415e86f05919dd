/**
 * `verifyDPoPProof`: every check RFC 9449 §4.3 asks of a DPoP proof, for a resource server (with
 * the access token) or an authorization server's token endpoint (without one).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { encodeBase64url } from '../encoding/base64url.js';
import { bytesToText, deepFreeze } from '../encoding/json.js';
import { JwtError, isJwtError } from '../errors.js';
import { checkClock, readClock, type Clock } from '../internal/clock.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNamesMemoised, optionNames } from '../internal/option-names.js';
import { ownValue } from '../internal/own-member.js';
import { parseCompact, type CompactParts } from '../jws/parse.js';
import { verifySignatureAsync } from '../jws/signature.js';
import type { JwsHeader } from '../jws/types.js';
import { DEFAULT_CLOCK_TOLERANCE, readClockTolerance } from '../jwt/claims.js';
import { parseClaimsSet } from '../jwt/parse-claims.js';
import { isDPoPAlgorithm, jwsAlgorithmOf, readDPoPAlgorithms, type DPoPAlgorithm } from './algorithms.js';
import { normalizeHttpUri } from './htu.js';
import type { DPoPNonces } from './nonces.js';
import { proofError } from './proof-error.js';
import { readProofKey, type ProofKey } from './proof-key.js';
import { replayKey, type DPoPReplayCache } from './replay-cache.js';

/** The claims of a DPoP proof (RFC 9449 §4.2), as {@link verifyDPoPProof} returns them. */
export interface DPoPProofClaims {
  /** The proof's unique identifier. */
  jti: string;
  /** The HTTP method the proof was made for. */
  htm: string;
  /** The HTTP URI the proof was made for, without query and fragment (as the client wrote it). */
  htu: string;
  /** When the proof was made, in seconds since the epoch. */
  iat: number;
  /** The Base64Url SHA-256 of the access token the proof was made for, when there is one. */
  ath?: string;
  /** The server nonce the proof carries, when there is one. */
  nonce?: string;
  /** Any other claim. */
  [claim: string]: unknown;
}

/** What {@link verifyDPoPProof} returns. */
export interface VerifiedDPoPProof {
  /**
   * The RFC 7638 thumbprint (SHA-256, Base64Url) of the proof's public key: what a DPoP-bound
   * access token carries as `cnf.jkt`. Pass it to {@link checkTokenBinding}.
   */
  thumbprint: string;
  /** The proof's protected header (frozen): `typ`, `alg` and the public `jwk`. */
  header: Readonly<JwsHeader>;
  /** The proof's claims (frozen). */
  payload: Readonly<DPoPProofClaims>;
}

/** Options of {@link verifyDPoPProof}: the request the proof came with, and the rules. */
export interface VerifyDPoPProofOptions {
  /**
   * The request's method, as received (`htm` must equal it exactly: methods are case-sensitive).
   * Required.
   */
  method: string;
  /**
   * The request's full original URL, as the client addressed it: scheme, host, port and path
   * (Express: `${protocol}://${host}${req.originalUrl}`, not the mount-relative `req.url`). The
   * query and fragment are ignored; `htu` is compared after normalisation (RFC 3986 §6.2.2,
   * §6.2.3: case of scheme and host, default ports, percent-encoding, dot segments). Behind a
   * proxy, use the scheme and host the client used. Required.
   */
  url: string | URL;
  /**
   * The access token the proof came with (`Authorization: DPoP <token>`). When given, the proof
   * must carry `ath`, the Base64Url SHA-256 of the token (RFC 9449 §4.3). Leave it out only at a
   * token endpoint, where no access token is presented. Default: none.
   */
  accessToken?: string;
  /**
   * Where the `jti`s of accepted proofs are remembered, so that a proof is accepted once: a
   * `MemoryDPoPReplayCache` kept for the life of the process (one instance), a shared one such as
   * `RedisDPoPReplayCache` (several instances), or `false` to accept a replayed proof within its
   * lifetime (only with `nonces` and a short `lifetime`, or where replay does not matter). Required.
   */
  replayCache: DPoPReplayCache | false;
  /**
   * The proof algorithms accepted, checked against the proof's `alg`: asymmetric only (`HS*` and
   * `none` are refused as options). Default: `['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
   * 'PS256', 'RS256']`.
   */
  algorithms?: readonly DPoPAlgorithm[];
  /**
   * How long after its `iat` a proof is accepted (plus `clockTolerance`): seconds or a string such
   * as `'1m'`, more than 0 and at most 5 minutes. The replay cache remembers a proof this long.
   * Default: `60` seconds.
   */
  maxAge?: Duration;
  /**
   * Leeway for clock differences with the client, in seconds (0 to 300): how far in the future
   * `iat` may be, and how much longer than `maxAge` a proof is accepted. Default: `5`.
   */
  clockTolerance?: number;
  /**
   * Server nonces (from `createDPoPNonces`). When given, the proof must carry a `nonce` that
   * `nonces.check` accepts, or it is refused with `ERR_DPOP_NONCE_REQUIRED` (answer
   * `use_dpop_nonce` with a `DPoP-Nonce: nonces.issue()` header, RFC 9449 §9). Default: none (a
   * `nonce` claim is then ignored).
   */
  nonces?: DPoPNonces;
  /** The clock that `iat` is compared with. Default: the system clock. */
  clock?: Clock;
}

const VERIFY_DPOP_PROOF_OPTION_NAMES = optionNames<VerifyDPoPProofOptions>(
  {
    method: true,
    url: true,
    accessToken: true,
    replayCache: true,
    algorithms: true,
    maxAge: true,
    clockTolerance: true,
    nonces: true,
    clock: true,
  },
  {
    htm: 'use "method"',
    htu: 'use "url" (the full URL of the request)',
    maxTokenLength: 'proofs are limited to 8192 characters',
  },
);

/** The `typ` of a DPoP proof (RFC 9449 §4.2), compared exactly. */
const DPOP_TYP = 'dpop+jwt';
/** The longest proof read, in characters: an RSA-8192 key and signature fit with room to spare. */
const MAX_PROOF_LENGTH = 8192;
/** The longest `jti` accepted: 96 random bits need 16 characters, a UUID 36. */
const MAX_JTI_LENGTH = 256;
const DEFAULT_MAX_AGE = 60;
const MAX_MAX_AGE = 300;
/** An HTTP method is a token (RFC 9110 §9.1, §5.6.2). */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The rules of {@link VerifyDPoPProofOptions} that do not depend on the request, checked. @internal */
export interface DPoPProofRules {
  readonly algorithms: readonly DPoPAlgorithm[];
  readonly maxAge: number;
  readonly clockTolerance: number;
  readonly replayCache: DPoPReplayCache | false;
  readonly nonces: DPoPNonces | undefined;
  readonly clock: Clock | undefined;
}

/**
 * Checks the rules of {@link VerifyDPoPProofOptions} (everything but `method`, `url` and
 * `accessToken`), so that an adapter can refuse bad options when it is made.
 *
 * @throws `ERR_INVALID_OPTION` naming the option.
 * @internal
 */
export function readDPoPProofRules(options: Omit<VerifyDPoPProofOptions, 'method' | 'url' | 'accessToken'>): DPoPProofRules {
  const { replayCache, nonces } = options;
  if (replayCache !== false && !hasMethod(replayCache, 'checkAndRemember')) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"replayCache" is required: a MemoryDPoPReplayCache kept for the process, a shared cache such as RedisDPoPReplayCache, or false',
    );
  }
  if (nonces !== undefined && !hasMethod(nonces, 'check')) {
    throw new JwtError('ERR_INVALID_OPTION', '"nonces" must be what createDPoPNonces returns');
  }
  const maxAge = options.maxAge === undefined ? DEFAULT_MAX_AGE : durationToSeconds(options.maxAge, 'maxAge');
  if (maxAge <= 0 || maxAge > MAX_MAX_AGE) throw new JwtError('ERR_INVALID_OPTION', '"maxAge" must be more than 0 and at most 5 minutes');
  return {
    algorithms: readDPoPAlgorithms(options.algorithms),
    maxAge,
    clockTolerance: readClockTolerance(options.clockTolerance) ?? DEFAULT_CLOCK_TOLERANCE,
    replayCache,
    nonces,
    clock: checkClock(options.clock, 'clock'),
  };
}

function hasMethod(value: unknown, name: string): boolean {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function';
}

/**
 * Verifies a DPoP proof (the `DPoP` request header) against the request it came with, and
 * returns the thumbprint of its key. Every check of RFC 9449 §4.3, in this order:
 *
 * 1. a compact JWS of at most 8192 characters with a JSON header and claims;
 * 2. `typ` is exactly `dpop+jwt`;
 * 3. `alg` is one of `algorithms` (asymmetric: never `HS*` nor `none`);
 * 4. `jwk` is a public key (no `d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) of the type and curve
 *    `alg` needs, and a key jwtkit accepts for it (RSA of 2048 bits or more, ...);
 * 5. the signature verifies with that key. This is the one place where jwtkit uses a key from a
 *    token's header: the proof proves possession of that key, and the access token names the key
 *    it is bound to (`cnf.jkt`: see {@link checkTokenBinding});
 * 6. `jti` is a string of 1 to 256 characters; `htm` equals `method` exactly; `htu` equals `url`
 *    after both are normalised (query and fragment dropped; RFC 3986 §6.2.2, §6.2.3); `iat` is a
 *    number, at most `clockTolerance` in the future and at most `maxAge` plus `clockTolerance` in
 *    the past;
 * 7. with `accessToken`: `ath` equals the Base64Url SHA-256 of the token;
 * 8. with `nonces`: `nonce` is present and accepted, else `ERR_DPOP_NONCE_REQUIRED`;
 * 9. with a `replayCache`: the proof's `jti` (with its key) was not seen within the proof's
 *    lifetime. It is remembered only now, when every other check passed.
 *
 * @param proof - the value of the request's one `DPoP` header (a request with several is refused
 * before: RFC 9449 §4.3).
 * @param options - see {@link VerifyDPoPProofOptions}; `method`, `url` and `replayCache` are required.
 * @returns the proof key's thumbprint, and the proof's header and claims.
 * @example
 * ```ts
 * import { MemoryDPoPReplayCache, checkTokenBinding, verify, verifyDPoPProof } from 'jwtkit';
 * const replayCache = new MemoryDPoPReplayCache(); // once per process
 * // per request, with `Authorization: DPoP <accessToken>` and `DPoP: <proof>`:
 * const { payload } = await verify(accessToken, jwks, { algorithms: ['ES256'], audience: 'api' });
 * const { thumbprint } = await verifyDPoPProof(proof, { method: 'GET', url: 'https://api.example/orders', accessToken, replayCache });
 * checkTokenBinding(payload, { dpopThumbprint: thumbprint });
 * ```
 * @throws `JwtError` `ERR_DPOP_PROOF_INVALID` when a check fails (with `claim` naming the claim or
 * header parameter: `typ`, `alg`, `jwk`, `jti`, `htm`, `htu`, `iat`, `ath`, `nonce`, and `reason`;
 * a replayed proof has `claim: 'jti'`, `reason: 'replayed'`; a malformed proof or a bad signature
 * has the underlying error as `cause`); `ERR_DPOP_NONCE_REQUIRED` when `nonces` is given and the
 * proof's `nonce` is missing or not accepted; `ERR_STORE_UNAVAILABLE` when the replay cache fails;
 * `ERR_INVALID_OPTION` for bad options, such as a `url` that is not an absolute http(s) URL.
 */
export async function verifyDPoPProof(proof: string, options: VerifyDPoPProofOptions): Promise<VerifiedDPoPProof> {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'verifyDPoPProof needs options with "method", "url" and "replayCache"');
  }
  checkOptionNamesMemoised(options, VERIFY_DPOP_PROOF_OPTION_NAMES, 'verifyDPoPProof');
  const rules = readDPoPProofRules(options);
  const checked = await checkDPoPProof(proof, options, rules);
  await rememberDPoPProof(checked, rules);
  return { thumbprint: checked.thumbprint, header: checked.header, payload: checked.payload };
}

/** A DPoP proof that passed every check but the replay cache: what {@link rememberDPoPProof} needs. @internal */
export interface CheckedDPoPProof extends VerifiedDPoPProof {
  /** The key the proof is remembered under in the replay cache ({@link replayKey}). */
  readonly replayKey: string;
  /** Until when the replay cache must remember the proof, in integer seconds since the epoch. */
  readonly expiresAt: number;
  /** The time of the check, in integer seconds since the epoch. */
  readonly now: number;
}

/**
 * Checks 1 to 8 of {@link verifyDPoPProof}, without touching the replay cache, so that a resource
 * server can check the token's binding and revocation before a proof is remembered (the adapters:
 * only the holder of the key a valid, unrevoked token is bound to adds entries to the cache).
 *
 * @throws as {@link verifyDPoPProof}, but never for a replay.
 * @internal
 */
export async function checkDPoPProof(
  proof: string,
  request: Pick<VerifyDPoPProofOptions, 'method' | 'url' | 'accessToken'>,
  rules: DPoPProofRules,
): Promise<CheckedDPoPProof> {
  const method = readMethod(request.method);
  const url = readRequestUrl(request.url);
  const accessToken = readAccessToken(request.accessToken);
  const now = readClock(rules.clock, 'clock') / 1000;

  const parts = parseProof(proof);
  const key = readHeader(parts.header, rules);
  if (!(await verifySignatureAsync(jwsAlgorithmOf(key.alg), key.key.keyObject, parts.signingInput, parts.signature))) {
    throw proofError("the DPoP proof's signature is not valid", {
      cause: new JwtError('ERR_JWT_SIGNATURE_INVALID', 'the signature is not valid'),
    });
  }
  const claims = readClaims(parts);
  const jti = readJti(claims);
  checkRequest(claims, method, url);
  const iat = checkIssuedAt(claims, rules, now);
  if (accessToken !== undefined) checkAccessTokenHash(claims, accessToken);
  if (rules.nonces !== undefined) await checkNonce(claims, rules.nonces);
  return {
    thumbprint: key.thumbprint,
    header: parts.header,
    payload: deepFreeze(claims) as Readonly<DPoPProofClaims>,
    replayKey: replayKey(key.thumbprint, jti),
    expiresAt: Math.floor(iat + rules.maxAge + rules.clockTolerance) + 1,
    now: Math.floor(now),
  };
}

/**
 * Check 9 of {@link verifyDPoPProof}: remembers a proof {@link checkDPoPProof} accepted in the
 * replay cache (unless `replayCache` is `false`), refusing it when it was already there.
 *
 * @throws `ERR_DPOP_PROOF_INVALID` (`claim: 'jti'`, `reason: 'replayed'`) for a replay;
 *   `ERR_STORE_UNAVAILABLE` when the cache fails.
 * @internal
 */
export async function rememberDPoPProof(checked: CheckedDPoPProof, rules: DPoPProofRules): Promise<void> {
  if (rules.replayCache === false) return;
  await checkReplay(rules.replayCache, checked.replayKey, checked.expiresAt, checked.now);
}

function readMethod(method: unknown): string {
  if (typeof method !== 'string' || !METHOD.test(method)) {
    throw new JwtError('ERR_INVALID_OPTION', '"method" must be the request\'s HTTP method, such as "GET"');
  }
  return method;
}

/** The request's URL, normalised as `htu` is. */
function readRequestUrl(value: unknown): string {
  let url: URL | undefined;
  if (value instanceof URL) url = value;
  else if (typeof value === 'string' && URL.canParse(value)) url = new URL(value);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"url" must be the request\'s full http(s) URL, such as `${protocol}://${host}${originalUrl}`, not a path',
    );
  }
  // WHATWG URL already lower-cased the scheme and host and dropped a default port; userinfo,
  // query and fragment are left out here.
  const normalized = normalizeHttpUri(`${url.protocol}//${url.host}${url.pathname}`);
  if (normalized === undefined) {
    // A host WHATWG URL accepts but RFC 3986 does not (such as `a{b}.example`): no `htu` matches it.
    throw proofError('the request\'s URL cannot be compared with "htu"', { claim: 'htu', reason: 'mismatch' });
  }
  return normalized;
}

function readAccessToken(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new JwtError('ERR_INVALID_OPTION', '"accessToken" must be the access token the proof came with');
  }
  return value;
}

function parseProof(proof: unknown): CompactParts {
  try {
    return parseCompact(proof, MAX_PROOF_LENGTH);
  } catch (error) {
    if (!isJwtError(error)) throw error;
    throw proofError('the DPoP proof is not a well-formed JWS', { cause: error });
  }
}

/** Checks `typ`, `alg` and `jwk` (RFC 9449 §4.3 checks 4, 5 and 7), and returns the proof key. */
function readHeader(header: Readonly<JwsHeader>, rules: DPoPProofRules): ProofKey {
  // Own members only (docs/security.md): a polluted Object.prototype supplies no `typ` or `jwk`.
  const typ = ownValue(header, 'typ', header.typ);
  if (typ === undefined) throw proofError('the DPoP proof has no "typ"', { claim: 'typ', reason: 'missing' });
  if (typ !== DPOP_TYP) throw proofError('the DPoP proof\'s "typ" is not "dpop+jwt"', { claim: 'typ', reason: 'mismatch' });
  const alg = header.alg;
  if (!isDPoPAlgorithm(alg) || !rules.algorithms.includes(alg)) {
    throw proofError('the DPoP proof\'s "alg" is not an allowed algorithm', { claim: 'alg', reason: 'mismatch' });
  }
  return readProofKey(header, alg);
}

function readClaims(parts: CompactParts): DPoPProofClaims {
  try {
    return parseClaimsSet(bytesToText(parts.payload)) as DPoPProofClaims;
  } catch (error) {
    if (!isJwtError(error)) throw error;
    throw proofError("the DPoP proof's claims are not a JSON object", { cause: error });
  }
}

/** A required claim of the proof, of the type given (RFC 9449 §4.2). */
function requiredClaim(claims: DPoPProofClaims, claim: string, type: 'string' | 'number'): unknown {
  if (!Object.hasOwn(claims, claim)) throw proofError(`the DPoP proof has no "${claim}"`, { claim, reason: 'missing' });
  const value = claims[claim];
  if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
    throw proofError(`the DPoP proof's "${claim}" is not a ${type}`, { claim, reason: 'type' });
  }
  return value;
}

function readJti(claims: DPoPProofClaims): string {
  const jti = requiredClaim(claims, 'jti', 'string') as string;
  if (jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw proofError(`the DPoP proof's "jti" must have 1 to ${MAX_JTI_LENGTH} characters`, { claim: 'jti', reason: 'type' });
  }
  return jti;
}

/** `htm` and `htu` against the request (RFC 9449 §4.3 checks 8 and 9). */
function checkRequest(claims: DPoPProofClaims, method: string, url: string): void {
  if (requiredClaim(claims, 'htm', 'string') !== method) {
    throw proofError('the DPoP proof was made for another HTTP method', { claim: 'htm', reason: 'mismatch' });
  }
  if (normalizeHttpUri(requiredClaim(claims, 'htu', 'string') as string) !== url) {
    throw proofError('the DPoP proof was made for another URL', { claim: 'htu', reason: 'mismatch' });
  }
}

/** `iat` within the window (RFC 9449 §4.3 check 11, §11.1); returns it. */
function checkIssuedAt(claims: DPoPProofClaims, rules: DPoPProofRules, now: number): number {
  const iat = requiredClaim(claims, 'iat', 'number') as number;
  if (iat > now + rules.clockTolerance) throw proofError('the DPoP proof was made in the future', { claim: 'iat', reason: 'future' });
  if (now - rules.clockTolerance - iat > rules.maxAge) {
    throw proofError('the DPoP proof is older than "maxAge"', { claim: 'iat', reason: 'too_old' });
  }
  return iat;
}

/** `ath` = Base64Url(SHA-256(ASCII(access token))) (RFC 9449 §4.2, §4.3 check 12). */
function checkAccessTokenHash(claims: DPoPProofClaims, accessToken: string): void {
  const ath = requiredClaim(claims, 'ath', 'string');
  if (ath !== encodeBase64url(createHash('sha256').update(accessToken).digest())) {
    throw proofError('the DPoP proof was made for another access token', { claim: 'ath', reason: 'mismatch' });
  }
}

/** The server nonce (RFC 9449 §4.3 check 10, §9). */
async function checkNonce(claims: DPoPProofClaims, nonces: DPoPNonces): Promise<void> {
  if (!Object.hasOwn(claims, 'nonce')) {
    throw new JwtError('ERR_DPOP_NONCE_REQUIRED', 'the server requires a nonce in the DPoP proof', { claim: 'nonce', reason: 'missing' });
  }
  const nonce = claims.nonce;
  if (typeof nonce !== 'string') throw proofError('the DPoP proof\'s "nonce" is not a string', { claim: 'nonce', reason: 'type' });
  if ((await nonces.check(nonce)) !== true) {
    throw new JwtError('ERR_DPOP_NONCE_REQUIRED', "the DPoP proof's nonce is not a current one", { claim: 'nonce', reason: 'mismatch' });
  }
}

/** One acceptance per proof (RFC 9449 §11.1). */
async function checkReplay(cache: DPoPReplayCache, key: string, expiresAt: number, now: number): Promise<void> {
  let first: boolean;
  try {
    first = await cache.checkAndRemember(key, expiresAt, now);
  } catch (error) {
    if (isJwtError(error)) throw error;
    throw new JwtError('ERR_STORE_UNAVAILABLE', 'the DPoP replay cache failed', { cause: error });
  }
  if (first !== true) throw proofError('the DPoP proof was already used', { claim: 'jti', reason: 'replayed' });
}
