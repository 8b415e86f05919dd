/**
 * Interop of the DPoP checks:
 * - proofs made by panva's `dpop` package (`generateProof`, every algorithm it has, with and
 *   without `ath` and `nonce`) are accepted by verifyDPoPProof, with the thumbprint `dpop` computes;
 * - requests made by `oauth4webapi`'s `protectedResourceRequest` with a DPoP handle reach a
 *   node:http resource server built on verifyDPoPProof, checkTokenBinding and createDPoPNonces,
 *   including the `use_dpop_nonce` retry of RFC 9449 §9;
 * - an independent verification written from RFC 9449 §4.3 on `jose` (`jwtVerify` with
 *   `EmbeddedJWK`) accepts the proofs the tests make (test/dpop/helpers.ts), with the thumbprint
 *   verifyDPoPProof returns.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as dpop from 'dpop';
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify, type JWK as JoseJWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryDPoPReplayCache,
  checkTokenBinding,
  createDPoPNonces,
  generateSecret,
  isJwtError,
  sign,
  verify,
  verifyDPoPProof,
} from '../../src/index.js';
import { ACCESS_TOKEN, NOW, NOW_CLOCK, REQUEST_URL, caught, expectError, makeProof, tokenHash, type ProofAlg } from './helpers.js';

describe('proofs made by the dpop package', () => {
  for (const alg of ['ES256', 'Ed25519', 'RS256', 'PS256'] as const) {
    describe(alg, () => {
      let keyPair: dpop.KeyPair;
      beforeAll(async () => {
        keyPair = await dpop.generateKeyPair(alg);
      });
      const url = 'https://api.example/orders';

      it("a proof without ath or nonce (a token request) is accepted, with dpop's thumbprint", async () => {
        const proof = await dpop.generateProof(keyPair, 'https://auth.example/token', 'POST');
        const result = await verifyDPoPProof(proof, {
          method: 'POST',
          url: 'https://auth.example/token',
          replayCache: new MemoryDPoPReplayCache(),
        });
        expect(result.thumbprint).toBe(await dpop.calculateThumbprint(keyPair.publicKey));
      });

      it('a proof with ath (a resource request) is accepted with its access token, refused with another', async () => {
        const proof = await dpop.generateProof(keyPair, url, 'GET', undefined, ACCESS_TOKEN);
        const replayCache = new MemoryDPoPReplayCache();
        expectError(
          await caught(() => verifyDPoPProof(proof, { method: 'GET', url, accessToken: `${ACCESS_TOKEN}x`, replayCache })),
          'ERR_DPOP_PROOF_INVALID',
          'ath',
          'mismatch',
        );
        await verifyDPoPProof(proof, { method: 'GET', url: `${url}?page=2`, accessToken: ACCESS_TOKEN, replayCache });
      });

      it('a proof with ath and a server nonce is accepted; without the nonce, use_dpop_nonce', async () => {
        const nonces = createDPoPNonces({ secret: randomBytes(32) });
        const options = { method: 'GET', url, accessToken: ACCESS_TOKEN, replayCache: new MemoryDPoPReplayCache(), nonces };
        const withNonce = await dpop.generateProof(keyPair, url, 'GET', nonces.issue(), ACCESS_TOKEN);
        const result = await verifyDPoPProof(withNonce, options);
        expect(result.payload.nonce).toBe(nonces.issue());
        const withoutNonce = await dpop.generateProof(keyPair, url, 'GET', undefined, ACCESS_TOKEN);
        expectError(await caught(() => verifyDPoPProof(withoutNonce, options)), 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'missing');
      });
    });
  }
});

/** The answer of the test resource server to a refused request, as RFC 9449 §7.1 and §9 write it. */
function refuse(response: ServerResponse, error: unknown, nonce: string): void {
  const code = isJwtError(error) ? error.code : 'unexpected';
  const challenge =
    code === 'ERR_DPOP_NONCE_REQUIRED'
      ? 'DPoP error="use_dpop_nonce", algs="ES256 EdDSA Ed25519 PS256 RS256"'
      : code === 'ERR_DPOP_PROOF_INVALID'
        ? 'DPoP error="invalid_dpop_proof", algs="ES256 EdDSA Ed25519 PS256 RS256"'
        : 'DPoP error="invalid_token", algs="ES256 EdDSA Ed25519 PS256 RS256"';
  const headers: Record<string, string> = { 'www-authenticate': challenge, 'content-type': 'application/json' };
  if (code === 'ERR_DPOP_NONCE_REQUIRED') headers['dpop-nonce'] = nonce;
  response.writeHead(401, headers).end(JSON.stringify({ code }));
}

describe('requests made by oauth4webapi (protectedResourceRequest with DPoP)', () => {
  const secret = generateSecret('HS256');
  const nonces = createDPoPNonces({ secret: randomBytes(32), lifetime: '5m' });
  const replayCache = new MemoryDPoPReplayCache();
  const seen: string[] = [];
  let base = '';

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const [scheme, accessToken] = (request.headers.authorization ?? '').split(' ');
      const proofs = request.headersDistinct['dpop'] ?? [];
      if (scheme !== 'DPoP' || accessToken === undefined || proofs.length !== 1) throw new Error('not a DPoP request');
      const { payload } = await verify(accessToken, secret, { algorithms: ['HS256'], audience: 'api' });
      const proof = await verifyDPoPProof(proofs[0] as string, {
        method: request.method as string,
        url: `${base}${request.url}`,
        accessToken,
        replayCache,
        nonces,
      });
      checkTokenBinding(payload, { dpopThumbprint: proof.thumbprint });
      seen.push(proof.header.alg);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: payload.sub }));
    } catch (error) {
      refuse(response, error, nonces.issue());
    }
  }

  const server = createServer((request, response) => void handle(request, response));
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  for (const alg of ['ES256', 'ES384', 'Ed25519', 'PS256', 'RS256'] as const) {
    it(`${alg}: a DPoP-bound token is accepted after one use_dpop_nonce retry, and replayed proofs are not`, async () => {
      const keyPair = await oauth.generateKeyPair(alg);
      const handle = oauth.DPoP({}, keyPair);
      const token = await sign({ sub: 'user-1', cnf: { jkt: await handle.calculateThumbprint() } }, secret, {
        alg: 'HS256',
        audience: 'api',
        expiresIn: '5m',
      });
      const url = new URL(`${base}/orders?page=1`);
      const options = { DPoP: handle, [oauth.allowInsecureRequests]: true };

      const first = await caught(() => oauth.protectedResourceRequest(token, 'GET', url, undefined, undefined, options));
      expect(oauth.isDPoPNonceError(first)).toBe(true);
      const response = await oauth.protectedResourceRequest(token, 'GET', url, undefined, undefined, options);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ sub: 'user-1' });
      expect(seen.at(-1)).toBe(alg);

      // The same token bound to another key: the proof is valid, the binding is not.
      const otherHandle = oauth.DPoP({}, await oauth.generateKeyPair(alg));
      const withOtherKey = { DPoP: otherHandle, [oauth.allowInsecureRequests]: true };
      await caught(() => oauth.protectedResourceRequest(token, 'GET', url, undefined, undefined, withOtherKey));
      const refused = await caught(() => oauth.protectedResourceRequest(token, 'GET', url, undefined, undefined, withOtherKey));
      expect(refused).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
      expect((refused as oauth.WWWAuthenticateChallengeError).cause[0]?.parameters.error).toBe('invalid_token');
    });
  }

  it('a proof sent twice (a replay) is refused with invalid_dpop_proof', async () => {
    const keyPair = await oauth.generateKeyPair('ES256');
    const handle = oauth.DPoP({}, keyPair);
    const token = await sign({ sub: 'user-1', cnf: { jkt: await handle.calculateThumbprint() } }, secret, {
      alg: 'HS256',
      audience: 'api',
      expiresIn: '5m',
    });
    const url = new URL(`${base}/orders`);
    const proofs: string[] = [];
    const recording = {
      DPoP: handle,
      [oauth.allowInsecureRequests]: true,
      [oauth.customFetch]: (input: string, init: RequestInit) => {
        proofs.push(new Headers(init.headers).get('dpop') as string);
        return fetch(input, init);
      },
    };
    await caught(() => oauth.protectedResourceRequest(token, 'GET', url, undefined, undefined, recording));
    await oauth.protectedResourceRequest(token, 'GET', url, undefined, undefined, recording);
    const replay = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proofs.at(-1) as string } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
  });
});

describe("an independent verification (jose, written from RFC 9449 §4.3) accepts the tests' proofs", () => {
  /** RFC 9449 §4.3, checked with jose and nothing of jwtkit: returns the RFC 7638 thumbprint. */
  async function independentlyVerify(proof: string, method: string, url: string, accessToken?: string): Promise<string> {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
      currentDate: new Date(NOW * 1000),
      maxTokenAge: 60,
      clockTolerance: 5,
    });
    const jwk = protectedHeader.jwk as JoseJWK;
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) expect(jwk).not.toHaveProperty(member);
    expect(typeof payload.jti).toBe('string');
    expect(payload['htm']).toBe(method);
    const target = new URL(url);
    expect(payload['htu']).toBe(`${target.origin}${target.pathname}`);
    if (accessToken !== undefined) expect(payload['ath']).toBe(tokenHash(accessToken));
    return calculateJwkThumbprint(jwk, 'sha256');
  }

  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] satisfies ProofAlg[]) {
    it(`${alg}: same verdict and same thumbprint`, async () => {
      const proof = makeProof({ alg, claims: { ath: tokenHash(ACCESS_TOKEN) } });
      const independent = await independentlyVerify(proof, 'GET', REQUEST_URL, ACCESS_TOKEN);
      const ours = await verifyDPoPProof(proof, {
        method: 'GET',
        url: REQUEST_URL,
        accessToken: ACCESS_TOKEN,
        replayCache: new MemoryDPoPReplayCache(),
        clock: NOW_CLOCK,
      });
      expect(ours.thumbprint).toBe(independent);
    });
  }

  it('and refuses what the tests break: a wrong typ, a foreign signature, a stale iat', async () => {
    await expect(independentlyVerify(makeProof({ header: { typ: 'JWT' } }), 'GET', REQUEST_URL)).rejects.toThrow();
    await expect(independentlyVerify(makeProof({ claims: { iat: NOW - 66 } }), 'GET', REQUEST_URL)).rejects.toThrow();
    const [header, claims] = makeProof().split('.');
    const [, , foreign] = makeProof({ alg: 'ES256', claims: { jti: 'other' } }).split('.');
    await expect(independentlyVerify(`${header}.${claims}.${foreign}`, 'GET', REQUEST_URL)).rejects.toThrow();
  });
});
