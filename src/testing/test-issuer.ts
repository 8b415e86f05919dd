/**
 * `createTestIssuer`: an authorization server in a box for the tests of a resource server: a
 * generated key ring, its JWKS, and factories for valid and deliberately invalid tokens.
 *
 * @module
 */
import { JwtError } from '../errors.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { bindKey } from '../jws/key.js';
import type { BoundKey, JwsAlgorithm, KeyResolver } from '../jws/types.js';
import { sign } from '../jwt/sign.js';
import type { JwtClaims, VerifyOptions } from '../jwt/types.js';
import { generateKeyPair } from '../keys/generate-key-pair.js';
import { createKeyRing, type KeyRing } from '../keys/key-ring.js';
import type { JsonWebKeySet } from '../keys/types.js';
import { generateId } from '../tokens/opaque.js';
import { createTokenService } from '../tokens/token-service.js';
import type { TokenService, TokenServiceOptions } from '../tokens/types.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';

/** Options of {@link createTestIssuer}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface TestIssuerOptions {
  /** The signing algorithm (asymmetric: the issuer publishes a JWKS). Default: `'ES256'`. */
  alg?: Exclude<JwsAlgorithm, 'HS256' | 'HS384' | 'HS512'>;
  /** The `iss` of the tokens. Default: `'https://issuer.test'`. */
  issuer?: string;
  /** The `aud` of the tokens. Default: `'https://api.test'`. */
  audience?: string;
  /**
   * The lifetime of the tokens `sign` makes, of the key ring's tokens (`maxTokenLifetime`) and of
   * the access tokens of `createTokenService()`. Default: `'15m'`.
   */
  tokenTtl?: Duration;
  /** The clock every token is dated by. Default: a new {@link createFakeClock} (standing still). */
  clock?: FakeClock;
}

const TEST_ISSUER_OPTION_NAMES = optionNames<TestIssuerOptions>({ alg: true, issuer: true, audience: true, tokenTtl: true, clock: true });

/** Options of one token made by a {@link TestIssuer}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface TestTokenOptions {
  /** The `sub`. Default: `'test-user'`. */
  subject?: string;
  /** The `typ` header. Default: `'at+jwt'` (an RFC 9068 access token). */
  typ?: string;
  /** The lifetime. Default: the issuer's `tokenTtl`. */
  expiresIn?: Duration;
}

const TEST_TOKEN_OPTION_NAMES = optionNames<TestTokenOptions>({ subject: true, typ: true, expiresIn: true });

/** What {@link createTestIssuer} returns. */
export interface TestIssuer {
  /** The `iss` of its tokens. */
  readonly issuer: string;
  /** The `aud` of its tokens. */
  readonly audience: string;
  /** The signing algorithm. */
  readonly alg: JwsAlgorithm;
  /** The clock its tokens are dated by: move it to make tokens expire. */
  readonly clock: FakeClock;
  /** The generated key ring (a current key; `rotate` needs a `next`). */
  readonly keyRing: KeyRing;
  /** The public key set, as the issuer would serve it at `/.well-known/jwks.json`. */
  jwks(): JsonWebKeySet;
  /** A key resolver over the ring's public keys, to pass to `verify` (or an adapter) as the key. */
  readonly keyResolver: KeyResolver;
  /** `verify` options matching the issuer: `algorithms`, `issuer`, `audience`, and its `clock` (read at each verification). */
  verifyOptions(): VerifyOptions;
  /** A valid token: `iss`, `aud`, `sub`, `iat`, `exp`, `jti` plus `claims`. */
  sign(claims?: JwtClaims, options?: TestTokenOptions): Promise<string>;
  /** A token that expired a minute ago (beyond any default clock tolerance): `ERR_JWT_EXPIRED`. */
  expiredToken(claims?: JwtClaims, options?: TestTokenOptions): Promise<string>;
  /** A token whose `nbf` is an hour ahead: `ERR_JWT_NOT_YET_VALID`. */
  notYetValidToken(claims?: JwtClaims, options?: TestTokenOptions): Promise<string>;
  /** A token for another audience: `ERR_JWT_CLAIM_INVALID` with `claim: 'aud'`. */
  wrongAudienceToken(claims?: JwtClaims, options?: TestTokenOptions): Promise<string>;
  /** A token from another issuer (same key): `ERR_JWT_CLAIM_INVALID` with `claim: 'iss'`. */
  wrongIssuerToken(claims?: JwtClaims, options?: TestTokenOptions): Promise<string>;
  /** A token signed by a stranger's key that claims this issuer's `kid`: `ERR_JWT_SIGNATURE_INVALID`. */
  forgedToken(claims?: JwtClaims, options?: TestTokenOptions): Promise<string>;
  /**
   * A token service wired to this issuer (key ring, `issuer`, `audience`, clock, and `tokenTtl` as
   * `accessTokenTtl`); `options` override.
   */
  createTokenService<Claims extends object = Record<string, unknown>>(options?: Partial<TokenServiceOptions<Claims>>): TokenService<Claims>;
}

/** A token whose `aud` is this never matches a real audience. */
const WRONG_AUDIENCE = 'https://wrong-audience.test';
const WRONG_ISSUER = 'https://wrong-issuer.test';
/** The default `maxAccessTokenTtl` of `createTokenService`, in seconds. */
const DAY_SECONDS = 86_400;

/**
 * Makes a test issuer: a freshly generated key pair in a key ring, its JWKS and a key resolver,
 * a fake clock, and factories for valid, expired, not-yet-valid, wrong-audience, wrong-issuer and
 * forged tokens, so the tests of a resource server need no hand-made keys or tokens.
 *
 * @param options - see {@link TestIssuerOptions}.
 * @returns the {@link TestIssuer}.
 * @example
 * ```ts
 * import { createTestIssuer } from 'jwtkit/testing';
 * import { verify } from 'jwtkit';
 * const issuer = await createTestIssuer();
 * const token = await issuer.sign({ scope: 'read' });
 * await verify(token, issuer.keyResolver, issuer.verifyOptions());           // passes
 * await verify(await issuer.expiredToken(), issuer.keyResolver, issuer.verifyOptions()); // ERR_JWT_EXPIRED
 * ```
 * @throws `ERR_INVALID_OPTION` for a bad option (a symmetric `alg`, an empty `issuer` or `audience`)
 * or an unknown option name; the token factories for an unknown name in their options.
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  checkOptionNames(options, TEST_ISSUER_OPTION_NAMES, 'createTestIssuer');
  const alg = options.alg ?? 'ES256';
  if (alg.startsWith('HS')) throw new JwtError('ERR_INVALID_OPTION', 'a test issuer publishes its keys: use an asymmetric "alg"');
  const issuer = nonEmpty(options.issuer ?? 'https://issuer.test', 'issuer');
  const audience = nonEmpty(options.audience ?? 'https://api.test', 'audience');
  const tokenTtl = durationToSeconds(options.tokenTtl ?? '15m', 'tokenTtl');
  const clock = options.clock ?? createFakeClock();
  const [{ privateKey }, stranger] = await Promise.all([generateKeyPair(alg), generateKeyPair(alg)]);
  const keyRing = createKeyRing({ current: privateKey, maxTokenLifetime: tokenTtl, clock });
  // A stranger's key under this issuer's kid: the token points at the real key and fails its signature.
  const forger: BoundKey = bindKey(stranger.privateKey.keyObject, alg, { kid: keyRing.signingKey.kid as string });

  const mint = async (
    key: BoundKey,
    claims: JwtClaims,
    tokenOptions: TestTokenOptions,
    overrides: { iss?: string; aud?: string; iatOffset?: number; nbfOffset?: number },
  ): Promise<string> => {
    checkOptionNames(tokenOptions, TEST_TOKEN_OPTION_NAMES, 'a test token');
    const now = clock.seconds();
    const iat = now + (overrides.iatOffset ?? 0);
    const lifetime = tokenOptions.expiresIn === undefined ? tokenTtl : durationToSeconds(tokenOptions.expiresIn, 'expiresIn');
    return sign(
      {
        jti: generateId(),
        ...claims,
        ...(overrides.nbfOffset === undefined ? {} : { nbf: now + overrides.nbfOffset }),
        exp: (overrides.nbfOffset === undefined ? iat : now + overrides.nbfOffset) + lifetime,
      },
      key,
      {
        alg,
        typ: tokenOptions.typ ?? 'at+jwt',
        issuer: overrides.iss ?? issuer,
        audience: overrides.aud ?? audience,
        subject: tokenOptions.subject ?? 'test-user',
        iat,
      },
    );
  };

  const testIssuer: TestIssuer = {
    issuer,
    audience,
    alg,
    clock,
    keyRing,
    jwks: () => keyRing.jwks(),
    keyResolver: (header) => keyRing.verificationKeys(header),
    verifyOptions: (): VerifyOptions => ({ algorithms: [alg], issuer, audience, clock }),
    sign: (claims = {}, tokenOptions = {}) => mint(keyRing.signingKey, claims, tokenOptions, {}),
    expiredToken: (claims = {}, tokenOptions = {}) => {
      const lifetime = tokenOptions.expiresIn === undefined ? tokenTtl : durationToSeconds(tokenOptions.expiresIn, 'expiresIn');
      return mint(keyRing.signingKey, claims, tokenOptions, { iatOffset: -lifetime - 60 });
    },
    notYetValidToken: (claims = {}, tokenOptions = {}) => mint(keyRing.signingKey, claims, tokenOptions, { nbfOffset: 3600 }),
    wrongAudienceToken: (claims = {}, tokenOptions = {}) => mint(keyRing.signingKey, claims, tokenOptions, { aud: WRONG_AUDIENCE }),
    wrongIssuerToken: (claims = {}, tokenOptions = {}) => mint(keyRing.signingKey, claims, tokenOptions, { iss: WRONG_ISSUER }),
    forgedToken: (claims = {}, tokenOptions = {}) => mint(forger, claims, tokenOptions, {}),
    createTokenService: <Claims extends object = Record<string, unknown>>(overrides: Partial<TokenServiceOptions<Claims>> = {}) =>
      createTokenService<Claims>({
        key: keyRing,
        issuer,
        audience,
        clock,
        accessTokenTtl: tokenTtl,
        // A tokenTtl over the service's default limit of a day was chosen on purpose.
        maxAccessTokenTtl: Math.max(tokenTtl, DAY_SECONDS),
        ...overrides,
      }),
  };
  return Object.freeze(testIssuer);
}

function nonEmpty(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new JwtError('ERR_INVALID_OPTION', `"${option}" must be a non-empty string`);
  return value;
}
