// Run with --expose-gc: 1,000,000 verifications in a loop, heap before and after (after a full GC).
// Usage: node --expose-gc bench/lib/memory-child.mjs [<build file>] [--cache]
import { boundKey, loadBuild } from './subject.mjs';
import { createFloorSigner } from './floor.mjs';
import { AUDIENCE, CLAIMS, ISSUER, keysFor } from './keys.mjs';

const args = process.argv.slice(2);
const withCache = args.includes('--cache');
const file = args.find((arg) => !arg.startsWith('--'));
const build = await loadBuild(file);
const COUNT = 1_000_000;
const keys = keysFor('HS256');
const key = boundKey(build, keys.verifyKey, 'HS256');
const sign = createFloorSigner({ alg: 'HS256', key: keys.signKey });
// With the cache: 10,000 distinct tokens through a cache of 1,000 entries (every entry evicted
// many times over). Without: one token, as a steady stream of requests.
const tokens = withCache ? Array.from({ length: 10_000 }, (_, i) => sign({ ...CLAIMS, jti: `t${i}` })) : [sign(CLAIMS)];
const options = { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE };
if (withCache) options.cache = build.createVerifiedTokenCache({ max: 1000 });

const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage();
};
// Warm-up so that code, caches and pools exist before the first measurement.
for (let i = 0; i < 20_000; i++) build.verifySync(tokens[i % tokens.length], key, options);
const before = heap();
const checkpoints = [];
let seconds = 0;
for (let i = 0, next = COUNT / 4; i < COUNT; next += COUNT / 4) {
  const start = performance.now();
  for (; i < next; i++) build.verifySync(tokens[i % tokens.length], key, options);
  seconds += (performance.now() - start) / 1000;
  checkpoints.push({ verifications: i, heapUsed: heap().heapUsed });
}
const after = heap();
process.stdout.write(
  JSON.stringify({
    count: COUNT,
    cache: withCache,
    tokens: tokens.length,
    heapUsedBefore: before.heapUsed,
    heapUsedAfter: after.heapUsed,
    checkpoints,
    externalBefore: before.external,
    externalAfter: after.external,
    rssBefore: before.rss,
    rssAfter: after.rss,
    seconds,
  }),
);
