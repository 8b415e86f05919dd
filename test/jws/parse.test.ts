/**
 * E27–E32, token format and Base64url, plus J50: the token size limit (maxTokenLength, default
 * 8192 → ERR_JWT_TOO_LARGE; docs/security.md "What jwtkit rejects, and why"). Tokens:
 * ERR_JWT_MALFORMED. The public codec `base64url.decode`: ERR_BASE64URL_INVALID.
 */
import { describe, expect, it } from 'vitest';
import { base64url, decode, verify, verifyJws, verifySync, type VerifyOptions } from '../../src/index.js';
import {
  b64u,
  expectCode,
  expectCodeSync,
  FAR_FUTURE,
  forge,
  fromB64u,
  loadVectors,
  NOW,
  NOW_CLOCK,
  parts,
  testKeys,
} from '../helpers/core.js';

const P = { sub: 'admin', iat: NOW, exp: FAR_FUTURE };
const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };
const valid = forge('HS256', { alg: 'HS256', typ: 'JWT' }, P, keys.hs256);
const [H, B, S] = parts(valid);

/** The `hs256` group of Wycheproof json_web_signature_test.json (tcIds 1-17). */
const wycheproofHs256 = loadVectors<{
  testGroups: Array<{ comment: string; private?: { k: string }; tests: Array<{ tcId: number; jws: unknown }> }>;
}>('wycheproof/json_web_signature_test.json').testGroups[0];

describe('E27. wrong number of segments, empty segments', () => {
  const key = new Uint8Array(fromB64u(wycheproofHs256?.private?.k as string));
  const byId = new Map(wycheproofHs256?.tests.map((test) => [test.tcId, test.jws]));

  it('the Wycheproof hs256 group key is the one its tcId 1 was made with', async () => {
    await expect(verifyJws(byId.get(1) as string, key, { algorithms: ['HS256'] })).resolves.toEqual({
      header: { alg: 'HS256', kid: 'kid-aes-sign' },
      payload: new TextEncoder().encode('foo'),
    });
  });

  for (const tcId of [4, 7, 9, 10, 11, 12, 13, 14, 15]) {
    it(`Wycheproof tcId ${tcId} → ERR_JWT_MALFORMED`, async () => {
      await expectCode(() => verifyJws(byId.get(tcId) as string, key, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
    });
  }

  it('Wycheproof tcIds 3 (empty signature) and 6 (empty payload) are rejected before any result', async () => {
    for (const tcId of [3, 6]) {
      await expectCode(
        () => verifyJws(byId.get(tcId) as string, key, { algorithms: ['HS256'] }),
        'ERR_JWT_SIGNATURE_INVALID',
        'ERR_JWT_MALFORMED',
      );
    }
  });

  it('".", "..", "...", "a.b", four segments, a leading ".", "\\n" appended or prepended → ERR_JWT_MALFORMED', async () => {
    const inputs = [
      '.',
      '..',
      '...',
      'a.b',
      'a.b.c.d',
      `.${valid}`,
      `${valid}\n`,
      `\n${valid}`,
      ` ${valid}`,
      `${valid} `,
      `${valid}.`,
      `.${B}.${S}`,
      `${H}${B}${S}`,
    ];
    for (const token of inputs) {
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      expectCodeSync(() => decode(token), 'ERR_JWT_MALFORMED');
    }
  });

  it('"header.." (empty payload and signature) → rejected as a missing signature', async () => {
    await expectCode(() => verify(`${H}..`, keys.hs256, HS), 'ERR_JWT_SIGNATURE_INVALID', 'ERR_JWT_MALFORMED');
  });

  it('a JWT whose payload segment is empty fails (the JWS layer allows empty bytes; a Claims Set cannot be empty)', async () => {
    const emptyPayload = forge('HS256', { alg: 'HS256' }, '', keys.hs256);
    await expect(verifyJws(emptyPayload, keys.hs256, { algorithms: ['HS256'] })).resolves.toMatchObject({ payload: new Uint8Array(0) });
    await expectCode(() => verify(emptyPayload, keys.hs256, HS), 'ERR_JWT_MALFORMED');
  });
});

describe('E28. a JWE (5 segments) handed to the JWS verifier', () => {
  it('any 5-segment token, including one whose header is {"alg":"dir","enc":"A128GCM"} → ERR_JWT_MALFORMED', async () => {
    const jweHeader = b64u('{"alg":"dir","enc":"A128GCM"}');
    for (const token of [`${jweHeader}..${b64u('iv')}.${b64u('ciphertext')}.${b64u('tag')}`, `${H}.${B}.${S}.${S}.${S}`]) {
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
    }
  });

  it('a 3-segment token whose header has JWE-only "enc" or "zip" → ERR_JWT_UNSUPPORTED_HEADER', async () => {
    for (const header of [
      { alg: 'HS256', enc: 'A128GCM' },
      { alg: 'HS256', zip: 'DEF' },
    ]) {
      await expectCode(() => verify(forge('HS256', header, P, keys.hs256), keys.hs256, HS), 'ERR_JWT_UNSUPPORTED_HEADER');
    }
  });
});

describe('E29. JSON serialization and non-string input', () => {
  it('flattened and general JSON serializations (and one embedding a compact token) → ERR_JWT_MALFORMED', async () => {
    const flattened = JSON.stringify({ payload: B, protected: H, signature: S });
    const general = JSON.stringify({ payload: B, signatures: [{ protected: H, signature: S }] });
    const embedding = JSON.stringify({ token: valid });
    for (const token of [flattened, general, embedding]) {
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
    }
  });

  it('a Buffer, an object, a number, null, undefined, an array or a String object instead of a string → ERR_JWT_MALFORMED', async () => {
    const inputs: unknown[] = [
      Buffer.from(valid),
      new TextEncoder().encode(valid),
      { token: valid },
      42,
      null,
      undefined,
      [valid],
      new String(valid),
    ];
    for (const token of inputs) {
      await expectCode(() => verify(token as string, keys.hs256, HS), 'ERR_JWT_MALFORMED');
      expect(() => verifySync(token as string, keys.hs256, HS)).toThrow(expect.objectContaining({ code: 'ERR_JWT_MALFORMED' }));
      await expectCode(() => verifyJws(token as string, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
      expectCodeSync(() => decode(token as string), 'ERR_JWT_MALFORMED');
    }
  });
});

describe('E30. Base64url alphabet violations in any segment → ERR_JWT_MALFORMED', () => {
  // Positions are chosen inside each segment so the change always lands in that segment.
  const mutations: Array<[string, (segment: string) => string]> = [
    ['"=" appended', (s) => `${s}=`],
    ['"==" appended', (s) => `${s}==`],
    ['a character replaced by "+"', (s) => `+${s.slice(1)}`],
    ['a character replaced by "/"', (s) => `/${s.slice(1)}`],
    ['a space inserted', (s) => `${s.slice(0, 4)} ${s.slice(4)}`],
    ['a tab inserted', (s) => `${s.slice(0, 4)}\t${s.slice(4)}`],
    ['"\\n" inserted', (s) => `${s.slice(0, 4)}\n${s.slice(4)}`],
    ['"\\r" inserted', (s) => `${s.slice(0, 4)}\r${s.slice(4)}`],
    ['"?" inserted', (s) => `${s.slice(0, 4)}?${s.slice(4)}`],
    ['"#" inserted', (s) => `${s.slice(0, 4)}#${s.slice(4)}`],
    ['"é" inserted', (s) => `${s.slice(0, 4)}é${s.slice(4)}`],
    ['U+FF21 "Ａ" replacing the first character', (s) => `Ａ${s.slice(1)}`],
    ['"%" inserted', (s) => `${s.slice(0, 4)}%${s.slice(4)}`],
  ];
  for (const [name, mutate] of mutations) {
    it(name, async () => {
      for (const index of [0, 1, 2] as const) {
        const segments = [H, B, S];
        segments[index] = mutate(segments[index] as string);
        const token = segments.join('.');
        await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_MALFORMED');
        await expectCode(() => verifyJws(token, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
      }
    });
  }

  it('Node would have accepted every one of these (why a strict decoder is needed)', () => {
    expect(Buffer.from(`${S}=`, 'base64url').equals(fromB64u(S))).toBe(true);
    expect(Buffer.from(`${S.slice(0, 4)} ${S.slice(4)}`, 'base64url').equals(fromB64u(S))).toBe(true);
  });
});

describe('E31. non-canonical encodings (trailing bits, impossible lengths)', () => {
  it('base64url.decode refuses "YR", "YS", "YT", "YW==", "YQ=", length 4k+1, and accepts "YQ"', () => {
    expect(Buffer.from(base64url.decode('YQ')).toString()).toBe('a');
    // "YWJ": the low 2 bits of "J" (0b001001) are not zero; "YWI" is the canonical "ab".
    expect(Buffer.from(base64url.decode('YWI')).toString()).toBe('ab');
    for (const text of ['YR', 'YS', 'YT', 'YW==', 'YQ=', 'YWJjZ', 'Y', 'YWJ', 'YW Jj', 'YW+j', 'YW/j', 'YWJj\n', '=', '====']) {
      expectCodeSync(() => base64url.decode(text), 'ERR_BASE64URL_INVALID');
    }
  });

  it('the low unused bits: for length % 4 == 2 the last char must have 4 zero low bits, for % 4 == 3 two', () => {
    // "QQ" = "A", "QR".."Qf" differ only in discarded bits.
    expect(Buffer.from(base64url.decode('QQ')).toString()).toBe('A');
    for (const last of 'RSTUVWXYZabcdef') expectCodeSync(() => base64url.decode(`Q${last}`), 'ERR_BASE64URL_INVALID');
    // "QUI" = "AB"; "QUJ", "QUK", "QUL" differ only in discarded bits.
    expect(Buffer.from(base64url.decode('QUI')).toString()).toBe('AB');
    for (const last of 'JKL') expectCodeSync(() => base64url.decode(`QU${last}`), 'ERR_BASE64URL_INVALID');
  });

  it('Wycheproof tcIds 374 and 375 (payload "AB" with a MAC valid for that non-canonical text) → ERR_JWT_MALFORMED', async () => {
    const group = loadVectors<{
      testGroups: Array<{ comment: string; private?: { k: string }; tests: Array<{ tcId: number; jws: string }> }>;
    }>('wycheproof/json_web_signature_test.json').testGroups.find((candidate) => candidate.comment === 'base64');
    const key = new Uint8Array(fromB64u(group?.private?.k as string));
    for (const tcId of [374, 375]) {
      const token = group?.tests.find((test) => test.tcId === tcId)?.jws as string;
      await expectCode(() => verifyJws(token, key, { algorithms: ['HS256'] }), 'ERR_JWT_MALFORMED');
    }
  });

  it("a valid token whose signature's last character differs only in discarded bits → ERR_JWT_MALFORMED", async () => {
    // An HS256 tag is 32 bytes = 43 characters; the last one carries 2 discarded bits.
    expect(S).toHaveLength(43);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const lastValue = alphabet.indexOf(S[42] as string);
    for (const discarded of [1, 2, 3]) {
      const twin = `${H}.${B}.${S.slice(0, 42)}${alphabet[lastValue | discarded]}`;
      expect(fromB64u(parts(twin)[2]).equals(fromB64u(S))).toBe(true); // Node sees the same bytes
      await expectCode(() => verify(twin, keys.hs256, HS), 'ERR_JWT_MALFORMED');
    }
  });

  it('a header or payload segment of length 4k+1 → ERR_JWT_MALFORMED', async () => {
    const to4kPlus1 = (segment: string): string => segment + 'A'.repeat((5 - (segment.length % 4)) % 4 || 4);
    expect(to4kPlus1(H).length % 4).toBe(1);
    expect(to4kPlus1(B).length % 4).toBe(1);
    expect(to4kPlus1(S).length % 4).toBe(1);
    await expectCode(() => verify(`${to4kPlus1(H)}.${B}.${S}`, keys.hs256, HS), 'ERR_JWT_MALFORMED');
    await expectCode(() => verify(`${H}.${to4kPlus1(B)}.${S}`, keys.hs256, HS), 'ERR_JWT_MALFORMED');
    await expectCode(() => verify(`${H}.${B}.${to4kPlus1(S)}`, keys.hs256, HS), 'ERR_JWT_MALFORMED');
  });
});

describe('E32. token string identity', () => {
  it('equivalent encodings that Node would treat as the same token are never accepted, so the exact string has one meaning', async () => {
    // The only accepted encoding of a token is the canonical one (E30, E31); together with D22
    // (ECDSA malleability, test/jws/signature.test.ts) this is why revocation keys on jti, not
    // the string.
    await expect(verify(valid, keys.hs256, HS)).resolves.toEqual({ header: { alg: 'HS256', typ: 'JWT' }, payload: P });
    for (const twin of [`${H}.${B}.${S}=`, `${H}=.${B}.${S}`, `${H}.${B}==.${S}`]) {
      await expectCode(() => verify(twin, keys.hs256, HS), 'ERR_JWT_MALFORMED');
    }
  });
});

describe('J50. size limit before any parsing', () => {
  it('default maxTokenLength is 8192: 8193 characters → ERR_JWT_TOO_LARGE; 8192 is parsed', async () => {
    const pad = (length: number): string => {
      const base = forge('HS256', { alg: 'HS256' }, { ...P, pad: '' }, keys.hs256);
      const extra = length - base.length;
      // Each 3 bytes of payload add 4 characters; choose a pad whose encoding hits the length exactly.
      for (let chars = Math.max(0, Math.floor((extra * 3) / 4) - 3); chars < extra; chars++) {
        const token = forge('HS256', { alg: 'HS256' }, { ...P, pad: 'x'.repeat(chars) }, keys.hs256);
        if (token.length === length) return token;
      }
      throw new Error(`could not build a token of ${length} characters`);
    };
    const atLimit = pad(8192);
    const overLimit = pad(8193);
    expect(atLimit).toHaveLength(8192);
    expect(overLimit).toHaveLength(8193);
    await expect(verify(atLimit, keys.hs256, HS)).resolves.toMatchObject({ payload: { ...P, pad: expect.stringMatching(/^x+$/) } });
    await expectCode(() => verify(overLimit, keys.hs256, HS), 'ERR_JWT_TOO_LARGE');
    await expectCode(() => verifyJws(overLimit, keys.hs256, { algorithms: ['HS256'] }), 'ERR_JWT_TOO_LARGE');
    expectCodeSync(() => decode(overLimit), 'ERR_JWT_TOO_LARGE');
    await expect(verify(overLimit, keys.hs256, { ...HS, maxTokenLength: 8193 })).resolves.toMatchObject({
      payload: { ...P, pad: expect.stringMatching(/^x+$/) },
    });
    await expectCode(() => verify(atLimit, keys.hs256, { ...HS, maxTokenLength: 8191 }), 'ERR_JWT_TOO_LARGE');
  });

  it('a 10 MB string, "a.".repeat(1e6) and a 5 MB payload segment → ERR_JWT_TOO_LARGE (checked before splitting)', async () => {
    for (const token of ['a'.repeat(10_000_000), 'a.'.repeat(1_000_000), `${H}.${'A'.repeat(5_000_000)}.${S}`]) {
      await expectCode(() => verify(token, keys.hs256, HS), 'ERR_JWT_TOO_LARGE');
    }
  });

  it('a bad maxTokenLength is misuse: ERR_INVALID_OPTION', async () => {
    for (const maxTokenLength of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '8192']) {
      await expectCode(() => verify(valid, keys.hs256, { ...HS, maxTokenLength: maxTokenLength as number }), 'ERR_INVALID_OPTION');
    }
  });
});
