/**
 * The state document of a shared key ring, as its `KeyRingStore` keeps it: which key signs (since
 * when), which one is published to sign next (since when), and which retired (when). Private keys
 * are sealed (`key-encryption.ts`) or stay in a remote signer; retired keys keep their public half
 * only. Every key carries a tag of the KEK over its public half, so that no key can be slipped in,
 * and the document as a whole carries a MAC of the KEK over its text (`key-encryption.ts`) and a
 * generation that every write raises by one, so that a running instance never takes an altered
 * timeline or an older state (docs/auth-server-and-jwks.md, "Several instances").
 *
 * @module
 * @internal
 */
import { JwtError } from '../errors.js';
import { parseJsonObject } from '../encoding/json.js';
import { isJwsAlgorithm } from '../jws/algorithms.js';
import type { JWK, JwsAlgorithm } from '../jws/types.js';
import { checkStateMac, macState, type KeyEncryptionKey, type SealedKey, type StateMac } from './key-encryption.js';

/** A key of the ring as stored. @internal */
export interface StoredRingKey {
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  /** The public JWK (with `kid` and `alg`), as published. */
  readonly jwk: Readonly<JWK>;
  /** The KEK's tag over the public key: a key without a valid one is never published. */
  readonly tag: SealedKey;
  /** The encrypted private key; absent for a remote signer (and for every retired key). */
  readonly sealed?: SealedKey;
}

/** The ring's state. Times are milliseconds since the epoch. @internal */
export interface RingState {
  readonly format: 1;
  /** 1 for a new ring, one more at every write: an instance refuses a state older than one it took. */
  readonly generation: number;
  /** The key that signs, and since when. */
  readonly current: StoredRingKey & { readonly since: number };
  /** The key that signs after the next rotation, and since when it is published. */
  readonly next: StoredRingKey & { readonly publishedAt: number };
  /** Keys that signed before, public halves only, newest first. */
  readonly retired: readonly (StoredRingKey & { readonly retiredAt: number })[];
}

/**
 * Writes a state as the store keeps it: its JSON with a `mac` member, the MAC of `kek` over the
 * ring id and the JSON of every other member (so over the roles, the times and the generation).
 * @internal
 */
export function writeRingState(state: RingState, ringId: string, kek: KeyEncryptionKey): string {
  return JSON.stringify({ ...state, mac: macState(kek, ringId, JSON.stringify(state)) });
}

/**
 * Reads a state written by {@link writeRingState} for the ring `ringId`, after checking its MAC
 * with the KEK of the MAC's id among `keks`.
 * @throws `ERR_KEY_INVALID` when the text is not such a state (another program's data), its MAC
 * does not match (the state was altered, or moved from another ring), or its KEK is not in `keks`.
 * @internal
 */
export function readRingState(text: string, ringId: string, keks: readonly KeyEncryptionKey[]): RingState {
  const fail = (): never => {
    throw new JwtError(
      'ERR_KEY_INVALID',
      'the stored state of the key ring is not one jwtkit wrote: was the store altered, or the ring id reused?',
    );
  };
  const { mac, ...document } = parseJsonObject(text) ?? fail();
  const { kek, data } = (typeof mac === 'object' && mac !== null ? mac : {}) as Record<string, unknown>;
  if (typeof kek !== 'string' || typeof data !== 'string') fail();
  // What the MAC covers is exactly what is read below: every member but `mac`, as parsed.
  checkStateMac(mac as StateMac, keks, ringId, JSON.stringify(document));
  if (document['format'] !== 1 || !Array.isArray(document['retired'])) fail();
  const time = (value: unknown): number => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail());
  const generation = time(document['generation']);
  if (generation < 1) fail();
  const key = (value: unknown): StoredRingKey => {
    if (typeof value !== 'object' || value === null) return fail();
    const { kid, alg, jwk, tag, sealed } = value as Record<string, unknown>;
    if (typeof kid !== 'string' || kid.length === 0 || typeof alg !== 'string' || !isJwsAlgorithm(alg)) fail();
    if (typeof jwk !== 'object' || jwk === null || (jwk as JWK).kid !== kid || (jwk as JWK).alg !== alg) fail();
    for (const seal of sealed === undefined ? [tag] : [tag, sealed]) {
      const { kek, iv, data } = (typeof seal === 'object' && seal !== null ? seal : {}) as Record<string, unknown>;
      if (typeof kek !== 'string' || typeof iv !== 'string' || typeof data !== 'string') fail();
    }
    return {
      kid: kid as string,
      alg: alg as JwsAlgorithm,
      jwk: jwk as JWK,
      tag: tag as SealedKey,
      ...(sealed === undefined ? {} : { sealed: sealed as SealedKey }),
    };
  };
  const current = document['current'] as Record<string, unknown> | undefined;
  const next = document['next'] as Record<string, unknown> | undefined;
  const state: RingState = {
    format: 1,
    generation,
    current: { ...key(current), since: time(current?.['since']) },
    next: { ...key(next), publishedAt: time(next?.['publishedAt']) },
    retired: (document['retired'] as unknown[]).map((entry) => ({
      ...key(entry),
      retiredAt: time((entry as Record<string, unknown>)['retiredAt']),
    })),
  };
  const kids = [state.current.kid, state.next.kid, ...state.retired.map((entry) => entry.kid)];
  if (new Set(kids).size !== kids.length) fail();
  return state;
}
