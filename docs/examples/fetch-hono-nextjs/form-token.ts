// A Fetch handler that also accepts the access token in a form body (RFC 6750 §2.2): the handler
// parses the form itself and hands it over; jwtkit never reads the request stream.
import { createRemoteJWKS } from 'jwtkit';
import { authenticateRequest, requireAnyScope, type RequiredAuthenticateOptions } from 'jwtkit/fetch';

const authOptions: RequiredAuthenticateOptions = {
  key: createRemoteJWKS('https://auth.example.com/.well-known/jwks.json'),
  verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'api' },
  profile: 'rfc9068', // typ at+jwt; iss, exp, aud, sub, client_id, iat, jti required
  validators: { header: { kid: (value) => value !== 'compromised-key' } }, // false: 401 invalid_token
  allowBodyToken: true,
};

const saveNote = requireAnyScope(['notes:write', 'admin'], async (_request, auth) => Response.json({ saved: true, by: auth.payload.sub }));

export async function POST(request: Request): Promise<Response> {
  const form = request.headers.get('content-type')?.startsWith('application/x-www-form-urlencoded')
    ? new URLSearchParams(await request.text())
    : undefined;
  const auth = await authenticateRequest(request, authOptions, { body: form });
  if (auth instanceof Response) return auth; // 401, 400 (a token in two places), 403, 503
  return saveNote(request, auth);
}
