// Per-route hooks: authenticate(options) in a route's onRequest, with its own requirements.
import Fastify from 'fastify';
import { generateKeyPair, sign } from 'jwtkit';
import { authenticate, getAuth, requireRoles, type AuthenticateOptions } from 'jwtkit/fastify';

const { privateKey, publicKey } = await generateKeyPair('ES256');
const authOptions: AuthenticateOptions = { key: publicKey, verify: { algorithms: ['ES256'], audience: 'api' } };

const app = Fastify();
app.get('/reports', { onRequest: authenticate({ ...authOptions, requiredScopes: ['reports:read'] }) }, async (request) => ({
  user: getAuth(request).payload.sub,
}));
app.delete('/users/:id', { onRequest: [authenticate(authOptions), requireRoles(['admin'])] }, async () => ({ deleted: true }));

const reader = await sign({ sub: 'ada', scope: 'reports:read' }, privateKey, { alg: 'ES256', audience: 'api', expiresIn: '5m' });
const reports = await app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${reader}` } });
console.log(reports.statusCode, reports.json()); // 200 { user: 'ada' }
const denied = await app.inject({ method: 'DELETE', url: '/users/7', headers: { authorization: `Bearer ${reader}` } });
console.log(denied.statusCode, denied.json().error); // 403 insufficient_scope
const anonymous = await app.inject({ method: 'GET', url: '/reports' });
console.log(anonymous.statusCode, anonymous.headers['www-authenticate']); // 401 Bearer realm="api"
await app.close();
