import type { ServerResponse } from 'node:http';
import type { HttpReply } from '../core/http-exchange.js';
import { writeNodeReply } from '../core/node-exchange.js';
import { passedError } from '../core/passed-error.js';
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
  const passed = passedError(error, reply);
  try {
    next(passed);
  } catch (thrown) {
    // As handOn does: a throw from the application's own error handling is the application's.
    queueMicrotask(() => {
      throw thrown;
    });
  }
}
