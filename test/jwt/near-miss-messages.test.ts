/**
 * N1–N4, the near-misses a newcomer makes most: each is refused with the code it always had, and
 * the message names the fix (the one place tests read wording: the fix must be there), never the
 * token, the key or the secret.
 * - N1: a token with a pasted `Bearer ` prefix, a trailing newline or surrounding whitespace;
 * - N2: `undefined` or `null` as the key (an unset environment variable);
 * - N3: PEM text (or a JWK as JSON text, or a Base64 DER key) where a key is expected: use importKey;
 * - N4: an HMAC secret shorter than the hash: how to make a random one.
 */
import { describe, expect, it } from 'vitest';
import {
  decode,
  importKey,
  sign,
  signJws,
  signJwsSync,
  signSync,
  verify,
  verifyJws,
  verifyJwsSync,
  verifySync,
  type JwsAlgorithm,
  type KeyInput,
} from '../../src/index.js';
import { expectCode, FAR_FUTURE, forge, NOW, NOW_CLOCK, pemOf, testKeys } from '../helpers/core.js';

const keys = testKeys();
const P = { sub: 'user-1', iat: NOW, exp: FAR_FUTURE };
const TOKEN = forge('HS256', { alg: 'HS256' }, P, keys.hs256);

/** Every way a token reaches the parser: the four verifications and decode. */
const READERS: ReadonlyArray<readonly [string, (token: string) => unknown]> = [
  ['verify', (token) => verify(token, keys.hs256, { algorithms: ['HS256'], clock: NOW_CLOCK })],
  ['verifySync', (token) => verifySync(token, keys.hs256, { algorithms: ['HS256'], clock: NOW_CLOCK })],
  ['verifyJws', (token) => verifyJws(token, keys.hs256, { algorithms: ['HS256'] })],
  ['verifyJwsSync', (token) => verifyJwsSync(token, keys.hs256, { algorithms: ['HS256'] })],
  ['decode', (token) => decode(token)],
];

/** The message holds neither the token nor any of its segments. */
function expectNoToken(message: string, token: string): void {
  expect(message).not.toContain(token.trim());
  for (const segment of token.trim().split(/[\s.]+/)) if (segment.length >= 8) expect(message).not.toContain(segment);
}

describe('N1. a token with a pasted prefix or trailing newline: ERR_JWT_MALFORMED naming the fix', () => {
  it('the unchanged token is accepted by every reader (the cases below differ only by what is pasted)', async () => {
    for (const [, read] of READERS) await expect(Promise.resolve().then(() => read(TOKEN))).resolves.toBeDefined();
  });

  const BEARER = [
    `Bearer ${TOKEN}`,
    `bearer ${TOKEN}`,
    `BEARER   ${TOKEN}`,
    `Bearer\t${TOKEN}`,
    ` Bearer ${TOKEN}`,
    `Authorization: Bearer ${TOKEN}`,
  ];
  for (const [name, read] of READERS) {
    it(`${name}: a "Bearer " prefix, in any case and spacing → "remove the \\"Bearer \\" prefix"`, async () => {
      for (const pasted of BEARER) {
        const error = await expectCode(() => read(pasted), 'ERR_JWT_MALFORMED');
        expect(error.message).toContain('remove the "Bearer " prefix');
        expectNoToken(error.message, pasted);
      }
    });

    it(`${name}: a trailing newline (LF or CRLF) → "remove the trailing newline"; spaces and leading whitespace named too`, async () => {
      for (const pasted of [`${TOKEN}\n`, `${TOKEN}\r\n`, `${TOKEN}\n\n`]) {
        const error = await expectCode(() => read(pasted), 'ERR_JWT_MALFORMED');
        expect(error.message).toContain('remove the trailing newline');
        expect(error.message).not.toContain('Bearer');
        expectNoToken(error.message, pasted);
      }
      const spaces = await expectCode(() => read(`${TOKEN}  `), 'ERR_JWT_MALFORMED');
      expect(spaces.message).toContain('remove the trailing whitespace');
      const leading = await expectCode(() => read(` ${TOKEN}`), 'ERR_JWT_MALFORMED');
      expect(leading.message).toContain('remove the leading whitespace');
      expectNoToken(leading.message, TOKEN);
    });
  }

  it('a token that is malformed for another reason gets no such hint', async () => {
    for (const token of ['abc', 'a.b', `${TOKEN}=`, `${TOKEN.slice(0, -2)}!!`, 'Bearish.x.y']) {
      const error = await expectCode(() => decode(token), 'ERR_JWT_MALFORMED');
      expect(error.message).not.toContain('Bearer');
      expect(error.message).not.toContain('newline');
      expect(error.message).not.toContain('whitespace');
    }
  });
});

describe('N2. undefined or null as the key: ERR_KEY_INVALID, "got undefined: is the environment variable set?"', () => {
  const unset = process.env['JWTKIT_SURELY_UNSET_VARIABLE'] as unknown as KeyInput;
  const CALLS: ReadonlyArray<readonly [string, (key: KeyInput) => unknown]> = [
    ['sign', (key) => sign({ sub: 'u' }, key, { alg: 'HS256' })],
    ['signSync', (key) => signSync({ sub: 'u' }, key, { alg: 'RS256' })],
    ['signJws', (key) => signJws('x', key, { alg: 'ES256' })],
    ['signJwsSync', (key) => signJwsSync('x', key, { alg: 'HS256' })],
    ['verify', (key) => verify(TOKEN, key, { algorithms: ['HS256'], clock: NOW_CLOCK })],
    ['verifySync', (key) => verifySync(TOKEN, key, { algorithms: ['HS256'], clock: NOW_CLOCK })],
    ['verifyJws', (key) => verifyJws(TOKEN, key, { algorithms: ['HS256'] })],
    ['verifyJwsSync', (key) => verifyJwsSync(TOKEN, key, { algorithms: ['HS256'] })],
    ['importKey', (key) => importKey(key as never, { alg: 'RS256' })],
  ];
  for (const [name, call] of CALLS) {
    it(`${name}(undefined) and ${name}(null)`, async () => {
      const error = await expectCode(() => call(unset), 'ERR_KEY_INVALID');
      expect(error.message).toContain('got undefined');
      expect(error.message).toContain('environment variable');
      const nullError = await expectCode(() => call(null as unknown as KeyInput), 'ERR_KEY_INVALID');
      expect(nullError.message).toContain('got null');
      expect(nullError.message).toContain('environment variable');
    });
  }

  it('an empty string secret (`process.env.X ?? ""`) also asks about the environment variable', async () => {
    const error = await expectCode(() => sign({ sub: 'u' }, '', { alg: 'HS256' }), 'ERR_KEY_INVALID');
    expect(error.message).toContain('environment variable');
  });
});

describe('N3. a key document where sign/verify read an HMAC secret: ERR_KEY_INVALID naming importKey', () => {
  const rsaPrivatePem = pemOf(keys.rsa.privateKey);
  const rsaPublicPem = pemOf(keys.rsa.publicKey);
  const ecPublicPem = pemOf(keys.p256.publicKey);
  const body = (pem: string): string[] => pem.split('\n').filter((line) => line.length > 0 && !line.startsWith('-----'));
  const expectNoKey = (message: string, pem: string): void => {
    for (const line of body(pem)) expect(message).not.toContain(line);
  };

  it('sign with PEM text and alg RS256 → importKey(pem, { alg: \'RS256\' }), not "must be an HMAC secret"', async () => {
    for (const call of [
      () => sign({ sub: 'u' }, rsaPrivatePem, { alg: 'RS256' }),
      () => signSync({ sub: 'u' }, rsaPrivatePem, { alg: 'RS256' }),
      () => signJws('x', rsaPrivatePem, { alg: 'RS256' }),
    ]) {
      const error = await expectCode(call, 'ERR_KEY_INVALID');
      expect(error.message).toContain("importKey(pem, { alg: 'RS256' })");
      expect(error.message).not.toContain('must be an HMAC secret');
      expectNoKey(error.message, rsaPrivatePem);
    }
  });

  it('verify with PEM text names the asymmetric algorithm of the allow-list', async () => {
    const rsToken = forge('RS256', { alg: 'RS256' }, P, keys.rsa.privateKey);
    const cases: ReadonlyArray<readonly [string, string, JwsAlgorithm[], string]> = [
      [rsToken, rsaPublicPem, ['RS256'], 'RS256'],
      [forge('ES256', { alg: 'ES256' }, P, keys.p256.privateKey), ecPublicPem, ['ES256'], 'ES256'],
      [rsToken, rsaPublicPem, ['HS256', 'PS256'], 'PS256'],
    ];
    for (const [token, pem, algorithms, named] of cases) {
      for (const call of [
        () => verify(token, pem, { algorithms, clock: NOW_CLOCK }),
        () => verifySync(token, pem, { algorithms, clock: NOW_CLOCK }),
        () => verifyJws(token, pem, { algorithms }),
      ]) {
        const error = await expectCode(call, 'ERR_KEY_INVALID');
        expect(error.message).toContain(`importKey(pem, { alg: '${named}' })`);
        expect(error.message).not.toContain('must be an HMAC secret');
        expectNoKey(error.message, pem);
      }
    }
  });

  it('a public key as the secret of an HS256 token (B7) is still refused, and the fix still names importKey', async () => {
    const token = forge('HS256', { alg: 'HS256' }, P, Buffer.from(rsaPublicPem));
    const error = await expectCode(() => verify(token, rsaPublicPem, { algorithms: ['HS256'], clock: NOW_CLOCK }), 'ERR_KEY_INVALID');
    expect(error.message).toContain('importKey(pem');
    expectNoKey(error.message, rsaPublicPem);
  });

  it('PEM bytes, a JWK as JSON text and a Base64 DER key each get their importKey call', async () => {
    const pemBytes = await expectCode(() => sign({}, Buffer.from(rsaPrivatePem), { alg: 'RS256' }), 'ERR_KEY_INVALID');
    expect(pemBytes.message).toContain("importKey(bytes, { alg: 'RS256', format: 'pem' })");
    const jwkText = JSON.stringify(keys.p256.publicKey.export({ format: 'jwk' }));
    const json = await expectCode(() => verify(TOKEN, jwkText, { algorithms: ['ES256'], clock: NOW_CLOCK }), 'ERR_KEY_INVALID');
    expect(json.message).toContain("importKey(JSON.parse(text), { alg: 'ES256' })");
    expect(json.message).not.toContain(jwkText);
    const der = keys.rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const base64Der = await expectCode(() => verify(TOKEN, der, { algorithms: ['RS256'], clock: NOW_CLOCK }), 'ERR_KEY_INVALID');
    expect(base64Der.message).toContain("format: 'spki'");
    expect(base64Der.message).not.toContain(der.slice(0, 40));
  });
});

describe('N4. an HMAC secret shorter than the hash: ERR_KEY_INVALID saying how to make one', () => {
  const SHORT = 'hunter2-password';

  it('sign, verify and importKey name `npx jwtkit secret` and generateSecret, for the algorithm used', async () => {
    const token = forge('HS384', { alg: 'HS384' }, P, Buffer.from(SHORT));
    for (const [call, alg] of [
      [() => sign({ sub: 'u' }, SHORT, { alg: 'HS256' }), 'HS256'],
      [() => verify(token, SHORT, { algorithms: ['HS384'], clock: NOW_CLOCK }), 'HS384'],
      [() => importKey(Buffer.from(SHORT), { alg: 'HS512' }), 'HS512'],
    ] as const) {
      const error = await expectCode(call, 'ERR_KEY_INVALID');
      expect(error.message).toContain(`npx jwtkit secret --alg ${alg}`);
      expect(error.message).toContain(`generateSecret('${alg}')`);
      expect(error.message).not.toContain(SHORT);
    }
  });
});
