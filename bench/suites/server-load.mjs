// Servers under concurrency (docs/benchmarks.md, "Signatures on the thread pool"): requests per
// second with autocannon, 50 connections on loopback, against two server processes that differ
// only in `configureThreadPool({ enabled })`: the thread pool on, and off (inline). Routes (see
// bench/lib/load-server.mjs): a route protected by `authenticate` with an ES256 token, and a login
// endpoint that issues a token pair with an ES256 or an RS256 key; each beside the bare route
// (no auth) of the pool server, the floor of the row. Rounds alternate the targets and the ratios
// are taken per round. Each row also gives the cores the server process used (its CPU time, all
// threads, over the wall time): above 1 only when the pool computes the signatures.
// Express always; Fastify when the build has jwtkit/fastify.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median } from '../lib/harness.mjs';

const serverFile = fileURLToPath(new URL('../lib/load-server.mjs', import.meta.url));
const CONNECTIONS = 50;

function startServer(framework, mode, moduleFile) {
  const child = spawn(process.execPath, [serverFile, framework, mode, ...(moduleFile ? [moduleFile] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const started = () => {
      if (!output.includes('\n')) return false;
      resolve({ child, ...JSON.parse(output.slice(0, output.indexOf('\n'))) });
      return true;
    };
    child.stdout.on('data', (chunk) => {
      output += chunk;
      started();
    });
    child.once('exit', (code) => {
      if (!started()) reject(new Error(`the ${framework} server (${mode}) exited with ${code}`));
    });
  });
}

function stopServer(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function cpuOf(server) {
  return (await fetch(`http://127.0.0.1:${server.port}/cpu`)).json();
}

/** Loads one target for `seconds`: `{ requestsPerSecond, cores }`. */
async function load(target, seconds) {
  const { server, path, method } = target;
  const before = await cpuOf(server);
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${path}`,
    method,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${server.token}` },
  });
  const after = await cpuOf(server);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${method} ${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { requestsPerSecond: result.requests.average, cores: (after.cpuMs - before.cpuMs) / (after.wallMs - before.wallMs) };
}

/** The targets of a group, given its two servers: `{ name, role, server, path, method }`. */
const ROUTES = {
  'ES256-route': (pool, inline) => [
    { name: 'no auth (bare route)', role: 'floor', server: pool, path: '/bare', method: 'GET' },
    { name: 'authenticate, thread pool', role: 'subject', server: pool, path: '/auth', method: 'GET' },
    { name: 'authenticate, inline', role: 'reference', server: inline, path: '/auth', method: 'GET' },
  ],
  'login-ES256': (pool, inline) => [
    { name: 'no auth (bare route)', role: 'floor', server: pool, path: '/bare', method: 'GET' },
    { name: 'login (ES256 pair), thread pool', role: 'subject', server: pool, path: '/login/ES256', method: 'POST' },
    { name: 'login (ES256 pair), inline', role: 'reference', server: inline, path: '/login/ES256', method: 'POST' },
  ],
  'login-RS256': (pool, inline) => [
    { name: 'no auth (bare route)', role: 'floor', server: pool, path: '/bare', method: 'GET' },
    { name: 'login (RS256 pair), thread pool', role: 'subject', server: pool, path: '/login/RS256', method: 'POST' },
    { name: 'login (RS256 pair), inline', role: 'reference', server: inline, path: '/login/RS256', method: 'POST' },
  ],
};

export function groups({ options }) {
  const out = [];
  for (const framework of ['express', 'fastify']) {
    for (const [route, targetsOf] of Object.entries(ROUTES)) {
      out.push({
        id: `server/${framework}/${route}`,
        title: `requests/s, ${framework}, ${route}: thread pool vs inline vs no auth; autocannon, ${CONNECTIONS} connections, loopback`,
        run: ({ rounds, timeMs }) => runGroup(framework, targetsOf, options.module, rounds, timeMs),
      });
    }
  }
  return out;
}

async function runGroup(framework, targetsOf, moduleFile, rounds, timeMs) {
  const servers = [];
  try {
    for (const mode of ['pool', 'inline']) servers.push(await startServer(framework, mode, moduleFile));
    const skipped = servers.find((server) => server.skip !== undefined);
    if (skipped !== undefined) return { rows: [], skipped: skipped.skip };
    const targets = targetsOf(...servers);
    // A slice of autocannon is 20x the micro-benchmark slice: 2 s by default.
    const seconds = Math.max(1, Math.round((timeMs * 20) / 1000));
    for (const target of targets) await load(target, 1); // warm-up
    const perRound = targets.map(() => ({ requests: [], cores: [] }));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < targets.length; k++) {
        const index = (round + k) % targets.length;
        const { requestsPerSecond, cores } = await load(targets[index], seconds);
        perRound[index].requests.push(requestsPerSecond);
        perRound[index].cores.push(cores);
      }
    }
    const bare = perRound[0].requests;
    const rows = targets.map((target, index) => {
      const { requests } = perRound[index];
      const ratios = requests.map((value, round) => value / bare[round]);
      return {
        name: target.name,
        role: target.role,
        opsPerSecond: median(requests),
        microsecondsPerOp: 1e6 / median(requests),
        ratioToFloor: median(ratios),
        ratioToFloorRange: [Math.min(...ratios), Math.max(...ratios)],
        ratioToFastestPeer: null,
        samples: requests,
      };
    });
    const pool = perRound[1].requests;
    const inline = perRound[2].requests;
    const lines = [
      `thread pool ÷ inline: ${median(pool.map((value, round) => value / inline[round])).toFixed(2)}×`,
      `server cores used: ${targets.map((target, index) => `${target.name} ${median(perRound[index].cores).toFixed(2)}`).join(', ')}`,
    ];
    return { note: 'ops/s = requests/s; ×floor = ratio to the bare route in the same round', rows, lines };
  } finally {
    for (const server of servers) await stopServer(server.child);
  }
}
