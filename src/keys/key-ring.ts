import { JwtError } from '../errors.js';
import { checkClock, readClock, type Clock } from '../internal/clock.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { isBoundKey, toVerificationKey, withKeyId } from '../jws/key.js';
import type { BoundKey, JWK, JwsAlgorithm, JwsHeader } from '../jws/types.js';
import { exportJWK } from './export-jwk.js';
import { thumbprint } from './thumbprint.js';
import type { JsonWebKeySet } from './types.js';

/**
 * A key that no longer signs, published until the tokens it signed have expired. Any other member
 * is refused with `ERR_INVALID_OPTION`.
 */
export interface RetiredKey {
  /** The key (private or public; only its public half is published). */
  key: BoundKey;
  /** When it stopped signing. Default: when the ring is created (the safe choice when unknown). */
  retiredAt?: Date;
}

const RETIRED_KEY_NAMES = optionNames<RetiredKey>({ key: true, retiredAt: true });

/** Options of {@link createKeyRing}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface KeyRingOptions {
  /** The private key that signs now (or a remote signer, `createRemoteSigner`). Required. */
  current: BoundKey;
  /**
   * The private key that signs after the next `rotate()`: published ahead, so that verifiers
   * already hold it when it starts signing. Default: none.
   */
  next?: BoundKey;
  /** Keys that signed before `current`. Default: none. */
  retired?: readonly RetiredKey[];
  /**
   * The longest lifetime of a token signed with the ring (seconds or `'15m'`; more than 0), plus
   * any clock tolerance of the verifiers: a retired key is published for this long after it
   * retired. `createTokenService` refuses an `accessTokenTtl` longer than this. Required.
   */
  maxTokenLifetime: Duration;
  /** The clock deciding when retired keys drop out; it must return a valid `Date`. Default: the system time. */
  clock?: Clock;
}

const KEY_RING_OPTION_NAMES = optionNames<KeyRingOptions>({
  current: true,
  next: true,
  retired: true,
  maxTokenLifetime: true,
  clock: true,
});

/**
 * The signing keys of an authorization server (see {@link createKeyRing}). It is also the key
 * source `createTokenService` accepts as `key`.
 */
export interface KeyRing {
  /**
   * The current signing key, bound to its algorithm and carrying its `kid`: pass it to `sign`
   * (`sign(claims, ring.signingKey, { alg: ring.signingKey.alg })`), which writes the `kid`. Read
   * it for every token: it changes on `rotate()`.
   */
  readonly signingKey: BoundKey;
  /**
   * The algorithms of the published keys (current, next, retired), for `verify`'s `algorithms`.
   * A new frozen array after a rotation that changes them.
   */
  readonly algorithms: readonly JwsAlgorithm[];
  /**
   * The `maxTokenLifetime` option in seconds: how long a retired key stays published. Tokens
   * signed with the ring must not live longer, or they fail verification once their key drops out.
   */
  readonly maxTokenLifetime: number;
  /**
   * A key resolver over the public halves of the published keys, chosen by the header's `kid`
   * (every ring key has one): for the issuer to verify its own tokens.
   * @throws `JwtError` `ERR_JWKS_NO_MATCHING_KEY` for a missing or unknown `kid`.
   */
  verificationKeys(header: Readonly<JwsHeader>): BoundKey;
  /**
   * Promotes `next` to current; the old current key retires now. `options.next` (if given) is
   * staged as the new `next`.
   * @throws `JwtError` `ERR_INVALID_OPTION` when there is no `next` key to promote, the new one
   * shares a `kid`, or an option name is unknown; `ERR_KEY_INVALID` when the new `next` is not a bound private key.
   */
  rotate(options?: RotateOptions): void;
  /**
   * The public JWKS to serve at `/.well-known/jwks.json`: the current key, the next one, and the
   * retired keys whose tokens may still be valid, each with `kid`, `alg` and `use: "sig"`. A
   * fresh object at every call; retired keys past `retiredAt + maxTokenLifetime` are dropped.
   * @throws never.
   */
  jwks(): JsonWebKeySet;
}

/** Options of {@link KeyRing.rotate}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface RotateOptions {
  /** The private key to stage as `next` once the current `next` is promoted. Default: none. */
  next?: BoundKey;
}

const ROTATE_OPTION_NAMES = optionNames<RotateOptions>({ next: true });

interface RingKey {
  readonly key: BoundKey;
  /** The public half, bound to the same algorithm and `kid`. */
  readonly publicKey: BoundKey;
  readonly publicJwk: Readonly<JWK>;
}

interface RetiredRingKey extends RingKey {
  readonly dropAt: number;
}

/**
 * A key ring for the side that signs: it holds the current signing key, an optional next key
 * (published before it signs) and retired keys (published until every token they signed has
 * expired, then dropped). Only asymmetric keys: a ring's keys are published.
 *
 * Keys without a `kid` get their RFC 7638 thumbprint. The core knows nothing of rings: signing
 * takes `ring.signingKey`, an ordinary bound key; `createTokenService` accepts the ring itself.
 *
 * @param options - see {@link KeyRingOptions}.
 * @returns the {@link KeyRing}.
 * @example
 * ```ts
 * import { createKeyRing, generateKeyPair, sign } from 'jwtkit';
 * const ring = createKeyRing({
 *   current: (await generateKeyPair('ES256')).privateKey,
 *   next: (await generateKeyPair('ES256')).privateKey,
 *   maxTokenLifetime: '16m', // the tokens' 15 minutes plus the verifiers' clock tolerance
 * });
 * const token = await sign({ sub: 'u1' }, ring.signingKey, { alg: ring.signingKey.alg, expiresIn: '15m' });
 * app.get('/.well-known/jwks.json', (req, res) => res.json(ring.jwks()));
 * // later: ring.rotate({ next: (await generateKeyPair('ES256')).privateKey });
 * ```
 * @throws `JwtError` `ERR_KEY_INVALID` when `current` or `next` is not a bound private key, or a
 * key is an HMAC secret; `ERR_INVALID_OPTION` for a missing or zero `maxTokenLifetime`, a bad `clock` or
 * `retiredAt`, two keys sharing a `kid`, or an unknown option name (in `options` or a `retired` entry).
 */
export function createKeyRing(options: KeyRingOptions): KeyRing {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'createKeyRing needs options');
  checkOptionNames(options, KEY_RING_OPTION_NAMES, 'createKeyRing');
  const maxTokenLifetime = durationToSeconds(options.maxTokenLifetime, 'maxTokenLifetime');
  if (maxTokenLifetime <= 0) throw new JwtError('ERR_INVALID_OPTION', '"maxTokenLifetime" must be more than 0');
  const lifetimeMs = maxTokenLifetime * 1000;
  const clock = checkClock(options.clock, 'clock');
  const now = (): number => readClock(clock, 'clock');
  const createdAt = now();

  let current = ringKey(options.current, 'current', true);
  let next = options.next === undefined ? undefined : ringKey(options.next, 'next', true);
  const retiredInput: unknown = options.retired ?? [];
  if (!Array.isArray(retiredInput)) throw new JwtError('ERR_INVALID_OPTION', '"retired" must be an array');
  let retired: RetiredRingKey[] = (retiredInput as readonly RetiredKey[]).map((entry) => {
    checkOptionNames(entry, RETIRED_KEY_NAMES, 'a "retired" entry of createKeyRing');
    const retiredAt: unknown = entry?.retiredAt ?? new Date(createdAt);
    if (!(retiredAt instanceof Date) || !Number.isFinite(retiredAt.getTime())) {
      throw new JwtError('ERR_INVALID_OPTION', '"retiredAt" must be a valid Date');
    }
    return { ...ringKey(entry?.key, 'retired', false), dropAt: retiredAt.getTime() + lifetimeMs };
  });
  assertDistinctKids([current, next, ...retired]);

  /** The published keys, retired ones past their time dropped. */
  const published = (): RingKey[] => {
    const time = now();
    retired = retired.filter((key) => time < key.dropAt);
    return [current, ...(next === undefined ? [] : [next]), ...retired];
  };
  let algorithms: readonly JwsAlgorithm[] = [];
  const currentAlgorithms = (): readonly JwsAlgorithm[] => {
    const algs = [...new Set(published().map((key) => key.key.alg))];
    if (algs.length !== algorithms.length || algs.some((alg, index) => alg !== algorithms[index])) {
      algorithms = Object.freeze(algs);
    }
    return algorithms;
  };

  return Object.freeze({
    get signingKey(): BoundKey {
      return current.key;
    },
    get algorithms(): readonly JwsAlgorithm[] {
      return currentAlgorithms();
    },
    maxTokenLifetime,
    verificationKeys(header: Readonly<JwsHeader>): BoundKey {
      const kid = header?.kid;
      const match = typeof kid === 'string' ? published().find((key) => key.key.kid === kid) : undefined;
      if (match === undefined) throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no published key of the ring has the token\'s "kid"');
      return match.publicKey;
    },
    rotate(rotateOptions: RotateOptions = {}): void {
      checkOptionNames(rotateOptions, ROTATE_OPTION_NAMES, 'rotate');
      if (next === undefined) throw new JwtError('ERR_INVALID_OPTION', 'there is no next key to promote: stage one first');
      const staged = rotateOptions.next === undefined ? undefined : ringKey(rotateOptions.next, 'next', true);
      assertDistinctKids([current, next, staged, ...retired]);
      retired = [{ ...current, dropAt: now() + lifetimeMs }, ...retired];
      current = next;
      next = staged;
    },
    jwks(): JsonWebKeySet {
      return { keys: published().map((key) => ({ ...key.publicJwk, use: 'sig' })) };
    },
  });
}

function ringKey(key: unknown, role: string, mustBePrivate: boolean): RingKey {
  if (!isBoundKey(key)) throw new JwtError('ERR_KEY_INVALID', `the ${role} key must be a bound key (importKey, generateKeyPair)`);
  if (key.type === 'secret') throw new JwtError('ERR_KEY_INVALID', `the ${role} key is a secret: a key ring publishes its keys`);
  if (mustBePrivate && key.type !== 'private') throw new JwtError('ERR_KEY_INVALID', `the ${role} key must be a private key`);
  const withKid = key.kid !== undefined ? key : withKeyId(key, thumbprint(exportJWK(key)));
  return { key: withKid, publicKey: toVerificationKey(withKid), publicJwk: Object.freeze(exportJWK(withKid)) };
}

function assertDistinctKids(keys: readonly (RingKey | undefined)[]): void {
  const seen = new Set<string>();
  for (const entry of keys) {
    if (entry === undefined) continue;
    const kid = entry.key.kid as string;
    if (seen.has(kid)) throw new JwtError('ERR_INVALID_OPTION', 'two keys of the ring share a "kid"');
    seen.add(kid);
  }
}
