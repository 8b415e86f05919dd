/**
 * security.md Part 2: the RFC 8725 (and 8725bis) checklist items that apply to the sign/verify
 * layer, each mapped to the tests that cover it. The mapping is itself tested: every referenced
 * file must exist and contain the referenced `describe` title, so it cannot silently rot. Items
 * with no test elsewhere are tested here. Items for JWE, JWKS fetching and token kinds belong to
 * other issues and are marked as such.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sign, signJws, verify, type VerifyOptions } from '../../src/index.js';
import { expectCode, FAR_FUTURE, NOW_CLOCK, testKeys } from './helpers.js';

type Coverage = ReadonlyArray<readonly [file: string, describeTitle: string]>;

const A = 'security-a-algorithms.test.ts';
const B = 'security-b-keys.test.ts';
const C = 'security-c-header-keys.test.ts';
const D = 'security-d-signatures.test.ts';
const E = 'security-e-format.test.ts';
const F = 'security-f-json.test.ts';
const G = 'security-g-header.test.ts';
const H = 'security-h-claims.test.ts';
const M = 'security-m-api.test.ts';
const HERE = 'rfc8725-checklist.test.ts';
const WY = 'vectors-wycheproof-jws.test.ts';

/** RFC 8725 item → the tests that show it (file, describe title prefix). */
const CHECKLIST: Readonly<Record<string, Coverage | string>> = {
  '§2.1 weak signatures and insufficient signature validation (none, RS→HS)': [
    [A, 'A1.'],
    [A, 'A2.'],
    [A, 'A3.'],
    [A, 'A5.'],
    [B, 'B7.'],
    [B, 'B8.'],
    [B, 'B9.'],
    [B, 'B10.'],
    [WY, 'Wycheproof'],
  ],
  '§2.2 weak symmetric keys': [[B, 'B12.']],
  '§2.3 JWS vs JWE composition ([bis] tell JWS from JWE)': [[E, 'E28.']],
  '§2.4 compression (zip header refused)': [[E, 'E28.']],
  '§2.5 ECDH-ES invalid curve': 'N/A: no JWE',
  '§2.6 multiplicity of JSON encodings': [[F, 'F36.']],
  '§2.7 substitution attacks (aud, iss)': [
    [H, 'H44.'],
    [H, 'H45.'],
  ],
  '§2.8 cross-JWT confusion (explicit typ)': [[G, 'G40.']],
  '§2.9 indirect attacks (kid, jku, x5u)': [
    [C, 'C17.'],
    [C, 'C19.'],
  ],
  '[bis] §2.10 PBES2 p2c': 'N/A: no JWE',
  '[bis] §2.11 algorithm checks not defensively written ("noNE")': [
    [A, 'A1.'],
    [A, 'A3.'],
  ],
  '[bis] §2.12 JWE decompression bomb': 'N/A: no JWE',
  '[bis] §2.13 JWT format confusion (JSON vs compact)': [[E, 'E29.']],
  '§3.1 the caller restricts the algorithms': [
    [A, 'A4.'],
    [A, 'A6.'],
  ],
  '§3.1 the header alg equals the algorithm of the operation': [
    [A, 'A5.'],
    [B, 'B7.'],
  ],
  '§3.1 each key is used with exactly one algorithm': [
    [A, 'A5.'],
    [B, 'B9.'],
    [B, 'B10.'],
    [B, 'B11.'],
  ],
  '[bis] §3.1 alg consistent with the key found via kid': [[B, 'B9.']],
  '[bis] §3.1 allow-lists, not block-lists': [
    [A, 'A1.'],
    [A, 'A3.'],
  ],
  '§3.1 per-issuer algorithms (App)': [[H, 'H45.']],
  '§3.2 only current algorithms': [[A, 'A6.']],
  '§3.2 do not generate none': [[M, 'M64.']],
  '§3.2 do not consume none': [[A, 'A1.']],
  '§3.2 ECDSA nonces (deterministic ECDSA is a documented gap; Ed25519 is deterministic)': [[HERE, '§3.2']],
  '§3.3 validate all cryptographic operations (no nesting in v1)': [[HERE, '§3.3']],
  '§3.4 validate cryptographic inputs (r/s ranges, lengths, key parameters)': [
    [D, 'D20.'],
    [D, 'D21.'],
    [B, 'B11.'],
  ],
  '§3.5 sufficient key entropy (length floor)': [[B, 'B12.']],
  '§3.6 compression of encryption inputs': 'N/A: no JWE',
  '§3.7 UTF-8 only, strictly': [[F, 'F36.']],
  '§3.8 validate issuer and subject': [
    [H, 'H45.'],
    [H, 'H46.'],
  ],
  '§3.9 use and validate audience': [[H, 'H44.']],
  '§3.10 kid must not cause injection': [[C, 'C19.']],
  '§3.10 do not follow jku / x5u': [[C, 'C17.']],
  '[bis] §3.10 treat every claim as attacker input': [
    [F, 'F33.'],
    [F, 'F34.'],
    [F, 'F35.'],
    [F, 'F37.'],
    [H, 'H41.'],
    [H, 'H46.'],
  ],
  '§3.11 explicit typing ([bis] typ without "/" means application/...)': [[G, 'G40.']],
  '§3.12 mutually exclusive validation rules (typ, aud)': [
    [G, 'G40.'],
    [H, 'H44.'],
  ],
  '[bis] §3.13 limit p2c': 'N/A: no JWE',
  '[bis] §3.14 check the JWT format type (only A-Z a-z 0-9 - _ .)': [
    [E, 'E29.'],
    [E, 'E30.'],
  ],
  '[bis] §3.15 JWE decompression size': 'N/A: no JWE',
};

describe('RFC 8725 checklist mapping', () => {
  for (const [item, coverage] of Object.entries(CHECKLIST)) {
    it(`${item}: ${typeof coverage === 'string' ? coverage : coverage.map(([file, title]) => `${file} › ${title}`).join(', ')}`, () => {
      if (typeof coverage === 'string') {
        expect(coverage).toMatch(/^N\/A: /);
        return;
      }
      expect(coverage.length).toBeGreaterThan(0);
      for (const [file, title] of coverage) {
        const text = readFileSync(new URL(file, import.meta.url), 'utf8');
        expect(text, `${file} has no describe "${title}..."`).toContain(`describe('${title}`);
      }
    });
  }
});

const keys = testKeys();
const HS: VerifyOptions = { algorithms: ['HS256'], clock: NOW_CLOCK };

describe('§3.2 signature determinism', () => {
  it('Ed25519 signatures are deterministic; ES256 signatures are randomized (node:crypto has no RFC 6979) and both verify', async () => {
    const claims = { sub: 'u', exp: FAR_FUTURE, iat: 1 };
    const ed1 = await sign(claims, keys.ed25519.privateKey, { alg: 'EdDSA' });
    const ed2 = await sign(claims, keys.ed25519.privateKey, { alg: 'EdDSA' });
    expect(ed1).toBe(ed2);
    const es1 = await sign(claims, keys.p256.privateKey, { alg: 'ES256' });
    const es2 = await sign(claims, keys.p256.privateKey, { alg: 'ES256' });
    expect(es1).not.toBe(es2);
    for (const token of [es1, es2]) {
      await expect(verify(token, keys.p256.publicKey, { algorithms: ['ES256'], clock: NOW_CLOCK })).resolves.toBeDefined();
    }
  });
});

describe('§3.3 nested JWTs are not unwrapped', () => {
  it('a JWS whose payload is another compact JWT (cty "JWT") fails as a JWT: the payload is not a JSON object', async () => {
    const inner = await sign({ sub: 'admin', exp: FAR_FUTURE }, keys.hs256, { alg: 'HS256' });
    const outer = await signJws(inner, keys.hs256, { alg: 'HS256', header: { cty: 'JWT' } });
    await expectCode(() => verify(outer, keys.hs256, HS), 'ERR_JWT_MALFORMED');
  });
});
