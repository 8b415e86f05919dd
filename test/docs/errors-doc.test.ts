// docs/errors.md lists every error code once, and the HTTP answers it documents are the ones the
// Fetch adapter gives: for a protected resource (a key resolver throwing each code in turn) and for
// the auth endpoints (a login whose verifyCredentials throws each code). The DPoP codes are
// answered to a `DPoP` request to a resource that accepts DPoP (the `dpop` option), where they arise.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JWT_ERROR_CODES, JwtError, createDPoPNonces, createTokenService, generateSecret, type JwtErrorCode } from '../../src/index.js';
import { authenticateRequest, createAuthEndpoints } from '../../src/adapters/fetch/index.js';
import { docsDirectory } from './guide-blocks.js';

interface Row {
  code: string;
  resource: string;
  endpoint: string;
}

function rowsOf(markdown: string): Row[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| `ERR_'))
    .map((line) => {
      const cells = line.split(' | ').map((cell) => cell.trim());
      return {
        code: (cells[0] as string).replace(/^\| `|`$/g, ''),
        resource: cells[2] as string,
        endpoint: (cells[3] as string).replace(/ \|$/, ''),
      };
    });
}

const rows = rowsOf(readFileSync(join(docsDirectory, 'errors.md'), 'utf8'));
const ANY_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dQ';
/** The codes that a resource server meets on a request with the `DPoP` scheme. */
const DPOP_CODES: ReadonlySet<string> = new Set(['ERR_DPOP_PROOF_INVALID', 'ERR_DPOP_NONCE_REQUIRED', 'ERR_TOKEN_BINDING_MISMATCH']);
const nonces = createDPoPNonces({ secret: new Uint8Array(32).fill(7) });

describe('docs/errors.md', () => {
  it('has one row per error code, in the order of JWT_ERROR_CODES', () => {
    expect(rows.map((row) => row.code)).toEqual([...JWT_ERROR_CODES]);
  });

  for (const row of rows.filter((candidate) => candidate.resource !== '—')) {
    it(`documents the answer of a protected resource to ${row.code}: ${row.resource}`, async () => {
      const dpop = DPOP_CODES.has(row.code);
      const headers: Record<string, string> = dpop
        ? { authorization: `DPoP ${ANY_TOKEN}`, dpop: ANY_TOKEN }
        : { authorization: `Bearer ${ANY_TOKEN}` };
      const response = await authenticateRequest(new Request('https://api.example/orders', { headers }), {
        key: () => {
          throw new JwtError(row.code as JwtErrorCode, 'thrown by the test resolver');
        },
        verify: { algorithms: ['HS256'], audience: 'api' },
        ...(dpop ? { dpop: { mode: 'allowed' as const, origins: ['https://api.example'], replayCache: false as const, nonces } } : {}),
      });
      expect(response).toBeInstanceOf(Response);
      const { status } = response as Response;
      expect(status).toBe(Number(/^\d{3}/.exec(row.resource)?.[0]));
      const documentedError = /`([a-z_]+)`/.exec(row.resource)?.[1];
      const body = (await (response as Response).json()) as { error?: string };
      const challenge = (response as Response).headers.get('www-authenticate') ?? '';
      if (documentedError === undefined) {
        expect(challenge).toMatch(/^Bearer realm=/);
        expect(challenge).not.toContain('error=');
      } else {
        expect(body.error).toBe(documentedError);
        // The error is in the challenge of the scheme the request used (503 and 403 CSRF have none).
        if (challenge !== '') expect(challenge).toContain(`${dpop ? 'DPoP' : 'Bearer'} realm="api", error="${documentedError}"`);
        if (documentedError === 'use_dpop_nonce') expect((response as Response).headers.get('dpop-nonce')).toBe(nonces.issue());
      }
    });
  }

  const endpoints = createAuthEndpoints({
    tokens: createTokenService({ key: generateSecret('HS256'), issuer: 'https://auth.example', audience: 'api' }),
    refreshTokenTransport: 'body',
    verifyCredentials: (credentials) => {
      throw new JwtError(credentials['code'] as JwtErrorCode, 'thrown by the test login');
    },
  });

  for (const row of rows.filter((candidate) => candidate.endpoint !== '—')) {
    it(`documents the answer of an auth endpoint to ${row.code}: ${row.endpoint}`, async () => {
      const response = await endpoints.login(
        new Request('https://auth.example/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: row.code }),
        }),
      );
      expect(response.status).toBe(Number(/^\d{3}/.exec(row.endpoint)?.[0]));
      expect(((await response.json()) as { error?: string }).error).toBe(/`([a-z_]+)`/.exec(row.endpoint)?.[1]);
    });
  }
});
