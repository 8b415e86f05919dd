import { JwtError, isJwtError, type JwtErrorDetails } from '../../errors.js';
import type { HttpReply } from './http-exchange.js';

/**
 * The error a refusal hands to the framework's error handling (`passErrors`): a copy of a
 * `JwtError`, carrying the status and headers jwtkit would have answered as `status` /
 * `statusCode` and `headers`, and `expose` for a client error (what Express's default error
 * handler, Fastify's, Koa's and the `http-errors` convention read).
 *
 * @internal
 * @module
 */

/**
 * A copy per request of the refusal's error (the same error object may answer several requests,
 * a key set's cached failure during its cooldown, and each carries its own status and headers),
 * with the answer's status and headers on it; another value is described in place when it can be.
 *
 * @internal
 */
export function passedError(error: unknown, reply: HttpReply): unknown {
  const passed = isJwtError(error) ? copyOf(error) : error;
  describeAnswer(passed, reply);
  return passed;
}

/** A new `JwtError` with the same code, message, details and cause (the stack is the copy's). */
function copyOf(error: JwtError): JwtError {
  const details: JwtErrorDetails = {};
  if (error.cause !== undefined) details.cause = error.cause;
  if (error.claim !== undefined) details.claim = error.claim;
  if (error.reason !== undefined) details.reason = error.reason;
  if (error.expiredAt !== undefined) details.expiredAt = error.expiredAt;
  return new JwtError(error.code, error.message, details);
}

/** Puts the answer's status and headers (all but the body's) on the error, where it can hold them. */
function describeAnswer(error: unknown, reply: HttpReply): void {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  const headers: Record<string, string> = {};
  for (const [name, value] of reply.headers) if (name.toLowerCase() !== 'content-type') headers[name] = value;
  try {
    Object.defineProperty(error, 'status', { value: reply.status, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(error, 'statusCode', { value: reply.status, writable: true, configurable: true, enumerable: false });
    // http-errors' convention: a client error's message may be shown, and it is not the server's
    // fault, so Koa's default handler neither hides the message nor logs a stack for each refusal.
    Object.defineProperty(error, 'expose', { value: reply.status < 500, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(error, 'headers', { value: headers, writable: true, configurable: true, enumerable: false });
  } catch {
    // A member it already holds and cannot change: the error goes on as it is.
  }
}
