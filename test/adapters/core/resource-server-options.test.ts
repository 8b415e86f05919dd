/**
 * The options of the resource-server features shared by every adapter (src/adapters/core):
 * `validators`, `issuers`, `profile` and `allowBodyToken` refuse misuse at construction with
 * `ERR_INVALID_OPTION`; the key sets of `issuers` are kept per issuer, a failed one is retried after a backoff.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as expressAdapter from '../../../src/adapters/express/index.js';
import * as fetchAdapter from '../../../src/adapters/fetch/index.js';
import type { AuthenticateOptions } from '../../../src/adapters/fetch/index.js';
import { JwtError, generateKeyPair, sign } from '../../../src/index.js';
import type { GeneratedKeyPair } from '../../../src/index.js';
import { expectCodeSync } from '../../helpers/core.js';

const NOW = 1_700_000_000;
const clock = (): Date => new Date(NOW * 1000);
const ISSUER = 'https://issuer.test/';
let pair: GeneratedKeyPair;
let base: AuthenticateOptions;

beforeAll(async () => {
  pair = await generateKeyPair('ES256');
  base = { key: pair.publicKey, verify: { algorithms: ['ES256'], issuer: ISSUER, audience: 'api', clock }, onAuthEvent: () => {} };
});

/** Both adapters refuse `options` at construction with ERR_INVALID_OPTION; returns the message. */
function refused(options: unknown): string {
  const error = expectCodeSync(() => expressAdapter.authenticate(options as AuthenticateOptions), 'ERR_INVALID_OPTION');
  expectCodeSync(() => fetchAdapter.withAuth(options as AuthenticateOptions, () => new Response()), 'ERR_INVALID_OPTION');
  return error.message;
}

const perIssuer = (issuers: Record<string, unknown>): Record<string, unknown> => {
  const { key: _key, ...rest } = base;
  return { ...rest, verify: { algorithms: ['ES256'], audience: 'api', clock }, issuers };
};

describe('validators', () => {
  it('refuses a misspelt member (naming the one meant), a non-object, and a validator that is not a function', () => {
    expect(refused({ ...base, validators: { claim: { tenant: () => true } } })).toContain('"claims"');
    refused({ ...base, validators: 'tenant' });
    refused({ ...base, validators: { claims: { tenant: 'acme' } } });
    refused({ ...base, validators: { header: [() => true] } });
  });
});

describe("profile: 'rfc9068'", () => {
  it.each([
    ['another profile', { profile: 'rfc7519' }],
    ['another typ', { profile: 'rfc9068', verify: { algorithms: ['ES256'], issuer: ISSUER, audience: 'api', typ: 'JWT' } }],
    ['requireExp: false', { profile: 'rfc9068', verify: { algorithms: ['ES256'], issuer: ISSUER, audience: 'api', requireExp: false } }],
    ['no issuer', { profile: 'rfc9068', verify: { algorithms: ['ES256'], audience: 'api' } }],
    ['allowAnyAudience', { profile: 'rfc9068', verify: { algorithms: ['ES256'], issuer: ISSUER }, allowAnyAudience: true }],
    ['legacySecret', { profile: 'rfc9068', legacySecret: { secret: 'fourteen-bytes', algorithm: 'HS256', until: new Date(2e12) } }],
  ])('refuses %s (ERR_INVALID_OPTION)', (_case, options) => {
    refused({ ...base, ...options });
  });

  it("accepts verify.typ 'application/at+jwt', and issuers in place of verify.issuer", () => {
    const verify = { algorithms: ['ES256'], issuer: ISSUER, audience: 'api', typ: 'application/at+jwt' } as const;
    expect(() => expressAdapter.authenticate({ ...base, verify, profile: 'rfc9068' })).not.toThrow();
    const options = perIssuer({ allowed: [ISSUER], keys: () => pair.publicKey });
    expect(() => expressAdapter.authenticate({ ...options, profile: 'rfc9068' } as AuthenticateOptions)).not.toThrow();
  });
});

describe('issuers', () => {
  it('refuses it with key or verify.issuer, and a malformed member', () => {
    expect(
      refused({ ...base, verify: { algorithms: ['ES256'], audience: 'api' }, issuers: { allowed: [ISSUER], keys: () => pair.publicKey } }),
    ).toContain('"key"');
    expect(refused({ ...perIssuer({ allowed: [ISSUER], keys: () => pair.publicKey }), verify: base.verify })).toContain('"verify.issuer"');
    for (const issuers of [
      { allowed: [], keys: () => pair.publicKey },
      { allowed: [''], keys: () => pair.publicKey },
      { allowed: [ISSUER] },
      { allowed: [ISSUER], keys: pair.publicKey },
      { allowed: [ISSUER], keys: () => pair.publicKey, fromRequest: 'host' },
      { allowed: [ISSUER], keys: () => pair.publicKey, maxIssuers: 0 },
      { allowed: [ISSUER], keys: () => pair.publicKey, allow: [ISSUER] },
    ]) {
      refused(perIssuer(issuers));
    }
    expect(refused({ ...base, key: undefined })).toContain('"issuers"');
  });

  it('retries a key set that failed (503 first), then keeps it', async () => {
    let calls = 0;
    const options = perIssuer({
      allowed: [ISSUER],
      keys: () => {
        calls += 1;
        if (calls === 1) throw new JwtError('ERR_JWKS_FETCH', 'the key set did not answer');
        return pair.publicKey;
      },
    }) as unknown as AuthenticateOptions;
    const token = await sign({ sub: 'u1' }, pair.privateKey, { alg: 'ES256', issuer: ISSUER, audience: 'api', clock, expiresIn: 60 });
    const ask = () =>
      fetchAdapter.authenticateRequest(new Request('https://api.test/', { headers: { authorization: `Bearer ${token}` } }), options);
    let now = 1_000_000;
    const monotonic = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const first = await ask();
      expect(first instanceof Response && first.status).toBe(503);
      // Within the backoff (1 s after a first failure) the failure answers without a new key set.
      now += 999;
      const second = await ask();
      expect(second instanceof Response && second.status).toBe(503);
      expect(calls).toBe(1);
      now += 2;
      for (let round = 0; round < 3; round++) expect(await ask()).toMatchObject({ payload: { sub: 'u1', iss: ISSUER } });
      expect(calls).toBe(2);
    } finally {
      monotonic.mockRestore();
    }
  });

  it('drops only the oldest key set when maxIssuers is reached', async () => {
    const issuers = ['https://a.test/', 'https://b.test/', 'https://c.test/'];
    const made: string[] = [];
    const options = perIssuer({
      allowed: issuers,
      maxIssuers: 2,
      keys: (issuer: string) => {
        made.push(issuer);
        return pair.publicKey;
      },
    }) as unknown as AuthenticateOptions;
    for (const issuer of [...issuers, 'https://b.test/', 'https://c.test/']) {
      const token = await sign({ sub: 'u1' }, pair.privateKey, { alg: 'ES256', issuer, audience: 'api', clock, expiresIn: 60 });
      const request = new Request('https://api.test/', { headers: { authorization: `Bearer ${token}` } });
      expect(await fetchAdapter.authenticateRequest(request, options)).toMatchObject({ payload: { iss: issuer } });
    }
    expect(made).toEqual(issuers);
  });

  it('answers 503 when the allowed check throws, without asking for keys', async () => {
    let calls = 0;
    const options = perIssuer({
      allowed: () => {
        throw new Error('the tenant table is down');
      },
      keys: () => {
        calls += 1;
        return pair.publicKey;
      },
    }) as unknown as AuthenticateOptions;
    const token = await sign({ sub: 'u1' }, pair.privateKey, { alg: 'ES256', issuer: ISSUER, audience: 'api', clock, expiresIn: 60 });
    const answer = await fetchAdapter.authenticateRequest(
      new Request('https://api.test/', { headers: { authorization: `Bearer ${token}` } }),
      options,
    );
    expect(answer instanceof Response && answer.status).toBe(503);
    expect(calls).toBe(0);
  });
});

describe('allowBodyToken', () => {
  it('refuses a value that is not a boolean, and it with dpop required', () => {
    refused({ ...base, allowBodyToken: 'yes' });
    refused({
      ...base,
      allowBodyToken: true,
      dpop: { mode: 'required', origins: ['https://api.test'], replayCache: false },
    });
  });
});
