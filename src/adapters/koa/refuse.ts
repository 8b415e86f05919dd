import type { HttpReply } from '../core/http-exchange.js';
import { passedError } from '../core/passed-error.js';
import { writeKoaReply, type KoaContext } from './koa-exchange.js';

/**
 * Answers a refusal of `authenticate` or a requirement middleware, or, with `passErrors`, throws
 * the error with the status and headers jwtkit would have answered (`status`, `statusCode`,
 * `headers`: what Koa's `ctx.onerror` sets on the answer), for the app's error handling.
 *
 * @internal
 */
export function refuse(ctx: KoaContext, reply: HttpReply, error: unknown, passErrors: boolean): void {
  if (!passErrors) {
    writeKoaReply(ctx, reply);
    return;
  }
  throw passedError(error, reply);
}
