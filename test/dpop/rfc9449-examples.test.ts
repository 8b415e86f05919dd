/**
 * The example DPoP proofs of RFC 9449 (test/fixtures/vectors/rfc9449.json), verified at their own
 * `iat` (a frozen clock): accepted for the request they were made for, with the thumbprint of the
 * §6.1 example token's `cnf.jkt`, and refused for any other.
 */
import { describe, expect, it } from 'vitest';
import { MemoryDPoPReplayCache, checkTokenBinding, verifyDPoPProof, type VerifyDPoPProofOptions } from '../../src/index.js';
import { loadVectors } from '../helpers/core.js';
import { caught, expectError } from './helpers.js';

interface Vector {
  id: string;
  proof: string;
  method: string;
  url: string;
  iat: number;
  jti: string;
  accessToken?: string;
  ath?: string;
}

const { jkt, vectors } = loadVectors<{ jkt: string; vectors: Vector[] }>('rfc9449.json');

function optionsFor(vector: Vector, changes: Partial<VerifyDPoPProofOptions> = {}): VerifyDPoPProofOptions {
  return {
    method: vector.method,
    url: vector.url,
    replayCache: new MemoryDPoPReplayCache(),
    clock: () => new Date((vector.iat + 1) * 1000),
    ...(vector.accessToken === undefined ? {} : { accessToken: vector.accessToken }),
    ...changes,
  };
}

describe('RFC 9449 example proofs', () => {
  for (const vector of vectors) {
    describe(vector.id, () => {
      it('is accepted for its request, with the jkt of the §6.1 example token', async () => {
        const result = await verifyDPoPProof(vector.proof, optionsFor(vector));
        expect(result.thumbprint).toBe(jkt);
        expect(result.payload.jti).toBe(vector.jti);
        expect(result.payload.ath).toBe(vector.ath);
        checkTokenBinding({ cnf: { jkt } }, { dpopThumbprint: result.thumbprint });
      });

      it('is refused for another method, URL, time, or a second time', async () => {
        const refuse = async (changes: Partial<VerifyDPoPProofOptions>) =>
          caught(() => verifyDPoPProof(vector.proof, optionsFor(vector, changes)));
        expectError(await refuse({ method: vector.method === 'GET' ? 'POST' : 'GET' }), 'ERR_DPOP_PROOF_INVALID', 'htm', 'mismatch');
        expectError(await refuse({ url: `${vector.url}/other` }), 'ERR_DPOP_PROOF_INVALID', 'htu', 'mismatch');
        expectError(await refuse({ clock: () => new Date((vector.iat + 66) * 1000) }), 'ERR_DPOP_PROOF_INVALID', 'iat', 'too_old');
        const replayCache = new MemoryDPoPReplayCache();
        await verifyDPoPProof(vector.proof, optionsFor(vector, { replayCache }));
        expectError(await refuse({ replayCache }), 'ERR_DPOP_PROOF_INVALID', 'jti', 'replayed');
      });
    });
  }

  it('the §7.1 proof is refused with another access token, and without ath where one is presented', async () => {
    const [tokenRequest, resource] = vectors as [Vector, Vector];
    expectError(
      await caught(() => verifyDPoPProof(resource.proof, optionsFor(resource, { accessToken: `${resource.accessToken}x` }))),
      'ERR_DPOP_PROOF_INVALID',
      'ath',
      'mismatch',
    );
    expectError(
      await caught(() => verifyDPoPProof(tokenRequest.proof, optionsFor(tokenRequest, { accessToken: 'any-token' }))),
      'ERR_DPOP_PROOF_INVALID',
      'ath',
      'missing',
    );
  });
});
