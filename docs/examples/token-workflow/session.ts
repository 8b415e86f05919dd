import assert from 'node:assert/strict';
import { MemoryRefreshTokenStore, MemoryRevocationStore, createTokenService, generateKeyPair, isJwtError } from 'jwtkit';

const { privateKey } = await generateKeyPair('ES256');

const tokens = createTokenService<{ scope: string }>({
  key: privateKey,
  issuer: 'https://auth.example.com',
  audience: 'https://api.example.com',
  accessTokenTtl: '15m',
  refreshTokenTtl: '30d',
  store: new MemoryRefreshTokenStore(), // one process; see redis-and-postgres.md for more
  revocationStore: new MemoryRevocationStore(),
});

// 1. Login: once the password checks out, start a session.
const login = await tokens.issue('user-1', { scope: 'orders:read' });
assert.equal(login.tokenType, 'Bearer');
assert.equal(login.expiresIn, 900);

// 2. Every API request carries `Authorization: Bearer <accessToken>`.
const { payload } = await tokens.verifyAccessToken(login.accessToken);
assert.equal(payload.sub, 'user-1');
assert.equal(payload.scope, 'orders:read');

// 3. When the access token expires, the client trades its refresh token for a new pair.
//    The presented refresh token is used up (rotation).
const second = await tokens.refresh(login.refreshToken);

// 4. Reuse detection: the old refresh token shows up again, so someone copied it.
//    The whole session is revoked: the thief's token and the user's newest one.
await assert.rejects(tokens.refresh(login.refreshToken), (error) => isJwtError(error, 'ERR_REFRESH_REUSED'));
await assert.rejects(tokens.refresh(second.refreshToken), (error) => isJwtError(error, 'ERR_REFRESH_REVOKED'));

// 5. Logout ends one session; logout everywhere ends all of a user's sessions.
const laptop = await tokens.issue('user-1', { scope: 'orders:read' });
const phone = await tokens.issue('user-1', { scope: 'orders:read' });
assert.equal(await tokens.revoke(laptop.refreshToken), true);
await tokens.revokeAll('user-1');
await assert.rejects(tokens.refresh(phone.refreshToken), (error) => isJwtError(error, 'ERR_REFRESH_REVOKED'));

// An access token can also be revoked before it expires (its `jti` goes on the deny list).
const fresh = await tokens.issue('user-2', { scope: 'orders:read' });
await tokens.revokeAccessToken(fresh.accessToken);
await assert.rejects(tokens.verifyAccessToken(fresh.accessToken), (error) => isJwtError(error, 'ERR_JWT_REVOKED'));
