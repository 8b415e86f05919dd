import type { KeyObject } from 'node:crypto';
import type { CompactParts } from './parse.js';
import { verifySignature } from './signature.js';
import type { BoundKey, JwsAlgorithm } from './types.js';

/** A signature computed while a resolver chose a key, and whether it verified. */
interface TrialResult {
  readonly alg: JwsAlgorithm;
  readonly signingInput: string;
  readonly signature: Buffer;
  readonly valid: boolean;
}

/**
 * The result of the trial that chose each key, by key: {@link takeTrialResult} hands it to
 * `checkSignature`, so that the key a resolver returns is not checked a second time. One entry
 * per key, replaced by the next trial and removed when taken: a verification interleaved with
 * another one on the same key only computes its signature again.
 */
const lastTrial = new WeakMap<KeyObject, TrialResult>();
/** Whether any trial was ever remembered: until then, a verification skips the lookup (bench: verify/HS256/sync). */
let anyTrial = false;

/**
 * Of several candidate keys for a token (a token without `kid` against a key set), the first
 * whose signature verifies `parts`; the first candidate when none does, so that the verifier
 * reports the bad signature. Each candidate's signature is computed at most once: the result for
 * the returned key is kept for the verifier's `checkSignature`. Candidates must be bound to the
 * token's `alg`.
 * @internal
 */
export function firstVerifyingKey(parts: CompactParts, candidates: readonly [BoundKey, ...BoundKey[]]): BoundKey {
  for (const key of candidates) {
    if (verifySignature(key.alg, key.keyObject, parts.signingInput, parts.signature)) {
      remember(key, parts, true);
      return key;
    }
  }
  remember(candidates[0], parts, false);
  return candidates[0];
}

/**
 * Whether `key` verified exactly this signing input and signature with `alg` in the trial that
 * chose it, or `undefined` when no such trial is known (then the signature must be computed).
 * The result is deterministic for these inputs, so it is the one a new computation would give.
 * @internal
 */
export function takeTrialResult(key: KeyObject, alg: JwsAlgorithm, parts: CompactParts): boolean | undefined {
  if (!anyTrial) return undefined;
  const trial = lastTrial.get(key);
  if (trial === undefined || trial.alg !== alg || trial.signingInput !== parts.signingInput || !trial.signature.equals(parts.signature)) {
    return undefined;
  }
  lastTrial.delete(key);
  return trial.valid;
}

function remember(key: BoundKey, parts: CompactParts, valid: boolean): void {
  anyTrial = true;
  lastTrial.set(key.keyObject, { alg: key.alg, signingInput: parts.signingInput, signature: parts.signature, valid });
}
