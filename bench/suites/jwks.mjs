// Verification through a warm JWKS resolver (ES256 and RS256, async verify): a local key set
// (createLocalJWKS) and a remote one (createRemoteJWKS, served on loopback, fetched once and then
// cached), against the same token verified with the key given directly, the floor, and jose's
// createLocalJWKSet / createRemoteJWKSet.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import * as jose from 'jose';
import { createFloorSigner, createFloorVerifier } from '../lib/floor.mjs';
import { AUDIENCE, CLAIMS, ISSUER, keysFor } from '../lib/keys.mjs';
import { boundKey, hasExports } from '../lib/subject.mjs';

const JWKS_ALGS = ['ES256', 'RS256'];

/** Three public keys of `alg` as a JWKS; the benchmark keys of `alg` are the middle one, `k2`. */
function keySet(alg) {
  const other = () =>
    (alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 })).publicKey;
  const publicKeys = [other(), keysFor(alg).verifyKey, other()];
  return { keys: publicKeys.map((key, i) => ({ ...key.export({ format: 'jwk' }), kid: `k${i + 1}`, alg, use: 'sig' })) };
}

/** Serves `document` on loopback with `Cache-Control: max-age=600`. */
function serve(document) {
  const body = JSON.stringify(document);
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' });
    response.end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}/jwks.json`, close: () => new Promise((done) => server.close(done)) }),
    );
  });
}

export function groups({ jwtkit }) {
  const out = [];
  for (const alg of JWKS_ALGS) {
    for (const kind of ['local', 'remote']) {
      const group = { id: `jwks/${kind}/${alg}`, title: `${alg} verify (async) through a warm ${kind} JWKS resolver` };
      const factory = kind === 'local' ? 'createLocalJWKS' : 'createRemoteJWKS';
      if (!hasExports(jwtkit, factory)) {
        out.push({ ...group, skip: `${factory} is not in this build` });
        continue;
      }
      group.build = async () => {
        const keys = keysFor(alg);
        const jwks = keySet(alg);
        const token = createFloorSigner({ alg, key: keys.signKey, kid: 'k2' })(CLAIMS);
        const floor = createFloorVerifier({ alg, key: keys.verifyKey, issuer: ISSUER, audience: AUDIENCE });
        const options = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
        const direct = boundKey(jwtkit, keys.verifyKey, alg);
        const server = kind === 'remote' ? await serve(jwks) : undefined;
        const resolver = server === undefined ? jwtkit.createLocalJWKS(jwks) : jwtkit.createRemoteJWKS(server.url);
        const joseSet = server === undefined ? jose.createLocalJWKSet(jwks) : jose.createRemoteJWKSet(new URL(server.url));
        return {
          contestants: [
            { name: 'floor (direct key)', role: 'floor', async: true, fn: async () => floor(token) },
            { name: `jwtkit (${kind} JWKS)`, role: 'subject', async: true, fn: () => jwtkit.verify(token, resolver, options) },
            { name: 'jwtkit (direct key)', role: 'reference', async: true, fn: () => jwtkit.verify(token, direct, options) },
            { name: `jose (${kind} JWKS)`, role: 'peer', async: true, fn: () => jose.jwtVerify(token, joseSet, options) },
          ],
          check: (result) => {
            if ((result.payload ?? result).sub !== CLAIMS.sub) throw new Error('wrong payload');
          },
          teardown: () => server?.close(),
        };
      };
      out.push(group);
    }
  }
  return out;
}
