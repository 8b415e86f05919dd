import { JwtError, isJwtError } from '../errors.js';
import { prepareKey } from '../jws/key.js';
import type { JwsHeader, KeyInput, KeyResolver } from '../jws/types.js';
import type { JwtClaims, VerifyOptions } from '../jwt/types.js';
import { verifySync } from '../jwt/verify.js';
import { isCookieName } from './cookie-header.js';
import { normalizeCsrfOptions } from './csrf.js';
import type { CsrfOptions, CsrfPolicy } from './csrf.js';
import { rolesRequirement, scopesRequirement } from './requirements.js';
import type { Requirement } from './requirements.js';

/**
 * What a successful authentication puts on `req.auth` (Express) or returns (Fetch): the verified
 * claims and protected header, and the token itself (to forward it, never to log it).
 */
export interface RequestAuth<Claims extends object = JwtClaims> {
  /** The verified claims. */
  payload: Claims & JwtClaims;
  /** The verified protected header. */
  header: JwsHeader;
  /** The compact token the request carried. */
  token: string;
}

/**
 * Options shared by `authenticate` (`jwtkit/express`) and `authenticateRequest` / `withAuth`
 * (`jwtkit/fetch`). They are checked once, when the middleware or handler is made.
 */
export interface AuthenticateOptions {
  /**
   * The verification key, or a resolver that picks one from the token header, such as
   * `createRemoteJWKS(url)`. Required.
   */
  key: KeyInput | KeyResolver;
  /**
   * The options of `verify`: `algorithms` (required), `issuer`, `audience`, `typ`, `maxAge`,
   * `requiredClaims`, `clockTolerance`, `clock` (read at every request), ... Required.
   */
  verify: VerifyOptions;
  /**
   * The name of a cookie that may carry the access token, in addition to the `Authorization:
   * Bearer` header. A request carrying the token in more than one place is refused with 400
   * `invalid_request` (RFC 6750 §2: one method per request). State-changing requests (any method
   * but GET, HEAD and OPTIONS) authenticated by this cookie must pass the {@link csrf} check.
   * Default: no cookie; only the header is read.
   */
  cookie?: string;
  /** Cross-site request check for cookie-authenticated state changes. Default: see {@link CsrfOptions}. */
  csrf?: CsrfOptions;
  /**
   * Whether a request without any credentials is refused (401). With `false` it passes without
   * `auth`; a request with bad credentials is still refused. Default: `true`.
   */
  credentialsRequired?: boolean;
  /**
   * Scopes the token must grant, all of them (from the `scope` string claim or the `scp` claim);
   * otherwise 403 `insufficient_scope` with `scope="..."`. Default: none.
   */
  requiredScopes?: readonly string[];
  /** Roles the token's `roles` array claim must hold, all of them; otherwise 403. Default: none. */
  requiredRoles?: readonly string[];
  /**
   * The `realm` of the `WWW-Authenticate: Bearer` challenge: printable ASCII. Default: `'api'`.
   */
  realm?: string;
  /**
   * Called after verification with the verified payload and header; returning `true` refuses the
   * token (401 `invalid_token`), e.g. a `jti` deny-list lookup. If it throws, the request gets 503
   * (fail closed). Default: no revocation check.
   */
  isRevoked?: (payload: JwtClaims, header: JwsHeader) => boolean | Promise<boolean>;
  /**
   * Also accept the token from the `access_token` query parameter (RFC 6750 §2.3). URLs end up in
   * logs and browser history: only enable this for clients that cannot send headers. Default: `false`.
   */
  allowQueryToken?: boolean;
  /**
   * Called with the error (a `JwtError` with its code, or whatever a resolver threw) each time a
   * request is refused, so the application can log why; the response says less. Errors it throws
   * are ignored. Default: none.
   */
  onError?: (error: unknown) => void;
}

/** {@link AuthenticateOptions} checked once. @internal */
export interface AuthenticatePolicy {
  readonly key: KeyInput | KeyResolver;
  readonly verify: VerifyOptions;
  readonly cookie: string | undefined;
  readonly csrf: CsrfPolicy;
  readonly credentialsRequired: boolean;
  /** Scopes first, then roles: the first refusal decides the answer. */
  readonly requirements: readonly Requirement[];
  readonly realm: string;
  readonly isRevoked: AuthenticateOptions['isRevoked'];
  readonly allowQueryToken: boolean;
  readonly onError: AuthenticateOptions['onError'];
}

const REALM = /^[\x20-\x7e]{1,200}$/;

/**
 * Validates a `realm` option.
 *
 * @throws ERR_INVALID_OPTION when it is not 1–200 printable ASCII characters.
 * @internal
 */
export function normalizeRealm(realm: unknown): string {
  if (realm === undefined) return 'api';
  if (typeof realm !== 'string' || !REALM.test(realm)) {
    throw new JwtError('ERR_INVALID_OPTION', '"realm" must be 1 to 200 printable ASCII characters');
  }
  return realm;
}

function optionalBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a boolean`);
  return value;
}

function optionalFunction<T>(value: T | undefined, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a function`);
  }
  return value;
}

const NEVER_USED_KEY = new Uint8Array(32);

/**
 * Lets the core check the `verify` options now: `verify` validates its options before it reads the
 * token (documented), so an empty token fails with `ERR_JWT_MALFORMED` when the options are good,
 * and with `ERR_INVALID_OPTION` when they are not. The key is never reached.
 */
function assertVerifyOptions(verify: VerifyOptions): void {
  try {
    verifySync('', NEVER_USED_KEY, verify);
  } catch (error) {
    if (isJwtError(error, 'ERR_INVALID_OPTION')) throw error;
  }
}

/**
 * Validates {@link AuthenticateOptions} once, so misuse fails when the middleware is made.
 *
 * @throws ERR_INVALID_OPTION for a missing `key`, `verify` options the core refuses (no
 *   `algorithms`, ...), or any other option of the wrong shape; ERR_KEY_INVALID for a key given
 *   directly that cannot verify anything.
 * @internal
 */
export function normalizeAuthenticateOptions(options: AuthenticateOptions): AuthenticatePolicy {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'the options must be an object');
  }
  if (options.key === undefined || options.key === null) throw new JwtError('ERR_INVALID_OPTION', '"key" is required');
  // A key given directly is read now, so a bad one fails here rather than as a 401 on every request.
  if (typeof options.key !== 'function') prepareKey(options.key, 'verify');
  if (typeof options.verify !== 'object' || options.verify === null) throw new JwtError('ERR_INVALID_OPTION', '"verify" is required');
  const verify = Object.freeze({ ...options.verify });
  assertVerifyOptions(verify);
  if (options.cookie !== undefined && (typeof options.cookie !== 'string' || !isCookieName(options.cookie))) {
    throw new JwtError('ERR_INVALID_OPTION', '"cookie" must be a cookie name');
  }
  const requirements: Requirement[] = [];
  if (options.requiredScopes !== undefined) requirements.push(scopesRequirement(options.requiredScopes));
  if (options.requiredRoles !== undefined) requirements.push(rolesRequirement(options.requiredRoles));
  return Object.freeze({
    key: options.key,
    verify,
    cookie: options.cookie,
    csrf: normalizeCsrfOptions(options.csrf),
    credentialsRequired: optionalBoolean(options.credentialsRequired, 'credentialsRequired', true),
    requirements: Object.freeze(requirements),
    realm: normalizeRealm(options.realm),
    isRevoked: optionalFunction(options.isRevoked, 'isRevoked'),
    allowQueryToken: optionalBoolean(options.allowQueryToken, 'allowQueryToken', false),
    onError: optionalFunction(options.onError, 'onError'),
  });
}

/**
 * Calls an `onError` hook, ignoring what it throws.
 *
 * @internal
 */
export function report(onError: ((error: unknown) => void) | undefined, error: unknown): void {
  if (onError === undefined) return;
  try {
    onError(error);
  } catch {
    // A logging hook must not change the answer.
  }
}
