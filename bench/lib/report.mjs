// Text and Markdown reports of a benchmark result (see bench/run.mjs).

const fmt = (value, digits = 2) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–');
const ops = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const micro = (row) =>
  row === undefined
    ? '–'
    : row.unit === undefined
      ? fmt(row.microsecondsPerOp, row.microsecondsPerOp < 10 ? 2 : 1)
      : `${fmt(row.value, 0)} ${row.unit}`;

function targetText(result) {
  if (result.target === undefined) return '';
  return result.target.checks
    .map((check) => {
      const label =
        {
          ratioToFloor: '×floor',
          ratioToFastestPeer: '×fastest peer',
          ratioToOneInFlight: '×1 in flight',
          heapGrowthBytes: 'heap growth (bytes)',
        }[check.metric] ?? check.metric;
      const bound = check.min !== undefined ? `≥ ${check.min}` : `≤ ${check.max}`;
      const value = check.metric === 'heapGrowthBytes' ? String(check.value) : fmt(check.value);
      return `${label} ${value} ${bound}: ${check.met ? 'met' : 'NOT met'}`;
    })
    .join('; ');
}

function rangeText(row) {
  const values = row.ratioToFloorPerRun ?? (row.ratioToFloorRange ? row.ratioToFloorRange : []);
  if (values.length < 2) return '';
  return ` [${fmt(Math.min(...values))}–${fmt(Math.max(...values))}]`;
}

/** Plain text: every group with every contestant. */
export function formatText(report) {
  const lines = [];
  lines.push(
    `jwtkit benchmark — ${report.machine.node}, ${report.machine.cpu}; ${report.runs} run(s) × ${report.rounds} rounds × ${report.timeMs} ms`,
  );
  for (const result of report.results) {
    lines.push('');
    lines.push(`${result.id} — ${result.title ?? ''}`);
    if (result.skipped !== undefined) {
      lines.push(`  skipped: ${result.skipped}`);
      continue;
    }
    if (result.note) lines.push(`  note: ${result.note}`);
    lines.push(
      `  ${'contestant'.padEnd(28)} ${'ops/s'.padStart(12)} ${'µs/op'.padStart(10)} ${'×floor'.padStart(8)} ${'×fastest peer'.padStart(14)}`,
    );
    for (const row of result.rows) {
      const value = row.unit === undefined ? ops(row.opsPerSecond) : `${fmt(row.value, 0)} ${row.unit}`;
      lines.push(
        `  ${row.name.padEnd(28)} ${value.padStart(12)} ${fmt(row.microsecondsPerOp).padStart(10)} ${fmt(row.ratioToFloor).padStart(8)} ${fmt(row.ratioToFastestPeer).padStart(14)}${row.role === 'subject' ? rangeText(row) : ''}`,
      );
    }
    for (const line of result.lines ?? []) lines.push(`  ${line}`);
    const target = targetText(result);
    if (target) lines.push(`  target: ${target}`);
  }
  return `${lines.join('\n')}\n`;
}

function suiteOf(id) {
  return id.split('/')[0];
}

/** Markdown: one table per suite, a column per contestant (µs/op and ratio to the floor). */
export function formatMarkdown(report) {
  const out = [];
  const bySuite = new Map();
  for (const result of report.results) {
    const suite = suiteOf(result.id);
    if (!bySuite.has(suite)) bySuite.set(suite, []);
    bySuite.get(suite).push(result);
  }
  for (const [suite, results] of bySuite) {
    out.push(`### ${suite}`, '');
    const names = [];
    for (const result of results) for (const row of result.rows) if (!names.includes(row.name)) names.push(row.name);
    if (names.length === 0) {
      for (const result of results) {
        if (result.skipped !== undefined) out.push(`- \`${result.id}\`: skipped (${result.skipped})`);
        else {
          out.push(`- \`${result.id}\` (${result.title}):`);
          for (const line of result.lines ?? []) out.push(`  - ${line}`);
          const target = targetText(result);
          if (target) out.push(`  - target: ${target}`);
        }
      }
      out.push('');
      continue;
    }
    out.push(`| case | ${names.join(' | ')} | jwtkit ×floor (runs) | jwtkit ×fastest peer | target |`);
    out.push(`|---|${names.map(() => '---:').join('|')}|---:|---:|---|`);
    for (const result of results) {
      if (result.skipped !== undefined) {
        out.push(`| ${result.id} | ${names.map(() => '').join(' | ')} | | | skipped: ${result.skipped} |`);
        continue;
      }
      const subject = result.rows.find((row) => row.role === 'subject');
      const cells = names.map((name) => {
        const row = result.rows.find((r) => r.name === name);
        if (row === undefined) return '–';
        return row.ratioToFloor === null || row.role === 'floor' ? micro(row) : `${micro(row)} (${fmt(row.ratioToFloor)}×)`;
      });
      out.push(
        `| ${result.id} | ${cells.join(' | ')} | ${subject ? fmt(subject.ratioToFloor) + rangeText(subject) : '–'} | ${subject ? fmt(subject.ratioToFastestPeer) : '–'} | ${targetText(result)} |`,
      );
    }
    out.push('');
    for (const result of results) for (const line of result.lines ?? []) out.push(`- ${result.id}: ${line}`);
    if (results.some((r) => r.lines?.length)) out.push('');
  }
  return out.join('\n');
}
