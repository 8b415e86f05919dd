/**
 * The asynchronous API computes RSA, ECDSA and EdDSA signatures on libuv's thread pool
 * (src/jws/thread-pool.ts; docs/benchmarks.md, "Signatures on the thread pool"): the same tokens
 * and the same error codes as the synchronous forms, for the 10 asymmetric algorithms and every
 * key form each takes; HMAC stays on the calling thread; at most `maxInFlight` jobs are on the pool
 * at once. `crypto.sign` and `crypto.verify` are wrapped to count the calls of their callback form
 * (the pool) and how many of them are unfinished at once: counts, no timing.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  configureThreadPool,
  createRemoteJWKS,
  createTokenService,
  exportJWK,
  generateKeyPair,
  importKey,
  isJwtError,
  sign,
  signJws,
  signJwsSync,
  signSync,
  verify,
  verifyJws,
  verifyJwsSync,
  verifySync,
  type JWK,
  type JwsAlgorithm,
  type KeyInput,
} from '../../src/index.js';
import { NOW, NOW_CLOCK, caught, caughtSync, expectCode, testKeys, withSignature } from '../helpers/core.js';

/** The callback-form calls of `crypto.sign` / `crypto.verify`: how many, how many unfinished now, the most at once. */
const pool = vi.hoisted(() => ({ signs: 0, verifies: 0, unfinished: 0, most: 0 }));

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  const counted =
    (operation: (...args: unknown[]) => unknown, counter: 'signs' | 'verifies') =>
    (...args: unknown[]): unknown => {
      const callback = args.at(-1);
      if (typeof callback !== 'function') return operation(...args);
      pool[counter]++;
      pool.unfinished++;
      pool.most = Math.max(pool.most, pool.unfinished);
      try {
        return operation(...args.slice(0, -1), (error: unknown, value: unknown) => {
          pool.unfinished--;
          (callback as (error: unknown, value: unknown) => void)(error, value);
        });
      } catch (error) {
        pool.unfinished--;
        throw error;
      }
    };
  const sign = counted(original.sign as never, 'signs');
  const verify = counted(original.verify as never, 'verifies');
  return { ...original, default: { ...original, sign, verify }, sign, verify };
});

function resetCounts(): void {
  pool.signs = 0;
  pool.verifies = 0;
  pool.most = 0;
}

afterEach(() => {
  configureThreadPool({ enabled: true });
  expect(pool.unfinished).toBe(0);
});

const ASYMMETRIC: readonly JwsAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic; RSA-PSS and ECDSA ones are randomized. */
const DETERMINISTIC = new Set<JwsAlgorithm>(['RS256', 'RS384', 'RS512', 'EdDSA']);

const keys = testKeys();
const rsaPss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });

interface KeyForm {
  readonly name: string;
  readonly signKey: KeyInput;
  readonly verifyKey: KeyInput;
}

const pem = (key: KeyObject, type: 'pkcs8' | 'spki' | 'pkcs1' | 'sec1'): string => key.export({ format: 'pem', type }) as string;
const jwkOf = (key: KeyObject): JWK => key.export({ format: 'jwk' }) as JWK;

/** Every `KeyInput` form valid for `alg`: `KeyObject`s, JWK objects, and `BoundKey`s from each format `importKey` reads. */
function keyForms(alg: JwsAlgorithm): KeyForm[] {
  const { privateKey, publicKey } = pairFor(alg);
  const forms: KeyForm[] = [
    { name: 'KeyObject', signKey: privateKey, verifyKey: publicKey },
    { name: 'JWK object', signKey: jwkOf(privateKey), verifyKey: jwkOf(publicKey) },
    { name: 'JWK object with alg', signKey: { ...jwkOf(privateKey), alg }, verifyKey: { ...jwkOf(publicKey), alg } },
    {
      name: 'BoundKey from PEM (PKCS#8, SPKI)',
      signKey: importKey(pem(privateKey, 'pkcs8'), { alg }),
      verifyKey: importKey(pem(publicKey, 'spki'), { alg }),
    },
    { name: 'BoundKey from a JWK', signKey: importKey(jwkOf(privateKey), { alg }), verifyKey: importKey(jwkOf(publicKey), { alg }) },
    { name: 'BoundKey from a KeyObject', signKey: importKey(privateKey, { alg }), verifyKey: importKey(publicKey, { alg }) },
  ];
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    forms.push({
      name: 'BoundKey from PEM (PKCS#1)',
      signKey: importKey(pem(privateKey, 'pkcs1'), { alg }),
      verifyKey: importKey(pem(publicKey, 'pkcs1'), { alg }),
    });
  }
  if (alg.startsWith('PS')) {
    forms.push({ name: 'RSA-PSS KeyObject', signKey: rsaPss.privateKey, verifyKey: rsaPss.publicKey });
  }
  if (alg.startsWith('ES')) {
    forms.push({
      name: 'BoundKey from PEM (SEC1)',
      signKey: importKey(pem(privateKey, 'sec1'), { alg }),
      verifyKey: importKey(pem(publicKey, 'spki'), { alg }),
    });
  }
  return forms;
}

function pairFor(alg: JwsAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  if (alg === 'ES256') return keys.p256;
  if (alg === 'ES384') return keys.p384;
  if (alg === 'ES512') return keys.p521;
  return alg === 'EdDSA' ? keys.ed25519 : keys.rsa;
}

/** Another private key for `alg`, whose signatures have the same length. */
function otherPrivateKey(alg: JwsAlgorithm): KeyObject {
  if (alg === 'EdDSA') return generateKeyPairSync('ed25519').privateKey;
  const curve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg as 'ES256'];
  return curve === undefined ? keys.rsa2.privateKey : generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
}

const PAYLOAD = new TextEncoder().encode('{"sub":"user-1","scope":"read"}');

describe('the pool path gives the tokens of the synchronous path', () => {
  for (const alg of ASYMMETRIC) {
    for (const form of keyForms(alg)) {
      it(`${alg}, ${form.name}: signJws and verifyJws on the pool agree with signJwsSync and verifyJwsSync`, async () => {
        const options = { alg };
        const verifyOptions = { algorithms: [alg] };
        const syncToken = signJwsSync(PAYLOAD, form.signKey, options);
        resetCounts();
        const poolToken = await signJws(PAYLOAD, form.signKey, options);
        expect(pool.signs).toBe(1);
        if (DETERMINISTIC.has(alg)) expect(poolToken).toBe(syncToken);
        else expect(poolToken).not.toBe(syncToken); // randomized: a fresh signature, computed on the pool
        expect(verifyJwsSync(poolToken, form.verifyKey, verifyOptions).payload).toEqual(PAYLOAD);
        expect((await verifyJws(syncToken, form.verifyKey, verifyOptions)).payload).toEqual(PAYLOAD);
        expect((await verifyJws(poolToken, form.verifyKey, verifyOptions)).payload).toEqual(PAYLOAD);
        expect(pool.verifies).toBe(2);
      });
    }

    it(`${alg}: sign and verify (JWT) on the pool agree with signSync and verifySync`, async () => {
      const { privateKey, publicKey } = pairFor(alg);
      const options = { alg, iat: NOW, expiresIn: 600, audience: 'api' };
      const verifyOptions = { algorithms: [alg], audience: 'api', clock: NOW_CLOCK };
      const syncToken = signSync({ sub: 'user-1' }, privateKey, options);
      resetCounts();
      const poolToken = await sign({ sub: 'user-1' }, privateKey, options);
      if (DETERMINISTIC.has(alg)) expect(poolToken).toBe(syncToken);
      expect(verifySync(poolToken, publicKey, verifyOptions).payload).toEqual({ sub: 'user-1', iat: NOW, exp: NOW + 600, aud: 'api' });
      expect((await verify(syncToken, publicKey, verifyOptions)).payload.sub).toBe('user-1');
      expect([pool.signs, pool.verifies]).toEqual([1, 1]);
    });
  }

  it('HMAC stays on the calling thread', async () => {
    resetCounts();
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const secret = { HS256: keys.hs256, HS384: keys.hs384, HS512: keys.hs512 }[alg];
      const options = { alg, iat: NOW, expiresIn: 600 };
      const token = await sign({ sub: 'user-1' }, secret, options);
      expect(token).toBe(signSync({ sub: 'user-1' }, secret, options));
      expect((await verify(token, secret, { algorithms: [alg], clock: NOW_CLOCK })).payload.sub).toBe('user-1');
      await verifyJws(token, secret, { algorithms: [alg] });
    }
    expect([pool.signs, pool.verifies]).toEqual([0, 0]);
  });

  it('configureThreadPool({ enabled: false }): the same tokens, computed on the calling thread', async () => {
    configureThreadPool({ enabled: false });
    resetCounts();
    for (const alg of ASYMMETRIC) {
      const { signKey, verifyKey } = keyForms(alg)[0] as KeyForm;
      const token = await signJws(PAYLOAD, signKey, { alg });
      if (DETERMINISTIC.has(alg)) expect(token).toBe(signJwsSync(PAYLOAD, signKey, { alg }));
      expect((await verifyJws(token, verifyKey, { algorithms: [alg] })).payload).toEqual(PAYLOAD);
    }
    expect([pool.signs, pool.verifies]).toEqual([0, 0]);
    configureThreadPool({ enabled: true });
    await signJws(PAYLOAD, keys.ed25519.privateKey, { alg: 'EdDSA' });
    expect(pool.signs).toBe(1);
  });
});

/** The codes of the asynchronous and the synchronous form of one failing call. */
async function codesOf(asynchronous: () => Promise<unknown>, synchronous: () => unknown): Promise<[unknown, unknown]> {
  const codeOf = (error: unknown): unknown => (isJwtError(error) ? error.code : error);
  return [codeOf(await caught(asynchronous)), codeOf(caughtSync(synchronous))];
}

describe('errors keep their codes on the pool path', () => {
  const ec = keys.p256;
  const rsa = keys.rsa;

  it('bad keys: refused before anything reaches the pool, with the codes of the synchronous form', async () => {
    resetCounts();
    const signCases: Array<[JwsAlgorithm, KeyInput, string]> = [
      ['ES256', ec.publicKey, 'ERR_KEY_INVALID'], // a public key cannot sign
      ['ES384', ec.privateKey, 'ERR_KEY_INVALID'], // the wrong curve
      ['RS256', ec.privateKey, 'ERR_KEY_INVALID'], // the wrong type
      ['EdDSA', rsa.privateKey, 'ERR_KEY_INVALID'],
      ['PS256', importKey(rsa.privateKey, { alg: 'RS256' }), 'ERR_KEY_INVALID'], // bound to another algorithm
      ['RS256', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, 'ERR_KEY_INVALID'], // too short
    ];
    for (const [alg, key, code] of signCases) {
      expect(
        await codesOf(
          () => signJws(PAYLOAD, key, { alg }),
          () => signJwsSync(PAYLOAD, key, { alg }),
        ),
      ).toEqual([code, code]);
      expect(
        await codesOf(
          () => sign({}, key, { alg }),
          () => signSync({}, key, { alg }),
        ),
      ).toEqual([code, code]);
    }
    const token = signJwsSync(PAYLOAD, ec.privateKey, { alg: 'ES256' });
    const verifyCases: Array<[KeyInput, readonly JwsAlgorithm[], string]> = [
      [ec.privateKey, ['ES256'], 'ERR_KEY_INVALID'], // a private key does not verify
      [rsa.publicKey, ['ES256'], 'ERR_JWT_ALG_NOT_ALLOWED'], // the token's alg is not the key's
      [rsa.publicKey, ['RS256', 'PS256'], 'ERR_KEY_INVALID'], // ambiguous
      [ec.publicKey, ['ES384'], 'ERR_JWT_ALG_NOT_ALLOWED'],
    ];
    for (const [key, algorithms, code] of verifyCases) {
      const options = { algorithms };
      expect(
        await codesOf(
          () => verifyJws(token, key, options),
          () => verifyJwsSync(token, key, options),
        ),
      ).toEqual([code, code]);
    }
    expect([pool.signs, pool.verifies]).toEqual([0, 0]);
  });

  for (const alg of ASYMMETRIC) {
    it(`${alg}: bad signatures are ERR_JWT_SIGNATURE_INVALID, checked on the pool when their length is right`, async () => {
      const { privateKey: signKey, publicKey: verifyKey } = pairFor(alg);
      const token = signJwsSync(PAYLOAD, signKey, { alg });
      const [header, , signature] = token.split('.') as [string, string, string];
      const bytes = Buffer.from(signature, 'base64url');
      const length = bytes.length;
      const rightLength = [
        `${header}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${signature}`, // another payload
        withSignature(token, Buffer.alloc(length).toString('base64url')), // zeros
        withSignature(token, Buffer.alloc(length, 0xff).toString('base64url')), // for RSA, above the modulus: node:crypto fails
        signJwsSync(PAYLOAD, otherPrivateKey(alg), { alg }), // another key's signature
      ];
      const wrongLength = [bytes.subarray(0, -1), Buffer.concat([bytes, Buffer.alloc(1)])].map((each) =>
        withSignature(token, each.toString('base64url')),
      );
      const options = { algorithms: [alg] };
      resetCounts();
      for (const bad of [...rightLength, ...wrongLength]) {
        const codes = await codesOf(
          () => verifyJws(bad, verifyKey, options),
          () => verifyJwsSync(bad, verifyKey, options),
        );
        expect(codes).toEqual(['ERR_JWT_SIGNATURE_INVALID', 'ERR_JWT_SIGNATURE_INVALID']);
      }
      expect(pool.verifies).toBe(rightLength.length); // a wrong length is refused before the pool
    });
  }
});

describe('jobs in flight on the pool', () => {
  /** Verifies `count` ES256 tokens at once with a fresh copy of the library (its own pool state) under this environment. */
  async function mostInFlight(count: number, threadPoolSize: string | undefined, maxInFlight?: number): Promise<number> {
    const saved = process.env['UV_THREADPOOL_SIZE'];
    if (threadPoolSize === undefined) delete process.env['UV_THREADPOOL_SIZE'];
    else process.env['UV_THREADPOOL_SIZE'] = threadPoolSize;
    try {
      vi.resetModules();
      const library = await import('../../src/index.js');
      if (maxInFlight !== undefined) library.configureThreadPool({ maxInFlight });
      const tokens = Array.from({ length: count }, (_, i) =>
        library.signSync({ sub: `user-${i}` }, keys.p256.privateKey, { alg: 'ES256', iat: NOW, expiresIn: 600 }),
      );
      resetCounts();
      const options = { algorithms: ['ES256' as const], clock: NOW_CLOCK };
      const results = await Promise.all(tokens.map((token) => library.verify(token, keys.p256.publicKey, options)));
      expect(results.map((result) => result.payload.sub)).toEqual(tokens.map((_, i) => `user-${i}`));
      expect(pool.verifies).toBe(count);
      return pool.most;
    } finally {
      if (saved === undefined) delete process.env['UV_THREADPOOL_SIZE'];
      else process.env['UV_THREADPOOL_SIZE'] = saved;
    }
  }

  it('default: the pool size less one, from UV_THREADPOOL_SIZE (4 when unset); 1 for a pool of one thread', async () => {
    expect(await mostInFlight(32, undefined)).toBe(3);
    expect(await mostInFlight(32, '6')).toBe(5);
    expect(await mostInFlight(32, '1')).toBe(1);
    expect(await mostInFlight(32, 'many')).toBe(3);
  });

  it('maxInFlight caps them; fewer calls than the cap all run at once', async () => {
    expect(await mostInFlight(32, undefined, 2)).toBe(2);
    expect(await mostInFlight(32, '16', 15)).toBe(15);
    expect(await mostInFlight(2, '16')).toBe(2);
  });

  it('waiting calls start first in, first out (a burst of 1,500 with maxInFlight 1)', async () => {
    configureThreadPool({ maxInFlight: 1 });
    try {
      const token = signJwsSync(PAYLOAD, keys.ed25519.privateKey, { alg: 'EdDSA' });
      const order: number[] = [];
      resetCounts();
      await Promise.all(
        Array.from({ length: 1500 }, (_, i) =>
          verifyJws(token, keys.ed25519.publicKey, { algorithms: ['EdDSA'] }).then(() => order.push(i)),
        ),
      );
      expect(order).toEqual(Array.from({ length: 1500 }, (_, i) => i));
      expect([pool.verifies, pool.most]).toEqual([1500, 1]);
    } finally {
      configureThreadPool({ maxInFlight: 3 });
    }
  });

  it('a job that fails (a signature node:crypto cannot check) frees its place for the next', async () => {
    configureThreadPool({ maxInFlight: 1 });
    try {
      const token = signJwsSync(PAYLOAD, keys.rsa.privateKey, { alg: 'RS256' });
      const length = Buffer.from(token.split('.')[2] as string, 'base64url').length;
      const broken = withSignature(token, Buffer.alloc(length, 0xff).toString('base64url'));
      resetCounts();
      const outcomes = await Promise.allSettled(
        [broken, token, broken, token].map((each) => verifyJws(each, keys.rsa.publicKey, { algorithms: ['RS256'] })),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
      expect([pool.verifies, pool.most]).toEqual([4, 1]);
    } finally {
      configureThreadPool({ maxInFlight: 3 });
    }
  });
});

describe('what rides the pool', () => {
  it('the token service signs and verifies its access tokens on the pool', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const tokens = createTokenService({ key: privateKey, issuer: 'https://auth.example', audience: 'api' });
    resetCounts();
    const pair = await tokens.issue('user-1');
    expect(pool.signs).toBe(1);
    expect((await tokens.verifyAccessToken(pair.accessToken)).payload.sub).toBe('user-1');
    expect(pool.verifies).toBe(1);
  });

  it('a remote JWKS: the key it picks verifies on the pool', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { kid: 'k1' });
    const body = JSON.stringify({ keys: [exportJWK(publicKey)] });
    const fetchKeys = async (): Promise<Response> => new Response(body, { headers: { 'content-type': 'application/json' } });
    const jwks = createRemoteJWKS('https://auth.example/jwks.json', { fetch: fetchKeys });
    const token = await sign({ sub: 'user-1' }, privateKey, { alg: 'ES256', expiresIn: 60 });
    resetCounts();
    expect((await verify(token, jwks, { algorithms: ['ES256'] })).payload.sub).toBe('user-1');
    expect(pool.verifies).toBe(1);
  });
});

describe('configureThreadPool', () => {
  it('refuses bad options with ERR_INVALID_OPTION', async () => {
    vi.stubEnv('UV_THREADPOOL_SIZE', '4');
    for (const options of [
      undefined,
      null,
      'inline',
      { enable: false },
      { enabled: 'no' },
      { maxInFlight: 0 },
      { maxInFlight: 1.5 },
      { maxInFlight: '2' },
      { maxInFlight: 4 }, // not below the pool's 4 threads
    ]) {
      await expectCode(() => configureThreadPool(options as never), 'ERR_INVALID_OPTION');
    }
    vi.unstubAllEnvs();
  });
});
