// app/api/orders/route.ts in a Next.js (App Router) project: route handlers take a Request and
// return a Response, so withAuth wraps them as they are.
import { createRemoteJWKS } from 'jwtkit';
import { requireScopes, withAuth, type RequiredAuthenticateOptions } from 'jwtkit/fetch';

const authOptions: RequiredAuthenticateOptions = {
  key: createRemoteJWKS(process.env.JWKS_URL ?? 'https://auth.example.com/.well-known/jwks.json'),
  verify: { algorithms: ['ES256'], issuer: 'https://auth.example.com', audience: 'https://api.example.com', typ: 'at+jwt' },
};

export const GET = withAuth<{ scope: string }>(
  authOptions,
  requireScopes(['orders:read'], (_request, { payload }) => Response.json({ user: payload.sub, orders: [] })),
);
