// Authenticated requests per second through the Express adapter (`jwtkit/express` authenticate,
// HS256), against the same route without authentication, with autocannon on loopback. The
// server runs in a child process; rounds alternate the routes and the ratio is taken per round.
// Reference rows: the floor and `verifySync` each in a plain middleware (what verification itself
// costs inside a server, without the adapter).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createFloorSigner } from '../lib/floor.mjs';
import { CLAIMS, keysFor } from '../lib/keys.mjs';
import { median } from '../lib/harness.mjs';
import { loadSubpath } from '../lib/subject.mjs';

const serverFile = fileURLToPath(new URL('../lib/express-server.mjs', import.meta.url));
const CONNECTIONS = 10;

function startServer(secretHex, moduleFile) {
  const child = spawn(process.execPath, [serverFile, secretHex, ...(moduleFile ? [moduleFile] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the Express server exited with ${code}`)));
    child.stdout.once('data', (chunk) => resolve({ child, port: Number(String(chunk).trim()) }));
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function load(url, token, seconds) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${token}` } });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

export function groups({ options }) {
  return [
    {
      id: 'express/HS256',
      title: `requests/s through jwtkit/express authenticate (HS256) vs the bare route; autocannon, ${CONNECTIONS} connections, loopback`,
      run: async ({ rounds, timeMs }) => {
        if ((await loadSubpath(options.module, 'express')) === undefined)
          return { rows: [], skipped: 'jwtkit/express is not in this build' };
        const keys = keysFor('HS256');
        const token = createFloorSigner({ alg: 'HS256', key: keys.signKey })(CLAIMS);
        const { child, port } = await startServer(keys.secret.toString('hex'), options.module);
        try {
          const routes = ['bare', 'auth', 'auth-cached', 'floor', 'verify-sync'];
          // A slice of autocannon is 20x the micro-benchmark slice: 2 s by default.
          const seconds = Math.max(1, Math.round((timeMs * 20) / 1000));
          for (const route of routes) await load(`http://127.0.0.1:${port}/${route}`, token, 1); // warm-up
          const perRound = Object.fromEntries(routes.map((route) => [route, []]));
          for (let round = 0; round < rounds; round++) {
            for (let k = 0; k < routes.length; k++) {
              const route = routes[(round + k) % routes.length];
              perRound[route].push(await load(`http://127.0.0.1:${port}/${route}`, token, seconds));
            }
          }
          const row = (name, route, role) => {
            const ratios = perRound[route].map((value, i) => value / perRound.bare[i]);
            return {
              name,
              role,
              opsPerSecond: median(perRound[route]),
              microsecondsPerOp: 1e6 / median(perRound[route]),
              ratioToFloor: median(ratios),
              ratioToFloorRange: [Math.min(...ratios), Math.max(...ratios)],
              ratioToFastestPeer: null,
              samples: perRound[route],
            };
          };
          return {
            note: 'ops/s = requests/s; ×floor = ratio to the bare route in the same round',
            rows: [
              row('bare route (no auth)', 'bare', 'floor'),
              row('authenticate', 'auth', 'subject'),
              row('authenticate + cache', 'auth-cached', 'reference'),
              row('floor in a middleware', 'floor', 'reference'),
              row('verifySync in a middleware', 'verify-sync', 'reference'),
            ],
          };
        } finally {
          await stopServer(child);
        }
      },
    },
  ];
}
