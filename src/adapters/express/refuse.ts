import type { ServerResponse } from 'node:http';
import { JwtError, isJwtError, type JwtErrorDetails } from '../../errors.js';
import type { HttpReply } from '../core/http-exchange.js';
import { writeNodeReply } from '../core/node-exchange.js';
import type { NextFunction } from './authenticate.js';

/**
 * Answers a refusal of `authenticate` or a requirement helper, or, with `passErrors`, hands the
 * error to Express's error handling (`next(error)`) with the status and headers jwtkit would have
 * answered, as `status` and `headers` (what Express's default error handler and the `http-errors`
 * convention read).
 *
 * @internal
 */
export function refuse(res: ServerResponse, next: NextFunction, reply: HttpReply, error: unknown, passErrors: boolean): void {
  if (!passErrors) {
    writeNodeReply(res, reply);
    return;
  }
  // A copy per request: the same error object may answer several requests (a key set's cached
  // failure during its cooldown), and each carries its own status and headers.
  const passed = isJwtError(error) ? copyOf(error) : error;
  describeAnswer(passed, reply);
  try {
    next(passed);
  } catch (thrown) {
    // As handOn does: a throw from the application's own error handling is the application's.
    queueMicrotask(() => {
      throw thrown;
    });
  }
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
    Object.defineProperty(error, 'headers', { value: headers, writable: true, configurable: true, enumerable: false });
  } catch {
    // A member it already holds and cannot change: the error goes on as it is.
  }
}
