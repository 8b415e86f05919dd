// A resource server: verifies access tokens with the auth server's JWKS, never calling it otherwise.
import express from 'express';
import { createRemoteJWKS } from 'jwtkit';
import { authenticate, getAuth, requireScopes } from 'jwtkit/express';
import { AUDIENCE, ISSUER } from './auth-server.js';

interface ApiClaims {
  scope: string;
}

export function createApiApp(jwksUrl: string): express.Express {
  const app = express();
  app.use(
    '/api',
    authenticate<ApiClaims>({
      key: createRemoteJWKS(jwksUrl), // cached; refetched on an unknown kid
      verify: { algorithms: ['ES256'], issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt' },
    }),
  );
  app.get('/api/orders', requireScopes(['orders:read']), (req, res) => {
    // The verified token; throws (a 500) if authenticate did not run for this route.
    const { payload } = getAuth<ApiClaims>(req);
    res.json({ user: payload.sub, orders: [] });
  });
  return app;
}
