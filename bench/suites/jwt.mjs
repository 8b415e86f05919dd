// sign and verify, sync and async API, for every benchmarked algorithm; and, for HS256 sync, the
// same calls with an options literal built inside each call (`*-fresh-options`), which pays the
// check of the option names every time, beside the reused options object (checked once).
import { createFloorSigner, createFloorVerifier } from '../lib/floor.mjs';
import { ALGORITHMS, AUDIENCE, CLAIMS, ISSUER, keysFor } from '../lib/keys.mjs';
import { peersFor } from '../lib/peers.mjs';
import { boundKey } from '../lib/subject.mjs';

function jwtkitContestants(builds, alg, keys) {
  return builds.map(({ name, role, build }) => {
    const signKey = boundKey(build, keys.signKey, alg);
    const verifyKey = boundKey(build, keys.verifyKey, alg);
    const verifyOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
    const signOptions = { alg, expiresIn: 3600 };
    return {
      name,
      role,
      signSync: (claims) => build.signSync(claims, signKey, signOptions),
      signAsync: (claims) => build.sign(claims, signKey, signOptions),
      verifySync: (token) => build.verifySync(token, verifyKey, verifyOptions),
      verifyAsync: (token) => build.verify(token, verifyKey, verifyOptions),
    };
  });
}

export function groups({ builds }) {
  const out = [];
  for (const alg of ALGORITHMS) {
    for (const op of ['verify', 'sign']) {
      for (const mode of ['sync', 'async']) {
        out.push({
          id: `${op}/${alg}/${mode}`,
          title: `${alg} ${op} (${mode})`,
          // Built lazily: key generation and peer setup only for selected groups.
          build: () => buildGroup(builds, alg, op, mode),
        });
      }
    }
  }
  for (const op of ['verify', 'sign']) {
    out.push({
      id: `${op}/HS256/sync-fresh-options`,
      title: `HS256 ${op} (sync), a new options literal per call`,
      note: 'jwtkit builds its options literal inside each call (its names are checked every time); "(reused options)" passes one object (its names are checked in its first calls, then it is remembered).',
      build: () => buildFreshOptionsGroup(builds, op),
    });
  }
  return out;
}

/** Floor, then per build: a new options literal per call, and the reused options object. */
function buildFreshOptionsGroup(builds, op) {
  const alg = 'HS256';
  const keys = keysFor(alg);
  const floorVerify = createFloorVerifier({ alg, key: keys.verifyKey, issuer: ISSUER, audience: AUDIENCE });
  const floorSign = createFloorSigner({ alg, key: keys.signKey });
  const token = floorSign(CLAIMS);
  const contestants = [{ name: 'floor', role: 'floor', fn: op === 'verify' ? () => floorVerify(token) : () => floorSign(CLAIMS) }];
  for (const { name, role, build } of builds) {
    const signKey = boundKey(build, keys.signKey, alg);
    const verifyKey = boundKey(build, keys.verifyKey, alg);
    const reusedVerify = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
    const reusedSign = { alg, expiresIn: 3600 };
    if (op === 'verify') {
      contestants.push(
        { name, role, fn: () => build.verifySync(token, verifyKey, { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE }) },
        { name: `${name} (reused options)`, role: 'reference', fn: () => build.verifySync(token, verifyKey, reusedVerify) },
      );
    } else {
      contestants.push(
        { name, role, fn: () => build.signSync(CLAIMS, signKey, { alg, expiresIn: 3600 }) },
        { name: `${name} (reused options)`, role: 'reference', fn: () => build.signSync(CLAIMS, signKey, reusedSign) },
      );
    }
  }
  const check =
    op === 'verify'
      ? (result) => {
          if ((result?.payload ?? result)?.sub !== CLAIMS.sub) throw new Error('verify returned the wrong payload');
        }
      : (result) => {
          if (floorVerify(result).sub !== CLAIMS.sub) throw new Error('sign made a token the floor does not accept');
        };
  return { contestants, check };
}

function buildGroup(builds, alg, op, mode) {
  const keys = keysFor(alg);
  const floorVerify = createFloorVerifier({ alg, key: keys.verifyKey, issuer: ISSUER, audience: AUDIENCE });
  const floorSign = createFloorSigner({ alg, key: keys.signKey });
  const token = floorSign(CLAIMS);
  const method = `${op}${mode === 'sync' ? 'Sync' : 'Async'}`;
  const argument = op === 'verify' ? token : CLAIMS;
  const floorFn = op === 'verify' ? floorVerify : floorSign;
  const contestants = [
    {
      name: 'floor',
      role: 'floor',
      fn: mode === 'sync' ? () => floorFn(argument) : async () => floorFn(argument),
      async: mode === 'async',
    },
  ];
  for (const subject of [...jwtkitContestants(builds, alg, keys), ...peersFor({ alg, ...keys }).map((p) => ({ ...p, role: 'peer' }))]) {
    const call = subject[method];
    if (call === undefined) continue;
    contestants.push({ name: subject.name, role: subject.role, fn: () => call(argument), async: mode === 'async' });
  }
  const check =
    op === 'verify'
      ? (result) => {
          const payload = result?.payload ?? result;
          if (payload?.sub !== CLAIMS.sub) throw new Error('verify returned the wrong payload');
        }
      : (result) => {
          if (floorVerify(result).sub !== CLAIMS.sub) throw new Error('sign made a token the floor does not accept');
        };
  return { contestants, check };
}
