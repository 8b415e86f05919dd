/**
 * The DER `ECDSA-Sig-Value` (RFC 3279 §2.2.3, the form cloud KMSs return) to the JWS form of an
 * ECDSA signature (RFC 7518 §3.4: `r` and `s` as big-endian integers of the curve's size, one after
 * the other). Strict DER (X.690 §10): one SEQUENCE of two positive, minimally encoded INTEGERs,
 * definite minimal lengths, and nothing after it.
 *
 * @module
 * @internal
 */

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/**
 * The JWS signature (`r || s`, `2 * size` bytes) of a DER ECDSA signature, or `undefined` when
 * `der` is not exactly one strictly encoded `ECDSA-Sig-Value` whose integers fit in `size` bytes
 * (a zero, a negative or a non-minimal integer, a long-form length where the short form fits,
 * a wrong length, trailing bytes).
 *
 * @param der - the DER bytes.
 * @param size - the byte length of one integer: 32 (P-256), 48 (P-384), 66 (P-521).
 * @internal
 */
export function ecdsaDerToJose(der: Uint8Array, size: number): Uint8Array | undefined {
  if (der.length < 2 || der[0] !== SEQUENCE) return undefined;
  let offset = 1;
  let length = der[offset++] as number;
  if (length === 0x81) {
    // The long form only for 128 bytes or more (X.690 §10.1); an ECDSA-Sig-Value never needs two length bytes.
    length = der[offset++] ?? -1;
    if (length < 0x80) return undefined;
  } else if (length >= 0x80) {
    return undefined; // the indefinite form (0x80), or more length bytes than any ECDSA-Sig-Value needs
  }
  if (offset + length !== der.length) return undefined; // trailing bytes, or too few
  const out = new Uint8Array(2 * size);
  for (const target of [0, size]) {
    if (der[offset++] !== INTEGER) return undefined;
    const integerLength = der[offset++] ?? 0;
    // An integer of up to `size + 1` bytes always has a short-form length (at most 67).
    if (integerLength === 0 || integerLength >= 0x80 || offset + integerLength > der.length) return undefined;
    let start = offset;
    const end = offset + integerLength;
    offset = end;
    if (((der[start] as number) & 0x80) !== 0) return undefined; // negative
    if (der[start] === 0) {
      // A leading zero byte only before a byte with its high bit set (X.690 §8.3.2); a zero value is no signature.
      if (integerLength === 1 || ((der[start + 1] as number) & 0x80) === 0) return undefined;
      start++;
    }
    if (end - start > size) return undefined;
    out.set(der.subarray(start, end), target + size - (end - start));
  }
  return offset === der.length ? out : undefined;
}
