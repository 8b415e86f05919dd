// During the migration, tokens issued by jsonwebtoken keep working with jwtkit, and back.
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { sign, verify } from 'jwtkit';

const secret = 'a-shared-secret-of-at-least-32-bytes!!';

const old = jwt.sign({ sub: 'user-1' }, secret, { algorithm: 'HS256', expiresIn: '15m' });
const { payload } = await verify(old, secret, { algorithms: ['HS256'] });
assert.equal(payload.sub, 'user-1');

const fresh = await sign({ sub: 'user-2' }, secret, { alg: 'HS256', expiresIn: '15m' });
const decoded = jwt.verify(fresh, secret, { algorithms: ['HS256'] });
assert.ok(typeof decoded === 'object' && decoded.sub === 'user-2');
