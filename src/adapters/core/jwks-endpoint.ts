import { JwtError } from '../../errors.js';
import { refuseBothNames } from '../../internal/deprecated-option.js';
import { durationToSeconds } from '../../internal/duration.js';
import { checkOptionNames, optionNames } from '../../internal/option-names.js';
import type { Duration } from '../../internal/duration.js';
import type { JsonWebKeySet } from '../../keys/types.js';
import { report } from './authenticate-options.js';
import { endpointErrorReply } from './error-replies.js';
import { emptyReply } from './http-exchange.js';
import type { HttpReply, HttpRequestFacts } from './http-exchange.js';

/**
 * Options of `createJWKSEndpoint` (`jwtkit/express` and `jwtkit/fetch`). A member that is not one
 * of these is refused with `ERR_INVALID_OPTION`.
 */
export interface JWKSEndpointOptions {
  /**
   * The public key set to serve: a document, or a function returning the current one (e.g. from a
   * key ring, so a rotation shows at once). Private or symmetric key material is never served: a
   * set holding any makes the endpoint answer 500 (and `onError` receives `ERR_KEY_INVALID`).
   * Required.
   */
  jwks: JsonWebKeySet | (() => JsonWebKeySet | Promise<JsonWebKeySet>);
  /**
   * How long clients may cache the document (`Cache-Control: public, max-age=...`): seconds or a
   * string such as `'10m'`. Default: `'5m'`.
   */
  cacheMaxAge?: Duration;
  /**
   * How long clients may cache the document. Giving both `maxAge` and `cacheMaxAge` is
   * `ERR_INVALID_OPTION`. Default: none (`cacheMaxAge` decides).
   * @deprecated Use cacheMaxAge (`maxAge` names token age only). Removed in 0.3.
   */
  maxAge?: Duration;
  /** Called with the error when the key set cannot be served. Errors it throws are ignored. Default: none. */
  onError?: (error: unknown) => void;
}

/** @deprecated Use {@link JWKSEndpointOptions}. Removed in 0.3. */
export type JwksEndpointOptions = JWKSEndpointOptions;

const JWKS_ENDPOINT_OPTION_NAMES = optionNames<JWKSEndpointOptions>(
  { jwks: true, cacheMaxAge: true, maxAge: true, onError: true },
  { keys: 'pass the key set as "jwks: { keys }", or "jwks: () => ring.jwks()" to serve the current set of a key ring' },
);

/** {@link JWKSEndpointOptions} checked once. @internal */
export interface JWKSEndpointPolicy {
  readonly jwks: () => JsonWebKeySet | Promise<JsonWebKeySet>;
  /** The `cacheMaxAge` option, in seconds. */
  readonly cacheMaxAge: number;
  readonly onError: ((error: unknown) => void) | undefined;
}

/** JWK members that hold private or secret key material (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/**
 * Validates {@link JWKSEndpointOptions}.
 *
 * @throws ERR_INVALID_OPTION for an unknown option name, when `jwks` is neither a key set nor a
 *   function, `cacheMaxAge` (or the deprecated `maxAge`) is not a duration, or both are given.
 * @internal
 */
export function normalizeJWKSEndpointOptions(options: JWKSEndpointOptions): JWKSEndpointPolicy {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'the options must be an object');
  checkOptionNames(options, JWKS_ENDPOINT_OPTION_NAMES, 'createJWKSEndpoint');
  const jwks = options.jwks;
  let provider: () => JsonWebKeySet | Promise<JsonWebKeySet>;
  if (typeof jwks === 'function') provider = jwks;
  else if (typeof jwks === 'object' && jwks !== null && Array.isArray(jwks.keys)) {
    publicOnly(jwks);
    provider = () => jwks;
  } else {
    throw new JwtError('ERR_INVALID_OPTION', '"jwks" must be a key set ({ keys: [...] }) or a function returning one');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', '"onError" must be a function');
  }
  const { cacheMaxAge, maxAge } = options;
  refuseBothNames(cacheMaxAge, maxAge, 'cacheMaxAge', 'maxAge');
  const cacheSeconds = durationToSeconds(maxAge ?? cacheMaxAge ?? '5m', maxAge == null ? 'cacheMaxAge' : 'maxAge');
  return Object.freeze({ jwks: provider, cacheMaxAge: cacheSeconds, onError: options.onError });
}

/**
 * Checks that a key set holds only public keys and returns its JSON.
 *
 * @throws ERR_KEY_INVALID when it is malformed or holds a private or symmetric key.
 */
function publicOnly(jwks: unknown): string {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new JwtError('ERR_KEY_INVALID', 'the key set has no "keys" array');
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || typeof (key as { kty?: unknown }).kty !== 'string') {
      throw new JwtError('ERR_KEY_INVALID', 'the key set holds a member that is not a JWK');
    }
    if ((key as { kty: string }).kty === 'oct' || PRIVATE_MEMBERS.some((member) => Object.hasOwn(key, member))) {
      throw new JwtError('ERR_KEY_INVALID', 'the key set holds private or symmetric key material: it is not served');
    }
  }
  return JSON.stringify({ keys });
}

/**
 * Answers a request for the JWKS document: 200 with `Cache-Control: public, max-age`, 405 for
 * methods other than GET and HEAD, 500 (no detail) when the key set is unusable.
 *
 * @internal
 */
export async function jwksReply(request: HttpRequestFacts, policy: JWKSEndpointPolicy): Promise<HttpReply> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return emptyReply(405, [['Allow', 'GET, HEAD']]);
  try {
    const body = publicOnly(await policy.jwks());
    return {
      status: 200,
      headers: [
        ['Content-Type', 'application/jwk-set+json; charset=utf-8'],
        ['Cache-Control', `public, max-age=${Math.floor(policy.cacheMaxAge)}`],
        ['X-Content-Type-Options', 'nosniff'],
      ],
      body,
    };
  } catch (error) {
    report(policy.onError, error);
    return endpointErrorReply(error);
  }
}
