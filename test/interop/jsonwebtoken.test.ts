/**
 * Interop with auth0/node-jsonwebtoken (v9): for every algorithm it supports (HS*, RS*, PS*,
 * ES*; it has no EdDSA), its tokens verify with jwtkit and jwtkit's tokens verify with it, with the
 * same claims.
 */
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { sign, verify, type JwsAlgorithm } from '../../src/index.js';
import { CLAIMS, keysFor, NOW, ourVerifyOptions } from './helpers.js';

const SUPPORTED: Array<JwsAlgorithm & jwt.Algorithm> = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
];

describe('jsonwebtoken ↔ jwtkit', () => {
  it('jsonwebtoken 9 does not support EdDSA (so it is not in this suite)', () => {
    const keys = keysFor('EdDSA');
    expect(() => jwt.sign({ ...CLAIMS }, keys.signKey as never, { algorithm: 'EdDSA' as never })).toThrow();
  });

  for (const alg of SUPPORTED) {
    const keys = keysFor(alg);

    it(`${alg}: a jsonwebtoken JWT (KeyObject and PEM keys) verifies with jwtkit, same claims`, async () => {
      for (const signKey of [keys.signKey, keys.signPem]) {
        const token = jwt.sign({ ...CLAIMS }, signKey as never, { algorithm: alg, keyid: 'k1' });
        const { payload, header } = await verify(token, keys.verifyKey, ourVerifyOptions(alg));
        expect(payload).toEqual(CLAIMS);
        expect(header).toEqual({ alg, typ: 'JWT', kid: 'k1' });
      }
    });

    it(`${alg}: a jwtkit JWT verifies with jsonwebtoken, same claims and header`, async () => {
      const token = await sign({ ...CLAIMS }, keys.signKey, { alg, kid: 'k1' });
      for (const verifyKey of [keys.verifyKey, keys.verifyPem]) {
        const decoded = jwt.verify(token, verifyKey as never, {
          algorithms: [alg],
          issuer: CLAIMS.iss,
          audience: CLAIMS.aud,
          subject: CLAIMS.sub,
          clockTimestamp: NOW,
          complete: true,
        }) as unknown as { payload: unknown; header: unknown };
        expect(decoded.payload).toEqual(CLAIMS);
        expect(decoded.header).toEqual({ alg, typ: 'JWT', kid: 'k1' });
      }
    });
  }
});
