// The measuring core of the benchmark: interleaved rounds in one process.
//
// A "group" is one question (e.g. "HS256 verify, sync API") answered by several contestants:
// the floor (raw node:crypto, written in bench/lib/floor.mjs), jwtkit, and the peer libraries.
// Every round measures every contestant of the group for the same time slice, one after the
// other, starting at a different contestant each round; ratios are taken inside a round (so two
// numbers that are compared were measured seconds apart, under the same background load) and
// the median over rounds is reported.
//
// A round of `timeMs` per contestant is cut into SLICES_PER_ROUND slices taken in turn.

/**
 * The clock: CPU time of this process (user + system) by default. On a shared machine a process
 * waits for a core now and then; wall time counts the wait, CPU time does not. `--clock wall`
 * switches to `performance.now()`.
 */
let now = cpuMilliseconds;

function cpuMilliseconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export function useClock(name) {
  if (name !== 'cpu' && name !== 'wall') throw new Error('--clock is cpu or wall');
  now = name === 'cpu' ? cpuMilliseconds : () => performance.now();
}

/**
 * A round is made of short slices, the contestants taking turns (A B C A B C ...), so that a
 * burst of background load hits every contestant of the round alike.
 */
const SLICES_PER_ROUND = 10;

/** Runs `fn` `count` times; awaits each call when the contestant is asynchronous. */
async function runBatch(contestant, count) {
  const { fn } = contestant;
  if (contestant.async) {
    for (let i = 0; i < count; i++) await fn();
  } else {
    for (let i = 0; i < count; i++) fn();
  }
}

/** Runs one contestant for about `timeMs` milliseconds; returns the operations and the exact time. */
async function slice(contestant, timeMs) {
  let operations = 0;
  const start = now();
  let elapsed = 0;
  do {
    await runBatch(contestant, contestant.batch);
    operations += contestant.batch;
    elapsed = now() - start;
  } while (elapsed < timeMs);
  return { operations, elapsed };
}

/** Picks a batch size so that one batch takes about a tenth of a slice (at least one call). */
async function calibrate(contestant, timeMs) {
  contestant.batch = 1;
  const target = timeMs / 10;
  for (;;) {
    const start = now();
    await runBatch(contestant, contestant.batch);
    const elapsed = now() - start;
    if (elapsed >= target / 2 || contestant.batch >= 1 << 20) break;
    contestant.batch = Math.min(1 << 20, Math.max(contestant.batch * 2, Math.ceil((contestant.batch * target) / Math.max(elapsed, 0.001))));
  }
}

export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Measures one group: a warm-up slice for each contestant, then `rounds` interleaved rounds.
 * Returns, per contestant, the ops/s of every round; and, per round, the ratios a report needs.
 *
 * @param {{ id: string, contestants: Array<{ name: string, role: 'floor'|'subject'|'peer'|'reference', fn: Function, async?: boolean }> }} group
 */
export async function measureGroup(group, { rounds, timeMs }) {
  const contestants = group.contestants;
  const sliceMs = timeMs / SLICES_PER_ROUND;
  for (const contestant of contestants) {
    await calibrate(contestant, sliceMs);
    await slice(contestant, timeMs / 2); // warm-up, discarded
  }
  const opsByName = Object.fromEntries(contestants.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    const totals = contestants.map(() => ({ operations: 0, elapsed: 0 }));
    for (let cycle = 0; cycle < SLICES_PER_ROUND; cycle++) {
      for (let k = 0; k < contestants.length; k++) {
        const index = (round + cycle + k) % contestants.length;
        const { operations, elapsed } = await slice(contestants[index], sliceMs);
        totals[index].operations += operations;
        totals[index].elapsed += elapsed;
      }
    }
    contestants.forEach((c, index) => opsByName[c.name].push((totals[index].operations * 1000) / totals[index].elapsed));
  }
  return summarise(group, opsByName, rounds);
}

/** Per-round ratios to the floor and to the fastest peer, then medians. */
export function summarise(group, opsByName, rounds) {
  const floor = group.contestants.find((c) => c.role === 'floor');
  const peers = group.contestants.filter((c) => c.role === 'peer');
  const rows = group.contestants.map((c) => {
    const ops = opsByName[c.name];
    const toFloor = floor === undefined ? [] : ops.map((value, round) => value / opsByName[floor.name][round]);
    const toPeer =
      peers.length === 0 ? [] : ops.map((value, round) => value / Math.max(...peers.map((peer) => opsByName[peer.name][round])));
    return {
      name: c.name,
      role: c.role,
      opsPerSecond: median(ops),
      microsecondsPerOp: 1e6 / median(ops),
      ratioToFloor: floor === undefined ? null : median(toFloor),
      ratioToFloorRange: floor === undefined ? null : [Math.min(...toFloor), Math.max(...toFloor)],
      ratioToFastestPeer: peers.length === 0 ? null : median(toPeer),
      samples: ops,
    };
  });
  const fastestPeer =
    peers.length === 0
      ? null
      : peers.reduce((best, peer) => (median(opsByName[peer.name]) > median(opsByName[best.name]) ? peer : best)).name;
  return { id: group.id, title: group.title, note: group.note, rounds, fastestPeer, rows };
}
