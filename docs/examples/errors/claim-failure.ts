import assert from 'node:assert/strict';
import { generateSecret, isJwtError, sign, verify } from 'jwtkit';

const secret = generateSecret('HS256');
const token = await sign({ sub: 'user-1' }, secret, { alg: 'HS256', audience: 'billing', expiresIn: '5m' });

try {
  await verify(token, secret, { algorithms: ['HS256'], audience: 'api' });
  assert.fail('the audience does not match');
} catch (error) {
  if (!isJwtError(error)) throw error; // a bug, not a bad token
  assert.equal(error.code, 'ERR_JWT_CLAIM_INVALID');
  assert.equal(error.claim, 'aud'); // which claim failed
  assert.equal(error.reason, 'mismatch'); // 'missing' | 'type' | 'mismatch' | 'future' | 'too_old' | 'milliseconds'
}
