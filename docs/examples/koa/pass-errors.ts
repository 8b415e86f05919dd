// passErrors: true hands each refusal to the app's error handling, as Koa's own ctx.throw would:
// a JwtError with status and headers (the WWW-Authenticate challenge), and its code.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { generateKeyPair, isJwtError } from 'jwtkit';
import { authenticate, getAuth } from 'jwtkit/koa';

const { publicKey } = await generateKeyPair('EdDSA');

const app = new Koa();
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    if (!isJwtError(error)) throw error;
    // status and headers are what jwtkit would have answered; the body is yours.
    ctx.status = (error as { status?: number }).status ?? 500;
    ctx.set((error as { headers?: Record<string, string> }).headers ?? {});
    ctx.body = { problem: error.code };
  }
});
app.use(authenticate({ key: publicKey, verify: { algorithms: ['EdDSA'], audience: 'api' }, passErrors: true }));
app.use((ctx) => {
  ctx.body = { user: getAuth(ctx).payload.sub };
});

const server = createServer(app.callback()).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
try {
  const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/me`, {
    headers: { authorization: 'Bearer not-a-token' },
  });
  assert.match(answer.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  console.log(answer.status, await answer.text()); // 401 {"problem":"ERR_JWT_MALFORMED"}
} finally {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
