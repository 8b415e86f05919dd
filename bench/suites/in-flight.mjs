// Throughput with several calls in flight (docs/benchmarks.md, "Signatures on the thread pool"):
// jwtkit's asynchronous `sign` / `verify` with 1, 8 and 32 calls in flight (the thread pool on),
// the same with 32 in flight and the pool off (`configureThreadPool({ enabled: false })`), the
// floor on the thread pool (the callback form of crypto.sign / crypto.verify, 32 in flight, no
// cap) and jose with 32 in flight (WebCrypto, whose jobs also run on the pool).
//
// Measured in wall-clock time whatever `--clock` says: the pool's threads work while the main
// thread waits, and the CPU time of the process would count their work, not the calls answered.
// Rounds are interleaved as in bench/lib/harness.mjs: every contestant runs in turn in short
// slices, and the ratios are taken inside a round.
import { createFloorSignerOnPool, createFloorVerifier, createFloorVerifierOnPool } from '../lib/floor.mjs';
import { median, summarise } from '../lib/harness.mjs';
import { AUDIENCE, CLAIMS, ISSUER, keysFor } from '../lib/keys.mjs';
import { peersFor } from '../lib/peers.mjs';
import { boundKey } from '../lib/subject.mjs';

const ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const SLICES_PER_ROUND = 10;
const MOST_IN_FLIGHT = 32;

export function groups({ builds }) {
  const out = [];
  for (const op of ['sign', 'verify']) {
    for (const alg of ALGORITHMS) {
      out.push({
        id: `in-flight/${op}/${alg}`,
        title: `${alg} ${op} (async), 1 / 8 / ${MOST_IN_FLIGHT} calls in flight; wall-clock ops/s`,
        note: `floor: crypto.sign / crypto.verify in their callback form (the pool, no cap); ×floor: to the floor with ${MOST_IN_FLIGHT} in flight; ×fastest peer: to jose with ${MOST_IN_FLIGHT} in flight; ×1 in flight: jwtkit's ${MOST_IN_FLIGHT} in flight to its own 1 in flight`,
        run: (ctx) => runGroup(builds, alg, op, ctx),
      });
    }
  }
  return out;
}

/** The contestants of one group: `{ name, role, inFlight, call, setup?, teardown? }`; jwtkit's also `build` and `mode` (pool, inline). */
function contestantsOf(builds, alg, op) {
  const keys = keysFor(alg);
  const floor =
    op === 'sign'
      ? createFloorSignerOnPool({ alg, key: keys.signKey })
      : createFloorVerifierOnPool({ alg, key: keys.verifyKey, issuer: ISSUER, audience: AUDIENCE });
  const contestants = [{ name: `floor, ${MOST_IN_FLIGHT} in flight`, role: 'floor', inFlight: MOST_IN_FLIGHT, call: floor }];
  for (const { name, role, build } of builds) {
    const signKey = boundKey(build, keys.signKey, alg);
    const verifyKey = boundKey(build, keys.verifyKey, alg);
    const signOptions = { alg, expiresIn: 3600 };
    const verifyOptions = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
    const call = op === 'sign' ? () => build.sign(CLAIMS, signKey, signOptions) : (jws) => build.verify(jws, verifyKey, verifyOptions);
    if (typeof build.configureThreadPool !== 'function') {
      // A build from before the thread pool (--baseline): its async API computes on the calling thread.
      contestants.push({ name: `${name}, ${MOST_IN_FLIGHT} in flight`, role: 'reference', inFlight: MOST_IN_FLIGHT, call });
      continue;
    }
    const onPool = () => build.configureThreadPool({ enabled: true });
    for (const inFlight of [1, 8, MOST_IN_FLIGHT]) {
      contestants.push({
        name: `${name}, ${inFlight} in flight`,
        role: inFlight === MOST_IN_FLIGHT && role === 'subject' ? 'subject' : 'reference',
        build: name,
        mode: 'pool',
        inFlight,
        call,
        setup: onPool,
      });
    }
    contestants.push({
      name: `${name} inline, ${MOST_IN_FLIGHT} in flight`,
      role: 'reference',
      build: name,
      mode: 'inline',
      inFlight: MOST_IN_FLIGHT,
      call,
      setup: () => build.configureThreadPool({ enabled: false }),
      teardown: onPool,
    });
  }
  const jose = peersFor({ alg, ...keys }).find((peer) => peer.name === 'jose');
  contestants.push({
    name: `jose, ${MOST_IN_FLIGHT} in flight`,
    role: 'peer',
    inFlight: MOST_IN_FLIGHT,
    call: op === 'sign' ? jose.signAsync : jose.verifyAsync,
  });
  return contestants;
}

/** Runs `contestant` for `ms` milliseconds of wall-clock time with its number of calls in flight. */
async function slice(contestant, argument, ms) {
  contestant.setup?.();
  let operations = 0;
  const start = performance.now();
  const end = start + ms;
  const worker = async () => {
    while (performance.now() < end) {
      await contestant.call(argument);
      operations++;
    }
  };
  await Promise.all(Array.from({ length: contestant.inFlight }, worker));
  const elapsed = performance.now() - start;
  contestant.teardown?.();
  return { operations, elapsed };
}

async function runGroup(builds, alg, op, { rounds, timeMs }) {
  const keys = keysFor(alg);
  const floorCheck = createFloorVerifier({ alg, key: keys.verifyKey, issuer: ISSUER, audience: AUDIENCE });
  const token = await createFloorSignerOnPool({ alg, key: keys.signKey })(CLAIMS);
  const argument = op === 'verify' ? token : CLAIMS;
  const contestants = contestantsOf(builds, alg, op);
  for (const contestant of contestants) {
    contestant.setup?.();
    const result = await contestant.call(argument);
    contestant.teardown?.();
    const payload = op === 'sign' ? floorCheck(result) : (result?.payload ?? result);
    if (payload?.sub !== CLAIMS.sub) throw new Error(`${contestant.name}: wrong result`);
    await slice(contestant, argument, timeMs / 2); // warm-up, discarded
  }
  const sliceMs = timeMs / SLICES_PER_ROUND;
  const opsByName = Object.fromEntries(contestants.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    const totals = contestants.map(() => ({ operations: 0, elapsed: 0 }));
    for (let cycle = 0; cycle < SLICES_PER_ROUND; cycle++) {
      for (let k = 0; k < contestants.length; k++) {
        const index = (round + cycle + k) % contestants.length;
        const { operations, elapsed } = await slice(contestants[index], argument, sliceMs);
        totals[index].operations += operations;
        totals[index].elapsed += elapsed;
      }
    }
    contestants.forEach((c, index) => opsByName[c.name].push((totals[index].operations * 1000) / totals[index].elapsed));
  }
  const result = summarise({ contestants }, opsByName, rounds);
  const lines = [];
  const subject = contestants.find((c) => c.role === 'subject');
  const ratio = (name, other) => median(opsByName[name].map((value, round) => value / opsByName[other][round]));
  if (subject !== undefined) {
    const lone = contestants.find((c) => c.build === subject.build && c.mode === 'pool' && c.inFlight === 1);
    const inline = contestants.find((c) => c.build === subject.build && c.mode === 'inline');
    const row = result.rows.find((r) => r.name === subject.name);
    row.ratioToOneInFlight = ratio(subject.name, lone.name);
    lines.push(`${subject.name} ÷ ${lone.name}: ${row.ratioToOneInFlight.toFixed(2)}×`);
    lines.push(`pool ÷ inline, ${MOST_IN_FLIGHT} in flight: ${ratio(subject.name, inline.name).toFixed(2)}×`);
  }
  return { ...result, lines };
}
