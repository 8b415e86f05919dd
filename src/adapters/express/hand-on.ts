import type { NextFunction } from './authenticate.js';

/**
 * Calls `next` once the request is answered by jwtkit or handed on. If the application's `next`
 * throws, the error is given back to `next` once (Express routes it to the app's error handler);
 * if that throws too, it is rethrown outside jwtkit, as a throw from the app's own callback would be.
 *
 * @internal
 */
export function handOn(next: NextFunction): void {
  try {
    next();
  } catch (error) {
    try {
      next(error);
    } catch (again) {
      queueMicrotask(() => {
        throw again;
      });
    }
  }
}
