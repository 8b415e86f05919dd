// The server of the load benchmark (bench/suites/server-load.mjs), run in its own process, with
// the thread pool on or off for the whole process (`configureThreadPool`):
//   GET  /bare          answers without authentication
//   GET  /auth          jwtkit's `authenticate` with an ES256 public key given directly
//   POST /login/ES256   a login: the token service issues a pair (an ES256 access token and a
//   POST /login/RS256   refresh token) for a new subject; no password check
//   GET  /cpu           the CPU time this process has used, in ms (all its threads), and the wall time
// Usage: node load-server.mjs <express|fastify> <pool|inline> [<build file of jwtkit>]. Prints one
// JSON line: { port, token } (an ES256 access token /auth accepts), or { skip } when the build has
// no such adapter or no thread pool switch.
import { loadBuild, loadSubpath } from './subject.mjs';

const [framework, mode, moduleFile] = process.argv.slice(2);
const jwtkit = await loadBuild(moduleFile);
const adapter = await loadSubpath(moduleFile, framework);

function skip(reason) {
  process.stdout.write(`${JSON.stringify({ skip: reason })}\n`);
  process.exit(0);
}

if (adapter === undefined) skip(`jwtkit/${framework} is not in this build`);
if (typeof jwtkit.configureThreadPool === 'function') jwtkit.configureThreadPool({ enabled: mode === 'pool' });
else if (mode === 'pool') skip('this build has no thread pool (configureThreadPool)');

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'api.example.com';
const es256 = await jwtkit.generateKeyPair('ES256');
const rs256 = await jwtkit.generateKeyPair('RS256');
const verify = { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE };
const services = {
  ES256: jwtkit.createTokenService({ key: es256.privateKey, issuer: ISSUER, audience: AUDIENCE }),
  RS256: jwtkit.createTokenService({ key: rs256.privateKey, issuer: ISSUER, audience: AUDIENCE }),
};
const token = await jwtkit.sign({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE }, es256.privateKey, { alg: 'ES256', expiresIn: '1d' });
let logins = 0;
const login = (alg) => services[alg].issue(`user-${++logins}`);
const cpu = () => {
  const usage = process.cpuUsage();
  return { cpuMs: (usage.user + usage.system) / 1000, wallMs: performance.now() };
};

let listen;
if (framework === 'express') {
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const handler = (req, res) => res.json({ ok: true, sub: req.auth?.payload.sub ?? null });
  app.get('/bare', handler);
  app.get('/auth', adapter.authenticate({ key: es256.publicKey, verify }), handler);
  for (const alg of ['ES256', 'RS256']) {
    app.post(`/login/${alg}`, (req, res, next) => {
      login(alg).then((pair) => res.json(pair), next);
    });
  }
  app.get('/cpu', (req, res) => res.json(cpu()));
  listen = () =>
    new Promise((resolve) => {
      const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port));
      process.on('SIGTERM', () => server.close(() => process.exit(0)));
    });
} else if (framework === 'fastify') {
  // The hook form of jwtkit/fastify (docs/fastify.md): `{ onRequest: authenticate(options) }` on the route.
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  const handler = async (request) => ({ ok: true, sub: request.auth?.payload.sub ?? null });
  app.get('/bare', handler);
  app.get('/auth', { onRequest: adapter.authenticate({ key: es256.publicKey, verify }) }, handler);
  for (const alg of ['ES256', 'RS256']) app.post(`/login/${alg}`, () => login(alg));
  app.get('/cpu', async () => cpu());
  listen = async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
    return app.server.address().port;
  };
} else {
  throw new Error(`unknown framework ${framework}`);
}

const port = await listen();
process.stdout.write(`${JSON.stringify({ port, token })}\n`);
