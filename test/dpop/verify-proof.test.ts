/**
 * verifyDPoPProof: every check of RFC 9449 §4.3, each broken alone in a proof that is otherwise
 * valid, asserting the code, the claim or header parameter and the reason. Proofs are made with
 * node:crypto (test/dpop/helpers.ts), at a frozen clock.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DPOP_ALGORITHMS,
  JwtError,
  MemoryDPoPReplayCache,
  createDPoPNonces,
  thumbprint,
  verifyDPoPProof,
  type DPoPReplayCache,
  type VerifyDPoPProofOptions,
} from '../../src/index.js';
import {
  ACCESS_TOKEN,
  NOW,
  NOW_CLOCK,
  REQUEST_URL,
  causeCode,
  caught,
  expectError,
  makeProof,
  proofKeyPair,
  publicJwk,
  sign,
  tokenHash,
  type ProofAlg,
} from './helpers.js';

function options(changes: Partial<VerifyDPoPProofOptions> = {}): VerifyDPoPProofOptions {
  return { method: 'GET', url: REQUEST_URL, replayCache: new MemoryDPoPReplayCache(), clock: NOW_CLOCK, ...changes };
}

async function refusal(proof: string, changes: Partial<VerifyDPoPProofOptions> = {}): Promise<unknown> {
  return caught(() => verifyDPoPProof(proof, options(changes)));
}

describe('a valid proof', () => {
  it.each(['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'PS256'] satisfies ProofAlg[])(
    '%s: accepted, with the RFC 7638 thumbprint of its key and its claims',
    async (alg) => {
      const proof = makeProof({ alg, claims: { jti: 'id-1' } });
      const result = await verifyDPoPProof(proof, options());
      expect(result.thumbprint).toBe(thumbprint(publicJwk(proofKeyPair(alg).publicKey) as never));
      expect(result.header.alg).toBe(alg);
      expect(result.payload).toEqual({ jti: 'id-1', htm: 'GET', htu: REQUEST_URL, iat: NOW });
      expect(Object.isFrozen(result.payload)).toBe(true);
    },
  );

  it('the default algorithms are the asymmetric ones DPoP clients use', () => {
    expect(DEFAULT_DPOP_ALGORITHMS).toEqual(['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'PS256', 'RS256']);
  });
});

describe('§4.3 check 2: a single well-formed JWT', () => {
  it('not three segments → ERR_DPOP_PROOF_INVALID (cause ERR_JWT_MALFORMED)', async () => {
    const error = await refusal('a.b');
    expectError(error, 'ERR_DPOP_PROOF_INVALID');
    expect(causeCode(error)).toBe('ERR_JWT_MALFORMED');
  });
  it('not a string → ERR_DPOP_PROOF_INVALID (cause ERR_JWT_MALFORMED)', async () => {
    for (const proof of [undefined, 42, ['a.b.c']]) {
      const error = await refusal(proof as never);
      expectError(error, 'ERR_DPOP_PROOF_INVALID');
      expect(causeCode(error)).toBe('ERR_JWT_MALFORMED');
    }
  });
  it('longer than 8192 characters → cause ERR_JWT_TOO_LARGE', async () => {
    const error = await refusal(makeProof({ claims: { padding: 'x'.repeat(8192) } }));
    expectError(error, 'ERR_DPOP_PROOF_INVALID');
    expect(causeCode(error)).toBe('ERR_JWT_TOO_LARGE');
  });
  it('claims that are not a JSON object → cause ERR_JWT_MALFORMED', async () => {
    const { privateKey, publicKey } = proofKeyPair('ES256');
    const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk(publicKey) })).toString('base64url');
    const valid = sign({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk(publicKey) }, [1, 2], 'ES256', privateKey);
    expect(valid.startsWith(header)).toBe(true);
    const error = await refusal(valid);
    expectError(error, 'ERR_DPOP_PROOF_INVALID');
    expect(causeCode(error)).toBe('ERR_JWT_MALFORMED');
  });
  it('a "crit" header → cause ERR_JWT_UNSUPPORTED_HEADER', async () => {
    const error = await refusal(makeProof({ header: { crit: ['exp'] } }));
    expectError(error, 'ERR_DPOP_PROOF_INVALID');
    expect(causeCode(error)).toBe('ERR_JWT_UNSUPPORTED_HEADER');
  });
});

describe('a polluted Object.prototype supplies no header member (docs/security.md)', () => {
  it('typ, jwk, kty and crv are read as own members only', async () => {
    const polluted = Object.prototype as Record<string, unknown>;
    const { publicKey } = proofKeyPair('ES256');
    const withoutTyp = makeProof({ header: { typ: undefined } });
    const withoutJwk = makeProof({ header: { jwk: undefined } });
    const { kty: _kty, crv: _crv, ...keyWithoutType } = publicJwk(publicKey);
    const untypedKey = makeProof({ header: { jwk: keyWithoutType } });
    polluted['typ'] = 'dpop+jwt';
    polluted['jwk'] = publicJwk(publicKey);
    polluted['kty'] = 'EC';
    polluted['crv'] = 'P-256';
    try {
      expectError(await refusal(withoutTyp), 'ERR_DPOP_PROOF_INVALID', 'typ', 'missing');
      expectError(await refusal(withoutJwk), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'missing');
      expectError(await refusal(untypedKey), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'mismatch');
    } finally {
      delete polluted['typ'];
      delete polluted['jwk'];
      delete polluted['kty'];
      delete polluted['crv'];
    }
  });
});

describe('§4.3 check 4: typ is dpop+jwt', () => {
  it('missing typ → claim typ, missing', async () => {
    expectError(await refusal(makeProof({ header: { typ: undefined } })), 'ERR_DPOP_PROOF_INVALID', 'typ', 'missing');
  });
  it.each(['JWT', 'at+jwt', 'DPoP+JWT', 'application/dpop+jwt', 'dpop'])('typ %j → claim typ, mismatch', async (typ) => {
    expectError(await refusal(makeProof({ header: { typ } })), 'ERR_DPOP_PROOF_INVALID', 'typ', 'mismatch');
  });
});

describe('§4.3 check 5: alg is an allowed asymmetric algorithm', () => {
  it('alg none with an empty signature → claim alg', async () => {
    const unsigned =
      makeProof({ header: { alg: 'none' } })
        .split('.')
        .slice(0, 2)
        .join('.') + '.';
    expectError(await refusal(unsigned), 'ERR_DPOP_PROOF_INVALID', 'alg', 'mismatch');
  });
  it('HS256 MACed with a secret given as an oct "jwk" → claim alg', async () => {
    const secret = Buffer.alloc(32, 7);
    const proof = sign(
      { typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: secret.toString('base64url') } },
      { jti: 'j', htm: 'GET', htu: REQUEST_URL, iat: NOW },
      'HS256',
      secret,
    );
    expectError(await refusal(proof), 'ERR_DPOP_PROOF_INVALID', 'alg', 'mismatch');
  });
  it('an asymmetric algorithm that is not in "algorithms" → claim alg', async () => {
    expectError(await refusal(makeProof({ alg: 'EdDSA' }), { algorithms: ['ES256'] }), 'ERR_DPOP_PROOF_INVALID', 'alg', 'mismatch');
  });
  it('ES512 is accepted by default, and refused when the list leaves it out', async () => {
    await verifyDPoPProof(makeProof({ alg: 'ES512' }), options());
    expectError(
      await refusal(makeProof({ alg: 'ES512' }), { algorithms: ['ES256', 'ES384'] }),
      'ERR_DPOP_PROOF_INVALID',
      'alg',
      'mismatch',
    );
  });
  it('an algorithm name in another case → claim alg', async () => {
    expectError(await refusal(makeProof({ header: { alg: 'es256' } })), 'ERR_DPOP_PROOF_INVALID', 'alg', 'mismatch');
  });
});

describe('§4.3 check 7: jwk is a public key of the type alg needs', () => {
  it('missing jwk → claim jwk, missing', async () => {
    expectError(await refusal(makeProof({ header: { jwk: undefined } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'missing');
  });
  it.each([['a string'], [null], [[1]]])('jwk %j → claim jwk, type', async (jwk) => {
    expectError(await refusal(makeProof({ header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'type');
  });
  it('an EC private JWK ("d") → claim jwk, type', async () => {
    const jwk = proofKeyPair('ES256').privateKey.export({ format: 'jwk' });
    expectError(await refusal(makeProof({ header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'type');
  });
  it('an RSA private JWK (d, p, q, dp, dq, qi) → claim jwk, type', async () => {
    const jwk = proofKeyPair('RS256').privateKey.export({ format: 'jwk' });
    expectError(await refusal(makeProof({ alg: 'RS256', header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'type');
  });
  // Members that no EC key has: jwtkit's JWK reader would skip them; the proof check must not.
  it.each(['p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])('an EC public key with a private member "%s" → claim jwk, type', async (member) => {
    const jwk = { ...publicJwk(proofKeyPair('ES256').publicKey), [member]: member === 'oth' ? [] : 'AQAB' };
    expectError(await refusal(makeProof({ header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'type');
  });
  it('an RSA key with ES256 → claim jwk, mismatch', async () => {
    const jwk = publicJwk(proofKeyPair('RS256').publicKey);
    expectError(await refusal(makeProof({ header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'mismatch');
  });
  it('a P-384 key with ES256 → claim jwk, mismatch', async () => {
    const jwk = publicJwk(proofKeyPair('ES384').publicKey);
    expectError(await refusal(makeProof({ header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'mismatch');
  });
  it('an EC key with EdDSA → claim jwk, mismatch', async () => {
    const jwk = publicJwk(proofKeyPair('ES256').publicKey);
    expectError(await refusal(makeProof({ alg: 'EdDSA', header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'mismatch');
  });
  it('a jwk whose own "alg" is another algorithm → claim jwk, mismatch', async () => {
    const jwk = { ...publicJwk(proofKeyPair('RS256').publicKey), alg: 'RS256' };
    expectError(await refusal(makeProof({ alg: 'PS256', header: { jwk } })), 'ERR_DPOP_PROOF_INVALID', 'jwk', 'mismatch');
    await verifyDPoPProof(makeProof({ alg: 'PS256', header: { jwk: { ...jwk, alg: 'PS256' } } }), options());
  });
  it('a jwk with "alg": "Ed25519" on an Ed25519 proof is accepted (RFC 9864)', async () => {
    const jwk = { ...publicJwk(proofKeyPair('Ed25519').publicKey), alg: 'Ed25519' };
    await verifyDPoPProof(makeProof({ alg: 'Ed25519', header: { jwk } }), options());
  });
  it('an RSA key of 1024 bits → claim jwk, type (cause ERR_KEY_INVALID)', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const error = await refusal(makeProof({ alg: 'RS256', header: { jwk: publicJwk(small.publicKey) }, signWith: small.privateKey }));
    expectError(error, 'ERR_DPOP_PROOF_INVALID', 'jwk', 'type');
    expect(causeCode(error)).toBe('ERR_KEY_INVALID');
  });
});

describe('§4.3 check 6: the signature verifies with the jwk', () => {
  it('signed by another key than the jwk → cause ERR_JWT_SIGNATURE_INVALID', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const error = await refusal(makeProof({ signWith: other.privateKey }));
    expectError(error, 'ERR_DPOP_PROOF_INVALID');
    expect(causeCode(error)).toBe('ERR_JWT_SIGNATURE_INVALID');
  });
  it('claims changed after signing → cause ERR_JWT_SIGNATURE_INVALID', async () => {
    const [header, , signature] = makeProof().split('.');
    const claims = Buffer.from(JSON.stringify({ jti: 'j', htm: 'GET', htu: REQUEST_URL, iat: NOW })).toString('base64url');
    const error = await refusal(`${header}.${claims}.${signature}`);
    expect(causeCode(error)).toBe('ERR_JWT_SIGNATURE_INVALID');
  });
});

describe('§4.2, §4.3 check 3: the required claims', () => {
  it.each(['jti', 'htm', 'htu', 'iat'])('missing %s → claim %s, missing', async (claim) => {
    expectError(await refusal(makeProof({ claims: { [claim]: undefined } })), 'ERR_DPOP_PROOF_INVALID', claim, 'missing');
  });
  it.each([
    ['jti', 42],
    ['htm', ['GET']],
    ['htu', { href: REQUEST_URL }],
    ['iat', String(NOW)],
    ['iat', null],
  ])('%s of the wrong type (%j) → reason type', async (claim, value) => {
    expectError(await refusal(makeProof({ claims: { [claim]: value } })), 'ERR_DPOP_PROOF_INVALID', claim, 'type');
  });
  it('jti: empty or longer than 256 characters → claim jti, type; 256 characters accepted', async () => {
    expectError(await refusal(makeProof({ claims: { jti: '' } })), 'ERR_DPOP_PROOF_INVALID', 'jti', 'type');
    expectError(await refusal(makeProof({ claims: { jti: 'j'.repeat(257) } })), 'ERR_DPOP_PROOF_INVALID', 'jti', 'type');
    await verifyDPoPProof(makeProof({ claims: { jti: 'j'.repeat(256) } }), options());
  });
});

describe('§4.3 check 8: htm is the request method, exactly', () => {
  it('POST proof on a GET request → claim htm, mismatch', async () => {
    expectError(await refusal(makeProof({ claims: { htm: 'POST' } })), 'ERR_DPOP_PROOF_INVALID', 'htm', 'mismatch');
  });
  it('"get" is not "GET" (methods are case-sensitive)', async () => {
    expectError(await refusal(makeProof({ claims: { htm: 'get' } })), 'ERR_DPOP_PROOF_INVALID', 'htm', 'mismatch');
  });
  it('a POST proof on a POST request is accepted', async () => {
    await verifyDPoPProof(makeProof({ claims: { htm: 'POST' } }), options({ method: 'POST' }));
  });
});

describe('§4.3 check 9: htu is the request URL without query and fragment, normalised', () => {
  it.each([
    ['another path', 'https://api.example/invoices'],
    ['another host', 'https://evil.example/orders'],
    ['another scheme', 'http://api.example/orders'],
    ['another port', 'https://api.example:8443/orders'],
    ['path case', 'https://api.example/Orders'],
    ['a trailing slash', 'https://api.example/orders/'],
    ['a relative reference', '/orders'],
    ['userinfo', 'https://user@api.example/orders'],
    ['another scheme than http(s)', 'wss://api.example/orders'],
    ['an encoded slash', 'https://api.example%2Forders'],
  ])('%s → claim htu, mismatch', async (_case, htu) => {
    expectError(await refusal(makeProof({ claims: { htu } })), 'ERR_DPOP_PROOF_INVALID', 'htu', 'mismatch');
  });

  it.each([
    ['a query in htu', 'https://api.example/orders?page=2'],
    ['a fragment in htu', 'https://api.example/orders#top'],
    ['upper-case scheme and host', 'HTTPS://API.Example/orders'],
    ['the default port', 'https://api.example:443/orders'],
    ['an empty port', 'https://api.example:/orders'],
    ['dot segments', 'https://api.example/v1/../orders'],
    ['a "." segment', 'https://api.example/./orders'],
    ['a percent-encoded unreserved character', 'https://api.example/%6Frders'],
  ])('%s is accepted', async (_case, htu) => {
    await verifyDPoPProof(makeProof({ claims: { htu } }), options());
  });

  it('the request URL: its query and fragment are ignored, and it is normalised too', async () => {
    await verifyDPoPProof(makeProof(), options({ url: 'https://api.example/orders?page=2#x' }));
    await verifyDPoPProof(makeProof(), options({ url: new URL('https://API.example:443/v2/../orders') }));
  });

  it('percent-encodings compare with upper-case hex digits; other characters are not decoded', async () => {
    const url = 'https://api.example/files/a%2Fb';
    await verifyDPoPProof(makeProof({ claims: { htu: 'https://api.example/files/a%2fb' } }), options({ url }));
    expectError(
      await refusal(makeProof({ claims: { htu: 'https://api.example/files/a/b' } }), { url }),
      'ERR_DPOP_PROOF_INVALID',
      'htu',
      'mismatch',
    );
  });

  it('a non-default port must match', async () => {
    const url = 'http://127.0.0.1:8080/orders';
    await verifyDPoPProof(makeProof({ claims: { htu: 'http://127.0.0.1:08080/orders' } }), options({ url }));
    expectError(
      await refusal(makeProof({ claims: { htu: 'http://127.0.0.1/orders' } }), { url }),
      'ERR_DPOP_PROOF_INVALID',
      'htu',
      'mismatch',
    );
  });
});

describe('§4.3 check 11, §11.1: iat within the window', () => {
  it('older than maxAge (60 s) plus clockTolerance (5 s) → claim iat, too_old', async () => {
    expectError(await refusal(makeProof({ claims: { iat: NOW - 66 } })), 'ERR_DPOP_PROOF_INVALID', 'iat', 'too_old');
    await verifyDPoPProof(makeProof({ claims: { iat: NOW - 65 } }), options());
  });
  it('more than clockTolerance (5 s) in the future → claim iat, future', async () => {
    expectError(await refusal(makeProof({ claims: { iat: NOW + 6 } })), 'ERR_DPOP_PROOF_INVALID', 'iat', 'future');
    await verifyDPoPProof(makeProof({ claims: { iat: NOW + 5 } }), options());
  });
  it('maxAge and clockTolerance are options', async () => {
    expectError(
      await refusal(makeProof({ claims: { iat: NOW - 11 } }), { maxAge: '10s', clockTolerance: 0 }),
      'ERR_DPOP_PROOF_INVALID',
      'iat',
      'too_old',
    );
    await verifyDPoPProof(makeProof({ claims: { iat: NOW - 10 } }), options({ maxAge: '10s', clockTolerance: 0 }));
    expectError(await refusal(makeProof({ claims: { iat: NOW + 1 } }), { clockTolerance: 0 }), 'ERR_DPOP_PROOF_INVALID', 'iat', 'future');
  });
  it('an iat in milliseconds is in the future', async () => {
    expectError(await refusal(makeProof({ claims: { iat: NOW * 1000 } })), 'ERR_DPOP_PROOF_INVALID', 'iat', 'future');
  });
});

describe('§4.3 check 12: ath is the hash of the access token', () => {
  it('with the access token: the right ath is accepted', async () => {
    await verifyDPoPProof(makeProof({ claims: { ath: tokenHash(ACCESS_TOKEN) } }), options({ accessToken: ACCESS_TOKEN }));
  });
  it('missing ath → claim ath, missing', async () => {
    expectError(await refusal(makeProof(), { accessToken: ACCESS_TOKEN }), 'ERR_DPOP_PROOF_INVALID', 'ath', 'missing');
  });
  it("another token's ath → claim ath, mismatch", async () => {
    const proof = makeProof({ claims: { ath: tokenHash(`${ACCESS_TOKEN}x`) } });
    expectError(await refusal(proof, { accessToken: ACCESS_TOKEN }), 'ERR_DPOP_PROOF_INVALID', 'ath', 'mismatch');
  });
  it('an ath of the wrong type → claim ath, type', async () => {
    expectError(await refusal(makeProof({ claims: { ath: 1 } }), { accessToken: ACCESS_TOKEN }), 'ERR_DPOP_PROOF_INVALID', 'ath', 'type');
  });
  it('without an access token (a token endpoint), ath is not looked at', async () => {
    await verifyDPoPProof(makeProof({ claims: { ath: 'anything' } }), options());
  });
});

describe('§4.3 check 10, §9: the server nonce', () => {
  const secret = Buffer.alloc(32, 1);
  let time = NOW * 1000;
  const nonces = createDPoPNonces({ secret, lifetime: '5m', clock: () => new Date(time) });
  const withNonces = { nonces };

  it('the current nonce is accepted', async () => {
    await verifyDPoPProof(makeProof({ claims: { nonce: nonces.issue() } }), options(withNonces));
  });
  it('no nonce → ERR_DPOP_NONCE_REQUIRED, claim nonce, missing', async () => {
    expectError(await refusal(makeProof(), withNonces), 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'missing');
  });
  it('a nonce of another secret → ERR_DPOP_NONCE_REQUIRED, mismatch', async () => {
    const other = createDPoPNonces({ secret: Buffer.alloc(32, 2), clock: () => new Date(time) });
    expectError(await refusal(makeProof({ claims: { nonce: other.issue() } }), withNonces), 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'mismatch');
  });
  it("the previous window's nonce is accepted; an older one → ERR_DPOP_NONCE_REQUIRED", async () => {
    const nonce = nonces.issue();
    time += 300_000;
    try {
      await verifyDPoPProof(makeProof({ claims: { nonce } }), options(withNonces));
      time += 300_000;
      expectError(await refusal(makeProof({ claims: { nonce } }), withNonces), 'ERR_DPOP_NONCE_REQUIRED', 'nonce', 'mismatch');
    } finally {
      time = NOW * 1000;
    }
  });
  it('a nonce that is not a string → ERR_DPOP_PROOF_INVALID, claim nonce, type', async () => {
    expectError(await refusal(makeProof({ claims: { nonce: 7 } }), withNonces), 'ERR_DPOP_PROOF_INVALID', 'nonce', 'type');
  });
  it('without "nonces", a nonce claim is ignored', async () => {
    await verifyDPoPProof(makeProof({ claims: { nonce: 'whatever' } }), options());
  });
  it('a nonce is asked for only of a proof that passed every other check', async () => {
    expectError(await refusal(makeProof({ claims: { htm: 'POST' } }), withNonces), 'ERR_DPOP_PROOF_INVALID', 'htm', 'mismatch');
  });
});

describe('§11.1: a proof is accepted once (the replay cache)', () => {
  it('the same proof twice → the second is refused: claim jti, replayed', async () => {
    const replayCache = new MemoryDPoPReplayCache();
    const proof = makeProof();
    await verifyDPoPProof(proof, options({ replayCache }));
    expectError(await refusal(proof, { replayCache }), 'ERR_DPOP_PROOF_INVALID', 'jti', 'replayed');
  });
  it('one jti with two different keys: both accepted (the cache is keyed by key and jti)', async () => {
    const replayCache = new MemoryDPoPReplayCache();
    await verifyDPoPProof(makeProof({ alg: 'ES256', claims: { jti: 'same' } }), options({ replayCache }));
    await verifyDPoPProof(makeProof({ alg: 'EdDSA', claims: { jti: 'same' } }), options({ replayCache }));
    expectError(
      await refusal(makeProof({ alg: 'EdDSA', claims: { jti: 'same' } }), { replayCache }),
      'ERR_DPOP_PROOF_INVALID',
      'jti',
      'replayed',
    );
  });
  it('a proof refused by another check is not remembered', async () => {
    const replayCache = new MemoryDPoPReplayCache();
    const proof = makeProof({ claims: { ath: tokenHash(ACCESS_TOKEN) } });
    await refusal(proof, { replayCache, accessToken: `${ACCESS_TOKEN}x` });
    expect(replayCache.size).toBe(0);
    await verifyDPoPProof(proof, options({ replayCache, accessToken: ACCESS_TOKEN }));
    expect(replayCache.size).toBe(1);
  });
  it('the cache is asked to remember the proof until the end of its lifetime, at the call time', async () => {
    const calls: Array<[string, number, number]> = [];
    const replayCache: DPoPReplayCache = {
      async checkAndRemember(key, expiresAt, now) {
        calls.push([key, expiresAt, now]);
        return true;
      },
    };
    await verifyDPoPProof(makeProof({ claims: { iat: NOW - 10 } }), options({ replayCache }));
    expect(calls).toHaveLength(1);
    const [key, expiresAt, now] = calls[0] as [string, number, number];
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe(NOW - 10 + 60 + 5 + 1);
    expect(now).toBe(NOW);
  });
  it('replayCache: false accepts a replayed proof (an explicit choice)', async () => {
    const proof = makeProof();
    await verifyDPoPProof(proof, options({ replayCache: false }));
    await verifyDPoPProof(proof, options({ replayCache: false }));
  });
  it('a cache that fails → ERR_STORE_UNAVAILABLE (fail closed); its JwtError passes through', async () => {
    const broken: DPoPReplayCache = {
      checkAndRemember: async () => {
        throw new Error('connection reset');
      },
    };
    expectError(await refusal(makeProof(), { replayCache: broken }), 'ERR_STORE_UNAVAILABLE');
    const down: DPoPReplayCache = {
      checkAndRemember: async () => {
        throw new JwtError('ERR_STORE_UNAVAILABLE', 'down');
      },
    };
    expectError(await refusal(makeProof(), { replayCache: down }), 'ERR_STORE_UNAVAILABLE');
  });
  it('a cache answering anything but true is a replay', async () => {
    const odd = { checkAndRemember: async () => 'yes' } as unknown as DPoPReplayCache;
    expectError(await refusal(makeProof(), { replayCache: odd }), 'ERR_DPOP_PROOF_INVALID', 'jti', 'replayed');
  });
});

describe('options (misuse)', () => {
  const proof = makeProof();
  it.each([
    ['no replayCache', { replayCache: undefined }],
    ['HS256 in algorithms', { algorithms: ['HS256'] }],
    ['none in algorithms', { algorithms: ['none'] }],
    ['an empty algorithms list', { algorithms: [] }],
    ['a path as url', { url: '/orders' }],
    ['a ws: url', { url: 'ws://api.example/orders' }],
    ['no method', { method: undefined }],
    ['a method with a space', { method: 'GET ' }],
    ['maxAge 0', { maxAge: 0 }],
    ['maxAge over 5 minutes', { maxAge: '6m' }],
    ['clockTolerance over 300', { clockTolerance: 301 }],
    ['an empty accessToken', { accessToken: '' }],
    ['nonces that are not createDPoPNonces', { nonces: {} }],
    ['an unknown option name', { htm: 'GET' }],
  ])('%s → ERR_INVALID_OPTION', async (_case, changes) => {
    expectError(await refusal(proof, changes as Partial<VerifyDPoPProofOptions>), 'ERR_INVALID_OPTION');
  });
});
