// The opt-in verified-token cache against fast-jwt's (`cache: true`), one repeated token.
// Each call receives a fresh string, sliced from an `Authorization` header as an HTTP adapter
// would, so no string hash computed by an earlier call is reused.
import { createFloorSigner, createFloorVerifier } from '../lib/floor.mjs';
import { AUDIENCE, CLAIMS, ISSUER, keysFor } from '../lib/keys.mjs';
import { fastJwtCachedVerifier } from '../lib/peers.mjs';
import { boundKey, hasExports } from '../lib/subject.mjs';

const CACHE_ALGS = ['HS256', 'ES256', 'RS256'];

export function groups({ builds, jwtkit }) {
  return CACHE_ALGS.map((alg) => {
    const group = { id: `cache/${alg}`, title: `${alg} verify (sync) of a repeated token, verified-token cache on` };
    if (!hasExports(jwtkit, 'createVerifiedTokenCache')) return { ...group, skip: 'createVerifiedTokenCache is not in this build' };
    group.build = () => {
      const keys = keysFor(alg);
      const token = createFloorSigner({ alg, key: keys.signKey })(CLAIMS);
      const authorization = `Bearer ${token}`;
      const floor = createFloorVerifier({ alg, key: keys.verifyKey, issuer: ISSUER, audience: AUDIENCE });
      const fastCached = fastJwtCachedVerifier({ alg, ...keys });
      const contestants = [{ name: 'floor (no cache)', role: 'floor', fn: () => floor(authorization.slice(7)) }];
      for (const { name, role, build } of builds) {
        if (!hasExports(build, 'createVerifiedTokenCache')) continue;
        const key = boundKey(build, keys.verifyKey, alg);
        const options = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
        const cached = { ...options, cache: build.createVerifiedTokenCache({ max: 1000 }) };
        contestants.push({ name: `${name} (cache)`, role, fn: () => build.verifySync(authorization.slice(7), key, cached) });
        if (role === 'subject') {
          contestants.push({
            name: `${name} (no cache)`,
            role: 'reference',
            fn: () => build.verifySync(authorization.slice(7), key, options),
          });
        }
      }
      contestants.push({ name: 'fast-jwt (cache)', role: 'peer', fn: () => fastCached(authorization.slice(7)) });
      const check = (result) => {
        if ((result.payload ?? result).sub !== CLAIMS.sub) throw new Error('wrong payload');
      };
      return { contestants, check };
    };
    return group;
  });
}
