/**
 * Every options object of `jwtkit/express` and `jwtkit/fetch` refuses a member that is not one of
 * its options (src/internal/option-names.ts), nested `csrf` and `cookie` objects included, with
 * `ERR_INVALID_OPTION` at construction (`authenticateRequest`: its promise rejects, no `Response`
 * is made). A misspelt `audiance` or `credentialRequired` would otherwise be ignored in silence.
 * Messages are only read for the name they point to.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as expressAdapter from '../../../src/adapters/express/index.js';
import * as fetchAdapter from '../../../src/adapters/fetch/index.js';
import type { AuthEndpointsOptions, AuthenticateOptions, JWKSEndpointOptions } from '../../../src/adapters/fetch/index.js';
import {
  MemoryLoginAttemptStore,
  createDPoPNonces,
  createTokenService,
  exportJWK,
  generateKeyPair,
  generateSecret,
  isJwtError,
  type JsonWebKeySet,
} from '../../../src/index.js';

let authOptions: AuthenticateOptions;
let endpointOptions: AuthEndpointsOptions;
let jwks: JsonWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair('EdDSA');
  authOptions = { key: pair.publicKey, verify: { algorithms: ['EdDSA'], audience: 'api' } };
  endpointOptions = {
    tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://issuer.test', audience: 'api' }),
    verifyCredentials: () => null,
  };
  jwks = { keys: [exportJWK(pair.publicKey)] };
});

/** The message of the `ERR_INVALID_OPTION` that `run` throws; fails the test for anything else. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isJwtError(error, 'ERR_INVALID_OPTION')) return error.message;
    throw error;
  }
  throw new Error('expected ERR_INVALID_OPTION');
}

async function rejection(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isJwtError(error, 'ERR_INVALID_OPTION')) return error.message;
    throw error;
  }
  throw new Error('expected ERR_INVALID_OPTION');
}

/** The refusal of `options` by each function that takes `AuthenticateOptions`. */
async function authenticateRefusals(options: Record<string, unknown>): Promise<string[]> {
  const candidate = options as unknown as AuthenticateOptions;
  return [
    refusal(() => expressAdapter.authenticate(candidate)),
    refusal(() => fetchAdapter.withAuth(candidate, () => new Response())),
    await rejection(() => fetchAdapter.authenticateRequest(new Request('http://127.0.0.1/'), candidate)),
  ];
}

function endpointRefusals(options: Record<string, unknown>): string[] {
  const candidate = options as unknown as AuthEndpointsOptions;
  return [refusal(() => expressAdapter.createAuthEndpoints(candidate)), refusal(() => fetchAdapter.createAuthEndpoints(candidate))];
}

function jwksRefusals(options: Record<string, unknown>): string[] {
  const candidate = options as unknown as JWKSEndpointOptions;
  return [
    refusal(() => expressAdapter.createJWKSEndpoint(candidate)),
    refusal(() => fetchAdapter.createJWKSEndpoint(candidate)),
    refusal(() => expressAdapter.createJwksEndpoint(candidate)),
    refusal(() => fetchAdapter.createJwksEndpoint(candidate)),
  ];
}

/** Each authorization helper of both adapters, made with `options`. */
function requirementHelpers(options: unknown): (() => unknown)[] {
  const realm = options as never;
  const handler = (): Response => new Response();
  return [
    () => expressAdapter.requireScopes(['read'], realm),
    () => expressAdapter.requireRoles(['admin'], realm),
    () => expressAdapter.claimEquals('tenant', 'acme', realm),
    () => expressAdapter.claimIncludes('groups', ['billing'], realm),
    () => expressAdapter.claimCheck(() => true, realm),
    () => fetchAdapter.requireScopes(['read'], handler, realm),
    () => fetchAdapter.requireRoles(['admin'], handler, realm),
    () => fetchAdapter.claimEquals('tenant', 'acme', handler, realm),
    () => fetchAdapter.claimIncludes('groups', ['billing'], handler, realm),
    () => fetchAdapter.claimCheck(() => true, handler, realm),
  ];
}

describe('authenticate, withAuth, authenticateRequest: unknown option names', () => {
  it('refuse a misspelt option, naming the option meant', async () => {
    for (const [wrong, meant] of [
      ['credentialRequired', 'credentialsRequired'],
      ['requiredScope', 'requiredScopes'],
      ['allowQueryTokens', 'allowQueryToken'],
      ['isrevoked', 'isRevoked'],
    ] as const) {
      for (const message of await authenticateRefusals({ ...authOptions, [wrong]: false })) expect(message).toContain(`"${meant}"`);
    }
  });

  it('refuse a misspelt name in the nested csrf object', async () => {
    for (const message of await authenticateRefusals({ ...authOptions, csrf: { allowedOrigin: ['https://app.example'] } })) {
      expect(message).toContain('"allowedOrigins"');
    }
  });

  it('refuse a misspelt name in the nested verify object (the check verify runs)', async () => {
    for (const message of await authenticateRefusals({ ...authOptions, verify: { algorithms: ['EdDSA'], audiance: 'api' } })) {
      expect(message).toContain('"audience"');
    }
  });

  it('point options of express-jwt and express-oauth2-jwt-bearer to their jwtkit equivalent', async () => {
    const { key, verify } = authOptions;
    for (const message of await authenticateRefusals({ secret: key, verify })) expect(message).toContain('"key"');
    for (const message of await authenticateRefusals({ key, verify, audiance: 'api' })) expect(message).toContain('"verify"');
    for (const message of await authenticateRefusals({ key, verify, audience: 'api' })) expect(message).toContain('verify: { audience }');
    for (const message of await authenticateRefusals({ key, verify, algorithms: ['EdDSA'] })) {
      expect(message).toContain('verify: { algorithms }');
    }
    for (const message of await authenticateRefusals({ key, verify, issuerBaseURL: 'https://issuer.test' })) {
      expect(message).toContain('discoverJWKS');
    }
    for (const message of await authenticateRefusals({ key, verify, getToken: () => 'token' })) expect(message).toContain('"cookie"');
    for (const message of await authenticateRefusals({ key, verify, requestProperty: 'user' })) expect(message).toContain('req.auth');
  });

  it('refuse an options object that is reused per request, on every call (authenticateRequest)', async () => {
    const reused = { ...authOptions, credentialRequired: false } as AuthenticateOptions;
    for (let call = 0; call < 3; call++) {
      expect(await rejection(() => fetchAdapter.authenticateRequest(new Request('http://127.0.0.1/'), reused))).toContain(
        '"credentialsRequired"',
      );
    }
  });

  it('accept every option of AuthenticateOptions (onError, the deprecated name of onAuthEvent, alone; passErrors on jwtkit/express)', () => {
    // `issuers` replaces `key`, and `profile` excludes `legacySecret`: they are accepted in their own object below.
    const all: Required<Omit<AuthenticateOptions, 'onError' | 'passErrors' | 'issuers' | 'profile'>> = {
      ...authOptions,
      key: authOptions.key as NonNullable<AuthenticateOptions['key']>,
      allowAnyAudience: false,
      cookie: 'access',
      csrf: { allowedOrigins: ['https://app.example'], requiredHeader: false, allowMissingOrigin: true },
      credentialsRequired: false,
      requiredScopes: ['read'],
      requiredRoles: ['admin'],
      realm: 'api',
      isRevoked: () => false,
      allowQueryToken: true,
      onAuthEvent: () => undefined,
      dpop: {
        mode: 'allowed',
        origins: ['https://api.example'],
        replayCache: false,
        algorithms: ['ES256'],
        maxAge: 30,
        clockTolerance: 5,
        nonces: createDPoPNonces({ secret: new Uint8Array(32) }),
        clock: () => new Date(),
      },
      trustedProxies: { hops: 1 },
      legacySecret: { secret: 'fourteen-bytes', algorithm: 'HS256', until: new Date('2030-01-01T00:00:00Z') },
      validators: { claims: { tenant: () => true }, header: { kid: async () => true } },
      allowBodyToken: true,
    };
    const { onAuthEvent: _onAuthEvent, ...withoutHook } = all;
    const deprecated: AuthenticateOptions = { ...withoutHook, onError: () => undefined };
    const { key: _key, legacySecret: _legacySecret, ...rest } = all;
    const perIssuer: AuthenticateOptions = {
      ...rest,
      issuers: { allowed: ['https://issuer.test'], keys: () => authOptions.key as never, fromRequest: () => undefined, maxIssuers: 10 },
      profile: 'rfc9068',
    };
    for (const options of [all, deprecated, perIssuer]) {
      expect(() => expressAdapter.authenticate(options)).not.toThrow();
      // withAuth never has a parsed body: it refuses allowBodyToken (test/adapters/any-scope-and-body-token.test.ts).
      expect(() => fetchAdapter.withAuth({ ...options, allowBodyToken: false }, () => new Response())).not.toThrow();
    }
    expect(() => expressAdapter.authenticate({ ...all, passErrors: true })).not.toThrow();
  });

  it('refuse onAuthEvent together with onError, and passErrors on jwtkit/fetch', async () => {
    for (const message of await authenticateRefusals({ ...authOptions, onAuthEvent: () => undefined, onError: () => undefined })) {
      expect(message).toContain('"onAuthEvent"');
    }
    const fetchRefusals = [
      refusal(() => fetchAdapter.withAuth({ ...authOptions, passErrors: true }, () => new Response())),
      await rejection(() => fetchAdapter.authenticateRequest(new Request('http://127.0.0.1/'), { ...authOptions, passErrors: false })),
    ];
    for (const message of fetchRefusals) expect(message).toContain('"passErrors"');
  });
});

describe('requireScopes, requireRoles, claimEquals, claimIncludes, claimCheck: unknown option names', () => {
  it('refuse a misspelt option, naming the option meant', () => {
    for (const make of requirementHelpers({ relm: 'api' })) expect(refusal(make)).toContain('"realm"');
  });

  it('accept "realm", "onAuthEvent" and no options', () => {
    for (const make of [...requirementHelpers({ realm: 'api', onAuthEvent: () => undefined }), ...requirementHelpers(undefined)]) {
      expect(make).not.toThrow();
    }
  });

  it('refuse an onAuthEvent that is not a function', () => {
    for (const make of requirementHelpers({ onAuthEvent: 'log' })) expect(refusal(make)).toContain('"onAuthEvent"');
  });
});

describe('createAuthEndpoints: unknown option names', () => {
  it('refuse a misspelt option, naming the option meant', () => {
    for (const message of endpointRefusals({ ...endpointOptions, refreshTokenTransprt: 'body' })) {
      expect(message).toContain('"refreshTokenTransport"');
    }
    for (const message of endpointRefusals({ ...endpointOptions, maxBodyByte: 1024 })) expect(message).toContain('"maxBodyBytes"');
  });

  it('refuse a misspelt name in the nested cookie, csrf and dpop objects', () => {
    for (const message of endpointRefusals({ ...endpointOptions, cookie: { paht: '/' } })) expect(message).toContain('"path"');
    const dpop = { origins: ['https://auth.example'], replayCache: false };
    for (const message of endpointRefusals({ ...endpointOptions, dpop: { ...dpop, requred: true } }))
      expect(message).toContain('"required"');
    // The resource server's `mode` is pointed to `required`.
    for (const message of endpointRefusals({ ...endpointOptions, dpop: { ...dpop, mode: 'required' } })) {
      expect(message).toContain('"required: true"');
    }
    for (const message of endpointRefusals({ ...endpointOptions, loginLimits: { store: new MemoryLoginAttemptStore(), clientBudgt: 5 } }))
      expect(message).toContain('"clientBudget"');
    for (const message of endpointRefusals({ ...endpointOptions, csrf: { allowedOrigin: ['https://app.example'] } })) {
      expect(message).toContain('"allowedOrigins"');
    }
  });

  it('point cookie attributes that are always set, and options of other objects, to what to write instead', () => {
    for (const message of endpointRefusals({ ...endpointOptions, cookie: { httpOnly: true } })) expect(message).toContain('HttpOnly');
    for (const message of endpointRefusals({ ...endpointOptions, path: '/auth' })) expect(message).toContain('cookie: { path }');
    for (const message of endpointRefusals({ ...endpointOptions, refreshTokenTtl: '30d' })) expect(message).toContain('createTokenService');
  });

  it('accept every option of AuthEndpointsOptions, and the deprecated cookie.insecureLoopback and onError', () => {
    const all: Required<Omit<AuthEndpointsOptions, 'onError'>> = {
      ...endpointOptions,
      refreshTokenTransport: 'cookie',
      cookie: { name: 'refresh', path: '/auth', secure: false },
      csrf: { allowedOrigins: ['https://app.example'], requiredHeader: 'x-requested-with', allowMissingOrigin: false },
      maxBodyBytes: 1024,
      bodyTimeout: '5s',
      realm: 'api',
      onAuthEvent: () => undefined,
      publicPathPrefix: '/api',
      trustedProxies: { hops: 1 },
      loginLimits: {
        store: new MemoryLoginAttemptStore(),
        accountField: 'email',
        normalizeAccount: (value) => value,
        freeFailures: 3,
        baseWait: '2s',
        maxWait: '1h',
        accountFreeFailures: 10,
        accountMaxWait: 3,
        clientBudget: 50,
        window: '1h',
        clock: () => new Date(),
      },
      dpop: {
        origins: ['https://auth.example'],
        replayCache: false,
        required: true,
        algorithms: ['ES256'],
        maxAge: 30,
        clockTolerance: 5,
        nonces: createDPoPNonces({ secret: new Uint8Array(32) }),
        clock: () => new Date(),
      },
    };
    const legacy = { ...endpointOptions, cookie: { insecureLoopback: true }, onError: () => undefined };
    for (const options of [all, legacy]) {
      expect(() => expressAdapter.createAuthEndpoints(options)).not.toThrow();
      expect(() => fetchAdapter.createAuthEndpoints(options)).not.toThrow();
    }
  });
});

describe('createJWKSEndpoint (and createJwksEndpoint): unknown option names', () => {
  it('refuse a misspelt option, naming the option meant', () => {
    for (const message of jwksRefusals({ jwks, cacheMaxage: '10m' })) expect(message).toContain('"cacheMaxAge"');
  });

  it('point a key set passed as the options to "jwks"', () => {
    for (const message of jwksRefusals({ keys: jwks.keys })) expect(message).toContain('"jwks: { keys }"');
  });

  it('accept every option, the deprecated maxAge included', () => {
    for (const options of [
      { jwks, cacheMaxAge: '10m', onError: () => undefined },
      { jwks, maxAge: '10m' },
    ] satisfies JWKSEndpointOptions[]) {
      expect(() => expressAdapter.createJWKSEndpoint(options)).not.toThrow();
      expect(() => fetchAdapter.createJWKSEndpoint(options)).not.toThrow();
    }
  });
});
