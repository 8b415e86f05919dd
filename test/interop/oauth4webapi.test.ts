/**
 * Interop with panva/oauth4webapi (v3), a standard OAuth 2.0 client, against jwtkit's issuing side:
 * `refreshTokenGrantRequest` with its DPoP handle (`DPoP(client, keyPair)`) against the refresh
 * endpoint of `createAuthEndpoints` (body transport: the RFC 6749 §6 form, RFC 9449 §5 proofs and
 * §8 nonces), `processRefreshTokenResponse`, then `protectedResourceRequest` with the new
 * DPoP-bound token against a jwtkit resource server (`withAuth` with `dpop: { mode: 'allowed' }`).
 *
 * Both servers listen on 127.0.0.1; the client addresses them by their public origins
 * (http://auth.example, http://api.example), and its `customFetch` delivers each request to the
 * right server with that `Host`, as a reverse proxy would.
 */
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { generateProof } from 'dpop';
import express from 'express';
import { Hono } from 'hono';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthEndpoints } from '../../src/adapters/express/index.js';
import { withAuth } from '../../src/adapters/fetch/index.js';
import {
  MemoryDPoPReplayCache,
  MemoryRefreshTokenStore,
  createDPoPNonces,
  createKeyRing,
  createLocalJWKS,
  createTokenService,
  decode,
  generateKeyPair,
  type TokenServiceEvent,
} from '../../src/index.js';

const AUTH = 'http://auth.example';
const API = 'http://api.example';
const as: oauth.AuthorizationServer = { issuer: AUTH, token_endpoint: `${AUTH}/token` };
const client: oauth.Client = { client_id: 'cli', token_endpoint_auth_method: 'none' };

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function close(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('oauth4webapi refreshTokenGrantRequest (DPoP) → jwtkit refresh endpoint → jwtkit resource server', () => {
  const events: TokenServiceEvent[] = [];
  const nonces = createDPoPNonces({ secret: new Uint8Array(32).fill(3) });
  const ports = new Map<string, number>();
  let authServer: Server;
  let apiServer: Server;

  /** `fetch` for oauth4webapi: each public origin goes to its server on 127.0.0.1, with its `Host`. */
  const viaHost = (url: string, init: RequestInit): Promise<Response> => {
    const target = new URL(url);
    const port = ports.get(target.origin);
    if (port === undefined) throw new Error(`no server for ${target.origin}`);
    return new Promise((resolve, reject) => {
      const headers = { ...(init.headers as Record<string, string>), host: target.host };
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, path: target.pathname, method: init.method ?? 'GET', headers },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () => {
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (typeof value === 'string') responseHeaders.set(name, value);
            }
            const status = incoming.statusCode ?? 500;
            resolve(new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(init.body === undefined || init.body === null ? undefined : String(init.body));
    });
  };
  const options = (handle: oauth.DPoPHandle) => ({ DPoP: handle, [oauth.allowInsecureRequests]: true, [oauth.customFetch]: viaHost });

  let login: (keyPair: oauth.CryptoKeyPair) => Promise<string>;

  beforeAll(async () => {
    const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '15m' });
    const tokens = createTokenService({
      key: ring,
      issuer: AUTH,
      audience: 'orders-api',
      store: new MemoryRefreshTokenStore(),
      onEvent: (event) => events.push(event),
    });
    const auth = createAuthEndpoints({
      tokens,
      verifyCredentials: ({ username }) => ({ subject: String(username), claims: { scope: 'orders' } }),
      refreshTokenTransport: 'body',
      dpop: { origins: [AUTH], replayCache: new MemoryDPoPReplayCache(), nonces },
      onAuthEvent: () => undefined,
    });
    const authApp = express();
    authApp.post('/login', auth.login);
    authApp.post('/token', auth.refresh);
    authServer = createServer(authApp);
    ports.set(AUTH, await listen(authServer));

    const orders = withAuth(
      {
        key: createLocalJWKS(ring.jwks()),
        verify: { algorithms: ['ES256'], audience: 'orders-api', issuer: AUTH, typ: 'at+jwt' },
        dpop: { mode: 'allowed', origins: [API], replayCache: new MemoryDPoPReplayCache() },
        onAuthEvent: () => undefined,
      },
      (_request, authenticated) => Response.json({ sub: authenticated.payload.sub, scope: authenticated.payload['scope'] }),
    );
    const apiApp = new Hono();
    apiApp.get('/orders', (c) => orders(c.req.raw));
    apiServer = createAdaptorServer({ fetch: apiApp.fetch, overrideGlobalObjects: false }) as Server;
    ports.set(API, await listen(apiServer));

    /** A DPoP-bound login (the `dpop` client signs the proof with the same key pair); its refresh token. */
    login = async (keyPair) => {
      const response = await viaHost(`${AUTH}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', dpop: await generateProof(keyPair, `${AUTH}/login`, 'POST', nonces.issue()) },
        body: JSON.stringify({ username: 'alice' }),
      });
      const body = (await response.json()) as { token_type: string; refresh_token: string };
      expect([response.status, body.token_type]).toEqual([200, 'DPoP']);
      return body.refresh_token;
    };
  });

  afterAll(async () => {
    await Promise.all([close(authServer), close(apiServer)]);
  });

  it('refreshes with the use_dpop_nonce retry, gets a DPoP-bound pair, and calls the resource server with it', async () => {
    const keyPair = await oauth.generateKeyPair('ES256');
    const handle = oauth.DPoP(client, keyPair);
    const refreshToken = await login(keyPair);

    // The handle has no nonce for auth.example yet: 400 use_dpop_nonce (a body error, no challenge), then the retry.
    const first = await oauth
      .processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, options(handle)),
      )
      .catch((error: unknown) => error);
    expect(oauth.isDPoPNonceError(first)).toBe(true);
    expect(first).toBeInstanceOf(oauth.ResponseBodyError);
    expect((first as oauth.ResponseBodyError).status).toBe(400);
    const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, options(handle));
    const result = await oauth.processRefreshTokenResponse(as, client, response);
    expect(result.token_type).toBe('dpop');
    expect(typeof result.refresh_token).toBe('string');
    expect(result.refresh_token).not.toBe(refreshToken);
    expect(decode(result.access_token).payload['cnf']).toEqual({ jkt: await handle.calculateThumbprint() });

    const orders = await oauth.protectedResourceRequest(
      result.access_token,
      'GET',
      new URL(`${API}/orders`),
      undefined,
      undefined,
      options(handle),
    );
    expect(orders.status).toBe(200);
    expect(await orders.json()).toEqual({ sub: 'alice', scope: 'orders' });

    // The next refresh of the rotated token, with the same handle (its nonce cached): no retry needed.
    const next = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), result.refresh_token as string, options(handle)),
    );
    expect(next.token_type).toBe('dpop');
  });

  it('a refresh token copied to a client with another key: invalid_grant, and the session is revoked', async () => {
    const keyPair = await oauth.generateKeyPair('ES256');
    const refreshToken = await login(keyPair);
    const thief = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const attempt = async (): Promise<unknown> =>
      oauth
        .processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, options(thief)),
        )
        .catch((error: unknown) => error);
    let refused = await attempt();
    if (oauth.isDPoPNonceError(refused)) refused = await attempt();
    expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
    expect([(refused as oauth.ResponseBodyError).status, (refused as oauth.ResponseBodyError).error]).toEqual([400, 'invalid_grant']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'dpop_key_mismatch', subject: 'alice' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'family_revoked', reason: 'key_mismatch' }));

    // The owner's next refresh: the session is gone.
    const owner = oauth.DPoP(client, keyPair);
    const ownerAttempt = async (): Promise<unknown> =>
      oauth
        .processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, options(owner)),
        )
        .catch((error: unknown) => error);
    let ended = await ownerAttempt();
    if (oauth.isDPoPNonceError(ended)) ended = await ownerAttempt();
    expect((ended as oauth.ResponseBodyError).error).toBe('invalid_grant');
  });
});
