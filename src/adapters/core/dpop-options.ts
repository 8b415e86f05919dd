import type { DPoPAlgorithm } from '../../dpop/algorithms.js';
import type { DPoPNonces } from '../../dpop/nonces.js';
import type { DPoPReplayCache } from '../../dpop/replay-cache.js';
import { readDPoPProofRules, type DPoPProofRules } from '../../dpop/verify-proof.js';
import { JwtError } from '../../errors.js';
import type { Clock } from '../../internal/clock.js';
import type { Duration } from '../../internal/duration.js';

/**
 * The members the `dpop` options of `authenticate` (resource servers) and `createAuthEndpoints`
 * (the token endpoints) share: where requests are addressed, and the rules of `verifyDPoPProof`.
 * Each option adds its own members (`mode`, `required`) and reads the shared ones here, once.
 *
 * @internal
 * @module
 */

/** The members of the `dpop` options both adapters' functions take. @internal */
export interface DPoPRequestOptions {
  origins?: readonly string[];
  replayCache?: DPoPReplayCache | false;
  algorithms?: readonly DPoPAlgorithm[];
  maxAge?: Duration;
  clockTolerance?: number;
  nonces?: DPoPNonces;
  clock?: Clock;
}

/** A `dpop` option checked once. @internal */
export interface DPoPPolicy {
  /**
   * `authenticate`: `true` for `mode: 'required'` (`Bearer` is not read). `createAuthEndpoints`:
   * `required: true` (login and refresh refuse a request without a proof).
   */
  readonly required: boolean;
  readonly rules: DPoPProofRules;
  /** The origins (`URL.origin` form) a `DPoP` request may be addressed to. */
  readonly origins: ReadonlySet<string>;
  /** The `algs` attribute of the `DPoP` challenge: the algorithms, space-separated. */
  readonly algs: string;
}

/**
 * Reads the shared members of a `dpop` option (its names already checked) into a policy.
 *
 * @throws ERR_INVALID_OPTION when `replayCache` or `origins` is missing, an origin is not a bare
 *   http(s) origin, `nonces` lacks `issue` (the adapters answer `use_dpop_nonce` with a fresh
 *   `DPoP-Nonce`), or a rule of `verifyDPoPProof` is refused.
 * @internal
 */
export function readDPoPPolicy(options: DPoPRequestOptions, required: boolean): DPoPPolicy {
  const { origins, ...rest } = options;
  if (!Object.hasOwn(rest, 'replayCache')) {
    throw new JwtError(
      'ERR_INVALID_OPTION',
      '"dpop.replayCache" is required: a MemoryDPoPReplayCache made once per process, a shared cache such as RedisDPoPReplayCache, or false',
    );
  }
  const rules = readDPoPProofRules(rest as Parameters<typeof readDPoPProofRules>[0]);
  if (rules.nonces !== undefined && typeof (rules.nonces as { issue?: unknown }).issue !== 'function') {
    throw new JwtError('ERR_INVALID_OPTION', '"dpop.nonces" must be what createDPoPNonces returns (with "issue" and "check")');
  }
  return Object.freeze({ required, rules, origins: readOrigins(origins), algs: rules.algorithms.join(' ') });
}

const ORIGINS_REQUIRED =
  '"dpop.origins" is required: the public origins clients address this server at, such as ' +
  "origins: ['https://api.example.com'] (scheme, host and port, no path)";

/**
 * `dpop.origins`, as `URL.origin` gives them (lower-case host, no default port).
 *
 * @throws ERR_INVALID_OPTION when it is missing, empty, or holds anything but an http(s) origin.
 */
function readOrigins(origins: unknown): ReadonlySet<string> {
  if (!Array.isArray(origins) || origins.length === 0) throw new JwtError('ERR_INVALID_OPTION', ORIGINS_REQUIRED);
  const read = new Set<string>();
  for (const origin of origins as unknown[]) {
    const url = typeof origin === 'string' && URL.canParse(origin) ? new URL(origin) : undefined;
    // Only "scheme://host[:port]", optionally with one trailing "/": a path would be ignored silently.
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || !isBareOrigin(origin as string, url)) {
      throw new JwtError('ERR_INVALID_OPTION', `${ORIGINS_REQUIRED}; each entry must be an http(s) origin without path, query or user`);
    }
    read.add(url.origin);
  }
  return read;
}

function isBareOrigin(text: string, url: URL): boolean {
  return (
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !/[?#]/.test(text) &&
    !/^[a-z]+:\/\/[^/]*\/./i.test(text)
  );
}
