import { JwtError } from '../errors.js';
import { checkClock, readClock, type Clock } from '../internal/clock.js';
import { durationToSeconds, type Duration } from '../internal/duration.js';
import { checkOptionNames, optionNames } from '../internal/option-names.js';
import { ALGORITHMS, isJwsAlgorithm } from '../jws/algorithms.js';
import { bindKey, isBoundKey, toVerificationKey } from '../jws/key.js';
import type { BoundKey, JWK, JwsAlgorithm, JwsHeader } from '../jws/types.js';
import { exportJWK } from './export-jwk.js';
import { generateKeyPair } from './generate-key-pair.js';
import { importKey } from './import-key.js';
import {
  checkPublicKey,
  openPrivateKey,
  readKeks,
  sealPrivateKey,
  sealPublicKey,
  type KeyEncryptionKey,
  type SealBinding,
} from './key-encryption.js';
import type { KeyRing } from './key-ring.js';
import { checkRingId, type KeyRingStore, type StoredKeyRing } from './key-ring-store.js';
import { readRingState, writeRingState, type RingState, type StoredRingKey } from './shared-ring-state.js';
import { thumbprint } from './thumbprint.js';
import type { JsonWebKeySet } from './types.js';

/**
 * Where the keys of a shared ring live when they are remote signers (a KMS or HSM): every new key
 * is created by `create`, and every instance finds the signer of a key by its `kid` with `open`.
 */
export interface SharedKeyRingSigners {
  /**
   * Makes the signer of a new key of the ring (e.g. a new KMS key version wrapped by
   * `createRemoteSigner`), with a `kid` no other key of the ring has. Called by the instance that
   * stages the key.
   */
  create(alg: JwsAlgorithm): Promise<BoundKey>;
  /** The signer of a key created earlier (by any instance), by its `kid`: it must have that `kid` and public key. */
  open(kid: string, alg: JwsAlgorithm): Promise<BoundKey>;
}

/** Options of {@link createSharedKeyRing}. Any other member is refused with `ERR_INVALID_OPTION`. */
export interface SharedKeyRingOptions {
  /** Where the ring's state lives, shared by every instance (`RedisKeyRingStore`, `PostgresKeyRingStore`, `MemoryKeyRingStore`). Required. */
  store: KeyRingStore;
  /** The ring's name in the store: 1 to 100 of `A-Z a-z 0-9 . _ : -`; every instance of one issuer passes the same. Required. */
  ringId: string;
  /**
   * The key-encryption key (`{ id, key }`, 32 random bytes) that encrypts the private keys in the
   * store and authenticates the published ones, or a list of them to rotate it: the first seals new
   * keys, any of them (by id) opens. Required (with `signers` too: it authenticates their public keys).
   */
  kek: KeyEncryptionKey | readonly KeyEncryptionKey[];
  /** The algorithm of the keys the ring creates: an `RS*`, `PS*`, `ES*` or `EdDSA` algorithm. Required. */
  alg: JwsAlgorithm;
  /**
   * The longest lifetime of a token signed with the ring, plus the verifiers' clock tolerance
   * (seconds or `'15m'`; more than 0), as for `createKeyRing`: a retired key stays published this
   * long, plus the longest a snapshot may be served (`publishBefore - jwksCacheMaxAge`). Required.
   */
  maxTokenLifetime: Duration;
  /**
   * How long verifiers may cache the JWKS: the `cacheMaxAge` of your JWKS endpoint (and no
   * verifier may cache it longer, e.g. `minCacheMaxAge` of `createRemoteJWKS`). Default: `'5m'`
   * (the endpoint's default).
   */
  jwksCacheMaxAge?: Duration;
  /** How often each instance reloads the ring from the store (seconds or `'30s'`; more than 0). Default: `'30s'`. */
  refreshEvery?: Duration;
  /**
   * How long a next key is published before it may sign. Must be more than `refreshEvery +
   * jwksCacheMaxAge` (every instance serves it, then every verifier's cache holds it), which
   * `createSharedKeyRing` checks. Default: twice `refreshEvery + jwksCacheMaxAge` (`'11m'` with
   * the other defaults).
   */
  publishBefore?: Duration;
  /**
   * Rotate on a schedule: the next key starts signing once the current one has signed this long
   * (and the next key was published `publishBefore`); the first instance to see it due rotates,
   * by compare-and-set, the others follow. At least `publishBefore`. Default: none (`rotate()` only).
   */
  rotateEvery?: Duration;
  /** Make every new key a remote signer (KMS, HSM) instead of a generated key. Default: none (keys are generated and stored encrypted under `kek`). */
  signers?: SharedKeyRingSigners;
  /** Called with the error when a background refresh or rotation fails (the snapshot is then kept). Errors it throws are ignored. Default: none. */
  onError?: (error: unknown) => void;
  /** The clock deciding rotations and key retention; it must return a valid `Date`. Default: the system time. */
  clock?: Clock;
}

const SHARED_KEY_RING_OPTION_NAMES = optionNames<SharedKeyRingOptions>(
  {
    store: true,
    ringId: true,
    kek: true,
    alg: true,
    maxTokenLifetime: true,
    jwksCacheMaxAge: true,
    refreshEvery: true,
    publishBefore: true,
    rotateEvery: true,
    signers: true,
    onError: true,
    clock: true,
  },
  {
    current: 'a shared ring creates its keys: pass "alg" (and "signers" for keys in a KMS)',
    next: 'a shared ring creates its keys: pass "alg" (and "signers" for keys in a KMS)',
    retainFor: 'use "maxTokenLifetime"',
    nextKeyLead: 'use "publishBefore"',
  },
);

/**
 * A key ring whose state lives in a {@link KeyRingStore} shared by every instance of an
 * authorization server (see {@link createSharedKeyRing}). `createTokenService` accepts it as
 * `key`, like a {@link KeyRing}; serve `ring.jwks()` at the JWKS endpoint with `cacheMaxAge`
 * equal to `jwksCacheMaxAge`.
 */
export interface SharedKeyRing extends Omit<KeyRing, 'rotate' | 'jwks'> {
  /** The ring's name in the store. */
  readonly ringId: string;
  /** The `jwksCacheMaxAge` option in seconds: the `cacheMaxAge` to give the JWKS endpoint. */
  readonly jwksCacheMaxAge: number;
  /**
   * The current signing key of the local snapshot (see {@link KeyRing.signingKey}).
   * @throws `JwtError` `ERR_STORE_UNAVAILABLE` when the snapshot could not be refreshed for
   * longer than `publishBefore - jwksCacheMaxAge`: signing on could outrun the published keys.
   */
  readonly signingKey: BoundKey;
  /**
   * The public JWKS of the snapshot: the current key, the next one, and the retired keys whose
   * tokens may still be valid, each with `kid`, `alg` and `use: "sig"`. A fresh object at every call.
   * @throws `JwtError` `ERR_STORE_UNAVAILABLE` when the snapshot is too old (as `signingKey`): the
   * JWKS endpoint then answers 500 and verifiers keep their cached set.
   */
  jwks(): JsonWebKeySet;
  /**
   * Rotates now, for every instance: the next key (published at least `publishBefore` ago) signs
   * from now on, the current one retires, and a new next key is published. Other instances follow
   * within `refreshEvery`. When another instance rotated first, nothing more is done.
   * @returns whether this call rotated.
   * @throws `JwtError` `ERR_INVALID_OPTION` when the next key is published for less than
   * `publishBefore` (verifiers may not hold it yet) or the ring is closed; `ERR_STORE_UNAVAILABLE`
   * when the store fails; `ERR_KEY_INVALID` as {@link createSharedKeyRing}.
   */
  rotate(): Promise<boolean>;
  /**
   * Reloads the snapshot from the store now, and rotates when `rotateEvery` says it is due (what
   * the ring does every `refreshEvery` on its own).
   * @throws `JwtError` `ERR_STORE_UNAVAILABLE` when the store fails; `ERR_KEY_INVALID` as
   * {@link createSharedKeyRing}, and when the store holds a state of a lower generation than the
   * snapshot (rolled back): the snapshot is then kept; `ERR_INVALID_OPTION` when the ring is closed.
   */
  refresh(): Promise<void>;
  /** Stops the background refresh (the snapshot keeps serving until it is too old). @throws never. */
  close(): void;
}

/** A key of the snapshot. */
interface SnapshotKey {
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  readonly publicKey: BoundKey;
  readonly publicJwk: Readonly<JWK>;
}

interface Snapshot {
  readonly version: number;
  readonly state: RingState;
  /** When it was read from the store (the ring's clock, milliseconds). */
  readonly loadedAt: number;
  readonly current: SnapshotKey & { readonly signer: BoundKey };
  readonly next: SnapshotKey;
  readonly retired: readonly (SnapshotKey & { readonly dropAt: number })[];
}

const DEFAULT_JWKS_CACHE_MAX_AGE = 300;
const DEFAULT_REFRESH_EVERY = 30;
/** The longest delay `setInterval` keeps (2^31 - 1 ms). */
const MAX_TIMER_SECONDS = 2_147_483;
/** How many compare-and-set conflicts in a row a write gives up after. */
const MAX_CONFLICTS = 5;

/**
 * A key ring shared by every instance of an authorization server through a {@link KeyRingStore}:
 * all instances sign with the same current key, publish the same keys, and follow a rotation made
 * by any of them; a restart finds the ring as it was. Creating it loads the ring from the store,
 * or creates it there (a current and a next key) when it is new, by compare-and-set, so that
 * instances starting together agree on one.
 *
 * The token service reads `signingKey` synchronously, so each instance serves a snapshot reloaded
 * every `refreshEvery`. The timeline that keeps every token verifiable (docs/auth-server-and-jwks.md,
 * "Several instances"): a next key is published `publishBefore` before it may sign, which must
 * exceed `refreshEvery + jwksCacheMaxAge` (every instance serves it within `refreshEvery`, then
 * every verifier's cache holds it within `jwksCacheMaxAge`); a retired key stays published until
 * the last token it signed has expired. With `rotateEvery`, the first instance that finds the
 * rotation due makes it, by compare-and-set on the state's version: one rotation per period.
 *
 * Private keys are stored encrypted with AES-256-GCM under `kek`, their additional authenticated
 * data binding the ring id, `kid`, `alg` and public key; every key also carries a tag of `kek` over
 * its public half, so that a key slipped into the store is never published. The state as a whole
 * (roles, times, and a generation raised by every write) carries an HMAC-SHA-256 under a key
 * derived from the first KEK (checked with any, by id): a running instance refuses an altered
 * state, or one older than it took, and keeps serving its snapshot. Keys are generated
 * with `alg` (or made by `signers`, when they stay in a KMS), and a retired key's private half is
 * deleted. The background refresh timer is unref'd; `close()` stops it.
 *
 * @param options - see {@link SharedKeyRingOptions}.
 * @returns the {@link SharedKeyRing}, once its snapshot is loaded.
 * @example
 * ```ts
 * import { createSharedKeyRing, createTokenService } from 'jwtkit';
 * import { RedisKeyRingStore } from 'jwtkit/redis';
 * const ring = await createSharedKeyRing({
 *   store: new RedisKeyRingStore({ client: redis }),
 *   ringId: 'auth',
 *   kek: { id: '2026-12', key: Buffer.from(process.env.JWT_KEK!, 'base64') }, // 32 bytes
 *   alg: 'ES256',
 *   maxTokenLifetime: '16m',
 *   rotateEvery: '30d',
 * });
 * const tokens = createTokenService({ key: ring, issuer, audience, accessTokenTtl: '15m' });
 * app.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks(), cacheMaxAge: ring.jwksCacheMaxAge }));
 * ```
 * @throws `JwtError` `ERR_INVALID_OPTION` for a missing `store`, `ringId`, `alg` or
 * `maxTokenLifetime`, an HMAC `alg`, a missing or bad `kek` (not 32 bytes, duplicate id), a `publishBefore` not
 * above `refreshEvery + jwksCacheMaxAge`, a `rotateEvery` below `publishBefore`, or an unknown option
 * name; `ERR_KEY_INVALID` when a stored key is sealed under a KEK not in `kek` or does not open
 * with it (a wrong KEK: no new key is ever made in its place; or a key altered or slipped into the
 * store), or the stored state is not one jwtkit wrote or was altered (its MAC); `ERR_STORE_UNAVAILABLE` when the store fails.
 */
export async function createSharedKeyRing(options: SharedKeyRingOptions): Promise<SharedKeyRing> {
  const settings = readOptions(options);
  const ring = new SharedRing(settings);
  await ring.start();
  return ring.view();
}

interface Settings {
  readonly store: KeyRingStore;
  readonly ringId: string;
  readonly keks: readonly KeyEncryptionKey[];
  readonly alg: JwsAlgorithm;
  readonly lifetimeMs: number;
  readonly maxTokenLifetime: number;
  readonly jwksCacheMaxAge: number;
  readonly refreshMs: number;
  readonly publishBeforeMs: number;
  readonly rotateEveryMs: number | undefined;
  /** How long a snapshot may serve without a refresh: `publishBefore - jwksCacheMaxAge`. */
  readonly maxSnapshotAgeMs: number;
  readonly signers: SharedKeyRingSigners | undefined;
  readonly onError: ((error: unknown) => void) | undefined;
  readonly clock: Clock | undefined;
}

function readOptions(options: SharedKeyRingOptions): Settings {
  if (typeof options !== 'object' || options === null) throw new JwtError('ERR_INVALID_OPTION', 'createSharedKeyRing needs options');
  checkOptionNames(options, SHARED_KEY_RING_OPTION_NAMES, 'createSharedKeyRing');
  const { store, alg, signers, onError } = options;
  if (typeof store !== 'object' || store === null || typeof store.load !== 'function' || typeof store.compareAndSet !== 'function') {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"store" must be a KeyRingStore (RedisKeyRingStore, PostgresKeyRingStore, MemoryKeyRingStore)',
    );
  }
  const ringId = checkRingId(options.ringId);
  if (!isJwsAlgorithm(alg) || ALGORITHMS[alg].family === 'hmac') {
    throw new JwtError('ERR_INVALID_OPTION', '"alg" is required: an RS*, PS*, ES* or EdDSA algorithm (a ring publishes its keys)');
  }
  if (signers !== undefined && (typeof signers?.create !== 'function' || typeof signers?.open !== 'function')) {
    throw new JwtError('ERR_INVALID_OPTION', '"signers" must have create(alg) and open(kid, alg) functions');
  }
  const keks = readKeks(options.kek);
  if (onError !== undefined && typeof onError !== 'function') throw new JwtError('ERR_INVALID_OPTION', '"onError" must be a function');
  const maxTokenLifetime = durationToSeconds(options.maxTokenLifetime, 'maxTokenLifetime');
  if (maxTokenLifetime <= 0) throw new JwtError('ERR_INVALID_OPTION', '"maxTokenLifetime" must be more than 0');
  const jwksCacheMaxAge = durationToSeconds(options.jwksCacheMaxAge ?? DEFAULT_JWKS_CACHE_MAX_AGE, 'jwksCacheMaxAge');
  const refreshEvery = durationToSeconds(options.refreshEvery ?? DEFAULT_REFRESH_EVERY, 'refreshEvery');
  if (refreshEvery <= 0 || refreshEvery > MAX_TIMER_SECONDS) {
    throw new JwtError('ERR_INVALID_OPTION', `"refreshEvery" must be more than 0 and at most ${MAX_TIMER_SECONDS} seconds`);
  }
  const publishBefore = durationToSeconds(options.publishBefore ?? 2 * (refreshEvery + jwksCacheMaxAge), 'publishBefore');
  if (publishBefore <= refreshEvery + jwksCacheMaxAge) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      `"publishBefore" (${publishBefore} s) must be more than "refreshEvery" + "jwksCacheMaxAge" ` +
        `(${refreshEvery} + ${jwksCacheMaxAge} s): raise "publishBefore", or refresh more often, or let verifiers cache the JWKS for less`,
    );
  }
  let rotateEveryMs: number | undefined;
  if (options.rotateEvery !== undefined) {
    const rotateEvery = durationToSeconds(options.rotateEvery, 'rotateEvery');
    if (rotateEvery < publishBefore) {
      throw new JwtError(
        'ERR_INVALID_OPTION',
        `"rotateEvery" (${rotateEvery} s) must be at least "publishBefore" (${publishBefore} s): a next key is published that long before it signs`,
      );
    }
    rotateEveryMs = rotateEvery * 1000;
  }
  const maxSnapshotAgeMs = (publishBefore - jwksCacheMaxAge) * 1000;
  return {
    store,
    ringId,
    keks,
    alg,
    lifetimeMs: maxTokenLifetime * 1000,
    maxTokenLifetime,
    jwksCacheMaxAge,
    refreshMs: refreshEvery * 1000,
    publishBeforeMs: publishBefore * 1000,
    rotateEveryMs,
    maxSnapshotAgeMs,
    signers,
    onError,
    clock: checkClock(options.clock, 'clock'),
  };
}

class SharedRing {
  readonly #settings: Settings;
  /**
   * The signers of the current and next keys, by `kid`, `alg` and public key thumbprint (see
   * `#signerId`): each key is decrypted (or opened) once, and a public key changed under a `kid`
   * never reuses the signer of the old one.
   */
  readonly #signers = new Map<string, BoundKey>();
  #snapshot: Snapshot | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** The refresh in flight: the timer never starts a second one. */
  #refreshing: Promise<void> | undefined;
  #lastAlgorithms: readonly JwsAlgorithm[] = [];

  constructor(settings: Settings) {
    this.#settings = settings;
  }

  #now(): number {
    return readClock(this.#settings.clock, 'clock');
  }

  async start(): Promise<void> {
    const { store, ringId } = this.#settings;
    for (let attempt = 0; this.#snapshot === undefined; attempt += 1) {
      if (attempt === MAX_CONFLICTS) throw conflictError();
      const stored = await store.load(ringId);
      if (stored !== undefined) {
        await this.#apply(stored);
        break;
      }
      const time = this.#now();
      const [current, next] = await Promise.all([this.#newKey(), this.#newKey()]);
      const state: RingState = {
        format: 1,
        generation: 1,
        current: { ...current, since: time },
        next: { ...next, publishedAt: time },
        retired: [],
      };
      const text = writeRingState(state, ringId, this.#settings.keks[0] as KeyEncryptionKey);
      if (await store.compareAndSet(ringId, 0, text)) await this.#apply({ version: 1, state: text });
      // Else another instance created the ring first: load it.
    }
    await this.#rotateIfDue();
    this.#timer = setInterval(() => {
      this.refresh().catch((error: unknown) => {
        try {
          this.#settings.onError?.(error);
        } catch {
          // Errors of onError are ignored.
        }
      });
    }, this.#settings.refreshMs);
    this.#timer.unref?.();
  }

  refresh(): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    this.#refreshing ??= (async () => {
      try {
        await this.#reload();
        await this.#rotateIfDue();
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  async rotate(): Promise<boolean> {
    if (this.#closed) throw closedError();
    return this.#promote(true);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  view(): SharedKeyRing {
    const { ringId, maxTokenLifetime, jwksCacheMaxAge } = this.#settings;
    const ring = this;
    return Object.freeze({
      ringId,
      maxTokenLifetime,
      jwksCacheMaxAge,
      get signingKey(): BoundKey {
        return ring.#fresh().current.signer;
      },
      get algorithms(): readonly JwsAlgorithm[] {
        return ring.#algorithms();
      },
      verificationKeys: (header: Readonly<JwsHeader>): BoundKey => {
        const kid = header?.kid;
        const match = typeof kid === 'string' ? this.#published().find((key) => key.kid === kid) : undefined;
        if (match === undefined) throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no published key of the ring has the token\'s "kid"');
        return match.publicKey;
      },
      jwks: (): JsonWebKeySet => {
        this.#fresh();
        return { keys: this.#published().map((key) => ({ ...key.publicJwk, use: 'sig' })) };
      },
      rotate: () => this.rotate(),
      refresh: () => this.refresh(),
      close: () => this.close(),
    });
  }

  /** The algorithms of the published keys: the same frozen array until they change. */
  #algorithms(): readonly JwsAlgorithm[] {
    const algs = [...new Set(this.#published().map((key) => key.alg))];
    const last = this.#lastAlgorithms;
    if (algs.length !== last.length || algs.some((alg, index) => alg !== last[index])) this.#lastAlgorithms = Object.freeze(algs);
    return this.#lastAlgorithms;
  }

  /** The snapshot, unless it is too old to serve. */
  #fresh(): Snapshot {
    const snapshot = this.#snapshot as Snapshot;
    if (this.#now() - snapshot.loadedAt > this.#settings.maxSnapshotAgeMs) {
      throw new JwtError(
        'ERR_STORE_UNAVAILABLE',
        'the shared key ring could not be refreshed from its store for longer than "publishBefore" - "jwksCacheMaxAge"',
      );
    }
    return snapshot;
  }

  /** The published keys of the snapshot: current, next, and the retired ones not dropped yet. */
  #published(): SnapshotKey[] {
    const snapshot = this.#snapshot as Snapshot;
    const time = this.#now();
    return [snapshot.current, snapshot.next, ...snapshot.retired.filter((key) => time < key.dropAt)];
  }

  async #reload(): Promise<void> {
    const stored = await this.#settings.store.load(this.#settings.ringId);
    if (stored === undefined) {
      throw new JwtError('ERR_STORE_UNAVAILABLE', 'the state of the shared key ring is gone from its store: the snapshot keeps serving');
    }
    await this.#apply(stored);
  }

  /**
   * Makes `stored` the snapshot (when it is newer): checks the state's MAC and generation and the
   * tag of every published key, then decrypts (or opens) its current and next keys, once each.
   * When it throws, the snapshot stays as it was (and grows old: see `#fresh`).
   */
  async #apply(stored: StoredKeyRing): Promise<void> {
    const loadedAt = this.#now();
    const previous = this.#snapshot;
    if (previous !== undefined && stored.version < previous.version) return;
    if (previous !== undefined && stored.version === previous.version) {
      this.#snapshot = { ...previous, loadedAt };
      return;
    }
    const state = readRingState(stored.state, this.#settings.ringId, this.#settings.keks);
    if (previous !== undefined && state.generation < previous.state.generation) {
      // The store's version went up but the state went back: an older state put back by a writer
      // of the store (its MAC is genuine). Refused: this instance keeps its snapshot.
      throw new JwtError(
        'ERR_KEY_INVALID',
        `the store holds an older state of the key ring (generation ${state.generation}) than this instance took ` +
          `(generation ${previous.state.generation}): was the store rolled back? The snapshot keeps serving`,
      );
    }
    // Retired keys past their time are no longer published (the next write removes them): not checked.
    const retention = this.#settings.lifetimeMs + this.#settings.maxSnapshotAgeMs;
    const published = state.retired.filter((key) => loadedAt < key.retiredAt + retention);
    const keys = [state.current, state.next, ...published];
    // Every tag, at every new state: a GCM check costs microseconds, and a cache of checked tags
    // could let a public key be swapped under a kid and tag seen before.
    for (const key of keys) this.#checkTag(key);
    const signer = await this.#signer(state.current);
    await this.#signer(state.next);
    const kept = new Set([this.#signerId(state.current), this.#signerId(state.next)]);
    for (const id of this.#signers.keys()) if (!kept.has(id)) this.#signers.delete(id);
    const retired = published.map((key) => ({ ...snapshotKey(key), dropAt: key.retiredAt + retention }));
    const current = { ...snapshotKey(state.current), signer };
    const next = snapshotKey(state.next);
    this.#snapshot = { version: stored.version, state, loadedAt, current, next, retired };
  }

  /** Checks the KEK's tag over a stored public key: its `kid`, `alg` and the thumbprint of its JWK. */
  #checkTag(key: StoredRingKey): void {
    checkPublicKey(key.tag, this.#settings.keks, this.#binding(key.kid, key.alg, key.jwk));
  }

  /** What a signer is cached by: its `kid`, `alg` and the RFC 7638 thumbprint of its public key. */
  #signerId(key: StoredRingKey): string {
    return JSON.stringify([key.kid, key.alg, thumbprint(key.jwk as JWK)]);
  }

  #binding(kid: string, alg: JwsAlgorithm, jwk: Readonly<JWK>): SealBinding {
    return { ringId: this.#settings.ringId, kid, alg, thumbprint: thumbprint(jwk as JWK) };
  }

  /** The signer of a current or next key: decrypted under the KEK, or opened by `signers`; checked against the published key. */
  async #signer(key: StoredRingKey): Promise<BoundKey> {
    const id = this.#signerId(key);
    const known = this.#signers.get(id);
    if (known !== undefined) return known;
    const { keks, signers } = this.#settings;
    let signer: BoundKey;
    if (key.sealed !== undefined) {
      signer = bindKey(openPrivateKey(key.sealed, keks, this.#binding(key.kid, key.alg, key.jwk)), key.alg, { kid: key.kid });
    } else {
      if (signers === undefined) {
        throw new JwtError('ERR_KEY_INVALID', 'a key of the ring is a remote signer: pass "signers" to open it');
      }
      signer = await signers.open(key.kid, key.alg);
      if (!isBoundKey(signer) || signer.type !== 'private' || signer.alg !== key.alg || signer.kid !== key.kid) {
        throw new JwtError('ERR_KEY_INVALID', `"signers.open" must return the signer of the key "${key.kid}" (${key.alg})`);
      }
    }
    if (thumbprint(exportJWK(toVerificationKey(signer))) !== thumbprint(key.jwk as JWK)) {
      throw new JwtError('ERR_KEY_INVALID', 'a private key of the ring does not match its published public key: was the store altered?');
    }
    this.#signers.set(id, signer);
    return signer;
  }

  /** A new key of the ring, ready to store: generated and sealed under the first KEK, or made by `signers`. */
  async #newKey(): Promise<StoredRingKey> {
    const { alg, keks, signers } = this.#settings;
    const kek = keks[0] as KeyEncryptionKey;
    if (signers !== undefined) {
      const signer = await signers.create(alg);
      if (!isBoundKey(signer) || signer.type !== 'private' || signer.alg !== alg || typeof signer.kid !== 'string' || signer.kid === '') {
        throw new JwtError('ERR_KEY_INVALID', `"signers.create" must return a signer of ${alg} with a "kid" (createRemoteSigner)`);
      }
      const jwk = Object.freeze(exportJWK(toVerificationKey(signer)));
      return { kid: signer.kid, alg, jwk, tag: sealPublicKey(kek, this.#binding(signer.kid, alg, jwk)) };
    }
    const { privateKey } = await generateKeyPair(alg);
    const kid = privateKey.kid as string;
    const jwk = Object.freeze(exportJWK(privateKey));
    const binding = this.#binding(kid, alg, jwk);
    return { kid, alg, jwk, tag: sealPublicKey(kek, binding), sealed: sealPrivateKey(privateKey.keyObject, kek, binding) };
  }

  async #rotateIfDue(): Promise<void> {
    const { rotateEveryMs } = this.#settings;
    if (rotateEveryMs === undefined) return;
    const { state } = this.#snapshot as Snapshot;
    if (this.#now() >= state.current.since + rotateEveryMs) await this.#promote(false);
  }

  /**
   * Promotes the next key, by compare-and-set on the state's version; on a conflict, reloads and
   * stops when another instance rotated meanwhile.
   */
  async #promote(manual: boolean): Promise<boolean> {
    const { store, ringId, publishBeforeMs, lifetimeMs, maxSnapshotAgeMs } = this.#settings;
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt += 1) {
      const base = this.#snapshot as Snapshot;
      const time = this.#now();
      if (time < base.state.next.publishedAt + publishBeforeMs) {
        if (!manual) return false;
        throw new JwtError(
          'ERR_INVALID_OPTION',
          'the next key is published for less than "publishBefore": verifiers may not hold it yet; rotate later',
        );
      }
      const staged = await this.#newKey();
      const { current, next, retired } = base.state;
      const retention = lifetimeMs + maxSnapshotAgeMs;
      const state: RingState = {
        format: 1,
        generation: base.state.generation + 1,
        current: { ...next, since: time },
        next: { ...staged, publishedAt: time },
        retired: [
          { kid: current.kid, alg: current.alg, jwk: current.jwk, tag: current.tag, retiredAt: time },
          ...retired.filter((key) => time < key.retiredAt + retention),
        ],
      };
      const text = writeRingState(state, ringId, this.#settings.keks[0] as KeyEncryptionKey);
      if (await store.compareAndSet(ringId, base.version, text)) {
        await this.#apply({ version: base.version + 1, state: text });
        return true;
      }
      await this.#reload();
      if ((this.#snapshot as Snapshot).state.current.kid !== current.kid) return false;
    }
    throw conflictError();
  }
}

function snapshotKey(key: StoredRingKey): SnapshotKey {
  const publicKey = importKey(key.jwk as JWK, { alg: key.alg, kid: key.kid });
  return { kid: key.kid, alg: key.alg, publicKey, publicJwk: key.jwk };
}

function closedError(): JwtError {
  return new JwtError('ERR_INVALID_OPTION', 'the shared key ring is closed');
}

function conflictError(): JwtError {
  return new JwtError('ERR_STORE_UNAVAILABLE', 'the key ring store kept changing under the ring: too many concurrent writes');
}
