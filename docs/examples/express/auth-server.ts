// The auth server: login, refresh and logout endpoints, and the JWKS that resource servers use.
import express from 'express';
import { createKeyRing, createTokenService, generateKeyPair } from 'jwtkit';
import { createAuthEndpoints, createJWKSEndpoint } from 'jwtkit/express';

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'https://api.example.com';

// In production, load the keys (importKey) instead of generating them at every start. A retired key
// stays published for maxTokenLifetime: the access tokens' 15 minutes (the default accessTokenTtl)
// plus the verifiers' clock tolerance.
const ring = createKeyRing({ current: (await generateKeyPair('ES256')).privateKey, maxTokenLifetime: '16m' });

const tokens = createTokenService<{ scope: string }>({ key: ring, issuer: ISSUER, audience: AUDIENCE });

// A stand-in for your user database and password hashing.
async function checkPassword(username: unknown, password: unknown): Promise<boolean> {
  return username === 'ada' && password === 'correct horse battery staple';
}

// The refresh cookie is `Secure` (a browser keeps it only from https). For development over plain
// http, opt out explicitly: JWTKIT_DEV_INSECURE_COOKIE=1. Never derive this from NODE_ENV or a Host.
const insecureDevCookie = process.env.JWTKIT_DEV_INSECURE_COOKIE === '1';

const auth = createAuthEndpoints({
  tokens,
  verifyCredentials: async ({ username, password }) =>
    (await checkPassword(username, password)) ? { subject: 'user-1', claims: { scope: 'orders:read' } } : null,
  cookie: { path: '/auth', secure: !insecureDevCookie },
});

export const authApp = express();
authApp.post('/auth/login', auth.login);
authApp.post('/auth/refresh', auth.refresh);
authApp.post('/auth/logout', auth.logout);
authApp.post('/auth/logout-everywhere', auth.logoutEverywhere);
authApp.get('/.well-known/jwks.json', createJWKSEndpoint({ jwks: () => ring.jwks(), cacheMaxAge: '10m' }));
