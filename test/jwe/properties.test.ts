/**
 * Property tests (fast-check, fixed seed): random payloads round-trip; one flipped bit in the
 * encrypted key, IV, ciphertext or tag, or a header change that still parses to an allowed header,
 * gives ERR_JWE_DECRYPTION_FAILED; any other mutation gives an ERR_JWE_* code; arbitrary strings
 * only ever throw JwtError.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decrypt,
  encrypt,
  generateKeyPair,
  generateSecret,
  isJwtError,
  JWE_CONTENT_ENCRYPTION_ALGORITHMS,
  JWE_KEY_MANAGEMENT_ALGORITHMS,
  type JweKey,
} from '../../src/index.js';

const SEED = 20_261_203;
const everything = {
  keyManagementAlgorithms: JWE_KEY_MANAGEMENT_ALGORITHMS,
  contentEncryptionAlgorithms: JWE_CONTENT_ENCRYPTION_ALGORITHMS,
  allowRsaOaepSha1: true,
};

interface Pair {
  decryptionKey: JweKey;
  encryptionKey: JweKey;
}
const pairs: Pair[] = [];

beforeAll(async () => {
  const kw = generateSecret('A256KW');
  const dir = generateSecret('dir', { enc: 'A128CBC-HS256' });
  const rsa = await generateKeyPair('RSA-OAEP-256');
  const ec = await generateKeyPair('ECDH-ES+A128KW', { crv: 'P-256' });
  const x = await generateKeyPair('ECDH-ES', { crv: 'X25519' });
  pairs.push(
    { decryptionKey: kw, encryptionKey: kw },
    { decryptionKey: dir, encryptionKey: dir },
    { decryptionKey: rsa.privateKey, encryptionKey: rsa.publicKey },
    { decryptionKey: ec.privateKey, encryptionKey: ec.publicKey },
    { decryptionKey: x.privateKey, encryptionKey: x.publicKey },
  );
});

const pairArbitrary = () => fc.integer({ min: 0, max: 4 }).map((index) => pairs[index] as Pair);
const encArbitrary = fc.constantFrom(...JWE_CONTENT_ENCRYPTION_ALGORITHMS);

async function encryptFor(pair: Pair, enc: (typeof JWE_CONTENT_ENCRYPTION_ALGORITHMS)[number], plaintext: Uint8Array): Promise<string> {
  return encrypt(plaintext, pair.encryptionKey, pair.encryptionKey.alg === 'dir' ? {} : { enc });
}

async function codeOf(token: string, key: JweKey): Promise<string> {
  try {
    await decrypt(token, key, everything);
    return 'decrypted';
  } catch (error) {
    if (!isJwtError(error)) throw error;
    return error.code;
  }
}

describe('properties (fast-check, fixed seed)', () => {
  it('round trip: decrypt(encrypt(p)) = p for random payloads, keys and enc', async () => {
    await fc.assert(
      fc.asyncProperty(pairArbitrary(), encArbitrary, fc.uint8Array({ maxLength: 600 }), async (pair, enc, plaintext) => {
        const token = await encryptFor(pair, enc, plaintext);
        const result = await decrypt(token, pair.decryptionKey, everything);
        expect(Buffer.from(result.plaintext)).toEqual(Buffer.from(plaintext));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('one flipped bit in the encrypted key, IV, ciphertext or tag: ERR_JWE_DECRYPTION_FAILED', async () => {
    await fc.assert(
      fc.asyncProperty(
        pairArbitrary(),
        encArbitrary,
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.nat(),
        async (pair, enc, plaintext, partChoice, bitChoice) => {
          const parts = (await encryptFor(pair, enc, plaintext)).split('.');
          const candidates = [1, 2, 3, 4].filter((index) => (parts[index] as string).length > 0);
          const index = candidates[partChoice % candidates.length] as number;
          const bytes = Buffer.from(parts[index] as string, 'base64url');
          const bit = bitChoice % (bytes.length * 8);
          bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
          parts[index] = bytes.toString('base64url');
          expect(await codeOf(parts.join('.'), pair.decryptionKey)).toBe('ERR_JWE_DECRYPTION_FAILED');
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('a header change that still parses to an allowed header: ERR_JWE_DECRYPTION_FAILED', async () => {
    await fc.assert(
      fc.asyncProperty(
        pairArbitrary(),
        encArbitrary,
        fc
          .string({ minLength: 1, maxLength: 8 })
          .filter(
            (name) =>
              ![
                'alg',
                'enc',
                'zip',
                'crit',
                'b64',
                'epk',
                'apu',
                'apv',
                'iv',
                'tag',
                'p2s',
                'p2c',
                'kid',
                'typ',
                'cty',
                '__proto__',
              ].includes(name),
          ),
        fc.jsonValue(),
        async (pair, enc, name, value) => {
          const parts = (await encryptFor(pair, enc, new Uint8Array([1, 2, 3]))).split('.');
          const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString());
          header[name] = value;
          parts[0] = Buffer.from(JSON.stringify(header)).toString('base64url');
          expect(await codeOf(parts.join('.'), pair.decryptionKey)).toBe('ERR_JWE_DECRYPTION_FAILED');
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('any other change of one character: an ERR_JWE_* code (or, rarely, an equivalent token that still decrypts)', async () => {
    await fc.assert(
      fc.asyncProperty(
        pairArbitrary(),
        encArbitrary,
        fc.nat(),
        fc.constantFrom(...'AZaz09-_.=+/ {}"'),
        async (pair, enc, position, character) => {
          const token = await encryptFor(pair, enc, new Uint8Array([7, 7, 7]));
          const index = position % token.length;
          const mutated = token.slice(0, index) + character + token.slice(index + 1);
          const code = await codeOf(mutated, pair.decryptionKey);
          if (mutated === token) expect(code).toBe('decrypted');
          else expect(code).toMatch(/^ERR_JWE_/);
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('arbitrary strings only ever throw JwtError', async () => {
    const key = generateSecret('A128KW');
    const tokenLike = fc
      .array(fc.oneof(fc.base64String(), fc.string(), fc.constant(Buffer.from('{"alg":"A128KW","enc":"A128GCM"}').toString('base64url'))), {
        minLength: 1,
        maxLength: 6,
      })
      .map((segments) => segments.join('.'));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), tokenLike), async (text) => {
        try {
          await decrypt(text, key, { keyManagementAlgorithms: ['A128KW'], contentEncryptionAlgorithms: ['A128GCM'] });
        } catch (error) {
          expect(isJwtError(error)).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
