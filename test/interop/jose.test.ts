/**
 * Interop with panva/jose (v6): for every algorithm jose supports (all thirteen jwtkit supports),
 * jose's tokens verify with jwtkit and jwtkit's tokens verify with jose, with the same claims.
 */
import { jwtVerify, SignJWT, compactVerify, CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWS_ALGORITHMS, sign, signJws, verify, verifyJws } from '../../src/index.js';
import { CLAIMS, keysFor, NOW_DATE, ourVerifyOptions } from './helpers.js';

describe('jose ↔ jwtkit', () => {
  for (const alg of JWS_ALGORITHMS) {
    const keys = keysFor(alg);

    it(`${alg}: a jose JWT verifies with jwtkit, same claims and header`, async () => {
      const token = await new SignJWT({ ...CLAIMS }).setProtectedHeader({ alg, typ: 'JWT', kid: 'k1' }).sign(keys.signKey);
      const { payload, header } = await verify(token, keys.verifyKey, ourVerifyOptions(alg));
      expect(payload).toEqual(CLAIMS);
      expect(header).toEqual({ alg, typ: 'JWT', kid: 'k1' });
    });

    it(`${alg}: a jwtkit JWT verifies with jose, same claims and header`, async () => {
      const token = await sign({ ...CLAIMS }, keys.signKey, { alg, kid: 'k1' });
      const { payload, protectedHeader } = await jwtVerify(token, keys.verifyKey, {
        algorithms: [alg],
        issuer: CLAIMS.iss,
        audience: CLAIMS.aud,
        subject: CLAIMS.sub,
        currentDate: NOW_DATE,
      });
      expect(payload).toEqual(CLAIMS);
      expect(protectedHeader).toEqual({ alg, typ: 'JWT', kid: 'k1' });
    });

    it(`${alg}: compact JWS over raw bytes, both ways`, async () => {
      const bytes = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);
      const theirs = await new CompactSign(bytes).setProtectedHeader({ alg }).sign(keys.signKey);
      expect(Buffer.from((await verifyJws(theirs, keys.verifyKey, { algorithms: [alg] })).payload).equals(Buffer.from(bytes))).toBe(true);
      const ours = await signJws(bytes, keys.signKey, { alg });
      expect(Buffer.from((await compactVerify(ours, keys.verifyKey, { algorithms: [alg] })).payload).equals(Buffer.from(bytes))).toBe(true);
    });
  }
});
