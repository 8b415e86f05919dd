import type { KeyObject } from 'node:crypto';
import { JwtError, isJwtError } from '../errors.js';
import { ownValue } from '../internal/own-member.js';
import { ALGORITHMS, isJwsAlgorithm } from '../jws/algorithms.js';
import { peekOwnDataProperty, snapshotJwk, snapshotToKeyObject, type JWKSnapshot } from '../jws/jwk.js';
import { bindKey } from '../jws/key.js';
import { firstVerifyingKey } from '../jws/key-trial.js';
import { parseCompact, type CompactParts } from '../jws/parse.js';
import type { BoundKey, JwsAlgorithm, JwsHeader } from '../jws/types.js';

/** How a key set document is read. @internal */
export interface KeySetRules {
  /** Accept a set made only of `oct` keys (never one that mixes `oct` with public keys). */
  readonly allowSymmetric: boolean;
  /** The most keys a set may hold. */
  readonly maxKeys: number;
}

/** One signature key of a set: readable (with its JWK snapshot) or not (with the reason). */
interface KeyEntry {
  readonly kid: string | undefined;
  readonly snapshot: JWKSnapshot | undefined;
  readonly error: JwtError | undefined;
  keyObject: KeyObject | JwtError | undefined;
  /** Bound keys (or why binding failed), per algorithm: each key is prepared once per algorithm. */
  readonly bound: Map<JwsAlgorithm, BoundKey | JwtError>;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/** The default `maxKeys` of `createLocalJWKS` and `createRemoteJWKS`. @internal */
export const DEFAULT_MAX_KEYS = 100;

/**
 * The most keys a token without `kid` is tried against. More fitting keys than this refuse the
 * token before any signature is computed: a set of many keys without `kid` would otherwise let
 * one token cost as many signature checks as the set has keys (docs/auth-server-and-jwks.md,
 * "Tokens without kid").
 * @internal
 */
export const MAX_KIDLESS_CANDIDATES = 3;

/**
 * A parsed JSON Web Key Set, ready for key selection. Built once per document: the set is
 * validated as a whole (`ERR_JWKS_INVALID`), and each signature key is prepared at most once per
 * algorithm.
 *
 * Whole-set rules: `keys` is an array of objects of at most `maxKeys` entries; no key has private
 * members; `oct` keys only when `allowSymmetric`, and never mixed with other key types; no two
 * signature keys share a `kid`. Keys that are not for signatures (`use` other than `sig`,
 * `key_ops` without `verify`, an `alg` that is not a JWS algorithm) are ignored. Keys that cannot
 * be read are kept only to report `ERR_KEY_INVALID` when a token names them by `kid`.
 * @internal
 */
export class KeySet {
  readonly #byKid = new Map<string, KeyEntry>();
  readonly #entries: KeyEntry[] = [];
  readonly #symmetric: boolean;

  constructor(document: unknown, rules: KeySetRules) {
    const keys = readKeys(document);
    if (keys.length > rules.maxKeys) throw new JwtError('ERR_JWKS_INVALID', `the key set holds more than ${rules.maxKeys} keys`);
    let symmetric = 0;
    for (const raw of keys) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        throw new JwtError('ERR_JWKS_INVALID', 'every member of "keys" must be a JWK object');
      }
      if (PRIVATE_MEMBERS.some((name) => peekOwnDataProperty(raw, name) !== undefined)) {
        throw new JwtError('ERR_JWKS_INVALID', 'the key set holds a private key: publish only public keys');
      }
      if (peekOwnDataProperty(raw, 'kty') === 'oct') symmetric++;
      const entry = readEntry(raw);
      if (entry === undefined) continue;
      if (entry.kid !== undefined) {
        if (this.#byKid.has(entry.kid)) throw new JwtError('ERR_JWKS_INVALID', 'two keys of the set share a "kid"');
        this.#byKid.set(entry.kid, entry);
      }
      this.#entries.push(entry);
    }
    if (symmetric > 0 && !rules.allowSymmetric) {
      throw new JwtError('ERR_JWKS_INVALID', 'the key set holds a symmetric (oct) key: refused unless allowSymmetric is set');
    }
    if (symmetric > 0 && symmetric < keys.length) {
      throw new JwtError('ERR_JWKS_INVALID', 'the key set mixes symmetric (oct) and public keys');
    }
    this.#symmetric = symmetric > 0;
    for (const entry of this.#entries) {
      const alg = entry.snapshot?.alg;
      if (isJwsAlgorithm(alg)) tryBind(entry, alg);
    }
  }

  /**
   * The key for a token, or `undefined` when no key of the set can be a candidate (an unknown
   * `kid`, or no key for the algorithm): the caller may then refetch, or report
   * `ERR_JWKS_NO_MATCHING_KEY`.
   *
   * With a `kid`, the key with that `kid` must fit the header's `alg` (`ERR_JWT_ALG_NOT_ALLOWED`
   * otherwise) and be valid for it (`ERR_KEY_INVALID`). Without a `kid`, the valid keys whose
   * `alg`, `kty` and `crv` fit are candidates in set order: more than
   * {@link MAX_KIDLESS_CANDIDATES} throw `ERR_JWKS_NO_MATCHING_KEY` at once (a refetch would not
   * help); one is returned as it is; of several, the first whose signature verifies the token is
   * returned (the first, if none does, so that the verifier reports the bad signature), each
   * signature computed once (`firstVerifyingKey`). `alg` and `kid` are read as own members of the
   * header: an inherited `kid` does not choose a key.
   */
  select(header: Readonly<JwsHeader>, token: string): BoundKey | undefined {
    const alg = ownValue(header, 'alg', header.alg);
    if (!isJwsAlgorithm(alg)) throw new JwtError('ERR_JWT_ALG_NOT_ALLOWED', 'the token\'s "alg" is not a supported algorithm');
    if ((ALGORITHMS[alg].family === 'hmac') !== this.#symmetric) {
      throw new JwtError('ERR_JWT_ALG_NOT_ALLOWED', 'no key of this set can be used with the token\'s "alg"');
    }
    const kid = ownValue(header, 'kid', header.kid);
    if (kid !== undefined) {
      if (typeof kid !== 'string') throw new JwtError('ERR_JWT_MALFORMED', 'the header\'s "kid" must be a string');
      const entry = this.#byKid.get(kid);
      return entry === undefined ? undefined : keyForNamedEntry(entry, alg);
    }
    const candidates: BoundKey[] = [];
    for (const entry of this.#entries) {
      if (entry.snapshot === undefined || !entryFits(entry.snapshot, alg)) continue;
      const key = tryBind(entry, alg);
      if (key === undefined) continue;
      if (candidates.length === MAX_KIDLESS_CANDIDATES) {
        throw new JwtError(
          'ERR_JWKS_NO_MATCHING_KEY',
          `the token has no "kid" and more than ${MAX_KIDLESS_CANDIDATES} keys of the set fit it: give the keys a "kid" and sign with it`,
        );
      }
      candidates.push(key);
    }
    if (candidates.length <= 1) return candidates[0];
    let parts: CompactParts;
    try {
      parts = parseCompact(token, token.length);
    } catch {
      return candidates[0]; // not a compact JWS: the verifier reports it
    }
    return firstVerifyingKey(parts, candidates as [BoundKey, ...BoundKey[]]);
  }
}

function readKeys(document: unknown): unknown[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new JwtError('ERR_JWKS_INVALID', 'a key set must be a JSON object with a "keys" array');
  }
  const keys = peekOwnDataProperty(document, 'keys');
  if (!Array.isArray(keys)) throw new JwtError('ERR_JWKS_INVALID', 'a key set must be a JSON object with a "keys" array');
  return keys as unknown[];
}

/** The entry for a signature key, or `undefined` for a key that is not for signatures. */
function readEntry(raw: object): KeyEntry | undefined {
  let snapshot: JWKSnapshot | undefined;
  let error: JwtError | undefined;
  try {
    snapshot = snapshotJwk(raw);
  } catch (caught) {
    error = isJwtError(caught) ? caught : new JwtError('ERR_KEY_INVALID', 'the JWK could not be read', { cause: caught });
  }
  const use = snapshot !== undefined ? snapshot.use : peekOwnDataProperty(raw, 'use');
  const keyOps = snapshot !== undefined ? snapshot.keyOps : peekOwnDataProperty(raw, 'key_ops');
  const alg = snapshot !== undefined ? snapshot.alg : peekOwnDataProperty(raw, 'alg');
  if (use !== undefined && use !== 'sig') return undefined;
  if (Array.isArray(keyOps) && !keyOps.includes('verify')) return undefined;
  if (alg !== undefined && !isJwsAlgorithm(alg)) return undefined;
  const kid = snapshot !== undefined ? snapshot.kid : peekOwnDataProperty(raw, 'kid');
  return {
    kid: typeof kid === 'string' ? kid : undefined,
    snapshot,
    error,
    keyObject: undefined,
    bound: new Map(),
  };
}

/** Whether a JWK's `alg`, `kty` and `crv` allow the algorithm (without reading the key). */
function entryFits(snapshot: JWKSnapshot, alg: JwsAlgorithm): boolean {
  if (snapshot.alg !== undefined) return snapshot.alg === alg;
  const spec = ALGORITHMS[alg];
  switch (spec.family) {
    case 'hmac':
      return snapshot.kty === 'oct';
    case 'rsa':
    case 'rsa-pss':
      return snapshot.kty === 'RSA';
    case 'ecdsa':
      return snapshot.kty === 'EC' && snapshot.material['crv'] === spec.jwkCurve;
    case 'eddsa':
      return snapshot.kty === 'OKP' && snapshot.material['crv'] === 'Ed25519';
  }
}

function keyForNamedEntry(entry: KeyEntry, alg: JwsAlgorithm): BoundKey {
  if (entry.snapshot === undefined) throw entry.error as JwtError;
  if (!entryFits(entry.snapshot, alg)) {
    throw new JwtError('ERR_JWT_ALG_NOT_ALLOWED', 'the token\'s "alg" is not the algorithm of the key its "kid" names');
  }
  const key = tryBind(entry, alg);
  if (key === undefined) throw entry.bound.get(alg) as JwtError;
  return key;
}

/** The entry bound to `alg` (prepared once and remembered), or `undefined` when it is not valid for it. */
function tryBind(entry: KeyEntry, alg: JwsAlgorithm): BoundKey | undefined {
  let result = entry.bound.get(alg);
  if (result === undefined) {
    try {
      if (entry.keyObject === undefined) entry.keyObject = snapshotToKeyObject(entry.snapshot as JWKSnapshot, 'verify');
      if (entry.keyObject instanceof JwtError) throw entry.keyObject;
      result = bindKey(entry.keyObject, alg, entry.kid === undefined ? {} : { kid: entry.kid });
    } catch (error) {
      result = isJwtError(error) ? error : new JwtError('ERR_KEY_INVALID', 'the key could not be prepared', { cause: error });
      if (entry.keyObject === undefined) entry.keyObject = result;
    }
    entry.bound.set(alg, result);
  }
  return result instanceof JwtError ? undefined : result;
}
