import assert from 'node:assert/strict';
import { decode, generateSecret, isJwtError, sign, verify } from 'jwtkit';

const secret = generateSecret('HS256');
const yesterday = new Date(Date.now() - 86_400_000);
const expired = await sign({ sub: 'user-1' }, secret, { alg: 'HS256', expiresIn: '1h', clock: () => yesterday });

try {
  await verify(expired, secret, { algorithms: ['HS256'] });
  assert.fail('an expired token must be rejected');
} catch (error) {
  // Branch on the stable code, never on the message.
  if (!isJwtError(error, 'ERR_JWT_EXPIRED')) throw error;
  assert.ok(error.expiredAt instanceof Date);
}

// decode() reads a token WITHOUT verifying it: for logs and debugging, never for access decisions.
const { header, payload } = decode(expired);
assert.equal(header.alg, 'HS256');
assert.equal(payload.sub, 'user-1');
