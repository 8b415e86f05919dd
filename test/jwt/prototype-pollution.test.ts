// A polluted Object.prototype (a member added to it by a bug anywhere in the process) changes
// nothing jwtkit decides: header parameters, claims and the options of sign, verify, signJws,
// verifyJws and decode are read as own members only (src/internal/own-member.ts). Each case runs
// once on a clean prototype and once polluted, and the two outcomes must be the same.
import { createHmac, generateKeyPairSync, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createIssuerKeyResolver,
  createLocalJWKS,
  createVerifiedTokenCache,
  decode,
  importKey,
  isJwtError,
  signJwsSync,
  signSync,
  verify,
  verifyJwsSync,
  verifySync,
  type JWK,
  type SignOptions,
  type VerifyOptions,
} from '../../src/index.js';

/** The frozen clock of these tests (2023-11-14T22:13:20Z), in seconds. */
const NOW = 1_700_000_000;
const CLOCK = (): Date => new Date(NOW * 1000);
const FAR_FUTURE = 4_102_444_800;
const SECRET = randomBytes(32);

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: string };

/** Runs `run` and says what it returned or which JwtError code it threw. */
async function outcomeOf(run: () => unknown): Promise<Outcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, code: isJwtError(error) ? error.code : `not a JwtError: ${String(error)}` };
  }
}

/**
 * Runs `run` while `Object.prototype` has the given members (set by assignment, so enumerable, as
 * a real pollution leaves them), and always removes them afterwards.
 */
async function polluted(members: Record<string, unknown>, run: () => unknown): Promise<Outcome> {
  const prototype = Object.prototype as Record<string, unknown>;
  const names = Object.keys(members);
  for (const name of names) expect(Object.hasOwn(prototype, name), `Object.prototype.${name} is already set`).toBe(false);
  try {
    for (const name of names) prototype[name] = members[name];
    return await outcomeOf(run);
  } finally {
    for (const name of names) delete prototype[name];
  }
}

/** The outcome of `run` on a clean prototype, and with `members` on it: they must be equal. */
async function cleanAndPolluted(members: Record<string, unknown>, run: () => unknown): Promise<{ clean: Outcome; dirty: Outcome }> {
  const clean = await outcomeOf(run);
  const dirty = await polluted(members, run);
  expect(Object.keys(members).filter((name) => Object.hasOwn(Object.prototype, name))).toEqual([]);
  return { clean, dirty };
}

const refused = (code: string): Outcome => ({ ok: false, code });

let serial = 0;
/**
 * An HS256 token made with node:crypto (not jwtkit). Each header gets a `cty` of its own, so that
 * jwtkit parses it afresh rather than reusing a header it read in another test.
 */
function hs256(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const headerSegment = Buffer.from(JSON.stringify({ ...header, cty: `case-${++serial}` })).toString('base64url');
  const signingInput = `${headerSegment}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', SECRET).update(signingInput).digest('base64url')}`;
}

function es256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const headerSegment = Buffer.from(JSON.stringify({ ...header, cty: `case-${++serial}` })).toString('base64url');
  const signingInput = `${headerSegment}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${signingInput}.${cryptoSign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const VALID = { sub: 'user-1', iat: NOW - 10, exp: NOW + 600 };
const HS256_OPTIONS = { algorithms: ['HS256'], clock: CLOCK } as const satisfies VerifyOptions;

describe('header parameters are read as own members', () => {
  it('typ: a token without "typ" is not of the expected type, whatever Object.prototype.typ says', async () => {
    const token = hs256({ alg: 'HS256' }, VALID);
    const { clean, dirty } = await cleanAndPolluted({ typ: 'at+jwt' }, () =>
      verifySync(token, SECRET, { ...HS256_OPTIONS, typ: 'at+jwt' }),
    );
    expect(clean).toEqual(refused('ERR_JWT_TYPE_MISMATCH'));
    expect(dirty).toEqual(clean);
  });

  it('alg: a header without "alg" is malformed, whatever Object.prototype.alg says (verify and decode)', async () => {
    const token = hs256({ typ: 'JWT' }, VALID);
    const verified = await cleanAndPolluted({ alg: 'HS256' }, () => verifySync(token, SECRET, HS256_OPTIONS));
    expect(verified.clean).toEqual(refused('ERR_JWT_MALFORMED'));
    expect(verified.dirty).toEqual(verified.clean);
    const decoded = await cleanAndPolluted({ alg: 'HS256' }, () => decode(hs256({ typ: 'JWT' }, VALID)));
    expect(decoded.clean).toEqual(refused('ERR_JWT_MALFORMED'));
    expect(decoded.dirty).toEqual(decoded.clean);
  });

  it('crit, b64, zip, enc on Object.prototype are ignored: a valid token still verifies', async () => {
    const token = hs256({ alg: 'HS256', typ: 'JWT' }, VALID);
    const members = { crit: ['exp'], b64: false, zip: 'DEF', enc: 'A256GCM' };
    const { clean, dirty } = await cleanAndPolluted(members, () => verifySync(token, SECRET, HS256_OPTIONS).payload);
    expect(clean).toEqual({ ok: true, value: VALID });
    expect(dirty).toEqual(clean);
  });

  it('kid: a key set chooses for a token without "kid" as it does on a clean prototype', async () => {
    const pairs = [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('ec', { namedCurve: 'P-256' })];
    const keys = pairs.map(({ publicKey }, index) => ({
      ...(publicKey.export({ format: 'jwk' }) as JWK),
      kid: `key-${index}`,
      alg: 'ES256',
    }));
    const jwks = createLocalJWKS({ keys });
    const token = es256({ alg: 'ES256', typ: 'JWT' }, VALID, pairs[0]!.privateKey);
    const options: VerifyOptions = { algorithms: ['ES256'], clock: CLOCK };
    for (const kid of ['key-1', 'no-such-key']) {
      const { clean, dirty } = await cleanAndPolluted({ kid }, async () => (await verify(token, jwks, options)).payload);
      expect(clean).toEqual({ ok: true, value: VALID });
      expect(dirty, `Object.prototype.kid = ${kid}`).toEqual(clean);
    }
  });
});

describe('claims are read as own members', () => {
  const cases: {
    name: string;
    members: Record<string, unknown>;
    payload: Record<string, unknown>;
    options: VerifyOptions;
    expected: Outcome;
  }[] = [
    {
      name: 'exp: a token without "exp" is refused (requireExp default)',
      members: { exp: FAR_FUTURE },
      payload: { sub: 'user-1', iat: NOW },
      options: HS256_OPTIONS,
      expected: refused('ERR_JWT_CLAIM_INVALID'),
    },
    {
      name: 'nbf: a token without "nbf" is valid now',
      members: { nbf: FAR_FUTURE },
      payload: VALID,
      options: HS256_OPTIONS,
      expected: { ok: true, value: VALID },
    },
    {
      name: 'iat: a token without "iat" is not issued in the future',
      members: { iat: FAR_FUTURE },
      payload: { sub: 'user-1', exp: NOW + 600 },
      options: HS256_OPTIONS,
      expected: { ok: true, value: { sub: 'user-1', exp: NOW + 600 } },
    },
    {
      name: 'iat: a token without "iat" fails "maxAge"',
      members: { iat: NOW },
      payload: { sub: 'user-1', exp: NOW + 600 },
      options: { ...HS256_OPTIONS, maxAge: 60 },
      expected: refused('ERR_JWT_CLAIM_INVALID'),
    },
    {
      name: 'aud: a token without "aud" fails "audience"',
      members: { aud: 'api' },
      payload: VALID,
      options: { ...HS256_OPTIONS, audience: 'api' },
      expected: refused('ERR_JWT_CLAIM_INVALID'),
    },
    {
      name: 'iss: a token without "iss" fails "issuer"',
      members: { iss: 'https://issuer.example' },
      payload: VALID,
      options: { ...HS256_OPTIONS, issuer: 'https://issuer.example' },
      expected: refused('ERR_JWT_CLAIM_INVALID'),
    },
    {
      name: 'sub: a token without "sub" fails "subject"',
      members: { sub: 'user-1' },
      payload: { iat: NOW, exp: NOW + 600 },
      options: { ...HS256_OPTIONS, subject: 'user-1' },
      expected: refused('ERR_JWT_CLAIM_INVALID'),
    },
    {
      name: 'jti: a token without "jti" fails "requiredClaims"',
      members: { jti: 'id-1' },
      payload: VALID,
      options: { ...HS256_OPTIONS, requiredClaims: ['jti'] },
      expected: refused('ERR_JWT_CLAIM_INVALID'),
    },
  ];
  for (const { name, members, payload, options, expected } of cases) {
    it(name, async () => {
      const token = hs256({ alg: 'HS256', typ: 'JWT' }, payload);
      const { clean, dirty } = await cleanAndPolluted(members, () => verifySync(token, SECRET, options).payload);
      expect(clean).toEqual(expected);
      expect(dirty).toEqual(clean);
    });
  }

  it('exp: a token without "exp" is cached for the cache lifetime, not until Object.prototype.exp', async () => {
    const token = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'user-1', iat: NOW });
    const sizes = [];
    for (const pollute of [false, true]) {
      const cache = createVerifiedTokenCache({ max: 10 });
      const run = (): unknown => verifySync(token, SECRET, { ...HS256_OPTIONS, requireExp: false, cache }).payload;
      expect(pollute ? await polluted({ exp: NOW - 1 }, run) : await outcomeOf(run)).toEqual({
        ok: true,
        value: { sub: 'user-1', iat: NOW },
      });
      sizes.push(cache.size);
    }
    expect(sizes).toEqual([1, 1]);
  });

  it('iss: the issuer key resolver finds no keys for a token without "iss", whatever Object.prototype.iss says', async () => {
    const resolver = createIssuerKeyResolver({ 'https://issuer.example': importKey(SECRET, { alg: 'HS256' }) });
    const token = hs256({ alg: 'HS256', typ: 'JWT' }, VALID);
    const { clean, dirty } = await cleanAndPolluted(
      { iss: 'https://issuer.example' },
      async () => (await verify(token, resolver, HS256_OPTIONS)).payload,
    );
    expect(clean).toEqual(refused('ERR_JWKS_NO_MATCHING_KEY'));
    expect(dirty).toEqual(clean);
  });
});

describe('the options of verify are read as own members', () => {
  /** A token that expired 100 s before {@link NOW}, and one that expired 100 s before the real time. */
  const expiredAtNow = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'user-1', iat: NOW - 700, exp: NOW - 100 });
  const realNow = Math.floor(Date.now() / 1000);
  const expiredInRealTime = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'user-1', iat: realNow - 700, exp: realNow - 100 });
  const withAudience = hs256({ alg: 'HS256', typ: 'JWT' }, { ...VALID, aud: 'api', iss: 'https://issuer.example' });
  const withoutExp = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'user-1', iat: NOW });
  const cases: { option: string; value: unknown; token: string; options: object; expected: string | undefined }[] = [
    {
      option: 'clock',
      value: () => new Date(0),
      token: expiredInRealTime,
      options: { algorithms: ['HS256'] },
      expected: 'ERR_JWT_EXPIRED',
    },
    {
      option: 'currentDate',
      value: new Date(0),
      token: expiredInRealTime,
      options: { algorithms: ['HS256'] },
      expected: 'ERR_JWT_EXPIRED',
    },
    { option: 'currentDate', value: new Date(0), token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'requireExp', value: false, token: withoutExp, options: HS256_OPTIONS, expected: 'ERR_JWT_CLAIM_INVALID' },
    { option: 'clockTolerance', value: 300, token: expiredAtNow, options: HS256_OPTIONS, expected: 'ERR_JWT_EXPIRED' },
    { option: 'algorithms', value: ['HS256'], token: withAudience, options: { clock: CLOCK }, expected: 'ERR_INVALID_OPTION' },
    { option: 'typ', value: 'at+jwt', token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'audience', value: 'another-api', token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'issuer', value: 'https://another.example', token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'subject', value: 'user-2', token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'maxAge', value: 1, token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'requiredClaims', value: ['scope'], token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'maxTokenLength', value: 10, token: withAudience, options: HS256_OPTIONS, expected: undefined },
    { option: 'cache', value: {}, token: withAudience, options: HS256_OPTIONS, expected: undefined },
  ];
  for (const { option, value, token, options, expected } of cases) {
    it(`Object.prototype.${option} is ignored (${expected ?? 'the token verifies'})`, async () => {
      for (const form of ['verifySync', 'verify'] as const) {
        const run = async (): Promise<unknown> =>
          form === 'verify'
            ? (await verify(token, SECRET, options as VerifyOptions)).payload
            : verifySync(token, SECRET, options as VerifyOptions).payload;
        const { clean, dirty } = await cleanAndPolluted({ [option]: value }, run);
        expect(clean.ok ? undefined : clean.code).toBe(expected);
        expect(dirty, form).toEqual(clean);
      }
    });
  }
});

describe('the options of sign, signJws, verifyJws and decode are read as own members', () => {
  const options: SignOptions = { alg: 'HS256', clock: CLOCK };
  const members: Record<string, unknown> = {
    issuer: 'https://another.example',
    subject: 'someone-else',
    audience: 'another-api',
    jwtId: 'id-1',
    expiresIn: 1,
    notBefore: 3600,
    iat: false,
    typ: 'evil+jwt',
    kid: 'another-key',
    header: { cty: 'text/plain' },
  };
  for (const [option, value] of Object.entries(members)) {
    it(`sign: Object.prototype.${option} is ignored`, async () => {
      const { clean, dirty } = await cleanAndPolluted({ [option]: value }, () => signSync({ scope: 'read' }, SECRET, options));
      expect(clean.ok).toBe(true);
      expect(dirty).toEqual(clean);
    });
  }

  it('sign: Object.prototype.alg does not stand in for a missing "alg"', async () => {
    const { clean, dirty } = await cleanAndPolluted({ alg: 'HS256' }, () =>
      signSync({}, SECRET, { clock: CLOCK } as unknown as SignOptions),
    );
    expect(clean).toEqual(refused('ERR_INVALID_OPTION'));
    expect(dirty).toEqual(clean);
  });

  it('sign: Object.prototype.clock and currentDate are ignored (iat is the real time)', async () => {
    for (const [option, value] of [
      ['clock', () => new Date(0)],
      ['currentDate', new Date(0)],
    ] as const) {
      const before = Math.floor(Date.now() / 1000);
      const outcome = await polluted({ [option]: value }, () => decode(signSync({}, SECRET, { alg: 'HS256' })).payload['iat']);
      expect(outcome.ok && typeof outcome.value === 'number' && outcome.value >= before && outcome.value <= Date.now() / 1000, option).toBe(
        true,
      );
    }
  });

  it('signJws: Object.prototype.typ, kid and header are ignored', async () => {
    const run = (): string => signJwsSync('hello', SECRET, { alg: 'HS256' });
    const { clean, dirty } = await cleanAndPolluted({ typ: 'evil', kid: 'another-key', header: { cty: 'text/plain' } }, run);
    expect(clean.ok).toBe(true);
    expect(dirty).toEqual(clean);
  });

  it('verifyJws and decode: Object.prototype.maxTokenLength and algorithms are ignored', async () => {
    const token = hs256({ alg: 'HS256' }, VALID);
    const jws = await cleanAndPolluted({ maxTokenLength: 10 }, () => verifyJwsSync(token, SECRET, { algorithms: ['HS256'] }).header.alg);
    expect(jws.clean).toEqual({ ok: true, value: 'HS256' });
    expect(jws.dirty).toEqual(jws.clean);
    const noAlgorithms = await cleanAndPolluted({ algorithms: ['HS256'] }, () => verifyJwsSync(token, SECRET, {} as never));
    expect(noAlgorithms.clean).toEqual(refused('ERR_INVALID_OPTION'));
    expect(noAlgorithms.dirty).toEqual(noAlgorithms.clean);
    const decoded = await cleanAndPolluted({ maxTokenLength: 10 }, () => decode(token).payload);
    expect(decoded.clean).toEqual({ ok: true, value: VALID });
    expect(decoded.dirty).toEqual(decoded.clean);
  });
});
