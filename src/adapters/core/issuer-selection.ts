import { JwtError, isJwtError } from '../../errors.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { positiveInteger } from '../../internal/positive-integer.js';
import { isBoundKey } from '../../jws/key.js';
import type { BoundKey, KeyResolver } from '../../jws/types.js';
import type { VerifyOptions, VerifyResult } from '../../jwt/types.js';
import { verify } from '../../jwt/verify.js';
import { unverifiedIssuer } from '../../keys/issuer-key-resolver.js';
import type { HttpRequestFacts } from './http-exchange.js';

/**
 * The `issuers` option of `authenticate` / `withAuth`: the issuer chosen per request (several
 * tenants, custom domains), each verified only with its own keys (RFC 8725 §3.8), as
 * `createIssuerKeyResolver` does for a fixed list.
 *
 * @internal
 * @module
 */

/** What an {@link IssuersOptions.fromRequest} callback may read of the request. */
export interface IssuerRequest {
  /**
   * The origin the client addressed (`https://tenant.example.com`), from the `Host` header (or
   * the request URL), or from a trusted proxy's forwarded headers (`trustedProxies`); `undefined`
   * when there is no valid one. The client chooses it: the issuer it maps to is still checked
   * against `allowed`.
   */
  readonly origin: string | undefined;
  /** The request's path, without the query string. */
  readonly path: string;
  /** Reads one request header (lower-case name), several joined with `", "`. */
  header(name: string): string | undefined;
}

/**
 * The issuers accepted and their key sets. The issuer of a request is {@link fromRequest}'s
 * answer, or else the token's own `iss`; either way it must be `allowed` (checked before any key
 * set is made or fetched), the token's `iss` must equal it, and the token is verified with that
 * issuer's keys only. A member that is not one of these is refused with `ERR_INVALID_OPTION`.
 */
export interface IssuersOptions {
  /**
   * The issuers accepted: their exact identifiers (`iss` values), or a check such as
   * `(issuer) => tenants.has(issuer)` that must return (or resolve to) `true`; if it throws, the
   * request gets 503. Required.
   */
  allowed: readonly string[] | ((issuer: string) => boolean | Promise<boolean>);
  /**
   * The key set of an allowed issuer, such as `(issuer) => discoverJWKS(issuer)` or
   * `(issuer) => createRemoteJWKS(issuer + 'jwks.json')`. Called once per issuer: the key set is
   * kept (at most {@link maxIssuers}) and reused by every request of that issuer; a call that
   * fails answers 503 for a backoff (1 s, doubling up to 30 s), then is made again. Required.
   */
  keys: (issuer: string) => KeyResolver | BoundKey | Promise<KeyResolver | BoundKey>;
  /**
   * The issuer a request must come from, chosen from the request itself (its host, its path, a
   * header), such as `({ origin }) => tenantIssuers.get(origin)` for an issuer per custom domain;
   * `undefined` refuses the request (401 `invalid_token`). If it throws, the request gets 503.
   * Default: none; the token's own `iss` (read before verification, then verified) chooses.
   */
  fromRequest?: (request: IssuerRequest) => string | undefined | Promise<string | undefined>;
  /** The most issuers whose key sets are kept at once; when full, the oldest is dropped. Default: `100`. */
  maxIssuers?: number;
}

const ISSUERS_OPTION_NAMES = optionNames<IssuersOptions>({ allowed: true, keys: true, fromRequest: true, maxIssuers: true });

/** One issuer's keys and the `verify` options with its `iss`. */
interface IssuerEntry {
  readonly keys: Promise<KeyResolver | BoundKey>;
  readonly verify: VerifyOptions;
  /** Failed key sets made in a row for this issuer, this one included once it fails. */
  failures: number;
  /** When a failed key set may be made again (`performance.now()` milliseconds); 0 while it has not failed. */
  retryAt: number;
}

/** The wait after a failed key set: 1 s, doubling, at most 30 s (as a remote JWKS's cold-start backoff). */
const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;

/** {@link IssuersOptions} checked once, with the key sets made so far. @internal */
export interface IssuerSelection {
  readonly allowed: IssuersOptions['allowed'];
  readonly keys: IssuersOptions['keys'];
  readonly fromRequest: IssuersOptions['fromRequest'];
  readonly maxIssuers: number;
  /** By issuer, oldest first; the oldest is dropped when it would grow past `maxIssuers`. */
  readonly entries: Map<string, IssuerEntry>;
}

/**
 * Reads the `issuers` option once.
 *
 * @throws ERR_INVALID_OPTION for an unknown member, an empty or malformed `allowed`, a `keys` or
 *   `fromRequest` that is not a function, or a bad `maxIssuers`.
 * @internal
 */
export function readIssuerSelection(value: unknown): IssuerSelection | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"issuers" must be an object such as { allowed: [...], keys: (issuer) => discoverJWKS(issuer) }',
    );
  }
  checkOptionNames(value, ISSUERS_OPTION_NAMES, 'issuers');
  const { allowed, keys, fromRequest, maxIssuers } = value as IssuersOptions;
  const list = Array.isArray(allowed) && allowed.length > 0 && allowed.every((item) => typeof item === 'string' && item !== '');
  if (typeof allowed !== 'function' && !list) {
    throw new JwtError('ERR_INVALID_OPTION', '"issuers.allowed" must be a non-empty array of issuer identifiers, or a function');
  }
  if (typeof keys !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"issuers.keys" must be a function (issuer) => key set');
  if (fromRequest !== undefined && typeof fromRequest !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', '"issuers.fromRequest" must be a function (request) => issuer');
  }
  return Object.freeze({
    allowed: typeof allowed === 'function' ? allowed : Object.freeze([...allowed]),
    keys,
    fromRequest,
    maxIssuers: maxIssuers === undefined ? 100 : positiveInteger(maxIssuers, 'issuers.maxIssuers'),
    entries: new Map<string, IssuerEntry>(),
  });
}

/** Runs an application callback; what it throws (but a `JwtError` it meant) becomes a 503. */
async function askApplication<T>(callback: () => T | Promise<T>, what: string): Promise<T> {
  try {
    return await callback();
  } catch (error) {
    if (isJwtError(error)) throw error;
    throw new JwtError('ERR_STORE_UNAVAILABLE', `"issuers.${what}" failed`, { cause: error });
  }
}

/**
 * The issuer of a request, checked: chosen by `fromRequest` (the token's `iss` must equal it) or
 * by the token's `iss`, and allowed. Nothing is fetched before this passes.
 *
 * @throws ERR_JWKS_NO_MATCHING_KEY when there is no issuer or it is not allowed;
 *   ERR_JWT_CLAIM_INVALID (`iss`, `mismatch`) for a token of another issuer than the request's;
 *   ERR_JWT_MALFORMED; ERR_STORE_UNAVAILABLE when a callback threw.
 */
async function requestIssuer(request: HttpRequestFacts, token: string, selection: IssuerSelection): Promise<string> {
  const claimed = unverifiedIssuer(token);
  const fromRequest = selection.fromRequest;
  let issuer = claimed;
  if (fromRequest !== undefined) {
    const view: IssuerRequest = { origin: request.ownOrigin, path: request.path, header: (name) => request.header(name) };
    const chosen = await askApplication(() => fromRequest(view), 'fromRequest');
    if (typeof chosen !== 'string' || chosen === '') {
      throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no issuer is configured for this request ("issuers.fromRequest")');
    }
    if (claimed !== chosen)
      throw new JwtError('ERR_JWT_CLAIM_INVALID', '"iss" is not the issuer of this request', { claim: 'iss', reason: 'mismatch' });
    issuer = chosen;
  }
  if (issuer === undefined) throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'the token has no string "iss" to choose its issuer');
  const allowed = selection.allowed;
  const known =
    typeof allowed === 'function' ? (await askApplication(() => allowed(issuer), 'allowed')) === true : allowed.includes(issuer);
  if (!known) throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'the issuer is not one of "issuers.allowed"');
  return issuer;
}

/**
 * The entry of an allowed issuer, made on first use. A failed key set answers every request with
 * its error for a backoff (1 s, doubling up to 30 s), then is made again: an issuer whose metadata
 * is down costs one fetch per backoff, not one per request.
 */
function issuerEntry(selection: IssuerSelection, issuer: string, verifyOptions: VerifyOptions): IssuerEntry {
  const kept = selection.entries.get(issuer);
  if (kept !== undefined && (kept.retryAt === 0 || performance.now() < kept.retryAt)) return kept;
  if (kept !== undefined) selection.entries.delete(issuer);
  const keys = askApplication(() => selection.keys(issuer), 'keys').then((made) => {
    if (typeof made !== 'function' && !isBoundKey(made)) {
      throw new JwtError('ERR_INVALID_OPTION', '"issuers.keys" must return a key resolver (such as a remote JWKS) or a bound key');
    }
    return made;
  });
  const entry: IssuerEntry = { keys, verify: Object.freeze({ ...verifyOptions, issuer }), failures: kept?.failures ?? 0, retryAt: 0 };
  keys.then(
    () => {
      entry.failures = 0;
    },
    () => {
      entry.failures++;
      entry.retryAt = performance.now() + Math.min(FIRST_RETRY_MS * 2 ** (entry.failures - 1), LAST_RETRY_MS);
    },
  );
  if (selection.entries.size >= selection.maxIssuers) {
    const oldest = selection.entries.keys().next().value;
    if (oldest !== undefined) selection.entries.delete(oldest);
  }
  selection.entries.set(issuer, entry);
  return entry;
}

/**
 * Verifies a token with the keys of its request's issuer (RFC 8725 §3.8): the issuer is checked
 * first, then its key set is made (once) and the token verified with it and `issuer` set to it.
 *
 * @throws what {@link requestIssuer} and `verify` throw, and what the issuer's key set throws.
 * @internal
 */
export async function verifyForIssuer<Claims extends object>(
  request: HttpRequestFacts,
  token: string,
  selection: IssuerSelection,
  verifyOptions: VerifyOptions,
): Promise<VerifyResult<Claims>> {
  const issuer = await requestIssuer(request, token, selection);
  const entry = issuerEntry(selection, issuer, verifyOptions);
  return verify<Claims>(token, await entry.keys, entry.verify);
}
