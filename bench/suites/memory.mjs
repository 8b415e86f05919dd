// Memory: 1,000,000 HS256 verifications in a loop leave the heap where it started.
// Measured in a child process started with --expose-gc, heap read after full collections.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasExports } from '../lib/subject.mjs';

const child = fileURLToPath(new URL('../lib/memory-child.mjs', import.meta.url));
const MB = 2 ** 20;
/** Growth of the heap we accept as "where it started" (allocation-site feedback, code, ...). */
const TOLERANCE_BYTES = 1 * MB;

function measure(options, withCache) {
  const args = ['--expose-gc', child];
  if (options.module !== undefined) args.push(options.module);
  if (withCache) args.push('--cache');
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`memory child failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export function groups({ jwtkit, options }) {
  const variants = [['memory/verify', false]];
  if (hasExports(jwtkit, 'createVerifiedTokenCache')) variants.push(['memory/verify-cached', true]);
  return variants.map(([id, withCache]) => ({
    id,
    title: `heap before and after 1,000,000 HS256 verifySync calls${withCache ? ' (10,000 tokens through a 1,000-entry cache)' : ''}`,
    run: () => {
      const m = measure(options, withCache);
      const growth = m.heapUsedAfter - m.heapUsedBefore;
      const mb = (bytes) => `${(bytes / MB).toFixed(2)} MB`;
      return {
        rows: [],
        extra: m,
        lines: [
          `heapUsed ${mb(m.heapUsedBefore)} → ${mb(m.heapUsedAfter)} (${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KB; at 250k/500k/750k/1M: ${m.checkpoints.map((c) => (c.heapUsed / MB).toFixed(2)).join('/')} MB); external ${mb(m.externalBefore)} → ${mb(m.externalAfter)}; rss ${mb(m.rssBefore)} → ${mb(m.rssAfter)}; ${(m.count / m.seconds / 1000).toFixed(0)}k verifications/s`,
        ],
        target: { checks: [{ metric: 'heapGrowthBytes', max: TOLERANCE_BYTES, value: growth, met: growth <= TOLERANCE_BYTES }] },
      };
    },
  }));
}
