/**
 * A resource server checks the audience (RFC 9068 §4): `authenticate` (jwtkit/express),
 * `withAuth` and `authenticateRequest` (jwtkit/fetch) refuse `verify` options without `audience`
 * with ERR_INVALID_OPTION (at construction; `authenticateRequest`, which has none, rejects its
 * promise instead of answering), unless `allowAnyAudience: true` is set.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../../src/adapters/express/index.js';
import * as fetchAdapter from '../../../src/adapters/fetch/index.js';
import type { AuthenticateOptions } from '../../../src/adapters/fetch/index.js';
import { generateKeyPair, isJwtError, sign } from '../../../src/index.js';
import type { BoundKey } from '../../../src/index.js';

const NOW = 1_700_000_000;
const clock = (): Date => new Date(NOW * 1000);
let publicKey: BoundKey;
let forOtherApi: string;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  publicKey = pair.publicKey;
  forOtherApi = await sign({ sub: 'u1' }, pair.privateKey, { alg: 'EdDSA', audience: 'other-api', iat: NOW, expiresIn: 60 });
});

function withoutAudience(): AuthenticateOptions {
  return { key: publicKey, verify: { algorithms: ['EdDSA'], issuer: 'https://auth.test', clock } };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isJwtError(error) ? error.code : 'not a JwtError';
  }
  return undefined;
}

function request(token?: string): Request {
  return new Request('http://127.0.0.1/resource', token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
}

describe('resource servers require an audience', () => {
  it('every entry point refuses verify options without audience with ERR_INVALID_OPTION', async () => {
    expect(codeOf(() => expressAdapter.authenticate(withoutAudience()))).toBe('ERR_INVALID_OPTION');
    expect(codeOf(() => fetchAdapter.withAuth(withoutAudience(), () => new Response()))).toBe('ERR_INVALID_OPTION');
    // No construction step: the call rejects (never a Response, so never a 500 or 401 reply), every time.
    const options = withoutAudience();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(fetchAdapter.authenticateRequest(request(forOtherApi), options)).rejects.toMatchObject({
        code: 'ERR_INVALID_OPTION',
      });
    }
    // allowAnyAudience: false is the default, spelt out.
    expect(codeOf(() => expressAdapter.authenticate({ ...withoutAudience(), allowAnyAudience: false }))).toBe('ERR_INVALID_OPTION');
  });

  it('allowAnyAudience: true is the explicit opt-out: tokens for any audience pass', async () => {
    const anyAudience: AuthenticateOptions = { ...withoutAudience(), verify: { algorithms: ['EdDSA'], clock }, allowAnyAudience: true };
    expect(typeof expressAdapter.authenticate(anyAudience)).toBe('function');
    const handler = fetchAdapter.withAuth(anyAudience, (_request, auth) => Response.json({ aud: auth?.payload.aud }));
    const answer = await handler(request(forOtherApi));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ aud: 'other-api' });
    const auth = await fetchAdapter.authenticateRequest(request(forOtherApi), anyAudience);
    expect(auth).not.toBeInstanceOf(Response);
    expect((auth as fetchAdapter.RequestAuth).payload.aud).toBe('other-api');
  });

  it('with audience, every entry point is made, and a token for another audience gets 401', async () => {
    const withAudience: AuthenticateOptions = { key: publicKey, verify: { algorithms: ['EdDSA'], audience: 'api', clock } };
    expect(typeof expressAdapter.authenticate(withAudience)).toBe('function');
    const handler = fetchAdapter.withAuth(withAudience, () => new Response('handled'));
    expect((await handler(request(forOtherApi))).status).toBe(401);
    const refused = await fetchAdapter.authenticateRequest(request(forOtherApi), withAudience);
    expect((refused as Response).status).toBe(401);
  });

  it('refuses allowAnyAudience together with an audience, or of the wrong type', () => {
    const both = { key: publicKey, verify: { algorithms: ['EdDSA' as const], audience: 'api' }, allowAnyAudience: true };
    const notBoolean = { ...withoutAudience(), allowAnyAudience: 'yes' as unknown as boolean };
    for (const options of [both, notBoolean]) {
      expect(codeOf(() => expressAdapter.authenticate(options))).toBe('ERR_INVALID_OPTION');
      expect(codeOf(() => fetchAdapter.withAuth(options, () => new Response()))).toBe('ERR_INVALID_OPTION');
    }
  });
});
