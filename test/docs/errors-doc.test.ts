// docs/errors.md lists every error code once, and the HTTP answers it documents are the ones the
// Fetch adapter gives: for a protected resource (a key resolver throwing each code in turn) and for
// the auth endpoints (a login whose verifyCredentials throws each code).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JWT_ERROR_CODES, JwtError, createTokenService, generateSecret, type JwtErrorCode } from '../../src/index.js';
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

describe('docs/errors.md', () => {
  it('has one row per error code, in the order of JWT_ERROR_CODES', () => {
    expect(rows.map((row) => row.code)).toEqual([...JWT_ERROR_CODES]);
  });

  for (const row of rows.filter((candidate) => candidate.resource !== '—')) {
    it(`documents the answer of a protected resource to ${row.code}: ${row.resource}`, async () => {
      const response = await authenticateRequest(
        new Request('https://api.example/orders', { headers: { authorization: `Bearer ${ANY_TOKEN}` } }),
        {
          key: () => {
            throw new JwtError(row.code as JwtErrorCode, 'thrown by the test resolver');
          },
          verify: { algorithms: ['HS256'], audience: 'api' },
        },
      );
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
