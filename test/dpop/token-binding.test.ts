/**
 * checkTokenBinding: the `cnf` of a sender-constrained access token against what the request
 * proves (RFC 9449 §6.1, §7.1: `jkt`; RFC 8705 §3: `x5t#S256`), and certificateThumbprint
 * (RFC 8705 §3.1) against the thumbprints OpenSSL computed for the fixtures.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { certificateThumbprint, checkTokenBinding, type CheckTokenBindingOptions } from '../../src/index.js';
import { caught, expectError } from './helpers.js';

const fixture = (name: string): X509Certificate =>
  new X509Certificate(readFileSync(new URL(`../fixtures/certificates/${name}`, import.meta.url)));
const client1 = fixture('client-1.pem');
const client2 = fixture('client-2.pem');
/** As OpenSSL computed them (test/fixtures/certificates/README.md). */
const X5T_CLIENT_1 = 'Fkz5ozcLNiDcpxEJ-1IEuAYXX1oL7npyH41wHIYamTM';
const X5T_CLIENT_2 = 'GSLtWOdMDczmClkv7IedY4W7ORz802-vM7M7R45buoQ';

const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const OTHER_JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';

async function refusal(claims: object, options: CheckTokenBindingOptions): Promise<unknown> {
  return caught(() => checkTokenBinding(claims, options));
}

describe('certificateThumbprint (RFC 8705 §3.1)', () => {
  it('is the Base64Url SHA-256 of the DER, as OpenSSL computes it', () => {
    expect(certificateThumbprint(client1)).toBe(X5T_CLIENT_1);
    expect(certificateThumbprint(client2.raw)).toBe(X5T_CLIENT_2);
    expect(certificateThumbprint(new Uint8Array(client1.raw))).toBe(createHash('sha256').update(client1.raw).digest('base64url'));
  });
  it.each([
    ['empty bytes', new Uint8Array()],
    ['PEM text', client1.toString()],
    ['nothing', undefined],
  ])('%s → ERR_INVALID_OPTION', async (_case, certificate) => {
    expectError(await caught(() => certificateThumbprint(certificate as never)), 'ERR_INVALID_OPTION');
  });
});

describe('a token without cnf (a bearer token)', () => {
  it('is accepted as Bearer, with or without a client certificate', () => {
    checkTokenBinding({ sub: 'u' });
    checkTokenBinding({ sub: 'u' }, { clientCertificate: client1 });
  });
  it('is refused with the DPoP scheme: claim cnf, missing', async () => {
    expectError(await refusal({ sub: 'u' }, { dpopThumbprint: JKT }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf', 'missing');
  });
});

describe('a DPoP-bound token (cnf.jkt)', () => {
  const token = { sub: 'u', cnf: { jkt: JKT } };
  it('is accepted with a proof of its key', () => {
    checkTokenBinding(token, { dpopThumbprint: JKT });
  });
  it('with a proof of another key → claim cnf.jkt, mismatch', async () => {
    expectError(await refusal(token, { dpopThumbprint: OTHER_JKT }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.jkt', 'mismatch');
  });
  it('compared exactly (no case folding)', async () => {
    expectError(await refusal(token, { dpopThumbprint: JKT.toLowerCase() }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.jkt', 'mismatch');
  });
  it('presented as Bearer (no proof) → claim cnf.jkt, missing, even with a client certificate', async () => {
    expectError(await refusal(token, {}), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.jkt', 'missing');
    expectError(await refusal(token, { clientCertificate: client1 }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.jkt', 'missing');
  });
  it('a jkt that is not a string → claim cnf.jkt, type', async () => {
    expectError(await refusal({ cnf: { jkt: [JKT] } }, { dpopThumbprint: JKT }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.jkt', 'type');
  });
});

describe('a certificate-bound token (cnf["x5t#S256"], RFC 8705 §3)', () => {
  const token = { sub: 'u', cnf: { 'x5t#S256': X5T_CLIENT_1 } };
  it('is accepted with its certificate, as an X509Certificate or DER bytes', () => {
    checkTokenBinding(token, { clientCertificate: client1 });
    checkTokenBinding(token, { clientCertificate: client1.raw });
  });
  it('with another certificate → claim cnf.x5t#S256, mismatch', async () => {
    expectError(await refusal(token, { clientCertificate: client2 }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.x5t#S256', 'mismatch');
  });
  it('without a certificate → claim cnf.x5t#S256, missing', async () => {
    expectError(await refusal(token, {}), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.x5t#S256', 'missing');
  });
  it('with the DPoP scheme (a proof but no jkt) → claim cnf.jkt, missing', async () => {
    expectError(
      await refusal(token, { dpopThumbprint: JKT, clientCertificate: client1 }),
      'ERR_TOKEN_BINDING_MISMATCH',
      'cnf.jkt',
      'missing',
    );
  });
});

describe('a token bound both ways: both must hold', () => {
  const token = { cnf: { jkt: JKT, 'x5t#S256': X5T_CLIENT_1 } };
  it('accepted with both', () => {
    checkTokenBinding(token, { dpopThumbprint: JKT, clientCertificate: client1 });
  });
  it('refused with the proof alone, the certificate alone, or one of them wrong', async () => {
    expectError(await refusal(token, { dpopThumbprint: JKT }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.x5t#S256', 'missing');
    expectError(await refusal(token, { clientCertificate: client1 }), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf.jkt', 'missing');
    expectError(
      await refusal(token, { dpopThumbprint: JKT, clientCertificate: client2 }),
      'ERR_TOKEN_BINDING_MISMATCH',
      'cnf.x5t#S256',
      'mismatch',
    );
    expectError(
      await refusal(token, { dpopThumbprint: OTHER_JKT, clientCertificate: client1 }),
      'ERR_TOKEN_BINDING_MISMATCH',
      'cnf.jkt',
      'mismatch',
    );
  });
});

describe('a cnf jwtkit cannot check is refused (never a bearer token)', () => {
  it.each([
    ['another confirmation method (jwk)', { jwk: { kty: 'EC' } }],
    ['another method beside jkt', { jkt: JKT, kid: 'k1' }],
    ['x5t (SHA-1) instead of x5t#S256', { x5t: 'abc' }],
    ['an empty cnf', {}],
    ['a string', JKT],
    ['an array', [JKT]],
    ['null', null],
  ])('%s → claim cnf, type', async (_case, cnf) => {
    for (const options of [{}, { dpopThumbprint: JKT }, { clientCertificate: client1 }]) {
      expectError(await refusal({ cnf }, options), 'ERR_TOKEN_BINDING_MISMATCH', 'cnf', 'type');
    }
  });
});

describe('misuse', () => {
  it.each([
    ['claims that are not an object', () => checkTokenBinding(null as never)],
    ['a dpopThumbprint that is not a string', () => checkTokenBinding({}, { dpopThumbprint: 1 as never })],
    ['a clientCertificate that is not a certificate', () => checkTokenBinding({}, { clientCertificate: 'PEM' as never })],
    ['an unknown option', () => checkTokenBinding({}, { thumbprint: JKT } as never)],
  ])('%s → ERR_INVALID_OPTION', async (_case, call) => {
    expectError(await caught(call), 'ERR_INVALID_OPTION');
  });
});
