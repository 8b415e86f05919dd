import type { FastifyReply, HookHandlerDoneFunction } from 'fastify';
import type { HttpReply } from '../core/http-exchange.js';
import { passedError } from '../core/passed-error.js';

/**
 * Sends a reply through Fastify's `reply` (so the application's `onSend` hooks see it). A reply to
 * a body that was too large (413) or did not arrive in time (408) closes the connection, as
 * `writeNodeReply` does on `node:http`; after a 408 the socket is destroyed once the reply is
 * written, so a client that stalls its body cannot keep it.
 *
 * @internal
 */
export function sendReply(reply: FastifyReply, answer: HttpReply): void {
  if (reply.sent) return;
  reply.code(answer.status);
  const cookies: string[] = [];
  for (const [name, value] of answer.headers) {
    if (name.toLowerCase() === 'set-cookie') cookies.push(value);
    else reply.header(name, value);
  }
  if (cookies.length > 0) reply.header('set-cookie', cookies);
  if (answer.status === 408 || answer.status === 413) reply.header('connection', 'close');
  if (answer.status === 408) {
    const socket = reply.raw.socket;
    reply.raw.once('finish', () => socket?.destroy());
  }
  reply.send(answer.body);
}

/**
 * Answers a refusal of a hook, or, with `passErrors`, hands the error to Fastify's error handling
 * (`done(error)`) with the status and headers jwtkit would have answered, as `status` and
 * `headers` (both of which Fastify's error handling reads).
 *
 * @internal
 */
export function refuse(reply: FastifyReply, done: HookHandlerDoneFunction, answer: HttpReply, error: unknown, passErrors: boolean): void {
  if (passErrors) done(passedError(error, answer) as Error);
  else sendReply(reply, answer);
}
