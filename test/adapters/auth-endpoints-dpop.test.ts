/**
 * The issuing side of DPoP (RFC 9449 §5, §8) and the RFC 6749 §6 form grant at the auth
 * endpoints, through both adapters on real servers (Express 5, Express 4 with express.json(),
 * node:http, Hono with jwtkit/fetch) on 127.0.0.1:0. Requests carry `Host: auth.example` (the
 * public origin the endpoints list in `dpop.origins`); proofs are made by the `dpop` client package.
 *
 * - login with a proof binds the session (`token_type: DPoP`, `cnf.jkt`); refresh with the same key
 *   gives a new bound pair; another key is a theft signal (400 `invalid_grant`, the session revoked,
 *   `dpop_key_mismatch`), no proof is refused, and neither consumes the refresh token first;
 * - a replayed proof (same `jti`) is refused before the refresh token is presented;
 * - proof errors are token-endpoint answers: 400 `invalid_dpop_proof` / `use_dpop_nonce` with
 *   `DPoP-Nonce`, never a `WWW-Authenticate` challenge;
 * - logout-everywhere reads `Authorization: DPoP` with its proof, and refuses a bound token as Bearer;
 * - the form grant: success, `unsupported_grant_type`, `invalid_request` (missing, repeated),
 *   `invalid_scope`, 400 `invalid_grant`, the body limits; the cookie transport refuses it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateThumbprint, generateKeyPair as generateClientKey, generateProof, type KeyPair } from 'dpop';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthEndpointsOptions, LoginIdentity } from '../../src/adapters/express/index.js';
import { createAuthEndpoints as createExpressEndpoints } from '../../src/adapters/express/index.js';
import { createAuthEndpoints as createFetchEndpoints } from '../../src/adapters/fetch/index.js';
import {
  MemoryDPoPReplayCache,
  MemoryRefreshTokenStore,
  createDPoPNonces,
  createKeyRing,
  createTokenService,
  decode,
  generateKeyPair,
  isJwtError,
  type TokenService,
  type TokenServiceEvent,
} from '../../src/index.js';
import { ENDPOINT_SERVER_FACTORIES, type RunningEndpoints } from './helpers/endpoint-servers.js';
import { findLeaks, jsonOf, rawCall, recordedAnswers, type Answer } from './helpers/http-client.js';

const HOST = 'auth.example';
const ORIGIN = `http://${HOST}`;
const COOKIE = '__Secure-jwtkit-refresh';
const CSRF: Record<string, string> = { 'x-requested-with': 'fetch' };
const JSON_TYPE = { 'content-type': 'application/json' };
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

function verifyCredentials(credentials: Record<string, unknown>): LoginIdentity | null {
  return credentials['password'] === 'correct horse' ? { subject: String(credentials['username']), claims: { scope: 'read' } } : null;
}

/** The session (refresh-token family) a refresh token names. */
function sessionOf(refreshToken: string): string {
  return refreshToken.slice(0, refreshToken.indexOf('.'));
}

function cookieOf(answer: Answer): string | undefined {
  const line = answer.setCookies.find((candidate) => candidate.startsWith(`${COOKIE}=`));
  return line?.slice(COOKIE.length + 1).split(';')[0];
}

const issuedTokens: string[] = [];

describe.each(ENDPOINT_SERVER_FACTORIES)('DPoP-bound sessions and the form grant on %s', (_name, start) => {
  let server: RunningEndpoints;
  let store: MemoryRefreshTokenStore;
  let tokens: TokenService;
  const events: TokenServiceEvent[] = [];
  const endpointCodes: string[] = [];
  const nonces = createDPoPNonces({ secret: new Uint8Array(32).fill(9) });
  let phone: KeyPair;
  let thief: KeyPair;
  let phoneJkt: string;
  const replayCache = new MemoryDPoPReplayCache();

  /** A POST to `path` with `Host: auth.example`, the headers given, and a body. */
  function post(path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return rawCall(`${server.url}${path}`, 'POST', [['Host', HOST], ...Object.entries(headers)], body);
  }

  /** A proof for a POST to the endpoint at `path` (its public URL). */
  function proof(key: KeyPair, path: string, nonce?: string, accessToken?: string): Promise<string> {
    return generateProof(key, `${ORIGIN}${path}`, 'POST', nonce, accessToken);
  }

  async function login(prefix: string, key?: KeyPair, extra: Record<string, string> = {}): Promise<Answer> {
    const dpop: Record<string, string> = key === undefined ? {} : { dpop: await proof(key, `${prefix}/login`) };
    return post(
      `${prefix}/login`,
      { ...JSON_TYPE, ...CSRF, ...dpop, ...extra },
      JSON.stringify({ username: 'alice', password: 'correct horse' }),
    );
  }

  /** A JSON refresh on the body transport, with a proof of `key` when given. */
  async function refreshBody(refreshToken: string, key?: KeyPair, prefix = '/body'): Promise<Answer> {
    const dpop: Record<string, string> = key === undefined ? {} : { dpop: await proof(key, `${prefix}/refresh`) };
    return post(`${prefix}/refresh`, { ...JSON_TYPE, ...dpop }, JSON.stringify({ refresh_token: refreshToken }));
  }

  function tokensOf(answer: Answer): { access: string; refresh: string } {
    const body = jsonOf(answer);
    const pair = {
      access: body['access_token'] as string,
      refresh: (body['refresh_token'] as string | undefined) ?? cookieOf(answer) ?? '',
    };
    issuedTokens.push(pair.access, pair.refresh);
    return pair;
  }

  async function generation(refreshToken: string): Promise<{ generation: number; revoked: boolean } | undefined> {
    const family = await store.find(sessionOf(refreshToken));
    return family === null ? undefined : { generation: family.generation, revoked: family.revoked };
  }

  beforeAll(async () => {
    [phone, thief] = await Promise.all([generateClientKey('ES256'), generateClientKey('ES256')]);
    phoneJkt = await calculateThumbprint(phone.publicKey);
    store = new MemoryRefreshTokenStore();
    const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '15m' });
    tokens = createTokenService({
      key: ring,
      issuer: 'https://auth.test',
      audience: 'api',
      store,
      accessTokenTtl: '5m',
      onEvent: (event) => events.push(event),
    });
    const onError = (error: unknown): void => {
      endpointCodes.push(isJwtError(error) ? error.code : 'not a JwtError');
    };
    const base: AuthEndpointsOptions = { tokens, verifyCredentials, onError };
    const dpop = { origins: [ORIGIN], replayCache };
    server = await start({
      cookie: { ...base, dpop },
      body: { ...base, refreshTokenTransport: 'body', dpop },
      dev: { ...base, cookie: { path: '/dev', secure: false } },
      jwks: { jwks: () => ring.jwks() },
      more: {
        // No `dpop` option: DPoP headers are ignored, `Authorization: DPoP` is another scheme.
        plain: { ...base, refreshTokenTransport: 'body', cookie: { path: '/plain' } },
        // Proofs required, with server nonces.
        strict: {
          ...base,
          refreshTokenTransport: 'body',
          cookie: { path: '/strict' },
          dpop: { ...dpop, required: true, nonces },
        },
        // Behind a proxy that strips "/api": clients address http://auth.example/api/prefixed/...
        prefixed: { ...base, refreshTokenTransport: 'body', cookie: { path: '/api/prefixed' }, publicPathPrefix: '/api', dpop },
        small: { ...base, refreshTokenTransport: 'body', cookie: { path: '/small' }, maxBodyBytes: 256 },
      },
    });
  });

  afterAll(async () => {
    await server.close();
  });

  describe('login', () => {
    it('with a proof: a DPoP-bound access token (cnf.jkt) and token_type DPoP; without one: a bearer session', async () => {
      const bound = await login('/body', phone);
      expect(bound.status).toBe(200);
      expect(jsonOf(bound)['token_type']).toBe('DPoP');
      const { access, refresh } = tokensOf(bound);
      expect(decode(access).payload['cnf']).toEqual({ jkt: phoneJkt });
      expect(bound.headers.has('dpop-nonce')).toBe(false);
      const { payload } = await tokens.verifyAccessToken(access, { dpopThumbprint: phoneJkt });
      expect(payload.sub).toBe('alice');
      expect((await store.find(sessionOf(refresh)))?.jkt).toBe(phoneJkt);

      const bearer = await login('/body');
      expect(bearer.status).toBe(200);
      expect(jsonOf(bearer)['token_type']).toBe('Bearer');
      expect(decode(tokensOf(bearer).access).payload['cnf']).toBeUndefined();
    });

    it('an invalid proof: 400 invalid_dpop_proof, nothing issued, no WWW-Authenticate', async () => {
      const issued = events.filter((event) => event.type === 'issued').length;
      const url = (path: string): Promise<string> => generateProof(phone, `${ORIGIN}${path}`, 'POST');
      const attempts: Array<[string, Promise<string>]> = [
        ['another path', url('/body/refresh')],
        ['another method', generateProof(phone, `${ORIGIN}/body/login`, 'GET')],
        ['another origin', generateProof(phone, 'http://evil.example/body/login', 'POST')],
        ['not a proof', Promise.resolve('not.a.proof')],
      ];
      for (const [what, made] of attempts) {
        const answer = await post(
          '/body/login',
          { ...JSON_TYPE, dpop: await made },
          JSON.stringify({ username: 'alice', password: 'correct horse' }),
        );
        expect([what, answer.status, jsonOf(answer)['error']]).toEqual([what, 400, 'invalid_dpop_proof']);
        expect(answer.headers.has('www-authenticate')).toBe(false);
        expect(endpointCodes.at(-1)).toBe('ERR_DPOP_PROOF_INVALID');
      }
      // A request addressed to an origin not in dpop.origins (its Host), with a proof for that origin.
      const elsewhere = await rawCall(
        `${server.url}/body/login`,
        'POST',
        [
          ['Host', 'other.example'],
          ['Content-Type', 'application/json'],
          ['DPoP', await generateProof(phone, 'http://other.example/body/login', 'POST')],
        ],
        JSON.stringify({ username: 'alice', password: 'correct horse' }),
      );
      expect([elsewhere.status, jsonOf(elsewhere)['error']]).toEqual([400, 'invalid_dpop_proof']);
      expect(events.filter((event) => event.type === 'issued').length).toBe(issued);
    });

    it('a replayed proof (same jti) is refused', async () => {
      const used = await proof(phone, '/body/login');
      const body = JSON.stringify({ username: 'alice', password: 'correct horse' });
      const first = await post('/body/login', { ...JSON_TYPE, dpop: used }, body);
      expect(first.status).toBe(200);
      tokensOf(first);
      const replay = await post('/body/login', { ...JSON_TYPE, dpop: used }, body);
      expect([replay.status, jsonOf(replay)['error'], endpointCodes.at(-1)]).toEqual([400, 'invalid_dpop_proof', 'ERR_DPOP_PROOF_INVALID']);
    });

    it('wrong credentials with a valid proof: 401 invalid_credentials, and the proof is not remembered', async () => {
      const made = await proof(phone, '/body/login');
      const wrong = await post('/body/login', { ...JSON_TYPE, dpop: made }, JSON.stringify({ username: 'alice', password: 'wrong' }));
      expect([wrong.status, jsonOf(wrong)['error']]).toEqual([401, 'invalid_credentials']);
      const right = await post(
        '/body/login',
        { ...JSON_TYPE, dpop: made },
        JSON.stringify({ username: 'alice', password: 'correct horse' }),
      );
      expect(right.status).toBe(200);
      tokensOf(right);
    });

    it('dpop.required: a login without a proof is 400 invalid_dpop_proof; nonces: use_dpop_nonce with DPoP-Nonce, then accepted', async () => {
      const body = JSON.stringify({ username: 'alice', password: 'correct horse' });
      const without = await post('/strict/login', JSON_TYPE, body);
      expect([without.status, jsonOf(without)['error']]).toEqual([400, 'invalid_dpop_proof']);
      const noNonce = await post('/strict/login', { ...JSON_TYPE, dpop: await proof(phone, '/strict/login') }, body);
      expect([noNonce.status, jsonOf(noNonce)['error'], endpointCodes.at(-1)]).toEqual([400, 'use_dpop_nonce', 'ERR_DPOP_NONCE_REQUIRED']);
      expect(noNonce.headers.get('dpop-nonce')).toBe(nonces.issue());
      expect(noNonce.headers.has('www-authenticate')).toBe(false);
      const retried = await post(
        '/strict/login',
        { ...JSON_TYPE, dpop: await proof(phone, '/strict/login', noNonce.headers.get('dpop-nonce')) },
        body,
      );
      expect([retried.status, jsonOf(retried)['token_type']]).toEqual([200, 'DPoP']);
      // A token response after a proof carries a fresh nonce (RFC 9449 §8.2).
      expect(retried.headers.get('dpop-nonce')).toBe(nonces.issue());
      tokensOf(retried);
    });

    it('behind a proxy that strips a path (publicPathPrefix): htu is the public URL', async () => {
      const body = JSON.stringify({ username: 'alice', password: 'correct horse' });
      const publicUrl = await generateProof(phone, `${ORIGIN}/api/prefixed/login`, 'POST');
      const accepted = await post('/prefixed/login', { ...JSON_TYPE, dpop: publicUrl }, body);
      expect([accepted.status, jsonOf(accepted)['token_type']]).toEqual([200, 'DPoP']);
      tokensOf(accepted);
      const serverPath = await generateProof(phone, `${ORIGIN}/prefixed/login`, 'POST');
      const refused = await post('/prefixed/login', { ...JSON_TYPE, dpop: serverPath }, body);
      expect([refused.status, jsonOf(refused)['error']]).toEqual([400, 'invalid_dpop_proof']);
    });

    it('without the dpop option, a DPoP header is ignored: a bearer session', async () => {
      const answer = await login('/plain', phone);
      expect([answer.status, jsonOf(answer)['token_type']]).toEqual([200, 'Bearer']);
      tokensOf(answer);
    });
  });

  describe('refresh of a bound session', () => {
    it('with the same key: a new bound pair', async () => {
      const first = tokensOf(await login('/body', phone));
      const rotated = await refreshBody(first.refresh, phone);
      expect([rotated.status, jsonOf(rotated)['token_type']]).toEqual([200, 'DPoP']);
      const next = tokensOf(rotated);
      expect(decode(next.access).payload['cnf']).toEqual({ jkt: phoneJkt });
      expect(next.refresh).not.toBe(first.refresh);
      expect(await generation(next.refresh)).toEqual({ generation: 1, revoked: false });
    });

    it('with another key: 400 invalid_grant, the session revoked before anything is consumed, dpop_key_mismatch reported', async () => {
      const stolen = tokensOf(await login('/body', phone));
      const familyId = sessionOf(stolen.refresh);
      const before = events.length;
      const theft = await refreshBody(stolen.refresh, thief);
      expect([theft.status, jsonOf(theft)]).toEqual([400, { error: 'invalid_grant' }]);
      expect(endpointCodes.at(-1)).toBe('ERR_TOKEN_BINDING_MISMATCH');
      expect(await generation(stolen.refresh)).toEqual({ generation: 0, revoked: true });
      expect((await store.find(familyId))?.revokedReason).toBe('key_mismatch');
      const reported = events.slice(before);
      expect(reported.map((event) => event.type)).toEqual(expect.arrayContaining(['dpop_key_mismatch', 'family_revoked']));
      expect(reported).toContainEqual(expect.objectContaining({ type: 'dpop_key_mismatch', subject: 'alice', familyId }));
      expect(reported).toContainEqual(expect.objectContaining({ type: 'family_revoked', familyId, reason: 'key_mismatch' }));
      expect(reported.some((event) => event.type === 'refreshed')).toBe(false);
      // The owner's refresh token is dead too, and so is its access token.
      const owner = await refreshBody(stolen.refresh, phone);
      expect([owner.status, jsonOf(owner)]).toEqual([401, { error: 'invalid_grant' }]);
      await expect(tokens.verifyAccessToken(stolen.access, { dpopThumbprint: phoneJkt })).rejects.toMatchObject({
        code: 'ERR_JWT_REVOKED',
      });
    });

    it('without a proof: 400 invalid_grant, nothing consumed; with dpop.required: 400 invalid_dpop_proof', async () => {
      const current = tokensOf(await login('/body', phone));
      const without = await refreshBody(current.refresh);
      expect([without.status, jsonOf(without)]).toEqual([400, { error: 'invalid_grant' }]);
      expect(await generation(current.refresh)).toEqual({ generation: 0, revoked: false });
      // Bound sessions cannot be refreshed on endpoints without the dpop option either.
      const plain = await refreshBody(current.refresh, undefined, '/plain');
      expect([plain.status, jsonOf(plain)]).toEqual([400, { error: 'invalid_grant' }]);
      expect(await generation(current.refresh)).toEqual({ generation: 0, revoked: false });
      expect((await refreshBody(current.refresh, phone)).status).toBe(200);

      const strict = await post('/strict/refresh', JSON_TYPE, JSON.stringify({ refresh_token: current.refresh }));
      expect([strict.status, jsonOf(strict)['error']]).toEqual([400, 'invalid_dpop_proof']);
    });

    it('a replayed proof (same jti) is refused before the refresh token is presented: the token is not consumed', async () => {
      const first = tokensOf(await login('/body', phone));
      const used = await proof(phone, '/body/refresh');
      const rotated = await post('/body/refresh', { ...JSON_TYPE, dpop: used }, JSON.stringify({ refresh_token: first.refresh }));
      expect(rotated.status).toBe(200);
      const second = tokensOf(rotated);
      const replay = await post('/body/refresh', { ...JSON_TYPE, dpop: used }, JSON.stringify({ refresh_token: second.refresh }));
      expect([replay.status, jsonOf(replay)['error'], endpointCodes.at(-1)]).toEqual([400, 'invalid_dpop_proof', 'ERR_DPOP_PROOF_INVALID']);
      expect(await generation(second.refresh)).toEqual({ generation: 1, revoked: false });
      expect((await refreshBody(second.refresh, phone)).status).toBe(200);
    });

    it('a made-up or revoked refresh token with a fresh proof adds nothing to the replay cache', async () => {
      const real = tokensOf(await login('/body', phone));
      const entries = replayCache.size;
      const madeUp = `${sessionOf(real.refresh)}.0.${'A'.repeat(43)}`;
      for (const token of [madeUp, 'B'.repeat(22) + '.0.' + 'C'.repeat(43)]) {
        expect((await refreshBody(token, thief)).status).toBe(401);
      }
      expect((await refreshBody(real.refresh, thief)).status).toBe(400); // another key: the session ends
      expect((await refreshBody(real.refresh, phone)).status).toBe(401); // revoked now
      expect(replayCache.size).toBe(entries);
    });

    it('a bearer session refreshed with a proof gets a bound access token; the session stays a bearer one', async () => {
      const bearer = tokensOf(await login('/body'));
      const rotated = await refreshBody(bearer.refresh, phone);
      expect([rotated.status, jsonOf(rotated)['token_type']]).toEqual([200, 'DPoP']);
      expect(decode(tokensOf(rotated).access).payload['cnf']).toEqual({ jkt: phoneJkt });
      expect((await store.find(sessionOf(bearer.refresh)))?.jkt).toBe(null);
    });
  });

  describe('the cookie transport', () => {
    it('binds the session at login; refresh needs the key; a refused binding leaves the cookie alone', async () => {
      const loggedIn = await login('/auth', phone);
      expect([loggedIn.status, jsonOf(loggedIn)['token_type']]).toEqual([200, 'DPoP']);
      const { refresh } = tokensOf(loggedIn);
      const refreshWith = async (cookie: string, key?: KeyPair): Promise<Answer> =>
        post('/auth/refresh', {
          cookie: `${COOKIE}=${cookie}`,
          ...CSRF,
          ...(key === undefined ? {} : { dpop: await proof(key, '/auth/refresh') }),
        });

      const without = await refreshWith(refresh);
      expect([without.status, jsonOf(without)]).toEqual([400, { error: 'invalid_grant' }]);
      expect(without.setCookies).toEqual([]);
      const rotated = await refreshWith(refresh, phone);
      expect([rotated.status, jsonOf(rotated)['token_type']]).toEqual([200, 'DPoP']);
      const next = tokensOf(rotated).refresh;
      expect(next).not.toBe(refresh);

      const theft = await refreshWith(next, thief);
      expect([theft.status, jsonOf(theft)]).toEqual([400, { error: 'invalid_grant' }]);
      expect(theft.setCookies).toEqual([]);
      // The revoked session's cookie is cleared at its next refresh (ERR_REFRESH_REVOKED), as before.
      const after = await refreshWith(next, phone);
      expect([after.status, cookieOf(after)]).toEqual([401, '']);
    });

    it('still refuses cross-site requests first (403), whatever the proof', async () => {
      const answer = await post('/auth/login', { ...JSON_TYPE, dpop: await proof(phone, '/auth/login') }, '{}');
      expect(answer.status).toBe(403);
    });
  });

  describe('logout-everywhere', () => {
    it('with a DPoP-bound token and its proof (ath): 204, every session of the subject revoked', async () => {
      const one = tokensOf(await login('/body', phone));
      const two = tokensOf(await login('/body'));
      const missingAth = await post('/body/logout-everywhere', {
        authorization: `DPoP ${one.access}`,
        dpop: await proof(phone, '/body/logout-everywhere'),
      });
      expect([missingAth.status, jsonOf(missingAth)['error']]).toEqual([401, 'invalid_dpop_proof']);
      expect(missingAth.headers.get('www-authenticate')).toContain('DPoP realm="api", error="invalid_dpop_proof"');
      const otherKey = await post('/body/logout-everywhere', {
        authorization: `DPoP ${one.access}`,
        dpop: await proof(thief, '/body/logout-everywhere', undefined, one.access),
      });
      expect([otherKey.status, jsonOf(otherKey)['error'], endpointCodes.at(-1)]).toEqual([
        401,
        'invalid_token',
        'ERR_TOKEN_BINDING_MISMATCH',
      ]);
      expect(await generation(two.refresh)).toEqual({ generation: 0, revoked: false });

      const made = await proof(phone, '/body/logout-everywhere', undefined, one.access);
      const answer = await post('/body/logout-everywhere', { authorization: `DPoP ${one.access}`, dpop: made });
      expect(answer.status).toBe(204);
      expect(await generation(one.refresh)).toMatchObject({ revoked: true });
      expect(await generation(two.refresh)).toMatchObject({ revoked: true });
      // The same request again: the token's session is revoked (checked before the replay cache).
      const again = await post('/body/logout-everywhere', { authorization: `DPoP ${one.access}`, dpop: made });
      expect([again.status, jsonOf(again)['error'], endpointCodes.at(-1)]).toEqual([401, 'invalid_token', 'ERR_JWT_REVOKED']);
    });

    it('a DPoP-bound token sent as Bearer is refused (401 invalid_token); without the dpop option, DPoP is another scheme', async () => {
      const bound = tokensOf(await login('/body', phone));
      const asBearer = await post('/body/logout-everywhere', { authorization: `Bearer ${bound.access}` });
      expect([asBearer.status, jsonOf(asBearer)['error'], endpointCodes.at(-1)]).toEqual([
        401,
        'invalid_token',
        'ERR_TOKEN_BINDING_MISMATCH',
      ]);
      expect(asBearer.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token", .*, DPoP realm="api", algs="/);
      expect(await generation(bound.refresh)).toEqual({ generation: 0, revoked: false });
      const plain = await post('/plain/logout-everywhere', {
        authorization: `DPoP ${bound.access}`,
        dpop: await proof(phone, '/plain/logout-everywhere', undefined, bound.access),
      });
      expect([plain.status, plain.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="api"']);
      expect(await generation(bound.refresh)).toEqual({ generation: 0, revoked: false });
    });

    it('with server nonces: 401 use_dpop_nonce in the DPoP challenge, with DPoP-Nonce', async () => {
      const body = JSON.stringify({ username: 'alice', password: 'correct horse' });
      const loggedIn = await post('/strict/login', { ...JSON_TYPE, dpop: await proof(phone, '/strict/login', nonces.issue()) }, body);
      const { access } = tokensOf(loggedIn);
      const first = await post('/strict/logout-everywhere', {
        authorization: `DPoP ${access}`,
        dpop: await proof(phone, '/strict/logout-everywhere', undefined, access),
      });
      expect([first.status, jsonOf(first)['error'], first.headers.get('dpop-nonce')]).toEqual([401, 'use_dpop_nonce', nonces.issue()]);
      expect(first.headers.get('www-authenticate')).toContain('DPoP realm="api", error="use_dpop_nonce"');
      const retried = await post('/strict/logout-everywhere', {
        authorization: `DPoP ${access}`,
        dpop: await proof(phone, '/strict/logout-everywhere', nonces.issue(), access),
      });
      expect(retried.status).toBe(204);
    });
  });

  describe('the form grant (RFC 6749 §6)', () => {
    const form = (fields: Array<[string, string]>): string => new URLSearchParams(fields).toString();

    it('grant_type=refresh_token with client_id: 200, a JSON token response, no cookie', async () => {
      const { refresh } = tokensOf(await login('/body'));
      const answer = await post(
        '/body/refresh',
        FORM_TYPE,
        form([
          ['grant_type', 'refresh_token'],
          ['refresh_token', refresh],
          ['client_id', 'cli'],
        ]),
      );
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.setCookies).toEqual([]);
      expect(Object.keys(jsonOf(answer)).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_expires_in',
        'refresh_token',
        'token_type',
      ]);
      expect(jsonOf(answer)['token_type']).toBe('Bearer');
      const next = tokensOf(answer);
      // The used token again, as a form: 400 invalid_grant (RFC 6749 §5.2), where the JSON refresh says 401.
      const replay = await post(
        '/body/refresh',
        FORM_TYPE,
        form([
          ['grant_type', 'refresh_token'],
          ['refresh_token', refresh],
        ]),
      );
      expect([replay.status, jsonOf(replay)]).toEqual([400, { error: 'invalid_grant' }]);
      const malformed = await post(
        '/body/refresh',
        FORM_TYPE,
        form([
          ['grant_type', 'refresh_token'],
          ['refresh_token', 'not a token'],
        ]),
      );
      expect([malformed.status, jsonOf(malformed)]).toEqual([400, { error: 'invalid_grant' }]);
      expect(await generation(next.refresh)).toEqual({ generation: 1, revoked: true });
    });

    it('with a DPoP proof: a bound session refreshes, another key is 400 invalid_grant', async () => {
      const { refresh } = tokensOf(await login('/body', phone));
      const body = form([
        ['grant_type', 'refresh_token'],
        ['refresh_token', refresh],
      ]);
      const rotated = await post('/body/refresh', { ...FORM_TYPE, dpop: await proof(phone, '/body/refresh') }, body);
      expect([rotated.status, jsonOf(rotated)['token_type']]).toEqual([200, 'DPoP']);
      const next = tokensOf(rotated).refresh;
      const theft = await post(
        '/body/refresh',
        { ...FORM_TYPE, dpop: await proof(thief, '/body/refresh') },
        form([
          ['grant_type', 'refresh_token'],
          ['refresh_token', next],
        ]),
      );
      expect([theft.status, jsonOf(theft)]).toEqual([400, { error: 'invalid_grant' }]);
    });

    it('refuses what RFC 6749 §5.2 refuses, consuming nothing', async () => {
      const { refresh } = tokensOf(await login('/body'));
      const refusals: Array<[string, string, string]> = [
        [
          'another grant type',
          form([
            ['grant_type', 'password'],
            ['refresh_token', refresh],
          ]),
          'unsupported_grant_type',
        ],
        ['no grant type', form([['refresh_token', refresh]]), 'invalid_request'],
        ['no refresh token', form([['grant_type', 'refresh_token']]), 'invalid_request'],
        [
          'an empty refresh token',
          form([
            ['grant_type', 'refresh_token'],
            ['refresh_token', ''],
          ]),
          'invalid_request',
        ],
        ['no parameters', '', 'invalid_request'],
        [
          'a repeated refresh_token',
          form([
            ['grant_type', 'refresh_token'],
            ['refresh_token', refresh],
            ['refresh_token', refresh],
          ]),
          'invalid_request',
        ],
        [
          'a repeated grant_type',
          form([
            ['grant_type', 'refresh_token'],
            ['grant_type', 'refresh_token'],
            ['refresh_token', refresh],
          ]),
          'invalid_request',
        ],
        [
          'a repeated client_id',
          form([
            ['grant_type', 'refresh_token'],
            ['refresh_token', refresh],
            ['client_id', 'a'],
            ['client_id', 'b'],
          ]),
          'invalid_request',
        ],
        [
          'a scope',
          form([
            ['grant_type', 'refresh_token'],
            ['refresh_token', refresh],
            ['scope', 'read'],
          ]),
          'invalid_scope',
        ],
      ];
      for (const [what, body, error] of refusals) {
        const answer = await post('/body/refresh', FORM_TYPE, body);
        expect([what, answer.status, jsonOf(answer)['error']]).toEqual([what, 400, error]);
        expect(endpointCodes.at(-1)).toBe('ERR_REQUEST_INVALID');
      }
      expect(await generation(refresh)).toEqual({ generation: 0, revoked: false });
      const noBody = await post('/body/refresh', FORM_TYPE);
      expect([noBody.status, jsonOf(noBody)['error']]).toEqual([400, 'invalid_request']);
    });

    it('reads a form body within maxBodyBytes: 413, declared or chunked', async () => {
      const big = form([
        ['grant_type', 'refresh_token'],
        ['refresh_token', 'a'.repeat(300)],
      ]);
      expect((await post('/small/refresh', FORM_TYPE, big)).status).toBe(413);
      const chunked = await rawCall(
        `${server.url}/small/refresh`,
        'POST',
        [
          ['Host', HOST],
          ['Content-Type', 'application/x-www-form-urlencoded'],
          ['Transfer-Encoding', 'chunked'],
        ],
        big,
      );
      expect(chunked.status).toBe(413);
    });

    it('the cookie transport refuses it (400 unsupported_grant_type, no cookie set, nothing consumed); a cross-site one is 403 first', async () => {
      const { refresh } = tokensOf(await login('/auth'));
      const body = form([
        ['grant_type', 'refresh_token'],
        ['refresh_token', refresh],
      ]);
      const refused = await post('/auth/refresh', { ...FORM_TYPE, ...CSRF, cookie: `${COOKIE}=${refresh}` }, body);
      expect([refused.status, jsonOf(refused)['error']]).toEqual([400, 'unsupported_grant_type']);
      expect(refused.setCookies).toEqual([]);
      const crossSite = await post('/auth/refresh', { ...FORM_TYPE, cookie: `${COOKIE}=${refresh}` }, body);
      expect(crossSite.status).toBe(403);
      expect(await generation(refresh)).toEqual({ generation: 0, revoked: false });
    });
  });
});

describe('the form grant after a body parser (express.urlencoded())', () => {
  let server: Server;
  let url: string;
  let tokens: TokenService;

  beforeAll(async () => {
    tokens = createTokenService({ key: (await generateKeyPair('ES256')).privateKey, issuer: 'https://auth.test', audience: 'api' });
    const auth = createExpressEndpoints({ tokens, verifyCredentials, refreshTokenTransport: 'body', onAuthEvent: () => undefined });
    const app = express();
    app.use(express.urlencoded({ extended: true }));
    app.post('/refresh', auth.refresh);
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads the parsed parameters; a repeated or nested one is invalid_request', async () => {
    const { refreshToken } = await tokens.issue('alice');
    const send = (body: string): Promise<Answer> =>
      rawCall(`${url}/refresh`, 'POST', [['Content-Type', 'application/x-www-form-urlencoded']], body);
    const repeated = await send(`grant_type=refresh_token&refresh_token=${refreshToken}&refresh_token=${refreshToken}`);
    expect([repeated.status, jsonOf(repeated)['error']]).toEqual([400, 'invalid_request']);
    const nested = await send(`grant_type=refresh_token&refresh_token[a]=${refreshToken}`);
    expect([nested.status, jsonOf(nested)['error']]).toEqual([400, 'invalid_request']);
    const answer = await send(`grant_type=refresh_token&refresh_token=${refreshToken}`);
    expect(answer.status).toBe(200);
    issuedTokens.push(refreshToken, jsonOf(answer)['refresh_token'] as string, jsonOf(answer)['access_token'] as string);
  });
});

describe('the form grant: bodyTimeout (jwtkit/fetch)', () => {
  it('a form body that stalls: the stream is cancelled and the answer is 408 invalid_request', async () => {
    const tokens = createTokenService({ key: (await generateKeyPair('ES256')).privateKey, issuer: 'https://auth.test', audience: 'api' });
    const endpoints = createFetchEndpoints({
      tokens,
      verifyCredentials,
      refreshTokenTransport: 'body',
      bodyTimeout: 0.2,
      onAuthEvent: () => undefined,
    });
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('grant_type=refresh_token&'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request('https://auth.test/auth/refresh', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: FORM_TYPE,
    } as RequestInit);
    const response = await endpoints.refresh(request);
    expect([response.status, ((await response.json()) as { error: string }).error]).toEqual([408, 'invalid_request']);
    expect(cancelled).toBe(true);
  });
});

describe('the dpop option is checked at construction', () => {
  it('refuses a missing origins or replayCache, a bad origin, a non-boolean required, nonces without issue', async () => {
    const tokens = createTokenService({ key: (await generateKeyPair('ES256')).privateKey, issuer: 'https://auth.test', audience: 'api' });
    const replayCache = new MemoryDPoPReplayCache();
    const bad: unknown[] = [
      'on',
      { replayCache },
      { origins: [ORIGIN] },
      { origins: [], replayCache },
      { origins: ['http://auth.example/auth'], replayCache },
      { origins: ['ftp://auth.example'], replayCache },
      { origins: [ORIGIN], replayCache: {} },
      { origins: [ORIGIN], replayCache, required: 'yes' },
      { origins: [ORIGIN], replayCache, nonces: { check: () => true } },
      { origins: [ORIGIN], replayCache, algorithms: ['HS256'] },
      { origins: [ORIGIN], replayCache, maxAge: '10m' },
    ];
    for (const dpop of bad) {
      for (const create of [createExpressEndpoints, createFetchEndpoints]) {
        expect(() => create({ tokens, verifyCredentials, dpop: dpop as never }), JSON.stringify(dpop)).toThrow(
          expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
        );
      }
    }
    expect(() => createFetchEndpoints({ tokens, verifyCredentials, dpop: { origins: [ORIGIN], replayCache: false } })).not.toThrow();
  });
});

describe('no answer leaks', () => {
  it('no stack trace anywhere, and no refresh token outside a token response body', () => {
    expect(findLeaks(recordedAnswers, [])).toEqual([]);
    const notTokenResponses = recordedAnswers
      .filter((answer) => !answer.body.includes('access_token'))
      .map((answer) => ({ ...answer, setCookies: [] }));
    expect(findLeaks(notTokenResponses, issuedTokens)).toEqual([]);
  });
});
