// A resource server: verifies access tokens with the auth server's JWKS, never calling it otherwise.
import express from 'express';
import { createRemoteJWKS } from 'jwtkit';
import { authenticate, requireScopes, type AuthRequest } from 'jwtkit/express';
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
  app.get('/api/orders', requireScopes(['orders:read']), (req: AuthRequest<ApiClaims, express.Request>, res) => {
    res.json({ user: req.auth?.payload.sub, orders: [] });
  });
  return app;
}
