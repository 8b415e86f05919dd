/**
 * Interop with nearform/fast-jwt (v6): for every algorithm it supports (all thirteen jwtkit
 * supports), its tokens verify with jwtkit and jwtkit's tokens verify with it, with the same claims.
 */
import { createSigner, createVerifier, type Algorithm } from 'fast-jwt';
import { describe, expect, it } from 'vitest';
import { JWS_ALGORITHMS, sign, verify } from '../../src/index.js';
import { CLAIMS, keysFor, NOW, ourVerifyOptions } from './helpers.js';

describe('fast-jwt ↔ jwtkit', () => {
  for (const alg of JWS_ALGORITHMS) {
    const keys = keysFor(alg);

    it(`${alg}: a fast-jwt JWT verifies with jwtkit, same claims and header`, async () => {
      const signer = createSigner({ key: keys.signPem, algorithm: alg as Algorithm, kid: 'k1', clockTimestamp: NOW * 1000 });
      const token = signer({ ...CLAIMS });
      const { payload, header } = await verify(token, keys.verifyKey, ourVerifyOptions(alg));
      expect(payload).toEqual(CLAIMS);
      expect(header).toEqual({ alg, typ: 'JWT', kid: 'k1' });
    });

    it(`${alg}: a jwtkit JWT verifies with fast-jwt, same claims and header`, async () => {
      const token = await sign({ ...CLAIMS }, keys.signKey, { alg, kid: 'k1' });
      const verifier = createVerifier({
        key: keys.verifyPem,
        algorithms: [alg as Algorithm],
        allowedIss: CLAIMS.iss,
        allowedAud: CLAIMS.aud,
        allowedSub: CLAIMS.sub,
        clockTimestamp: NOW * 1000,
        complete: true,
      });
      const decoded = verifier(token) as { payload: unknown; header: unknown };
      expect(decoded.payload).toEqual(CLAIMS);
      expect(decoded.header).toEqual({ alg, typ: 'JWT', kid: 'k1' });
    });
  }
});
