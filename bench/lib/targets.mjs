// The performance targets tabled in docs/benchmarks.md, as checks on a group's result (for jwtkit's row).

const TARGETS = [
  {
    pattern: /^verify\/HS256\/sync$/,
    checks: [
      ['ratioToFloor', 0.95],
      ['ratioToFastestPeer', 1.25],
    ],
  },
  { pattern: /^(sign|verify)\/[^/]+\/sync$/, checks: [['ratioToFloor', 0.95]] },
  { pattern: /^(sign|verify)\/HS\d+\/async$/, checks: [['ratioToFloor', 0.85]] },
  { pattern: /^(sign|verify)\/[^/]+\/async$/, checks: [['ratioToFloor', 0.95]] },
  { pattern: /^cache\//, checks: [['ratioToFastestPeer', 1.0]] },
  { pattern: /^payload\/HS256\/100KB$/, checks: [['ratioToFloor', 0.6]] },
  { pattern: /^base64url\/decode\/1MB$/, checks: [['ratioToFloor', 0.25]] },
  { pattern: /^express\//, checks: [['ratioToFloor', 0.9]] },
  {
    pattern: /^in-flight\//,
    checks: [
      ['ratioToFloor', 0.85],
      ['ratioToFastestPeer', 1.1],
      ['ratioToOneInFlight', 1.3],
    ],
  },
];

/** `{ checks: [{ metric, min, value, met }] }` for jwtkit's row, or `undefined` when no target applies. */
export function targetOf(result) {
  const target = TARGETS.find((t) => t.pattern.test(result.id));
  const row = result.rows?.find((r) => r.role === 'subject');
  if (target === undefined || row === undefined) return undefined;
  return {
    checks: target.checks.map(([metric, min]) => ({
      metric,
      min,
      value: row[metric],
      met: typeof row[metric] === 'number' && row[metric] >= min,
    })),
  };
}
