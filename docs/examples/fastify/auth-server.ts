// The auth server on Fastify: the login, refresh and logout routes as one plugin under /auth, and
// the JWKS that resource servers use.
import Fastify from 'fastify';
import { createKeyRing, createTokenService, generateKeyPair } from 'jwtkit';
import { createAuthEndpoints, createJWKSEndpoint } from 'jwtkit/fastify';

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'https://api.example.com';

const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '16m' });
const tokens = createTokenService<{ scope: string }>({ key: ring, issuer: ISSUER, audience: AUDIENCE });

// A stand-in for your user database and password hashing.
async function checkPassword(username: unknown, password: unknown): Promise<boolean> {
  return username === 'ada' && password === 'correct horse battery staple';
}

export const authApp = Fastify();
// An encapsulated plugin: the prefix is the refresh cookie's path (the default, '/auth'). It
// reads its own bodies (JSON, and the token-request form), so your parsers and bodyLimit stay yours.
authApp.register(
  createAuthEndpoints({
    tokens,
    verifyCredentials: async ({ username, password }) =>
      (await checkPassword(username, password)) ? { subject: 'user-1', claims: { scope: 'orders:read' } } : null,
    cookie: { path: '/auth', secure: process.env.JWTKIT_DEV_INSECURE_COOKIE !== '1' },
  }),
  { prefix: '/auth' },
);
authApp.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks(), cacheMaxAge: '10m' }));
