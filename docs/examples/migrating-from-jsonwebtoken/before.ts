// jsonwebtoken 9: what many applications have today.
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';

const secret = 'a-shared-secret-of-at-least-32-bytes!!';

const token = jwt.sign({ role: 'admin' }, secret, { algorithm: 'HS256', subject: 'user-1', audience: 'api', expiresIn: '15m' });

const payload = jwt.verify(token, secret, { algorithms: ['HS256'], audience: 'api' });
assert.ok(typeof payload === 'object' && payload.sub === 'user-1');

try {
  jwt.verify(jwt.sign({}, secret, { expiresIn: -10 }), secret, { algorithms: ['HS256'] });
} catch (error) {
  assert.ok(error instanceof jwt.TokenExpiredError);
}
