/**
 * The HTTP mapping of every error code (docs/errors.md "Every code") and the RFC 6750 challenge quoting.
 */
import { describe, expect, it } from 'vitest';
import {
  authenticationErrorReply,
  bearerChallenge,
  endpointErrorReply,
  insufficientScopeReply,
  quoteHeaderValue,
  requestError,
  tokenRequestError,
} from '../../../src/adapters/core/error-replies.js';
import type { HttpReply } from '../../../src/adapters/core/http-exchange.js';
import { JWT_ERROR_CODES, JwtError } from '../../../src/index.js';
import type { JwtErrorCode } from '../../../src/index.js';

function header(reply: HttpReply, name: string): string | undefined {
  return reply.headers.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
}

/** The status a protected resource answers for each code (the "resource" column of docs/errors.md "Every code"). */
const RESOURCE_STATUS: Readonly<Record<JwtErrorCode, number>> = {
  ERR_JWT_MALFORMED: 401,
  ERR_JWT_TOO_LARGE: 401,
  ERR_JWT_ALG_NOT_ALLOWED: 401,
  ERR_JWT_SIGNATURE_INVALID: 401,
  ERR_JWT_UNSUPPORTED_HEADER: 401,
  ERR_JWT_TYPE_MISMATCH: 401,
  ERR_JWT_EXPIRED: 401,
  ERR_JWT_NOT_YET_VALID: 401,
  ERR_JWT_CLAIM_INVALID: 401,
  ERR_JWT_REVOKED: 401,
  ERR_BASE64URL_INVALID: 401,
  ERR_JWE_MALFORMED: 401,
  ERR_JWE_TOO_LARGE: 401,
  ERR_JWE_ALG_NOT_ALLOWED: 401,
  ERR_JWE_UNSUPPORTED_HEADER: 401,
  ERR_JWE_DECRYPTION_FAILED: 401,
  ERR_KEY_INVALID: 401,
  ERR_JWKS_INVALID: 503,
  ERR_JWKS_NO_MATCHING_KEY: 401,
  ERR_JWKS_FETCH: 503,
  ERR_REFRESH_INVALID: 401,
  ERR_REFRESH_REUSED: 401,
  ERR_REFRESH_REVOKED: 401,
  ERR_REFRESH_EXPIRED: 401,
  ERR_STORE_UNAVAILABLE: 503,
  ERR_CSRF: 403,
  ERR_REQUEST_INVALID: 400,
  ERR_REQUEST_TIMEOUT: 401,
  ERR_CREDENTIALS_MISSING: 401,
  ERR_CREDENTIALS_INVALID: 401,
  ERR_INSUFFICIENT_SCOPE: 403,
  ERR_DPOP_PROOF_INVALID: 401,
  ERR_DPOP_NONCE_REQUIRED: 401,
  ERR_TOKEN_BINDING_MISMATCH: 401,
  ERR_INVALID_OPTION: 401,
};

describe('authenticationErrorReply (protected resources)', () => {
  it.each(JWT_ERROR_CODES.map((code) => [code]))('%s has its status', (code) => {
    const reply = authenticationErrorReply(new JwtError(code, 'detail that must not show: kid=secret-kid'), 'api');
    expect(reply.status).toBe(RESOURCE_STATUS[code]);
    expect(reply.body).not.toContain('secret-kid');
    expect(reply.body).not.toContain('detail');
    expect(header(reply, 'cache-control')).toBe('no-store');
    expect(header(reply, 'pragma')).toBe('no-cache');
  });

  it('401 invalid_token for anything that is not a JwtError (a resolver bug), without its message', () => {
    for (const thrown of [new TypeError('x is undefined at /srv/a.js:1:1'), 'a string', undefined, null, { code: 'ERR_CSRF' }]) {
      const reply = authenticationErrorReply(thrown, 'api');
      expect(reply.status).toBe(401);
      expect(header(reply, 'www-authenticate')).toBe(
        'Bearer realm="api", error="invalid_token", error_description="The access token is not valid"',
      );
      expect(reply.body).toBe('{"error":"invalid_token","error_description":"The access token is not valid"}');
    }
  });

  it('no credentials: realm only; unavailable: no challenge at all', () => {
    expect(header(authenticationErrorReply(new JwtError('ERR_CREDENTIALS_MISSING', 'm'), 'r'), 'www-authenticate')).toBe(
      'Bearer realm="r"',
    );
    expect(header(authenticationErrorReply(new JwtError('ERR_STORE_UNAVAILABLE', 'm'), 'r'), 'www-authenticate')).toBeUndefined();
  });

  it('413 and 415 request errors keep their status and carry no challenge', () => {
    const tooLarge = authenticationErrorReply(requestError('too big', 413), 'api');
    expect(tooLarge.status).toBe(413);
    expect(header(tooLarge, 'www-authenticate')).toBeUndefined();
  });
});

describe('endpointErrorReply (auth endpoints)', () => {
  it('maps refresh failures to invalid_grant, store outages to 503, and everything unknown to a bare 500', () => {
    expect(endpointErrorReply(new JwtError('ERR_REFRESH_REUSED', 'm'))).toMatchObject({ status: 401, body: '{"error":"invalid_grant"}' });
    expect(endpointErrorReply(new JwtError('ERR_CREDENTIALS_INVALID', 'm'))).toMatchObject({
      status: 401,
      body: '{"error":"invalid_credentials"}',
    });
    expect(endpointErrorReply(new JwtError('ERR_STORE_UNAVAILABLE', 'm'))).toMatchObject({
      status: 503,
      body: '{"error":"temporarily_unavailable"}',
    });
    expect(endpointErrorReply(new JwtError('ERR_CSRF', 'm')).status).toBe(403);
    expect(endpointErrorReply(requestError('m', 415)).status).toBe(415);
    expect(endpointErrorReply(new JwtError('ERR_REQUEST_TIMEOUT', 'm'))).toMatchObject({
      status: 408,
      body: '{"error":"invalid_request","error_description":"The request body did not arrive in time"}',
    });
    expect(endpointErrorReply(new JwtError('ERR_KEY_INVALID', 'm'))).toMatchObject({ status: 500, body: '{"error":"server_error"}' });
    expect(endpointErrorReply(new RangeError('boom'))).toMatchObject({ status: 500, body: '{"error":"server_error"}' });
  });

  it('answers token-endpoint errors in the body, never with a challenge (RFC 6749 §5.2, RFC 9449 §5 and §8)', () => {
    const bodyOf = (reply: HttpReply): unknown => JSON.parse(reply.body ?? '');
    const binding = endpointErrorReply(new JwtError('ERR_TOKEN_BINDING_MISMATCH', 'm', { claim: 'cnf.jkt', reason: 'mismatch' }));
    expect([binding.status, bodyOf(binding)]).toEqual([400, { error: 'invalid_grant' }]);
    const proof = endpointErrorReply(new JwtError('ERR_DPOP_PROOF_INVALID', 'm'));
    expect([proof.status, (bodyOf(proof) as { error: string }).error]).toEqual([400, 'invalid_dpop_proof']);
    const nonce = endpointErrorReply(new JwtError('ERR_DPOP_NONCE_REQUIRED', 'm'), { nonce: () => 'n-1' });
    expect([nonce.status, (bodyOf(nonce) as { error: string }).error, header(nonce, 'dpop-nonce')]).toEqual([400, 'use_dpop_nonce', 'n-1']);
    // A nonce issuer that gives nothing: refused all the same, without the header.
    expect(
      header(endpointErrorReply(new JwtError('ERR_DPOP_NONCE_REQUIRED', 'm'), { nonce: () => undefined }), 'dpop-nonce'),
    ).toBeUndefined();
    for (const reply of [binding, proof, nonce]) expect(header(reply, 'www-authenticate')).toBeUndefined();
    // The form grant: invalid_grant is 400; its malformed requests name their OAuth error.
    expect(endpointErrorReply(new JwtError('ERR_REFRESH_REVOKED', 'm'), { grantStatus: 400 }).status).toBe(400);
    const grantType = endpointErrorReply(tokenRequestError('m', 'unsupported_grant_type'));
    expect([grantType.status, (bodyOf(grantType) as { error: string }).error]).toEqual([400, 'unsupported_grant_type']);
    expect((bodyOf(endpointErrorReply(tokenRequestError('m', 'invalid_scope'))) as { error: string }).error).toBe('invalid_scope');
  });
});

describe('challenge quoting (RFC 9110 quoted-string)', () => {
  it('escapes quotes and backslashes and replaces characters that could break the header', () => {
    expect(quoteHeaderValue('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
    expect(quoteHeaderValue('line\r\nSet-Cookie: x=1')).toBe('"line??Set-Cookie: x=1"');
    expect(quoteHeaderValue('é')).toBe('"?"');
  });

  it('builds the insufficient_scope challenge with the scope attribute', () => {
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', scope: 'read write' })).toBe(
      'Bearer realm="api", error="insufficient_scope", scope="read write"',
    );
    const reply = insufficientScopeReply('api', 'read');
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body as string)).toEqual({
      error: 'insufficient_scope',
      error_description: 'The access token does not grant access to this resource',
      scope: 'read',
    });
  });
});
