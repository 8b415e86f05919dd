/**
 * The RFC 8725 (and 8725bis) checklist items that apply to the sign/verify layer, each mapped to
 * the tests that cover it (the table under docs/security.md "RFC 8725 checklist"). The mapping is
 * itself tested: every referenced file must exist and contain the referenced `describe` title, so
 * it cannot silently rot. JWE items map to the tests of src/jwe (docs/encrypted-tokens.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Coverage = ReadonlyArray<readonly [file: string, describeTitle: string]>;

/** The test files, relative to test/, by the catalogue letter of their describe ids. */
const A = 'jws/algorithms.test.ts';
const B = 'jws/key.test.ts';
const C = 'jws/header.test.ts';
const D = 'jws/signature.test.ts';
const E = 'jws/parse.test.ts';
const F = 'encoding/json.test.ts';
const G = 'jwt/claims.test.ts';
const H = 'jwt/claims.test.ts';
const M = 'jwt/sign.test.ts';
const VERIFY = 'jwt/verify.test.ts';
const WY = 'jws/vectors-wycheproof-jws.test.ts';
const JWE_DECRYPT = 'jwe/decrypt.test.ts';
const JWE_JWT = 'jwe/jwt.test.ts';
const JWE_CEK = 'jwe/random-cek.test.ts';
const JWE_RFC = 'jwe/vectors-rfc.test.ts';
const JWE_WY = 'jwe/vectors-wycheproof.test.ts';
const JWE_PROPERTIES = 'jwe/properties.test.ts';

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
  '§2.3 JWS vs JWE composition ([bis] tell JWS from JWE)': [
    [E, 'E28.'],
    [JWE_JWT, 'nested JWTs'],
  ],
  '§2.4 compression (zip header refused)': [
    [E, 'E28.'],
    [JWE_DECRYPT, 'header and structure rules'],
  ],
  '§2.5 ECDH-ES invalid curve': [
    [JWE_CEK, 'ECDH-ES: an ephemeral key of another curve'],
    [JWE_WY, 'ECDH (webcrypto JWK files)'],
    [JWE_WY, 'X25519'],
  ],
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
  '[bis] §2.10 PBES2 p2c (PBES2 not implemented: refused)': [[JWE_RFC, 'RFC 7520 §5']],
  '[bis] §2.11 algorithm checks not defensively written ("noNE")': [
    [A, 'A1.'],
    [A, 'A3.'],
  ],
  '[bis] §2.12 JWE decompression bomb (zip refused)': [[JWE_DECRYPT, 'header and structure rules']],
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
  '§3.2 ECDSA nonces (deterministic ECDSA is a documented gap; Ed25519 is deterministic)': [[D, '§3.2']],
  '§3.3 validate all cryptographic operations (no nesting in v1)': [[VERIFY, '§3.3']],
  '§3.4 validate cryptographic inputs (r/s ranges, lengths, key parameters)': [
    [D, 'D20.'],
    [D, 'D21.'],
    [B, 'B11.'],
  ],
  '§3.2 appropriate JWE algorithms (RSA1_5 never; RSA-OAEP SHA-1 opt-in; keys bound)': [
    [JWE_CEK, 'RSA1_5 is refused'],
    [JWE_DECRYPT, 'keys (bound'],
  ],
  '§3.3 JWE claims from public-key encryption are unauthenticated': [[JWE_JWT, 'encryptJwt / decryptJwt']],
  '§3.4 validate JWE inputs (IV, tag and CEK lengths; random CEK on unwrap failure)': [
    [JWE_DECRYPT, 'one failure after the checks'],
    [JWE_CEK, 'content decryption runs after a failed key decryption'],
    [JWE_PROPERTIES, 'properties'],
  ],
  '§3.5 sufficient key entropy (length floor)': [[B, 'B12.']],
  '§3.6 compression of encryption inputs (never compressed, zip refused)': [[JWE_DECRYPT, 'header and structure rules']],
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
  '[bis] §3.13 limit p2c (PBES2 not implemented)': [[JWE_DECRYPT, 'header and structure rules']],
  '[bis] §3.14 check the JWT format type (only A-Z a-z 0-9 - _ .)': [
    [E, 'E29.'],
    [E, 'E30.'],
  ],
  '[bis] §3.15 JWE decompression size (nothing decompressed)': [[JWE_DECRYPT, 'header and structure rules']],
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
        const text = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
        expect(text, `${file} has no describe "${title}..."`).toContain(`describe('${title}`);
      }
    });
  }
});
