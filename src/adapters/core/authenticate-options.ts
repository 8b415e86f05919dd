import type { DPoPAlgorithm } from '../../dpop/algorithms.js';
import type { DPoPNonces } from '../../dpop/nonces.js';
import type { DPoPReplayCache } from '../../dpop/replay-cache.js';
import { JwtError } from '../../errors.js';
import type { Clock } from '../../internal/clock.js';
import type { Duration } from '../../internal/duration.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import { prepareKey } from '../../jws/key.js';
import type { JwsHeader, KeyInput, KeyResolver } from '../../jws/types.js';
import type { JwtClaims, VerifyOptions } from '../../jwt/types.js';
import { readVerifyOptions } from '../../jwt/verify.js';
import { isCookieName } from './cookie-header.js';
import { normalizeCsrfOptions } from './csrf.js';
import type { CsrfOptions, CsrfPolicy } from './csrf.js';
import { rolesRequirement, scopesRequirement } from './requirements.js';
import { normalizeTrustedProxies, type TrustedProxies, type TrustedProxiesOptions } from './trusted-proxies.js';
import type { Requirement } from './requirements.js';
import { authEventSink, type AuthEventHandler, type AuthEventSink } from './auth-events.js';
import { readDPoPPolicy, type DPoPPolicy } from './dpop-options.js';
import { readLegacySecret, type LegacySecretOptions, type LegacySecretPolicy } from './legacy-secret.js';
import { applyAccessTokenProfile, type AccessTokenProfile } from './access-token-profile.js';
import { readIssuerSelection, type IssuerSelection, type IssuersOptions } from './issuer-selection.js';
import { readTokenValidators, type TokenValidatorCheck, type TokenValidatorsOptions } from './token-validators.js';

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
 * (`jwtkit/fetch`). They are checked once, when the middleware or handler is made. A member that
 * is not one of these is refused with `ERR_INVALID_OPTION` (naming the closest option, or the
 * jwtkit equivalent of an express-jwt or express-oauth2-jwt-bearer option).
 */
export interface AuthenticateOptions {
  /**
   * The verification key, or a resolver that picks one from the token header, such as
   * `createRemoteJWKS(url)`. Required, unless {@link issuers} chooses the keys per issuer (then
   * giving both is `ERR_INVALID_OPTION`).
   */
  key?: KeyInput | KeyResolver;
  /**
   * The options of `verify`: `algorithms` (required), `audience` (required unless
   * {@link allowAnyAudience}), `issuer`, `typ`, `maxAge`, `requiredClaims`, `clockTolerance`,
   * `clock` (read at every request), ... Required.
   */
  verify: VerifyOptions;
  /**
   * Accept access tokens whatever their `aud`, instead of requiring `verify.audience`. A resource
   * server must check that a token was issued for it (RFC 9068 §4; RFC 8725 §3.9): without the
   * check, a token that the same issuer minted for another API (another audience) is accepted
   * here too, so any client or service that can get a token for itself from that issuer can
   * replay it against this server. Set it only when the issuer mints tokens for this server alone
   * and will never serve another audience, or when you check `aud` yourself. Giving it with
   * `verify.audience` is `ERR_INVALID_OPTION`. Default: `false`: `verify` options without
   * `audience` are `ERR_INVALID_OPTION`.
   */
  allowAnyAudience?: boolean;
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
   * Receives a `request_refused` event (see `AuthEvent`) each time a request is refused, with the
   * code, a reason that names the fix (the `verify` option that refused the token, the header the
   * CSRF check missed, ...), the status, the method and the path without its query string; never
   * the token. The answer says less, on purpose. Called synchronously; what it throws is ignored.
   * Giving it with the deprecated {@link onError} is `ERR_INVALID_OPTION`. Default: none, and then
   * jwtkit logs each refusal with `console.warn` while `NODE_ENV` is not `production`, and in
   * production at most one line per error code per minute, with a count (docs/express.md,
   * "Events and logs"); pass `() => {}` to log nothing.
   */
  onAuthEvent?: AuthEventHandler;
  /**
   * Called with the error (a `JwtError` with its code) each time a request is refused. Errors it
   * throws are ignored. Giving it with {@link onAuthEvent} is `ERR_INVALID_OPTION`; while it is
   * set, nothing is logged by default. Default: none.
   * @deprecated Use onAuthEvent, whose `request_refused` events carry the same error as `error`
   *   with the code, reason, status, method and path. Removed in 0.3.
   */
  onError?: (error: unknown) => void;
  /**
   * `jwtkit/express`, `jwtkit/fastify` and `jwtkit/koa`: hand each refusal to the framework's
   * error handling (Express's `next(error)`, Fastify's error handler, a thrown error in Koa) instead
   * of answering it. The `JwtError` then carries `status` (the status jwtkit would have answered)
   * and `headers` (its `WWW-Authenticate` challenge, ...), which Express's default error handler
   * and the `http-errors` convention read; your error handler answers (docs/express.md, "Passing
   * refusals to your error handler"). The requirement helpers (`requireScopes`, ...) that run after
   * such an `authenticate` do the same. `onAuthEvent` (or the default log) still sees every refusal.
   * `withAuth` and `authenticateRequest` (`jwtkit/fetch`) and `jwtkit/hono`, which answer with a
   * `Response`, refuse it (`ERR_INVALID_OPTION`). Default: `false`: jwtkit answers every refusal itself (RFC 6750).
   */
  passErrors?: boolean;
  /**
   * DPoP-bound access tokens (RFC 9449): `{ mode: 'allowed' | 'required', origins, replayCache, ... }`; see
   * {@link AuthenticateDPoPOptions}. Whatever this option says, a token with `cnf.jkt` sent as
   * `Bearer`, a certificate-bound token (`cnf["x5t#S256"]`) without its TLS client certificate,
   * and a token with a `cnf` member jwtkit cannot check are refused (401 `invalid_token`).
   * Default: `undefined`, the same as `{ mode: 'off' }`.
   */
  dpop?: AuthenticateDPoPOptions;
  /**
   * The proxies trusted to forward the client's address, the scheme and host it addressed
   * (`Forwarded` or `X-Forwarded-For` / `-Proto` / `-Host`) and its TLS client certificate
   * (RFC 9440 `Client-Cert`): `{ addresses: ['10.0.0.0/8', '::1'] }` or `{ hops: 1 }` (on
   * `jwtkit/fetch`, with `clientAddress(request)`). They are read only when the peer of the
   * connection is trusted; `Forwarded` wins over `X-Forwarded-*`. Used for DPoP's `htu`, the
   * CSRF own-origin check and certificate-bound tokens. A proxy that does not overwrite these
   * headers lets clients spoof them (docs/sender-constrained-tokens.md, "Behind a proxy").
   * Default: none; forwarded headers and `Client-Cert` are never read.
   */
  trustedProxies?: TrustedProxiesOptions;
  /**
   * For a move from jsonwebtoken without logging anyone out: also accept, until
   * `legacySecret.until`, tokens without `kid` signed with the old short secret
   * (`{ secret: process.env.JWT_SECRET, algorithm: 'HS256', until: new Date('2026-07-01') }`).
   * Their `aud` is not checked; every other check of `verify` applies. Verification only: sign
   * new tokens with a strong secret that has a `kid`. Each use is reported as a
   * `legacy_secret_used` event. A `key` given directly must then have a `kid`
   * (`ERR_INVALID_OPTION`). See {@link LegacySecretOptions} and
   * docs/migrating-from-jsonwebtoken.md. Default: none; every token is verified with `key`.
   */
  legacySecret?: LegacySecretOptions;
  /**
   * Application checks on any claim or header parameter of a verified token, synchronous or
   * asynchronous, that fail its authentication: a check that does not return `true` (or throws)
   * refuses the token with 401 `invalid_token` (`ERR_JWT_CLAIM_INVALID`, `reason: 'rejected'`); a
   * check that throws `ERR_STORE_UNAVAILABLE` gets 503. They run after `verify` and the token
   * binding, before `isRevoked`: `{ claims: { tenant: async (value) => tenants.has(value) } }`.
   * For authorization (403 `insufficient_scope`), use `requiredScopes` or the requirement helpers
   * (`claimCheck`, ...). See {@link TokenValidatorsOptions}. Default: none.
   */
  validators?: TokenValidatorsOptions;
  /**
   * The issuer chosen per request, for several tenants or custom domains: `{ allowed, keys,
   * fromRequest }` (see {@link IssuersOptions}). A request's issuer must be allowed before its key
   * set is made or fetched; each issuer's key set is made once and kept; a token is verified only
   * with the keys of its request's issuer, and its `iss` must be that issuer (RFC 8725 §3.8).
   * Replaces `key` and `verify.issuer` (giving either is `ERR_INVALID_OPTION`). Default: none; one
   * `key` for every request.
   */
  issuers?: IssuersOptions;
  /**
   * `'rfc9068'`: accept only JWT access tokens as RFC 9068 defines them: `typ` `at+jwt` (§2.1),
   * and `iss`, `exp`, `aud`, `sub`, `client_id`, `iat` and `jti` present with their types (§2.2;
   * `client_id` a string), besides the `verify` options; a token without them gets 401
   * `invalid_token`. Requires `verify.issuer` (or `issuers`) and `verify.audience` (§4); refuses a
   * `verify.typ` other than `at+jwt`, `requireExp: false`, `allowAnyAudience` and `legacySecret`
   * (`ERR_INVALID_OPTION`). A jwtkit token service issues such tokens with its `clientId` option.
   * Default: none; only the `verify` options apply.
   */
  profile?: AccessTokenProfile;
  /**
   * Also accept the token from the `access_token` parameter of a form-encoded body (RFC 6750 §2.2):
   * only for `POST`, `PUT` and `PATCH` requests with `Content-Type:
   * application/x-www-form-urlencoded`, and only from a body already parsed (on `jwtkit/express`,
   * by `express.urlencoded()` mounted before `authenticate`; on `jwtkit/koa`, `ctx.request.body`
   * from a body parser; on `jwtkit/fetch`, the `body` given to `authenticateRequest`): the request
   * stream is never read. `withAuth`, `jwtkit/hono` and `jwtkit/fastify` (whose hooks run before
   * the body is parsed) refuse it (`ERR_INVALID_OPTION`). A request carrying the token in
   * more than one place is refused with 400 `invalid_request`. Default: `false`.
   */
  allowBodyToken?: boolean;
}

/**
 * {@link AuthenticateOptions} with anonymous requests let through: the request's auth (`req.auth`,
 * `request.auth`, `c.get('auth')`, `ctx.state.auth`, or the Fetch handler's `auth`) may be
 * `undefined`.
 */
export type OptionalAuthenticateOptions = AuthenticateOptions & {
  /** `false`: a request without credentials goes on to the next handler without an auth. */
  credentialsRequired: false;
};

/**
 * The `dpop` option of {@link AuthenticateOptions}: whether requests may (or must) use the `DPoP`
 * authorization scheme (RFC 9449 §7), and the rules their proofs are checked with (those of
 * `verifyDPoPProof`). Whatever `mode` says, a DPoP-bound token (`cnf.jkt`) sent as `Bearer` is
 * refused.
 */
export interface AuthenticateDPoPOptions {
  /**
   * - `'off'`: only `Bearer` is read; `Authorization: DPoP ...` is another scheme (no credentials).
   * - `'allowed'`: `Bearer` and `DPoP` are both read; a `DPoP` request needs a valid proof and a
   *   DPoP-bound token; challenges name both schemes.
   * - `'required'`: only `DPoP` is read (`Bearer ...` is another scheme); cannot be combined with
   *   `cookie` or `allowQueryToken`, which carry bearer tokens.
   *
   * Required.
   */
  mode: 'off' | 'allowed' | 'required';
  /**
   * The public origins this resource server is reached at, such as `['https://api.example.com']`
   * (scheme, host and port only: no path). A `DPoP` request whose origin (the scheme and host the
   * adapter reads from the connection and the `Host` header, or from a trusted proxy) is not one
   * of them is refused (401 `invalid_dpop_proof`): the `Host` header is the client's to choose, so
   * without this list a server that received a token and proof made for it could replay them here
   * with its own `Host`, whenever this server accepts the token too (a shared audience, or
   * `allowAnyAudience`). Required unless `mode` is `'off'`.
   */
  origins?: readonly string[];
  /**
   * Where the `jti`s of accepted proofs are remembered: a `MemoryDPoPReplayCache` made once per
   * process, a shared one (`RedisDPoPReplayCache` from `jwtkit/redis`), or `false` to accept a
   * replayed proof within its lifetime. Required unless `mode` is `'off'`.
   */
  replayCache?: DPoPReplayCache | false;
  /**
   * The proof algorithms accepted (asymmetric only), also advertised as `algs` in the `DPoP`
   * challenge. Default: `DEFAULT_DPOP_ALGORITHMS`.
   */
  algorithms?: readonly DPoPAlgorithm[];
  /** How long after its `iat` a proof is accepted, at most 5 minutes. Default: `60` seconds. */
  maxAge?: Duration;
  /** Leeway for the client's clock, in seconds (0 to 300). Default: `5`. */
  clockTolerance?: number;
  /**
   * Server nonces (`createDPoPNonces`): a proof without a current nonce is answered 401
   * `use_dpop_nonce` with a `DPoP-Nonce` header (RFC 9449 §9). Default: none.
   */
  nonces?: DPoPNonces;
  /** The clock a proof's `iat` is compared with. Default: the system clock. */
  clock?: Clock;
}

const DPOP_OPTION_NAMES = optionNames<AuthenticateDPoPOptions>(
  { mode: true, origins: true, replayCache: true, algorithms: true, maxAge: true, clockTolerance: true, nonces: true, clock: true },
  { htm: "the method is the request's", htu: 'list the public origins in "origins"; the path is the request\'s' },
);

function normalizeDPoPOptions(options: unknown): DPoPPolicy | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', '"dpop" must be an object such as { mode: \'allowed\', replayCache }');
  }
  checkOptionNames(options, DPOP_OPTION_NAMES, 'dpop');
  const { mode, ...rest } = options as AuthenticateDPoPOptions;
  if (mode === 'off') return undefined;
  if (mode !== 'allowed' && mode !== 'required') {
    throw new JwtError('ERR_INVALID_OPTION', "\"dpop.mode\" must be 'off', 'allowed' or 'required'");
  }
  return readDPoPPolicy(rest, mode === 'required');
}

/**
 * Where to point a caller who passes an option of express-jwt or express-oauth2-jwt-bearer, or a
 * member of `verify` or `csrf` at the top level.
 */
const AUTHENTICATE_HINTS = {
  secret: 'use "key" (a key, or a key resolver such as createRemoteJWKS(url))',
  jwksUri: 'use "key: createRemoteJWKS(jwksUri)"',
  issuerBaseURL: 'use "key: await discoverJWKS(issuer)" (OpenID Connect Discovery) and "verify: { issuer }"',
  tokenSigningAlg: 'use "verify: { algorithms: [tokenSigningAlg] }"',
  maxTokenAge: 'use "verify: { maxAge }"',
  authRequired:
    'use "credentialsRequired: false" (unlike express-oauth2-jwt-bearer\'s "authRequired: false", a request with bad credentials is still refused)',
  requestProperty:
    'leave it out: the verified token is always req.auth (jwtkit/express), or the second argument of a withAuth handler (jwtkit/fetch)',
  getToken:
    'the token is read from "Authorization: Bearer"; set "cookie" to read it from a cookie too, or "allowQueryToken: true" for the access_token query parameter',
  algorithms: 'use "verify: { algorithms }"',
  issuer: 'use "verify: { issuer }"',
  audience: 'use "verify: { audience }"',
  subject: 'use "verify: { subject }"',
  typ: 'use "verify: { typ }"',
  maxAge: 'use "verify: { maxAge }"',
  requiredClaims: 'use "verify: { requiredClaims }"',
  clockTolerance: 'use "verify: { clockTolerance }"',
  clock: 'use "verify: { clock }"',
  allowedOrigins: 'use "csrf: { allowedOrigins }"',
  requiredHeader: 'use "csrf: { requiredHeader }"',
};

const AUTHENTICATE_OPTION_NAMES = optionNames<AuthenticateOptions>(
  {
    key: true,
    verify: true,
    allowAnyAudience: true,
    cookie: true,
    csrf: true,
    credentialsRequired: true,
    requiredScopes: true,
    requiredRoles: true,
    realm: true,
    isRevoked: true,
    allowQueryToken: true,
    onAuthEvent: true,
    onError: true,
    passErrors: true,
    dpop: true,
    trustedProxies: true,
    legacySecret: true,
    validators: true,
    issuers: true,
    profile: true,
    allowBodyToken: true,
  },
  { ...AUTHENTICATE_HINTS, trustProxy: 'use "trustedProxies: { addresses }" or "trustedProxies: { hops }"' },
);

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
  /** Where refusals are reported: `onAuthEvent`, the deprecated `onError`, or the default log. */
  readonly events: AuthEventSink;
  /** `jwtkit/express`: refusals go to `next(error)`. */
  readonly passErrors: boolean;
  /** `undefined` when DPoP is off. */
  readonly dpop: DPoPPolicy | undefined;
  /** `undefined` when no proxy is trusted. */
  readonly trustedProxies: TrustedProxies | undefined;
  /** `undefined` without `legacySecret`. */
  readonly legacySecret: LegacySecretPolicy | undefined;
  /** The `validators` checks, in order; empty without them. */
  readonly validators: readonly TokenValidatorCheck[];
  /** `undefined` without `issuers`: `key` verifies every token. */
  readonly issuers: IssuerSelection | undefined;
  /** The `profile` option (its `verify` rules are in `verify` already). */
  readonly profile: AccessTokenProfile | undefined;
  readonly allowBodyToken: boolean;
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

/**
 * The `passErrors` option: a boolean, on the `node:http` adapters only (not `jwtkit/fetch` or `jwtkit/hono`).
 *
 * @throws ERR_INVALID_OPTION when it is not a boolean, or given to a `jwtkit/fetch` function.
 */
function readPassErrors(value: unknown, platform: 'node' | 'fetch', subject: string): boolean {
  const passErrors = optionalBoolean(value, 'passErrors', false);
  if (value !== undefined && platform === 'fetch') {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `${subject} takes no option "passErrors": it is for jwtkit/express, jwtkit/fastify and jwtkit/koa; ${subject} answers a refusal with a Response (use onAuthEvent to see refusals)`,
    );
  }
  return passErrors;
}

/**
 * A resource server checks the audience (RFC 9068 §4) unless `allowAnyAudience: true` says otherwise.
 *
 * @throws ERR_INVALID_OPTION for `verify` options without `audience` and no `allowAnyAudience: true`,
 *   for both, or for an `allowAnyAudience` that is not a boolean.
 */
function assertAudienceChecked(verify: VerifyOptions, allowAnyAudience: unknown): void {
  const anyAudience = optionalBoolean(allowAnyAudience, 'allowAnyAudience', false);
  if (verify.audience === undefined && !anyAudience) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"verify.audience" is required: a resource server must accept only tokens issued for it (RFC 9068 §4). ' +
        "Set verify: { audience: 'https://api.example.com' } (this API's identifier at the issuer), " +
        'or allowAnyAudience: true to accept tokens issued for any audience',
    );
  }
  if (verify.audience !== undefined && anyAudience) {
    throw new JwtError('ERR_INVALID_OPTION', '"allowAnyAudience: true" contradicts "verify.audience": remove one of them');
  }
}

/**
 * Validates {@link AuthenticateOptions} once, so misuse fails when the middleware is made.
 *
 * @param subject - the public function that takes them, as a refusal names it (`authenticate`, `withAuth`).
 * @param platform - where the peer address comes from (`trustedProxies`): the socket, or a callback.
 * @throws ERR_INVALID_OPTION for an unknown option name (in `csrf` and `verify` too), a missing
 *   `key`, `verify` options the core refuses (no `algorithms`, ...), `verify` options without
 *   `audience` (unless `allowAnyAudience: true`), a `legacySecret` with a `key` given directly
 *   without `kid`, or any other option of the wrong shape;
 *   ERR_KEY_INVALID for a key given directly that cannot verify anything.
 * @internal
 */
export function normalizeAuthenticateOptions(
  options: AuthenticateOptions,
  subject: string,
  platform: 'node' | 'fetch',
): AuthenticatePolicy {
  if (typeof options !== 'object' || options === null) {
    throw new JwtError('ERR_INVALID_OPTION', 'the options must be an object');
  }
  checkOptionNames(options, AUTHENTICATE_OPTION_NAMES, subject);
  const issuers = readIssuerSelection(options.issuers);
  const key = readKeyOption(options, issuers);
  // A key given directly is read now, so a bad one fails here rather than as a 401 on every request.
  const directKey = typeof key === 'function' ? undefined : prepareKey(key, 'verify');
  if (directKey !== undefined && directKey.kid === undefined && options.legacySecret !== undefined) {
    // Tokens without `kid` are the legacy ones (src/adapters/core/legacy-secret.ts): new tokens need one.
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"legacySecret" needs a "key" with a "kid": tokens without "kid" are verified with the legacy secret. ' +
        "Give the new key one (generateSecret('HS256', { kid }) or importKey(..., { kid })) and sign with it",
    );
  }
  if (typeof options.verify !== 'object' || options.verify === null) throw new JwtError('ERR_INVALID_OPTION', '"verify" is required');
  if (issuers !== undefined && options.verify.issuer !== undefined) {
    throw new JwtError('ERR_INVALID_OPTION', '"issuers" chooses the issuer of each request: remove "verify.issuer"');
  }
  const verify = Object.freeze(
    applyAccessTokenProfile(options.profile, { ...options.verify }, options.allowAnyAudience, issuers !== undefined),
  );
  // The check `verify` runs on every call, run once now so that misuse fails at construction.
  readVerifyOptions(verify);
  assertAudienceChecked(verify, options.allowAnyAudience);
  if (options.legacySecret !== undefined && (issuers !== undefined || options.profile !== undefined)) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"legacySecret" cannot be combined with "issuers" or "profile": legacy tokens have one issuer and no "typ"',
    );
  }
  const allowBodyToken = optionalBoolean(options.allowBodyToken, 'allowBodyToken', false);
  if (options.cookie !== undefined && (typeof options.cookie !== 'string' || !isCookieName(options.cookie))) {
    throw new JwtError('ERR_INVALID_OPTION', '"cookie" must be a cookie name');
  }
  const dpop = normalizeDPoPOptions(options.dpop);
  if (dpop?.required === true && (options.cookie !== undefined || options.allowQueryToken === true || allowBodyToken)) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"dpop: { mode: \'required\' }" cannot be combined with "cookie", "allowQueryToken" or "allowBodyToken", which carry bearer tokens',
    );
  }
  const requirements: Requirement[] = [];
  if (options.requiredScopes !== undefined) requirements.push(scopesRequirement(options.requiredScopes));
  if (options.requiredRoles !== undefined) requirements.push(rolesRequirement(options.requiredRoles));
  return Object.freeze({
    key,
    verify,
    cookie: options.cookie,
    csrf: normalizeCsrfOptions(options.csrf),
    credentialsRequired: optionalBoolean(options.credentialsRequired, 'credentialsRequired', true),
    requirements: Object.freeze(requirements),
    realm: normalizeRealm(options.realm),
    isRevoked: optionalFunction(options.isRevoked, 'isRevoked'),
    allowQueryToken: optionalBoolean(options.allowQueryToken, 'allowQueryToken', false),
    events: authEventSink(options.onAuthEvent, options.onError),
    passErrors: readPassErrors(options.passErrors, platform, subject),
    dpop,
    trustedProxies: normalizeTrustedProxies(options.trustedProxies, platform),
    legacySecret: readLegacySecret(options.legacySecret),
    validators: readTokenValidators(options.validators),
    issuers,
    profile: options.profile,
    allowBodyToken,
  });
}

/**
 * The `key` option, or with `issuers` (which replaces it) a resolver that refuses every token:
 * the exchange verifies through the issuer's own keys (`verifyForIssuer`), so nothing reaches it,
 * and code that would verify with `policy.key` alone fails closed.
 *
 * @throws ERR_INVALID_OPTION when `key` is missing without `issuers`, or given with it.
 */
function readKeyOption(options: AuthenticateOptions, issuers: IssuerSelection | undefined): KeyInput | KeyResolver {
  const key = options.key;
  if (issuers !== undefined) {
    if (key !== undefined) throw new JwtError('ERR_INVALID_OPTION', '"issuers" chooses the keys of each issuer: remove "key"');
    return () => {
      throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'the keys are chosen per issuer ("issuers")');
    };
  }
  if (key === undefined || key === null) throw new JwtError('ERR_INVALID_OPTION', '"key" is required (or "issuers")');
  return key;
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
