/**
 * The strict DER → JWS (r || s) conversion of ECDSA signatures used for remote signers
 * (RFC 3279 §2.2.3, RFC 7518 §3.4, X.690 §10): node:crypto's own DER signatures convert to its
 * IEEE P1363 form; anything that is not exactly one minimal ECDSA-Sig-Value is refused.
 */
import { generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecdsaDerToJose } from '../../src/jws/ecdsa-der.js';

const CURVES = [
  ['prime256v1', 'sha256', 32],
  ['secp384r1', 'sha384', 48],
  ['secp521r1', 'sha512', 66],
] as const;

/** DER of INTEGER values given as content bytes, in a SEQUENCE with a minimal length. */
function der(...integers: number[][]): Uint8Array {
  const body = integers.flatMap((content) => [0x02, content.length, ...content]);
  const length = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return Uint8Array.from([0x30, ...length, ...body]);
}

const r = [0x01, ...new Array<number>(31).fill(0x22)];
const s = [0x00, 0x80, ...new Array<number>(31).fill(0x33)];

describe('ecdsaDerToJose', () => {
  it.each(CURVES)('D1 converts node:crypto DER signatures on %s to the P1363 form', (namedCurve, hash, size) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (let i = 0; i < 50; i++) {
      const data = Buffer.from(`message ${i}`);
      const jose = ecdsaDerToJose(cryptoSign(hash, data, { key: privateKey, dsaEncoding: 'der' }), size);
      expect(jose?.length).toBe(2 * size);
      expect(cryptoVerify(hash, data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose!)).toBe(true);
    }
  });

  it('D2 left-pads short integers and strips the sign byte', () => {
    const jose = ecdsaDerToJose(der([0x05], s), 32)!;
    expect(Buffer.from(jose.subarray(0, 32)).toString('hex')).toBe('00'.repeat(31) + '05');
    expect(Buffer.from(jose.subarray(32)).toString('hex')).toBe('80' + '33'.repeat(31));
  });

  it('D3 reads a long-form sequence length (P-521)', () => {
    const big = [0x01, ...new Array<number>(65).fill(0x44)];
    const signature = der(big, [0x00, 0xff, ...new Array<number>(65).fill(0x55)]);
    expect(signature[1]).toBe(0x81);
    expect(ecdsaDerToJose(signature, 66)?.length).toBe(132);
  });

  const refused: Array<[string, Uint8Array, number]> = [
    ['empty input', new Uint8Array(0), 32],
    ['not a SEQUENCE', Uint8Array.from([0x31, ...der(r, s).subarray(1)]), 32],
    ['a trailing byte', Uint8Array.from([...der(r, s), 0x00]), 32],
    ['a sequence length too long', Uint8Array.from([0x30, der(r, s)[1]! + 1, ...der(r, s).subarray(2)]), 32],
    ['a sequence length too short', Uint8Array.from([0x30, der(r, s)[1]! - 1, ...der(r, s).subarray(2)]), 32],
    ['a long-form length where the short form fits', Uint8Array.from([0x30, 0x81, ...der(r, s).subarray(1)]), 32],
    ['the indefinite length', Uint8Array.from([0x30, 0x80, ...der(r, s).subarray(2), 0, 0]), 32],
    ['a non-minimal integer (leading zero)', der([0x00, ...r], s), 32],
    ['a non-minimal integer (leading zero before 0x7f)', der(r, [0x00, 0x7f, 0x01]), 32],
    ['a negative integer', der([0x80, 0x01], s), 32],
    ['a zero integer', der([0x00], s), 32],
    ['an empty integer', der([], s), 32],
    ['an integer too long for the curve', der([0x01, ...r], s), 32],
    ['one integer only', der(r), 32],
    ['three integers', der(r, s, [0x01]), 32],
    ['an integer that is not an INTEGER', Uint8Array.from([0x30, 4, 0x04, 1, 1, 0x02, 1, 1]), 32],
    ['an integer length past the end', Uint8Array.from([0x30, 6, 0x02, 1, 1, 0x02, 9, 1]), 32],
    ['a raw r || s signature', new Uint8Array(64).fill(0x30), 32],
  ];
  it.each(refused)('D4 refuses %s', (_, input, size) => {
    expect(ecdsaDerToJose(input, size)).toBeUndefined();
  });
});
