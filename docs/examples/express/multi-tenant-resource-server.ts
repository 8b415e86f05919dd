// A resource server for several tenants: the issuer comes from the request's host, each tenant's
// keys are discovered once (RFC 8414 metadata) and verify only that tenant's tokens.
import express from 'express';
import { discoverJWKS } from 'jwtkit';
import { authenticate, getAuth, requireAnyScope } from 'jwtkit/express';

const TENANTS = new Set(['https://acme.auth.example.com/', 'https://globex.auth.example.com/']);

export function createTenantApi(): express.Express {
  const app = express();
  app.use(express.urlencoded({ extended: false })); // parses form bodies, for allowBodyToken
  app.use(
    '/api',
    authenticate({
      issuers: {
        allowed: (issuer) => TENANTS.has(issuer), // checked before any key set is fetched
        // https://api.acme.example.com → https://acme.auth.example.com/; undefined refuses (401)
        fromRequest: ({ origin }) => {
          const tenant = origin?.match(/^https:\/\/api\.([a-z]+)\.example\.com$/)?.[1];
          return tenant === undefined ? undefined : `https://${tenant}.auth.example.com/`;
        },
        keys: (issuer) => discoverJWKS(issuer, { wellKnown: 'oauth-authorization-server' }), // once per issuer
      },
      verify: { algorithms: ['RS256', 'ES256'], audience: 'https://api.example.com' },
      profile: 'rfc9068', // typ at+jwt; iss, exp, aud, sub, client_id, iat, jti required
      validators: {
        claims: { client_id: async (value) => value !== 'retired-client' }, // false: 401 invalid_token
      },
      allowBodyToken: true, // RFC 6750 §2.2: access_token in a form POST, PUT or PATCH
    }),
  );
  app.get('/api/reports', requireAnyScope(['reports:read', 'admin']), (req, res) => {
    res.json({ user: getAuth(req).payload.sub });
  });
  return app;
}
