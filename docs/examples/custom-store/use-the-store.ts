import assert from 'node:assert/strict';
import { createTokenService, generateSecret } from 'jwtkit';
import { TableRefreshTokenStore } from './table-refresh-token-store.js';

const store = new TableRefreshTokenStore();
const tokens = createTokenService({ key: generateSecret('HS256'), issuer: 'https://auth.example', audience: 'api', store });

const first = await tokens.issue('user-1');
const second = await tokens.refresh(first.refreshToken);
assert.notEqual(second.refreshToken, first.refreshToken);

// Run the clean-up now and then (a cron job, a timer): it removes what expired.
await store.deleteExpired(Math.floor(Date.now() / 1000));
