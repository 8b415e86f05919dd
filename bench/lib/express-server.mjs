// The Express app of the adapter benchmark, run in its own process (so the load generator and the
// server do not share a core): GET /bare answers without authentication; GET /auth runs jwtkit's
// `authenticate` (HS256) first; GET /auth-cached does the same with the verified-token cache.
// Two references show what verification itself costs inside a server: GET /floor verifies with
// the floor (raw node:crypto) in a plain middleware, GET /verify-sync with `verifySync`.
// Usage: node express-server.mjs <secret hex> [<build file of jwtkit>]; prints the port.
import { createSecretKey } from 'node:crypto';
import express from 'express';
import { createFloorVerifier } from './floor.mjs';
import { AUDIENCE, ISSUER } from './keys.mjs';
import { boundKey, loadBuild, loadSubpath } from './subject.mjs';

const [secretHex, moduleFile] = process.argv.slice(2);
const jwtkit = await loadBuild(moduleFile);
const adapter = await loadSubpath(moduleFile, 'express');
const secret = createSecretKey(Buffer.from(secretHex, 'hex'));
const key = boundKey(jwtkit, secret, 'HS256');
const floor = createFloorVerifier({ alg: 'HS256', key: secret, issuer: ISSUER, audience: AUDIENCE });
const verify = { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE };

const app = express();
app.disable('x-powered-by');
app.disable('etag');
const handler = (req, res) => res.json({ ok: true, sub: req.auth?.payload.sub ?? null });
app.get('/bare', handler);
app.get('/auth', adapter.authenticate({ key, verify }), handler);
/** A middleware verifying the bearer token with `check`; a failure answers 401. */
const plain = (check) => (req, res, next) => {
  try {
    req.auth = { payload: check(String(req.headers.authorization).slice(7)) };
  } catch {
    res.status(401).end();
    return;
  }
  next();
};
app.get('/floor', plain(floor), handler);
app.get(
  '/verify-sync',
  plain((token) => jwtkit.verifySync(token, key, verify).payload),
  handler,
);
if (typeof jwtkit.createVerifiedTokenCache === 'function') {
  app.get('/auth-cached', adapter.authenticate({ key, verify: { ...verify, cache: jwtkit.createVerifiedTokenCache() } }), handler);
}
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
