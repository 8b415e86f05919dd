/**
 * A1–A6, algorithm selection (RFC 8725 §2.1, §3.1, §3.2), for sign/verify/verifyJws.
 * Clock frozen at NOW = 1_700_000_000 through `clock`. Attack tokens are forged with
 * node:crypto (`forge` of test/helpers/core.ts), never with jwtkit.
 */
import { describe, expect, it } from 'vitest';
import { sign, verify, verifyJws, verifySync, type JwsAlgorithm, type VerifyOptions } from '../../src/index.js';
import { bindKey } from '../../src/jws/key.js';
import { ALL_ALGS, b64u, expectCode, FAR_FUTURE, forge, keyPairFor, NOW, NOW_CLOCK, testKeys } from '../helpers/core.js';

const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const P_B64 = 'eyJzdWIiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwfQ';
const keys = testKeys();
const HS_OPTIONS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };

describe('A1. alg "none" in any spelling is never accepted', () => {
  it('the attacker payload P encodes as P_B64, the payload segment of the literal tokens below', () => {
    expect(b64u(JSON.stringify(P))).toBe(P_B64);
  });

  const headers = [
    'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0', // {"alg":"none","typ":"JWT"}
    'eyJhbGciOiJOb25lIiwidHlwIjoiSldUIn0', // None
    'eyJhbGciOiJOT05FIiwidHlwIjoiSldUIn0', // NONE
    'eyJhbGciOiJuT25FIiwidHlwIjoiSldUIn0', // nOnE
  ];
  for (const header of headers) {
    for (const signature of ['', 'AAAA']) {
      const token = `${header}.${P_B64}.${signature}`;
      it(`${Buffer.from(header, 'base64url').toString()} with signature "${signature}" → ERR_JWT_ALG_NOT_ALLOWED`, async () => {
        await expectCode(() => verify(token, keys.hs256, HS_OPTIONS), 'ERR_JWT_ALG_NOT_ALLOWED');
        await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_ALG_NOT_ALLOWED');
        // Even the most permissive allow-list contains no "none".
        await expectCode(
          () => verify(token, keys.rsa.publicKey, { algorithms: ['RS256', 'ES256', 'EdDSA'] as JwsAlgorithm[], clock: NOW_CLOCK }),
          'ERR_JWT_ALG_NOT_ALLOWED',
          'ERR_KEY_INVALID',
        );
      });
    }
  }

  it('"none" cannot be put in the allow-list (ERR_INVALID_OPTION), in any spelling, alone or mixed', async () => {
    const token = `${headers[0]}.${P_B64}.`;
    for (const algorithms of [['none'], ['None'], ['HS256', 'none'], ['NONE', 'HS256']]) {
      await expectCode(
        () => verify(token, keys.hs256, { algorithms: algorithms as JwsAlgorithm[], clock: NOW_CLOCK }),
        'ERR_INVALID_OPTION',
      );
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: algorithms as JwsAlgorithm[] }), 'ERR_INVALID_OPTION');
    }
  });
});

describe('A2. empty or missing signature with a real alg', () => {
  for (const alg of ALL_ALGS) {
    it(`${alg}: "header.payload." → signature error; "header.payload" → ERR_JWT_MALFORMED; never a claims error`, async () => {
      const { verifyKey } = keyPairFor(alg);
      const header = b64u(JSON.stringify({ alg, typ: 'JWT' }));
      // exp in the past: the claims step would say EXPIRED if it were reached.
      const payload = b64u(JSON.stringify({ sub: 'admin', exp: 1 }));
      const options: VerifyOptions = { algorithms: [alg], clock: NOW_CLOCK };
      await expectCode(() => verify(`${header}.${payload}.`, verifyKey, options), 'ERR_JWT_SIGNATURE_INVALID', 'ERR_JWT_MALFORMED');
      await expectCode(() => verify(`${header}.${payload}`, verifyKey, options), 'ERR_JWT_MALFORMED');
    });
  }

  it('literal HS256 tokens with an empty or missing signature segment', async () => {
    const header = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
    await expectCode(() => verify(`${header}.${P_B64}.`, keys.hs256, HS_OPTIONS), 'ERR_JWT_SIGNATURE_INVALID', 'ERR_JWT_MALFORMED');
    await expectCode(() => verify(`${header}.${P_B64}`, keys.hs256, HS_OPTIONS), 'ERR_JWT_MALFORMED');
  });
});

describe('A3. malformed alg values in a correctly signed header', () => {
  const cases: Array<[string, string]> = [
    ['{}', '{}'],
    ['alg null', '{"alg":null}'],
    ['alg ""', '{"alg":""}'],
    ['alg array', '{"alg":["HS256"]}'],
    ['alg object', '{"alg":{"toString":"HS256"}}'],
    ['alg number', '{"alg":256}'],
    ['alg lower case', '{"alg":"hs256"}'],
    ['alg trailing space', '{"alg":"HS256 "}'],
    ['alg trailing NUL', '{"alg":"HS256\\u0000"}'],
  ];
  for (const [name, header] of cases) {
    it(`${name}: ${header} → ERR_JWT_ALG_NOT_ALLOWED or ERR_JWT_MALFORMED`, async () => {
      const token = forge('HS256', header, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS_OPTIONS), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_JWT_MALFORMED');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_JWT_MALFORMED');
    });
  }

  it('string alg values that are not exactly an allowed name → ERR_JWT_ALG_NOT_ALLOWED (no case folding, no trim)', async () => {
    for (const alg of ['hs256', 'HS256 ', ' HS256', 'HS256\u0000', 'Hs256', '']) {
      const token = forge('HS256', { alg }, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS_OPTIONS), 'ERR_JWT_ALG_NOT_ALLOWED');
    }
  });

  it('non-string alg values → ERR_JWT_MALFORMED', async () => {
    for (const header of ['{}', '{"alg":null}', '{"alg":["HS256"]}', '{"alg":{"toString":"HS256"}}', '{"alg":256}', '{"alg":true}']) {
      const token = forge('HS256', header, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS_OPTIONS), 'ERR_JWT_MALFORMED');
    }
  });
});

describe('A4. no implicit algorithm: the allow-list is mandatory; falsy keys never verify', () => {
  const token = forge('HS256', { alg: 'HS256', typ: 'JWT' }, P, keys.hs256);

  it('verify / verifySync / verifyJws without algorithms, or with an empty or non-array list → ERR_INVALID_OPTION', async () => {
    const bad: unknown[] = [undefined, null, [], 'HS256', {}, ['HS257'], [undefined]];
    for (const algorithms of bad) {
      const options = { algorithms, clock: NOW_CLOCK } as unknown as VerifyOptions;
      await expectCode(() => verify(token, keys.hs256, options), 'ERR_INVALID_OPTION');
      await expectCode(() => verifySync(token, keys.hs256, options), 'ERR_INVALID_OPTION');
      await expectCode(() => verifyJws(token, keys.hs256, options), 'ERR_INVALID_OPTION');
    }
    await expectCode(() => verify(token, keys.hs256, undefined as unknown as VerifyOptions), 'ERR_INVALID_OPTION');
    await expectCode(() => verifySync(token, keys.hs256, {} as VerifyOptions), 'ERR_INVALID_OPTION');
  });

  it('option errors are reported before the token is read (a garbage token still gives ERR_INVALID_OPTION)', async () => {
    await expectCode(() => verify('garbage', keys.hs256, { algorithms: [] }), 'ERR_INVALID_OPTION');
  });

  it('falsy keys (null, undefined, "", false, 0) with HS256 tokens (and the empty-key forgery) → ERR_KEY_INVALID', async () => {
    const emptyKeyForgery = forge('HS256', { alg: 'HS256', typ: 'JWT' }, P, new Uint8Array(0));
    const noneToken = `eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.${P_B64}.`;
    for (const key of [null, undefined, '', false, 0]) {
      await expectCode(() => verify(emptyKeyForgery, key as never, HS_OPTIONS), 'ERR_KEY_INVALID');
      await expectCode(() => verify(token, key as never, HS_OPTIONS), 'ERR_KEY_INVALID');
      // alg none is refused before the key matters.
      await expectCode(() => verify(noneToken, key as never, HS_OPTIONS), 'ERR_JWT_ALG_NOT_ALLOWED', 'ERR_KEY_INVALID');
    }
  });

  it('sign without alg, or with alg "none", or an unknown alg → ERR_INVALID_OPTION (no default algorithm)', async () => {
    for (const alg of [undefined, 'none', 'None', 'HS257', '']) {
      await expectCode(() => sign({ sub: 'u' }, keys.hs256, { alg: alg as JwsAlgorithm }), 'ERR_INVALID_OPTION');
    }
    await expectCode(() => sign({ sub: 'u' }, keys.hs256, undefined as never), 'ERR_INVALID_OPTION');
  });
});

describe('A5. a token alg valid for the key material but not the algorithm bound to the key', () => {
  const { privateKey, publicKey } = keys.rsa;
  const others: JwsAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384'];

  for (const alg of others) {
    it(`key bound to PS512, token ${alg} correctly signed by the same RSA key → ERR_JWT_ALG_NOT_ALLOWED`, async () => {
      const token = forge(alg, { alg }, P, privateKey);
      const options = { algorithms: [alg, 'PS512'] as JwsAlgorithm[], clock: NOW_CLOCK };
      // BoundKey
      await expectCode(() => verify(token, bindKey(publicKey, 'PS512'), options), 'ERR_JWT_ALG_NOT_ALLOWED');
      // JWK naming its alg
      const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), alg: 'PS512' };
      await expectCode(() => verify(token, jwk as never, options), 'ERR_JWT_ALG_NOT_ALLOWED');
      // A verifier configured for PS512 only
      await expectCode(() => verify(token, publicKey, { algorithms: ['PS512'], clock: NOW_CLOCK }), 'ERR_JWT_ALG_NOT_ALLOWED');
    });
  }

  it('control: the PS512 token verifies with the PS512-bound key', async () => {
    const token = forge('PS512', { alg: 'PS512' }, P, privateKey);
    const { payload } = await verify(token, bindKey(publicKey, 'PS512'), { algorithms: ['PS512', 'RS256'], clock: NOW_CLOCK });
    expect(payload).toEqual(P);
  });

  it('signing with a key bound to another algorithm is refused', async () => {
    await expectCode(() => sign(P, bindKey(privateKey, 'PS512'), { alg: 'RS256' }), 'ERR_KEY_INVALID', 'ERR_INVALID_OPTION');
  });
});

describe('A6. JWE and unknown algorithm identifiers in a JWS header', () => {
  for (const alg of ['RSA-OAEP', 'dir', 'A128KW', 'ECDH-ES', 'HS257', 'ES256K', 'Ed25519', 'Ed448', 'RS1', 'HS1']) {
    it(`alg "${alg}" → ERR_JWT_ALG_NOT_ALLOWED`, async () => {
      const token = forge('HS256', { alg }, P, keys.hs256);
      await expectCode(() => verify(token, keys.hs256, HS_OPTIONS), 'ERR_JWT_ALG_NOT_ALLOWED');
      const edToken = forge('EdDSA', { alg }, P, keys.ed25519.privateKey);
      await expectCode(
        () => verify(edToken, keys.ed25519.publicKey, { algorithms: ['EdDSA'], clock: NOW_CLOCK }),
        'ERR_JWT_ALG_NOT_ALLOWED',
      );
    });
  }

  it('an allow-list naming an unsupported algorithm is misuse (ERR_INVALID_OPTION)', async () => {
    const token = forge('HS256', { alg: 'HS256' }, P, keys.hs256);
    for (const alg of ['RSA-OAEP', 'Ed25519', 'ES256K', 'hs256']) {
      await expectCode(() => verify(token, keys.hs256, { algorithms: [alg as JwsAlgorithm], clock: NOW_CLOCK }), 'ERR_INVALID_OPTION');
    }
  });
});
