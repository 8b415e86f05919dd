import * as nodeCrypto from 'node:crypto';
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

// HMAC (RFC 2104) built on the one-shot `crypto.hash`, for the HS* algorithms.
//
// Why not `createHmac`: on Node 20 every `createHmac(...).update(...).digest()` builds a
// stream-capable Hmac object and a result Buffer, most of what an HS256 MAC over a token costs.
// The same MAC from two one-shot hashes over pads prepared once per key costs about half as much
// (bench: verify/HS256/sync, sign/HS256/sync; figures in docs/benchmarks.md, "Why the code is
// written as it is"; the oracle test in test/jws/hmac.test.ts compares every result with
// `createHmac`).
//
//   HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m))
//
// where K' is the key padded with zeros to the hash's block size, or the hash of the key when the
// key is longer than a block. Results are "binary strings" (one character per byte, 0-255):
// `crypto.hash` returns a string far more cheaply than a Buffer.
//
// `crypto.hash` came in Node 20.12; where it is missing (older Node 20, other runtimes) the MAC
// comes from `createHmac` (read through a namespace import, so its absence cannot fail the import).

/** The digests HMAC is used with (RFC 7518 §3.2). */
export type HmacHash = 'sha256' | 'sha384' | 'sha512';

const BLOCK_SIZE: Readonly<Record<HmacHash, number>> = { sha256: 64, sha384: 128, sha512: 128 };
const DIGEST_LENGTH: Readonly<Record<HmacHash, number>> = { sha256: 32, sha384: 48, sha512: 64 };

/** The padded keys of one secret for one digest. */
interface HmacPads {
  /** K' ^ 0x36 repeated: the start of the inner hash's input. */
  readonly inner: Buffer;
  /** K' ^ 0x5c repeated, followed by room for the inner digest: the outer hash's whole input. */
  readonly outer: Buffer;
  /** Room for a MAC as bytes, for the comparison. */
  readonly mac: Buffer;
  readonly blockSize: number;
}

const hash = nodeCrypto.hash as typeof nodeCrypto.hash | undefined;

const padsByKey = new WeakMap<KeyObject, Partial<Record<HmacHash, HmacPads>>>();

/** The longest inner input kept in the shared scratch buffer; longer messages get their own. */
const MAX_SCRATCH = 64 * 1024;
/**
 * The inner hash's input: the inner pad, then the message. Allocated with `allocUnsafeSlow`, never
 * from Node's shared Buffer pool: pooled memory is visible through any other pooled Buffer's
 * `.buffer`, and the pad is key material (it is also zeroed after each use).
 */
let scratch = Buffer.allocUnsafeSlow(1024);
/** Zeros for the largest block: `set` with it is cheaper than `fill` (which validates its arguments). */
const ZERO_BLOCK = new Uint8Array(128);

function padsFor(digest: HmacHash, key: KeyObject, hash: typeof nodeCrypto.hash): HmacPads {
  let byDigest = padsByKey.get(key);
  const known = byDigest?.[digest];
  if (known !== undefined) return known;
  const blockSize = BLOCK_SIZE[digest];
  const exported = key.export();
  const secret = exported.length > blockSize ? hash(digest, exported, 'buffer') : exported;
  const inner = Buffer.alloc(blockSize, 0x36);
  const outer = Buffer.alloc(blockSize + DIGEST_LENGTH[digest], 0x5c);
  for (let i = 0; i < secret.length; i++) {
    inner[i] = (inner[i] as number) ^ (secret[i] as number);
    outer[i] = (outer[i] as number) ^ (secret[i] as number);
  }
  exported.fill(0);
  secret.fill(0);
  // Buffer.alloc never takes memory from the shared pool.
  const pads: HmacPads = { inner, outer, mac: Buffer.alloc(DIGEST_LENGTH[digest]), blockSize };
  if (byDigest === undefined) {
    byDigest = {};
    padsByKey.set(key, byDigest);
  }
  byDigest[digest] = pads;
  return pads;
}

/** The MAC, as a binary string, with the pads of its key. */
function computeMac(digest: HmacHash, pads: HmacPads, data: string, hash: typeof nodeCrypto.hash): string {
  const size = pads.blockSize + data.length;
  let input = scratch;
  if (size > scratch.length) {
    input = Buffer.allocUnsafeSlow(size);
    if (size <= MAX_SCRATCH) scratch = input;
  }
  input.set(pads.inner, 0);
  input.write(data, pads.blockSize, 'latin1');
  const innerDigest = hash(digest, input.subarray(0, size), 'binary');
  input.set(ZERO_BLOCK, 0); // the pad is key material (the scratch holds at least 1024 bytes)
  pads.outer.write(innerDigest, pads.blockSize, 'binary');
  return hash(digest, pads.outer, 'binary');
}

/**
 * The HMAC of `data` (a Latin-1 string: one byte per character; a JWS signing input is ASCII)
 * with a secret key, as a binary string (one character per byte).
 * @internal
 */
export function hmacBinary(digest: HmacHash, key: KeyObject, data: string): string {
  if (hash === undefined) return createHmac(digest, key).update(data, 'latin1').digest('binary');
  return computeMac(digest, padsFor(digest, key, hash), data, hash);
}

/**
 * Whether `tag` is the HMAC of `data` with a secret key. The tags are compared with
 * `crypto.timingSafeEqual`, after a length check (the length is public: the digest fixes it).
 * @internal
 */
export function hmacMatches(digest: HmacHash, key: KeyObject, data: string, tag: Uint8Array): boolean {
  if (hash === undefined) {
    const mac = createHmac(digest, key).update(data, 'latin1').digest();
    return mac.length === tag.length && timingSafeEqual(mac, tag);
  }
  const pads = padsFor(digest, key, hash);
  if (tag.length !== pads.mac.length) return false;
  pads.mac.write(computeMac(digest, pads, data, hash), 0, 'binary');
  return timingSafeEqual(pads.mac, tag);
}
