#!/usr/bin/env node
// jwtkit benchmark: `npm run bench` (builds first) or `node bench/run.mjs [options]`.
//
//   --filter <regex>   only the groups whose id matches (case-insensitive), e.g. 'verify/HS256',
//                      '^(sign|verify)/ES', 'base64url', 'express'. Repeatable.
//   --runs <n>         separate processes to run, one after another; the report gives the median
//                      of their medians (default 3). `--runs 1` runs in this process.
//   --rounds <n>       interleaved rounds per group in each process (default 5).
//   --time <ms>        time each contestant is measured in one round (default 100), cut in 10 slices.
//   --clock cpu|wall   what time is measured: CPU time of the process (default) or wall time.
//   --json [file]      write the results as JSON (to stdout when no file is given).
//   --markdown [file]  write the summary table as Markdown (docs/benchmarks.md uses it).
//   --module <file>    measure another build of jwtkit instead of the package (dist/ by self-reference).
//   --baseline <file>  also measure this build, as `jwtkit@baseline` (before/after in one process).
//   --list             list the group ids and exit.
//   --report <file>    print (and with --markdown/--json write) the report of a saved --json file.
//
// BENCH_QUICK=1 in the environment makes a smoke run: --runs 1 --rounds 2 --time 30 unless given
// (autocannon then loads each route for 1 s). Its numbers only show that every group runs.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { measureGroup, median, useClock } from './lib/harness.mjs';
import { formatMarkdown, formatText } from './lib/report.mjs';
import { loadBuild } from './lib/subject.mjs';
import { targetOf } from './lib/targets.mjs';
import * as base64urlSuite from './suites/base64url.mjs';
import * as cacheSuite from './suites/cache.mjs';
import * as decodeSuite from './suites/decode.mjs';
import * as expressSuite from './suites/express.mjs';
import * as inFlightSuite from './suites/in-flight.mjs';
import * as jweSuite from './suites/jwe.mjs';
import * as jwksSuite from './suites/jwks.mjs';
import * as jwtSuite from './suites/jwt.mjs';
import * as memorySuite from './suites/memory.mjs';
import * as payloadSuite from './suites/payload.mjs';
import * as refreshSuite from './suites/refresh.mjs';
import * as serverLoadSuite from './suites/server-load.mjs';

// in-flight last among the suites measured in this process: it switches the thread pool on and off.
const SUITES = [
  jwtSuite,
  decodeSuite,
  base64urlSuite,
  payloadSuite,
  cacheSuite,
  jwksSuite,
  jweSuite,
  refreshSuite,
  expressSuite,
  memorySuite,
  serverLoadSuite,
  inFlightSuite,
];

function parseArgs(argv) {
  const quick = process.env.BENCH_QUICK === '1';
  const options = {
    clock: 'cpu',
    filters: [],
    runs: quick ? 1 : 3,
    rounds: quick ? 2 : 5,
    time: quick ? 30 : 100,
    json: undefined,
    markdown: undefined,
    list: false,
    child: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      return value;
    };
    const optionalFile = () => (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : '-');
    switch (arg) {
      case '--filter':
        options.filters.push(new RegExp(next(), 'i'));
        break;
      case '--runs':
        options.runs = Number(next());
        break;
      case '--rounds':
        options.rounds = Number(next());
        break;
      case '--time':
        options.time = Number(next());
        break;
      case '--clock':
        options.clock = next();
        break;
      case '--json':
        options.json = optionalFile();
        break;
      case '--markdown':
        options.markdown = optionalFile();
        break;
      case '--module':
        options.module = next();
        break;
      case '--baseline':
        options.baseline = next();
        break;
      case '--list':
        options.list = true;
        break;
      case '--report':
        options.report = next();
        break;
      case '--child':
        options.child = true;
        break;
      default:
        throw new Error(`unknown option ${arg} (see the top of bench/run.mjs)`);
    }
  }
  return options;
}

function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
  };
}

async function collectGroups(ctx) {
  const groups = [];
  for (const suite of SUITES) {
    for (const group of await suite.groups(ctx)) groups.push(group);
  }
  return groups;
}

function selected(options, id) {
  return options.filters.length === 0 || options.filters.some((filter) => filter.test(id));
}

/** One process: measure every selected group. */
async function runHere(options) {
  useClock(options.clock);
  const builds = [{ name: 'jwtkit', role: 'subject', build: await loadBuild(options.module) }];
  if (options.baseline !== undefined) builds.push({ name: 'jwtkit@baseline', role: 'reference', build: await loadBuild(options.baseline) });
  const ctx = { builds, jwtkit: builds[0].build, options };
  const groups = (await collectGroups(ctx)).filter((group) => selected(options, group.id));
  const results = [];
  for (const group of groups) {
    if (!options.child && options.json !== '-') process.stderr.write(`… ${group.id}\n`);
    if (group.skip !== undefined) {
      results.push({ id: group.id, title: group.title, skipped: group.skip, rows: [] });
      continue;
    }
    try {
      results.push(await runGroup(group, ctx, options));
    } catch (error) {
      // One failing group (a database that went away, ...) must not lose the others.
      process.stderr.write(`${group.id} failed: ${error?.stack ?? error}\n`);
      results.push({ id: group.id, title: group.title, skipped: `failed: ${error?.message ?? error}`, rows: [] });
    }
  }
  return { machine: machine(), clock: options.clock, runs: 1, rounds: options.rounds, timeMs: options.time, results };
}

/** Measures one group (or runs its own measurement). */
async function runGroup(group, ctx, options) {
  let result;
  if (group.run !== undefined) {
    result = await group.run({ ...ctx, rounds: options.rounds, timeMs: options.time });
  } else {
    const built = await group.build();
    try {
      for (const contestant of built.contestants) {
        const value = await contestant.fn();
        built.check?.(value, contestant.name);
      }
      result = await measureGroup({ ...group, contestants: built.contestants }, { rounds: options.rounds, timeMs: options.time });
      if (built.notes?.length) result.lines = [...(result.lines ?? []), ...built.notes];
    } finally {
      await built.teardown?.();
    }
  }
  return { ...result, id: group.id, title: group.title, note: result.note ?? group.note };
}

/** Several processes, one after the other; medians of the per-process medians. */
function runChildren(options, argv) {
  const self = fileURLToPath(import.meta.url);
  const childArgs = [];
  for (let i = 0; i < argv.length; i++) {
    if (['--runs', '--json', '--markdown'].includes(argv[i])) {
      if (argv[i] === '--runs' || (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--'))) i++;
      continue;
    }
    childArgs.push(argv[i]);
  }
  const runs = [];
  for (let run = 0; run < options.runs; run++) {
    process.stderr.write(`run ${run + 1}/${options.runs}\n`);
    const child = spawnSync(process.execPath, [self, ...childArgs, '--runs', '1', '--json', '--child'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 256 * 2 ** 20,
    });
    if (child.status !== 0) {
      process.stderr.write(`run ${run + 1} failed (exit ${child.status}); it is left out\n`);
      continue;
    }
    runs.push(JSON.parse(child.stdout));
  }
  if (runs.length === 0) throw new Error('every benchmark run failed');
  return aggregate(runs, options);
}

export function aggregate(runs, options) {
  const first = runs[0];
  const results = first.results.map((result, index) => {
    // Runs in which this group failed are left out of its medians.
    const perRun = runs
      .map((run) => run.results[index])
      .filter((r) => r.id === result.id && r.skipped === undefined && r.rows.length === result.rows.length);
    if (result.skipped !== undefined || perRun.length === 0) return result;
    if (result.rows.length === 0) {
      const targets = perRun.map((run) => run.target).filter(Boolean);
      const target = targets.length === 0 ? undefined : { checks: targets.flatMap((t) => t.checks) };
      return { ...result, lines: perRun.flatMap((run) => run.lines ?? []), target };
    }
    const rows = result.rows.map((row, r) => {
      const across = perRun.map((run) => run.rows[r]);
      const pick = (key) => median(across.map((x) => x[key] ?? Number.NaN));
      const ratios = across.map((x) => x.ratioToFloor).filter((x) => typeof x === 'number');
      return {
        ...row,
        opsPerSecond: pick('opsPerSecond'),
        microsecondsPerOp: 1e6 / pick('opsPerSecond'),
        ratioToFloor: row.ratioToFloor === null ? null : pick('ratioToFloor'),
        ratioToFastestPeer: row.ratioToFastestPeer === null ? null : pick('ratioToFastestPeer'),
        ratioToOneInFlight: row.ratioToOneInFlight === undefined ? undefined : pick('ratioToOneInFlight'),
        ratioToFloorPerRun: ratios,
        ratioToFastestPeerPerRun: across.map((x) => x.ratioToFastestPeer).filter((x) => typeof x === 'number'),
        samples: undefined,
      };
    });
    // The target is checked again on the medians (withTargets), not taken from one run.
    return { ...result, rows, target: undefined, extra: perRun.map((run) => run.extra).filter(Boolean) };
  });
  return { ...first, runs: runs.length, rounds: options.rounds, timeMs: options.time, results };
}

function withTargets(report) {
  for (const result of report.results) result.target ??= targetOf(result);
  return report;
}

async function main() {
  const argv = process.argv.slice(2);
  const options = parseArgs(argv);
  if (options.list) {
    const builds = [{ name: 'jwtkit', role: 'subject', build: await loadBuild(options.module) }];
    for (const group of await collectGroups({ builds, jwtkit: builds[0].build, options })) {
      if (selected(options, group.id)) console.log(group.id + (group.skip ? `  (skipped: ${group.skip})` : ''));
    }
    return;
  }
  let report;
  if (options.report !== undefined) {
    report = JSON.parse(readFileSync(options.report, 'utf8'));
    for (const result of report.results) if (result.rows?.length > 0) result.target = undefined;
    withTargets(report);
  } else {
    report = withTargets(options.runs > 1 && !options.child ? runChildren(options, argv) : await runHere(options));
    report.command = `node bench/run.mjs ${argv.filter((a) => a !== '--child').join(' ')}`.trim();
  }
  if (options.json === '-') {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    if (options.markdown !== undefined) {
      const markdown = formatMarkdown(report);
      if (options.markdown === '-') process.stdout.write(markdown);
      else writeFileSync(options.markdown, markdown);
    }
    if (options.markdown !== '-') process.stdout.write(formatText(report));
  }
  // A whole run (no --filter) ends with the stores under load: refresh rotations per second from 2
  // client processes against one Redis node, a three-master Redis Cluster and PostgreSQL, each
  // started by that script (skipped, with the reason, where a server is not installed).
  if (options.filters.length === 0 && !options.child && options.report === undefined && options.json !== '-') {
    const stores = spawnSync(process.execPath, [fileURLToPath(new URL('./redis-refresh-rotations.mjs', import.meta.url))], {
      stdio: 'inherit',
    });
    if (stores.status !== 0) process.exitCode = 1;
  }
}

await main();
