/**
 * The `legacySecret` option of `authenticate` (src/adapters/core/legacy-secret.ts): tokens that
 * jsonwebtoken 9 signed with a short secret and no `kid` are accepted until `legacySecret.until`,
 * without their `aud` being checked, and reported as `legacy_secret_used`; a token with a `kid`
 * never uses the legacy secret; nothing signs with it. Real HTTP on loopback with Express, and the
 * Fetch adapter.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../src/adapters/express/index.js';
import type { AuthEvent, AuthenticateOptions, LegacySecretOptions } from '../../src/adapters/express/index.js';
import * as fetchAdapter from '../../src/adapters/fetch/index.js';
import { createLocalJWKS, exportJWK, generateSecret, sign, signSync, verify } from '../../src/index.js';
import type { BoundKey } from '../../src/index.js';
import { call } from './helpers/http-client.js';

/** The kind of secret jsonwebtoken apps have: 14 bytes. */
const LEGACY = 'fourteen-bytes';
const AUDIENCE = 'https://api.example.com';
const START = new Date('2026-01-10T12:00:00Z');
const UNTIL = new Date('2026-01-20T00:00:00Z');

let now = START;
const clock = (): Date => now;

/** A token as jsonwebtoken 9 makes it: `jwt.sign({ userId, username }, secret, { expiresIn })`. */
function legacyToken(secret = LEGACY, claims: object = { userId: 42, username: 'ada', sub: '42' }): string {
  return jwt.sign({ ...claims, iat: Math.floor(now.getTime() / 1000) }, secret, { expiresIn: '30d' });
}

async function strongKey(): Promise<BoundKey> {
  return generateSecret('HS256', { kid: 'hs-2026' });
}

async function options(events: AuthEvent[], signing: BoundKey, extra: Partial<AuthenticateOptions> = {}): Promise<AuthenticateOptions> {
  const jwk = exportJWK(signing, { private: true });
  return {
    key: createLocalJWKS({ keys: [jwk] }, { allowSymmetric: true }),
    verify: { algorithms: ['HS256'], audience: AUDIENCE, clock },
    legacySecret: { secret: LEGACY, algorithm: 'HS256', until: UNTIL },
    onAuthEvent: (event) => events.push(event),
    ...extra,
  };
}

let server: Server | undefined;
afterEach(async () => {
  now = START;
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

async function serve(authOptions: AuthenticateOptions): Promise<string> {
  const app = express();
  app.get('/me', expressAdapter.authenticate(authOptions), (req, res) => {
    res.json({ sub: expressAdapter.getAuth(req).payload.sub ?? null });
  });
  const running = app.listen(0, '127.0.0.1');
  server = running;
  await new Promise((resolve) => running.once('listening', resolve));
  return `http://127.0.0.1:${(running.address() as AddressInfo).port}/me`;
}

function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } };
}

function codes(events: readonly AuthEvent[]): unknown[] {
  return events.map((event) => (event.type === 'request_refused' ? event.code : event.type));
}

describe('authenticate: legacySecret (jwtkit/express over HTTP)', () => {
  it('accepts a jsonwebtoken token with a 14-byte secret during the transition, and reports it', async () => {
    const events: AuthEvent[] = [];
    const url = await serve(await options(events, await strongKey()));
    const answer = await call(url, bearer(legacyToken()));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ sub: '42' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'legacy_secret_used', source: 'authenticate', method: 'GET', path: '/me', subject: '42' });
    expect(events[0]?.type === 'legacy_secret_used' && events[0].until.getTime()).toBe(UNTIL.getTime());
    expect(JSON.stringify(events[0])).not.toContain(legacyToken().split('.')[2]);
  });

  it('refuses it from legacySecret.until on (ERR_KEY_INVALID, 401 invalid_token), with a reason naming the option', async () => {
    const events: AuthEvent[] = [];
    const token = legacyToken();
    const url = await serve(await options(events, await strongKey()));
    now = UNTIL;
    const answer = await call(url, bearer(token));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('invalid_token');
    expect(codes(events)).toEqual(['ERR_KEY_INVALID']);
    expect(events[0]?.type === 'request_refused' && events[0].reason).toContain('legacySecret');
  });

  it('refuses a legacy token signed with another secret', async () => {
    const events: AuthEvent[] = [];
    const url = await serve(await options(events, await strongKey()));
    expect((await call(url, bearer(legacyToken('other-secret!!')))).status).toBe(401);
    expect(codes(events)).toEqual(['ERR_JWT_SIGNATURE_INVALID']);
  });

  it('still requires exp, and checks iss when verify.issuer is set', async () => {
    const events: AuthEvent[] = [];
    const url = await serve(await options(events, await strongKey(), {}));
    const noExp = jwt.sign({ sub: '42', iat: Math.floor(now.getTime() / 1000) }, LEGACY);
    expect((await call(url, bearer(noExp))).status).toBe(401);
    const expired = jwt.sign({ sub: '42', iat: Math.floor(START.getTime() / 1000) }, LEGACY, { expiresIn: '1h' });
    now = new Date(START.getTime() + 2 * 3_600_000);
    expect((await call(url, bearer(expired))).status).toBe(401);
    expect(codes(events)).toEqual(['ERR_JWT_CLAIM_INVALID', 'ERR_JWT_EXPIRED']);

    const withIssuer: AuthEvent[] = [];
    const strict = await options(withIssuer, await strongKey());
    await new Promise((resolve) => server?.close(resolve));
    const issuerUrl = await serve({ ...strict, verify: { ...strict.verify, issuer: 'https://auth.example.com' } });
    expect((await call(issuerUrl, bearer(legacyToken()))).status).toBe(401);
    expect(codes(withIssuer)).toEqual(['ERR_JWT_CLAIM_INVALID']);
  });

  it('verifies new tokens (strong secret with a kid, through an HMAC key set) side by side, with their aud checked', async () => {
    const events: AuthEvent[] = [];
    const signing = await strongKey();
    const url = await serve(await options(events, signing));
    const fresh = await sign({ sub: '7' }, signing, { alg: 'HS256', audience: AUDIENCE, expiresIn: '1h', clock });
    const otherAudience = await sign({ sub: '7' }, signing, { alg: 'HS256', audience: 'another-api', expiresIn: '1h', clock });
    expect(JSON.parse((await call(url, bearer(fresh))).body)).toEqual({ sub: '7' });
    expect(JSON.parse((await call(url, bearer(legacyToken()))).body)).toEqual({ sub: '42' });
    expect((await call(url, bearer(otherAudience))).status).toBe(401);
    expect(codes(events)).toEqual(['legacy_secret_used', 'ERR_JWT_CLAIM_INVALID']);
  });

  it('never falls back to the legacy secret for a token with a kid', async () => {
    const events: AuthEvent[] = [];
    const url = await serve(await options(events, await strongKey()));
    const withKid = jwt.sign({ sub: '42' }, LEGACY, { expiresIn: '1h', keyid: 'hs-2026' });
    const unknownKid = jwt.sign({ sub: '42' }, LEGACY, { expiresIn: '1h', keyid: 'legacy' });
    now = new Date();
    expect((await call(url, bearer(withKid))).status).toBe(401);
    expect((await call(url, bearer(unknownKid))).status).toBe(401);
    expect(codes(events)).toEqual(['ERR_JWT_SIGNATURE_INVALID', 'ERR_JWKS_NO_MATCHING_KEY']);
  });
});

describe('authenticateRequest: legacySecret (jwtkit/fetch)', () => {
  it('accepts a legacy token during the transition and refuses it after', async () => {
    const events: AuthEvent[] = [];
    const authOptions = await options(events, await strongKey());
    const request = (): Request => new Request('http://127.0.0.1/me', bearer(legacyToken()));
    const accepted = await fetchAdapter.authenticateRequest(request(), authOptions);
    expect(accepted instanceof Response ? accepted.status : accepted?.payload.sub).toBe('42');
    now = new Date(UNTIL.getTime() + 1000);
    const refused = await fetchAdapter.authenticateRequest(request(), authOptions);
    expect(refused instanceof Response && refused.status).toBe(401);
    expect(codes(events)).toEqual(['legacy_secret_used', 'ERR_KEY_INVALID']);
  });
});

describe('legacySecret: misuse', () => {
  const base = { key: generateSecret('HS256', { kid: 'k1' }), verify: { algorithms: ['HS256'], audience: AUDIENCE } } as const;
  const refusal = (legacySecret: unknown): unknown => {
    try {
      expressAdapter.authenticate({ ...base, legacySecret } as AuthenticateOptions);
    } catch (error) {
      return (error as { code?: unknown }).code;
    }
    return 'accepted';
  };

  it('refuses an empty secret, another algorithm, a bad date and unknown member names', () => {
    expect(refusal({ secret: LEGACY, algorithm: 'HS256', until: UNTIL })).toBe('accepted');
    expect(refusal({ secret: 'x', algorithm: 'HS256', until: UNTIL })).toBe('accepted');
    expect(refusal({ secret: '', algorithm: 'HS256', until: UNTIL })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ secret: new Uint8Array(0), algorithm: 'HS256', until: UNTIL })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ secret: LEGACY, algorithm: 'RS256', until: UNTIL })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ secret: LEGACY, until: UNTIL })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ secret: LEGACY, algorithm: 'HS256', until: new Date(Number.NaN) })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ secret: LEGACY, algorithm: 'HS256', until: '2026-01-20' })).toBe('ERR_INVALID_OPTION');
    expect(refusal({ secret: LEGACY, algorithm: 'HS256', until: UNTIL, audience: 'x' })).toBe('ERR_INVALID_OPTION');
    expect(refusal('fourteen-bytes')).toBe('ERR_INVALID_OPTION');
  });

  it('refuses a key given directly without a kid (its tokens would be taken for legacy ones)', () => {
    const legacySecret = { secret: LEGACY, algorithm: 'HS256', until: UNTIL } as const;
    const noKid = generateSecret('HS256');
    expect(() => expressAdapter.authenticate({ ...base, key: noKid, legacySecret })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => expressAdapter.authenticate({ ...base, key: 'x'.repeat(32), legacySecret })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => expressAdapter.authenticate({ ...base, legacySecret })).not.toThrow();
  });

  it('never signs: sign and signSync refuse the legacy secret', async () => {
    const legacySecret: LegacySecretOptions = { secret: LEGACY, algorithm: 'HS256', until: UNTIL };
    await expect(sign({ sub: '1' }, legacySecret as never, { alg: 'HS256', expiresIn: 60 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    expect(() => signSync({ sub: '1' }, legacySecret as never, { alg: 'HS256', expiresIn: 60 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    await expect(verify(legacyToken(), legacySecret as never, { algorithms: ['HS256'] })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
    // The bare short secret is no key either.
    await expect(sign({ sub: '1' }, LEGACY, { alg: 'HS256', expiresIn: 60 })).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
  });
});
