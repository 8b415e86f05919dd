// The same with jwtkit.
import assert from 'node:assert/strict';
import { isJwtError, sign, verify } from 'jwtkit';

const secret = 'a-shared-secret-of-at-least-32-bytes!!'; // kept as is during the migration: see below

const token = await sign({ role: 'admin' }, secret, { alg: 'HS256', subject: 'user-1', audience: 'api', expiresIn: '15m' });

const { payload } = await verify<{ role: string }>(token, secret, { algorithms: ['HS256'], audience: 'api' });
assert.equal(payload.sub, 'user-1');
assert.equal(payload.role, 'admin');

try {
  await verify(await sign({}, secret, { alg: 'HS256', expiresIn: 0 }), secret, { algorithms: ['HS256'], clockTolerance: 0 });
} catch (error) {
  assert.ok(isJwtError(error, 'ERR_JWT_EXPIRED'));
}
