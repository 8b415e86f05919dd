// The floor: raw node:crypto doing the minimum correct work for a JWT, as docs/benchmarks.md defines it.
//
// verify: split on dots, Buffer base64url decode, JSON.parse (header and payload), the MAC or
// signature check with a key prepared once (a KeyObject), timingSafeEqual for MACs, and checks of
// `alg`, `exp`, `iss`, `aud`. sign: a header segment built once, JSON.stringify of the claims with
// `iat`/`exp`, Buffer base64url, the MAC or signature. None of jwtkit's strictness (canonical
// Base64Url, duplicate members, key checks, ...).
import { constants, createHmac, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';

/** node:crypto parameters of each algorithm. */
export const ALG_SPECS = {
  HS256: { hmac: 'sha256' },
  HS384: { hmac: 'sha384' },
  HS512: { hmac: 'sha512' },
  RS256: { hash: 'sha256' },
  PS256: { hash: 'sha256', pss: 32 },
  ES256: { hash: 'sha256', ecdsa: true },
  ES384: { hash: 'sha384', ecdsa: true },
  EdDSA: { hash: null },
};

function keyArgument(spec, key) {
  if (spec.pss !== undefined) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.pss };
  if (spec.ecdsa) return { key, dsaEncoding: 'ieee-p1363' };
  return key;
}

function fail(reason) {
  throw new Error(`floor: ${reason}`);
}

/** A verify function for one algorithm and one prepared key. */
export function createFloorVerifier({ alg, key, issuer, audience }) {
  const spec = ALG_SPECS[alg];
  const keyArg = keyArgument(spec, key);
  return function floorVerify(token) {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString());
    if (header.alg !== alg) fail('alg');
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString());
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    const input = token.slice(0, second);
    if (spec.hmac !== undefined) {
      const mac = createHmac(spec.hmac, key).update(input).digest();
      if (mac.length !== signature.length || !timingSafeEqual(mac, signature)) fail('signature');
    } else if (!cryptoVerify(spec.hash, Buffer.from(input, 'latin1'), keyArg, signature)) {
      fail('signature');
    }
    if (typeof payload.exp !== 'number' || payload.exp <= Date.now() / 1000) fail('exp');
    if (payload.iss !== issuer) fail('iss');
    if (payload.aud !== audience && !(Array.isArray(payload.aud) && payload.aud.includes(audience))) fail('aud');
    return payload;
  };
}

/** A sign function for one algorithm and one prepared key; `exp` is `iat` + 1 hour; `kid` optional. */
export function createFloorSigner({ alg, key, kid }) {
  const spec = ALG_SPECS[alg];
  const keyArg = keyArgument(spec, key);
  const headerSegment = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid })).toString('base64url');
  return function floorSign(claims) {
    const iat = Math.floor(Date.now() / 1000);
    const payloadSegment = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + 3600 })).toString('base64url');
    const input = `${headerSegment}.${payloadSegment}`;
    const signature =
      spec.hmac !== undefined
        ? createHmac(spec.hmac, key).update(input).digest('base64url')
        : cryptoSign(spec.hash, Buffer.from(input, 'latin1'), keyArg).toString('base64url');
    return `${input}.${signature}`;
  };
}

/**
 * {@link createFloorVerifier} with the callback form of `crypto.verify`, which runs on libuv's
 * thread pool: returns a promise. Asymmetric algorithms only. No cap on the jobs in flight.
 */
export function createFloorVerifierOnPool({ alg, key, issuer, audience }) {
  const spec = ALG_SPECS[alg];
  if (spec.hmac !== undefined) throw new Error('floor: the pool floor is for asymmetric algorithms');
  const keyArg = keyArgument(spec, key);
  return function floorVerifyOnPool(token) {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString());
    if (header.alg !== alg) fail('alg');
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    const input = Buffer.from(token.slice(0, second), 'latin1');
    return new Promise((resolve, reject) => {
      cryptoVerify(spec.hash, input, keyArg, signature, (error, valid) => {
        try {
          if (error || !valid) fail('signature');
          const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString());
          if (typeof payload.exp !== 'number' || payload.exp <= Date.now() / 1000) fail('exp');
          if (payload.iss !== issuer) fail('iss');
          if (payload.aud !== audience && !(Array.isArray(payload.aud) && payload.aud.includes(audience))) fail('aud');
          resolve(payload);
        } catch (failure) {
          reject(failure);
        }
      });
    });
  };
}

/** {@link createFloorSigner} with the callback form of `crypto.sign` (libuv's thread pool): returns a promise. */
export function createFloorSignerOnPool({ alg, key, kid }) {
  const spec = ALG_SPECS[alg];
  if (spec.hmac !== undefined) throw new Error('floor: the pool floor is for asymmetric algorithms');
  const keyArg = keyArgument(spec, key);
  const headerSegment = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid })).toString('base64url');
  return function floorSignOnPool(claims) {
    const iat = Math.floor(Date.now() / 1000);
    const payloadSegment = Buffer.from(JSON.stringify({ ...claims, iat, exp: iat + 3600 })).toString('base64url');
    const input = `${headerSegment}.${payloadSegment}`;
    return new Promise((resolve, reject) => {
      cryptoSign(spec.hash, Buffer.from(input, 'latin1'), keyArg, (error, signature) =>
        error ? reject(error) : resolve(`${input}.${signature.toString('base64url')}`),
      );
    });
  };
}

/** Decode only (no verification): split, Buffer base64url, JSON.parse. */
export function floorDecode(token) {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  return {
    header: JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString()),
    payload: JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString()),
  };
}
